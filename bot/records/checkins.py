"""Check-in records: schedules, rounds, answers and the occurrences a schedule produces."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Schedule:
    id: int
    kind: str
    couple_id: int | None
    user_id: int | None
    local_time: str
    weekdays: int
    timezone: str
    paused_until: str | None
    skip_next: bool
    reminder_minutes: int | None
    next_due_at: int | None

    @property
    def owner(self) -> str:
        return f"couple:{self.couple_id}" if self.kind == "couple" else f"person:{self.user_id}"


@dataclass(frozen=True)
class DueSchedule:
    schedule: Schedule
    couple_status: str | None  # None for personal schedules


@dataclass(frozen=True)
class Round:
    id: int
    schedule_id: int | None
    kind: str
    couple_id: int | None
    user_id: int | None
    due_at: int
    prompt_id: str
    status: str
    channel_id: int | None
    message_id: int | None
    post_attempts: int
    posted_at: int | None
    remind_at: int | None
    closes_at: int | None
    revealed_at: int | None
    reveal_message_id: int | None
    claimed_by: str | None = None
    reveal_attempts: int = 0
    next_attempt_at: int | None = None
    started_by: int | None = None  # who ran /checkin now: told nothing about it
    revealed_by: int | None = None  # whose answer completed the round: told nothing about the reveal
    nudge_to: str | None = None  # partners to tell by DM once posted (comma-separated ids)

    @property
    def nudge_ids(self) -> tuple[int, ...]:
        return tuple(int(part) for part in (self.nudge_to or "").split(",") if part)


@dataclass(frozen=True)
class Answer:
    round_id: int
    user_id: int
    mood: int
    body: str
    answered_at: int
    edited_at: int | None


@dataclass(frozen=True)
class Recorded:
    """What one batch of due schedules recorded: the new rounds to post, and how many rounds were
    recorded as missed instead (due longer ago than the grace: Attune was down)."""

    pending: tuple[int, ...]
    missed: int


@dataclass(frozen=True)
class Occurrence:
    """What the dispatcher decided for one due schedule (see CheckinService.plan)."""

    schedule_id: int
    was_due_at: int
    next_due_at: int | None
    paused_until: str | None
    clear_skip: bool
    round_status: str | None  # None: nothing to record (paused)
    missed_reason: str | None
    prompt_id: str | None
    kind: str
    couple_id: int | None
    user_id: int | None
    owner: str
