"""Parsing what people type (times, days, zones, dates) and finding the next local occurrence.

Every parser raises `InputError` with a sentence meant for the person, and never anything else.
"""

from __future__ import annotations

import logging
import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
ALL_DAYS = 0b1111111
WEEKDAYS = 0b0011111
WEEKENDS = 0b1100000
_DAY_ALIASES = {
    **{name: index for index, name in enumerate(DAY_NAMES)},
    **{
        full: index
        for index, full in enumerate(
            ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
        )
    },
    "tues": 1,
    "weds": 2,
    "thur": 3,
    "thurs": 3,
}


class InputError(UserFacingError):
    """What someone typed could not be understood; the message says how to write it."""


_TIME_24H = re.compile(r"^(\d{1,2})[:.h](\d{2})$", re.ASCII)
_TIME_12H = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*([ap])\.?m?\.?$", re.ASCII)


def parse_time(text: str) -> time:
    """'21:00', '9:30', '9pm', '9:30 pm', '21h00'. A bare '9' is ambiguous and refused."""
    cleaned = text.strip().lower().replace(" ", "")
    example = "Please write a time like 21:00, 9pm or 7:30am."
    if not cleaned:
        raise InputError(f"I need a time for that. {example}")
    if match := _TIME_12H.match(cleaned):
        hour, minute = int(match[1]), int(match[2] or 0)
        if not 1 <= hour <= 12 or minute > 59:
            raise InputError(f"'{_short(text)}' is not a time on a 12-hour clock. {example}")
        hour = hour % 12 + (12 if match[3] == "p" else 0)
        return time(hour, minute)
    if match := _TIME_24H.match(cleaned):
        hour, minute = int(match[1]), int(match[2])
        if hour > 23 or minute > 59:
            raise InputError(f"'{_short(text)}' is not a time of day. {example}")
        return time(hour, minute)
    if cleaned.isascii() and cleaned.isdigit():
        raise InputError(f"Did you mean {int(cleaned) % 24}:00 in the morning or evening? {example}")
    raise InputError(f"I could not read '{_short(text)}' as a time. {example}")


def parse_days(text: str | None) -> int:
    """'daily', 'weekdays', 'weekends' or a list like 'mon,wed,fri'; a bitmask, Monday = bit 0."""
    if text is None:
        return ALL_DAYS
    cleaned = text.strip().lower()
    named = {
        "daily": ALL_DAYS,
        "every day": ALL_DAYS,
        "everyday": ALL_DAYS,
        "weekdays": WEEKDAYS,
        "weekends": WEEKENDS,
        "weekend": WEEKENDS,
    }
    if cleaned in named:
        return named[cleaned]
    parts = [part for part in re.split(r"[\s,;/]+", cleaned) if part]
    if not parts:
        raise InputError("Which days? Try daily, weekdays, weekends, or a list like mon,wed,fri.")
    mask = 0
    for part in parts:
        if part not in _DAY_ALIASES:
            raise InputError(
                f"I don't know the day '{_short(part)}'. "
                "Use daily, weekdays, weekends, or mon,tue,wed,thu,fri,sat,sun."
            )
        mask |= 1 << _DAY_ALIASES[part]
    return mask


def describe_days(mask: int) -> str:
    if mask == ALL_DAYS:
        return "every day"
    if mask == WEEKDAYS:
        return "weekdays"
    if mask == WEEKENDS:
        return "weekends"
    return ", ".join(name.capitalize() for index, name in enumerate(DAY_NAMES) if mask & (1 << index))


@cache
def available_zones() -> tuple[str, ...]:
    return tuple(sorted(zoneinfo.available_timezones()))


def first_known_zone(names: list[str | None]) -> zoneinfo.ZoneInfo:
    """The first stored timezone name this system knows (a person's, then their server's), else UTC."""
    for name in names:
        if name:
            try:
                return zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                log.warning("Stored timezone is not known to this system; falling back")
    return zoneinfo.ZoneInfo("UTC")


def parse_zone(text: str) -> zoneinfo.ZoneInfo:
    name = text.strip()
    lookup = {zone.lower(): zone for zone in available_zones()}
    canonical = lookup.get(name.lower()) or ("UTC" if name.lower() in ("utc", "gmt", "z") else None)
    if canonical is None:
        raise InputError(
            f"I don't know the time zone '{_short(text)}'. Pick one from the list as you type, "
            "for example Europe/London or America/New_York."
        )
    return zoneinfo.ZoneInfo(canonical)


