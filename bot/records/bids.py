"""Bid records: one person's note of a bid for connection, opened (never sealed text above the repository)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class BidKind(StrEnum):
    """What happened with the bid, as the person noted it (the values are stored)."""

    NOTICED = "noticed"
    MADE = "made"
    MISSED = "missed"
    TURNED_TOWARD = "turned-toward"


@dataclass(frozen=True)
class Bid:
    id: int
    user_id: int
    kind: BidKind
    line: str  # "" when they wrote none
    noted_at: int
    shared_at: int | None


@dataclass(frozen=True)
class BidWeek:
    """One person's notes of the last seven days, newest first, and the two counts they see.

    Only what the person themself noticed or turned toward is counted: never a miss, never anyone
    else's notes."""

    since: int
    notes: tuple[Bid, ...]  # the newest ones, at most the service's WEEK_SHOWN
    total: int  # every note of the week, of any kind (more than `notes` holds when there are many)
    noticed: int
    turned_toward: int
