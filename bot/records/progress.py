"""Progress records: rounds, moods, summaries, shares and check-ups as progress reads them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoundRow:
    due_at: int
    status: str
    missed_reason: str | None


@dataclass(frozen=True)
class MoodPoint:
    user_id: int
    at: int
    mood: int


@dataclass(frozen=True)
class OpenRound:
    round_id: int
    couple_id: int
    due_at: int
    closes_at: int


@dataclass(frozen=True)
class SummarySettings:
    couple_id: int
    weekday: int
    local_time: str
    timezone: str
    enabled: bool
    next_due_at: int | None


@dataclass(frozen=True)
class DueSummary:
    settings: SummarySettings
    couple_status: str


@dataclass(frozen=True)
class SummaryPost:
    id: int
    couple_id: int
    due_at: int
    attempts: int


@dataclass(frozen=True)
class Share:
    id: int
    user_id: int
    couple_id: int
    days: int
    status: str


@dataclass(frozen=True)
class CheckupRecord:
    """One private check-up, opened: the options picked, by question id."""

    id: int
    user_id: int
    created_at: int
    answers: dict[str, list[str]]