def zone_choices(current: str, limit: int = 25) -> list[str]:
    """Autocomplete: names containing what was typed, those starting with it first."""
    needle = current.strip().lower().replace(" ", "_")
    zones = available_zones()
    if not needle:
        return list(zones[:limit])
    starts = [zone for zone in zones if zone.lower().startswith(needle)]
    contains = [zone for zone in zones if needle in zone.lower() and zone not in starts]
    return (starts + contains)[:limit]


def parse_future_date(text: str, today: date) -> date:
    try:
        parsed = date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            f"I could not read '{_short(text)}' as a date. Please use YYYY-MM-DD, like 2026-12-24."
        ) from None
    if parsed <= today:
        raise InputError(f"{parsed.isoformat()} is not in the future. Please pick a later date.")
    return parsed


def local_instant(day: date, at: time, zone: zoneinfo.ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time on a given local day.

    A time skipped by a spring-forward change runs at the first valid minute after the gap; a
    time repeated by a fall-back change runs at its first occurrence only.
    """
    wall = datetime.combine(day, at)
    while not _exists(wall, zone):
        wall += timedelta(minutes=1)
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def _exists(wall: datetime, zone: zoneinfo.ZoneInfo) -> bool:
    round_trip = wall.replace(tzinfo=zone).astimezone(UTC).astimezone(zone).replace(tzinfo=None)
    return round_trip == wall


def next_occurrence(
    after: datetime, at: time, days: int, zone: zoneinfo.ZoneInfo, *, not_before: date | None = None
) -> datetime:
    """The first instant strictly after `after` that falls on a chosen local day at `at`."""
    local_day = after.astimezone(zone).date()
    if not_before is not None and not_before > local_day:
        local_day = not_before
    for offset in range(0, 9):
        day = local_day + timedelta(days=offset)
        if days & (1 << day.weekday()):
            candidate = local_instant(day, at, zone)
            if candidate > after:
                return candidate
    raise ValueError("days mask is empty")


def _short(text: str, limit: int = 40) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


_DURATION_UNITS = {
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 1),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 60),
}
_DURATION_CLOCK = re.compile(r"^(\d{1,2}):(\d{2})$", re.ASCII)
_DURATION_PART = re.compile(r"(\d{1,4}(?:\.\d{1,2})?)(?![\d.])\s*([a-z]*)", re.ASCII)
_DURATION_WORDS = (  # said rather than written; longest first, so "half an hour" is not "an hour"
    ("an hour and a half", "90m"),
    ("hour and a half", "90m"),
    ("half an hour", "30m"),
    ("a half hour", "30m"),
    ("half hour", "30m"),
    ("an hour", "1h"),
    ("one hour", "1h"),
    ("a day", "24h"),
)


def parse_duration(text: str) -> int:
    """Minutes, from how people say how long: '45m', '45 min', '1h30', '1h 30m', '1:30', '1.5 hours',
    '2 hours', 'half an hour', or a bare number of minutes ('90')."""
    example = "Please write how long, like 30m, 45 minutes, 1h30 or 2 hours."
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        raise InputError(f"I need a length of time for that. {example}")
    for words, written in _DURATION_WORDS:
        if cleaned == words:
            cleaned = written
    if match := _DURATION_CLOCK.match(cleaned):
        return int(match[1]) * 60 + int(match[2])
    cleaned = cleaned.replace(" and ", " ").replace(",", ".") if len(cleaned) <= 40 else ""
    total, position = 0.0, 0
    while cleaned and position < len(cleaned):
        match = _DURATION_PART.match(cleaned, position)
        if match is None or (match[2] and match[2] not in _DURATION_UNITS):
            break
        # A number with no unit is minutes: alone ("90"), or after hours ("1h30").
        total += float(match[1]) * _DURATION_UNITS.get(match[2], 1)
        position = match.end()
        while position < len(cleaned) and cleaned[position] == " ":
            position += 1
    if not cleaned or position < len(cleaned):
        raise InputError(f"I could not read '{_short(text)}' as a length of time. {example}")
    return round(total)
