"""Break records: one pause a person asked for in their couple, opened (never sealed text above the
repository), and where it stands."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BreakStatus(StrEnum):
    """Where a break stands (the values are stored; see migration 012)."""

    PREVIEW = "preview"  # shown privately, nothing posted
    POSTING = "posting"  # claimed for its one post in the couple's thread
    RUNNING = "running"  # posted: back at return_at
    REMINDING = "reminding"  # the return reminder is being posted
    REMINDED = "reminded"  # the return reminder is up, waiting for one of its buttons
    CANCELLED = "cancelled"
    ENDED = "ended"  # ended early by the person who asked
    READY = "ready"  # "I'm ready to talk"
    ANOTHER_TIME = "another-time"  # "Let's pick another time"
    MISSED = "missed"  # due while Attune was away beyond the grace: closed quietly
    LAPSED = "lapsed"  # a newer break replaced a reminded one nobody answered
    CLOSED = "closed"  # the couple was no longer active at the return time


# One of these per couple at a time (a unique index holds it).
UNDER_WAY = (BreakStatus.POSTING, BreakStatus.RUNNING, BreakStatus.REMINDING)
# A break the person who asked can still end or extend.
OPEN = (BreakStatus.RUNNING, BreakStatus.REMINDING, BreakStatus.REMINDED)


@dataclass(frozen=True)
class Break:
    id: int
    user_id: int  # who asked for the pause
    couple_id: int
    guild_id: int
    minutes: int
    line: str  # their own short line; "" when they wrote none
    status: BreakStatus
    created_at: int
    started_at: int | None
    return_at: int | None
    extended_at: int | None
    reminder_channel_id: int | None
    reminder_message_id: int | None
    closed_at: int | None

    @property
    def is_under_way(self) -> bool:
        return self.status in UNDER_WAY

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def was_extended(self) -> bool:
        return self.extended_at is not None


@dataclass(frozen=True)
class DueReturn:
    """A break whose return time has come, claimed for its reminder. `attempt` > 1: an earlier try
    (a process that crashed) may have posted it already, so look in the thread first."""

    break_: Break
    attempt: int


@dataclass(frozen=True)
class Extension:
    """The one extension: the break before it (its reminder, if any, loses its buttons) and after."""

    before: Break
    after: Break
