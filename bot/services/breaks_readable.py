"""/break's part of the readable /privacy export (bot/services/privacy_readable.py): each break the
person asked for, in words: when, how long, how it ended, and their own line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.breaks import describe_minutes

TITLES = {"breaks": "Breaks you asked for"}
STATUS = {
    "preview": "previewed, never posted",
    "cancelled": "cancelled before posting",
    "posting": "being posted",
    "running": "under way",
    "reminding": "over, the reminder being posted",
    "reminded": "over, the reminder posted in your thread",
    "ended": "ended early",
    "ready": "over: one of you said you were ready to talk",
    "another-time": "over: one of you chose to pick another time",
    "missed": "over while Attune was away, so no reminder was posted",
    "lapsed": "over: a newer break began",
    "closed": "closed: your pairing wasn't active at the return time",
}

When = Callable[[int | None], str]  # a time in the person's own zone


def section(rows: list[dict[str, Any]], when: When) -> list[str]:
    """One line per break, oldest first."""
    out = []
    for row in sorted(rows, key=lambda r: (r.get("created_at") or 0, r.get("id", 0))):
        minutes = row.get("minutes")
        length = describe_minutes(minutes) if isinstance(minutes, int) else str(minutes)
        status = STATUS.get(row.get("status", ""), str(row.get("status")))
        line = f"- {when(row.get('created_at'))}: a pause of {length}, {status}"
        if row.get("started_at"):
            line += f"; posted {when(row.get('started_at'))}, back at {when(row.get('return_at'))}"
        if row.get("extended_at"):
            line += f" (taken longer once, {when(row.get('extended_at'))})"
        if row.get("line"):
            line += f". Your line: {' '.join(str(row['line']).split())}"
        out.append(line)
    return [*out, ""]
