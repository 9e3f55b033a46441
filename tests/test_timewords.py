"""Time words follow the local hour: never "tonight" in the morning, never "this morning" at night."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest

from bot.timewords import TimeWords, check_placeholders, time_words


@pytest.mark.parametrize(
    ("hour", "part", "rest"),
    [
        (0, "tonight", "tonight"),
        (4, "tonight", "tonight"),
        (5, "this morning", "today"),
        (11, "this morning", "today"),
        (12, "this afternoon", "today"),
        (17, "this afternoon", "today"),
        (18, "this evening", "tonight"),
        (21, "this evening", "tonight"),
        (22, "tonight", "tonight"),
        (23, "tonight", "tonight"),
    ],
)
def test_words_by_local_hour(hour: int, part: str, rest: str) -> None:
    assert time_words(datetime(2026, 3, 2, hour, 30)) == TimeWords(part, rest)


def test_the_local_hour_is_what_counts() -> None:
    moment = datetime(2026, 3, 1, 20, 0, tzinfo=UTC)  # 05:00 on Monday in Tokyo
    assert time_words(moment).rest_of_day == "tonight"
    assert time_words(moment.astimezone(zoneinfo.ZoneInfo("Asia/Tokyo"))).rest_of_day == "today"


def test_fill_and_check() -> None:
    words = time_words(datetime(2026, 3, 2, 5, 0))
    assert words.fill("Rest {rest_of_day}; {part_of_day} is yours.") == "Rest today; this morning is yours."
    assert check_placeholders("No braces at all.") == "No braces at all."
    for bad in ("{}", "{tonight}", "{rest_of_day", "a } b"):
        with pytest.raises(ValueError):
            check_placeholders(bad)
