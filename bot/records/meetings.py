"""Couple meeting records: the weekly schedule, each meeting, its steps' reveals and the answers."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MeetingSchedule:
    id: int
    couple_id: int
    weekday: int  # 0 = Monday
    local_time: str  # HH:MM in `timezone`
    timezone: str
    skip_next: bool
    next_due_at: int | None


@dataclass(frozen=True)
class DueMeeting:
    schedule: MeetingSchedule
    couple_status: str | None  # None when the couple record is gone


@dataclass(frozen=True)
class MeetingOccurrence:
    """What the job decided for one due schedule (see MeetingService.record_due)."""

    schedule_id: int
    couple_id: int
    was_due_at: int
    next_due_at: int | None
    clear_skip: bool
    status: str | None  # None: nothing to record (the couple is paused or ended)
    missed_reason: str | None


@dataclass(frozen=True)
class Meeting:
    id: int
    couple_id: int
    due_at: int
    status: str  # 'pending' | 'open' | 'ended' | 'missed' | 'skipped'
    step: int  # the agenda step the meeting is at, 0..3
    channel_id: int | None
    message_id: int | None
    post_attempts: int
    claimed_by: str | None
    started_by: int | None  # who ran /meeting now: told nothing about it
    posted_at: int | None
    closes_at: int | None
    ended_at: int | None
    end_reason: str | None
    nudge_to: str | None  # partners to tell by DM once posted (comma-separated ids)

    @property
    def nudge_ids(self) -> tuple[int, ...]:
        return tuple(int(part) for part in (self.nudge_to or "").split(",") if part)


@dataclass(frozen=True)
class StepReveal:
    """One step whose answers are revealed together (claimed once, posted by one poster)."""

    meeting_id: int
    step: int
    status: str  # 'revealing' | 'revealed' | 'dropped'
    revealed_by: int | None  # whose action revealed it: told nothing about it
    revealed_at: int
    attempts: int
    lead_message_id: int | None


@dataclass(frozen=True)
class MeetingAnswer:
    meeting_id: int
    step: int
    user_id: int
    body: str
    written_at: int
    message_id: int | None  # its post in the thread, once revealed


@dataclass(frozen=True)
class AnswerSaved:
    """What saving an answer did: whether it replaced an earlier one, and how many partners have
    written for that step now (the reveal needs both)."""

    edited: bool
    written: int


# The agenda, in order; content/meeting.yaml gives each step its words. Stored as the index.
STEPS = ("appreciation", "went-well", "topic", "week-ahead")
TOPIC_STEP = STEPS.index("topic")
LAST_STEP = len(STEPS) - 1
