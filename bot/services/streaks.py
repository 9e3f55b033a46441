"""The streak rules: pure functions over a couple's or a person's recorded rounds, no I/O."""

# The rules, over hand-made histories of (due_at, status[, missed_reason]):
#
# * a round both partners answered ('revealed'; 'answered' for a personal check-in) adds one;
# * paused periods (no round recorded), skipped rounds, rounds lost to the bot being down ('missed',
#   reason 'downtime') and rounds that could not be delivered never break it, nor do rounds still open;
# * one missed round ('closed' without both answers) a week is forgiven; a second one within seven
#   days of the forgiven one breaks the streak;
# * before a streak would break, the couple gets one heads-up (see `heads_up_due`).

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

FORGIVE_WINDOW = timedelta(days=7)
HEADS_UP_HOURS = 3
COUNTED_COUPLE = frozenset({"revealed"})
COUNTED_PERSONAL = frozenset({"answered"})
MISSED = "closed"  # the round closed without being answered (by both, for a couple)


class Mark(NamedTuple):
    """One recorded round: when it was due, its status, and why it was missed (if it was)."""

    due_at: datetime
    status: str
    missed_reason: str | None = None


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    forgiven_at: datetime | None  # the forgiven miss in the current streak's last week, if any

    @property
    def forgiveness_used(self) -> bool:
        return self.forgiven_at is not None


def _as_mark(item: Mark | tuple[datetime, str] | tuple[datetime, str, str | None]) -> Mark:
    return item if isinstance(item, Mark) else Mark(*item)


def streak(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    counted: frozenset[str] = COUNTED_COUPLE,
) -> Streak:
    """The streak after these rounds (any order). Only counted rounds add; only unforgiven misses break."""
    marks = sorted((_as_mark(m) for m in history), key=lambda m: m.due_at)
    current = best = 0
    forgiven: datetime | None = None
    for mark in marks:
        if mark.status in counted:
            current += 1
            best = max(best, current)
        elif mark.status == MISSED:
            if forgiven is None or mark.due_at - forgiven >= FORGIVE_WINDOW:
                forgiven = mark.due_at  # one missed round a week is forgiven
            else:
                current, forgiven = 0, None  # the second in a week breaks it; a fresh start
        # skipped, missed (downtime / unreachable / paused), pending, open: neutral
    return Streak(current=current, best=best, forgiven_at=forgiven)


def miss_would_break(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    at: datetime,
    counted: frozenset[str] = COUNTED_COUPLE,
) -> bool:
    """Would a missed round due at `at` break a streak that is running now?"""
    marks = history_list(history)
    if streak(marks, counted).current == 0:
        return False
    after = streak([*marks, Mark(at, MISSED)], counted)
    return after.current == 0


def history_list(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
) -> list[Mark]:
    return [_as_mark(m) for m in history]


def heads_up_due(
    history: Sequence[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    open_due_at: datetime,
    closes_at: datetime,
    now: datetime,
    hours: int = HEADS_UP_HOURS,
) -> bool:
    """True when an open round closes within `hours` and missing it would break the streak.

    `history` is the couple's rounds other than the open one. Sending it only once per round is
    the repository's job (a claim keyed by round).
    """
    if not closes_at - timedelta(hours=hours) <= now < closes_at:
        return False
    earlier = [m for m in history_list(history) if m.due_at < open_due_at]
    return miss_would_break(earlier, open_due_at)


def day_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with something written, ending today (or yesterday: today isn't over yet)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count
