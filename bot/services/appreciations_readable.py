"""/appreciate's part of the readable /privacy export (bot/services/privacy_readable.py): the
appreciation log in the person's own words, the weekly DM's setting, and the offers Attune sent."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.appreciations import WEEKDAY_NAMES

# Table -> the heading its section gets.
TITLES = {
    "appreciations": "Your appreciation log",
    "appreciations_weekly": "Your weekly appreciation DM",
    "appreciations_weekly_offers": "Appreciations Attune offered back to you by DM",
}
OFFER_STATUS = {
    "pending": "about to be sent",
    "sending": "being sent",
    "sent": "sent",
    "undelivered": "not delivered: your DMs were closed",
    "missed": "not sent: Attune was away past the time",
    "nothing": "not sent: nothing kept to offer, or no pairing to send it to",
    "failed": "not sent: Discord refused it",
}
OFFER_ANSWERS = {"posted": "you posted it", "not-now": "you chose not now"}

When = Callable[[int | None], str]  # a time in the person's own zone


def section(table: str, rows: list[dict[str, Any]], when: When) -> list[str]:
    """The lines under the table's heading, oldest first."""
    out: list[str] = []
    for row in sorted(rows, key=lambda r: (r.get("created_at") or r.get("due_at") or 0, r.get("id", 0))):
        if table == "appreciations":
            out += _appreciation(row, when)
        elif table == "appreciations_weekly":
            out.append(_reminder(row, when))
        else:
            status = OFFER_STATUS.get(row.get("status", ""), row.get("status", ""))
            answer = OFFER_ANSWERS.get(row.get("answer") or "")
            out.append(f"- {when(row.get('due_at'))}: {status}" + (f"; {answer}" if answer else ""))
    if out and out[-1] != "":
        out.append("")
    return out


def _appreciation(row: dict[str, Any], when: When) -> list[str]:
    shared = f" (shared with your partner {when(row.get('shared_at'))})" if row.get("shared_at") else ""
    return [
        f"### {when(row.get('created_at'))}{shared}",
        "",
        "**What they did**",
        "",
        row.get("what") or "",
        "",
        "**What it meant to you**",
        "",
        row.get("meaning") or "",
        "",
    ]


def _reminder(row: dict[str, Any], when: When) -> str:
    weekday = row.get("weekday")
    day = WEEKDAY_NAMES[weekday] if isinstance(weekday, int) and 0 <= weekday < 7 else str(weekday)
    state = f"on, next {when(row.get('next_due_at'))}" if row.get("next_due_at") else "off"
    return f"- {day}s at {row.get('local_time')} ({row.get('timezone')}): {state}"
