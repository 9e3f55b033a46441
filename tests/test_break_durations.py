"""How long a /break lasts, from what people type: friendly forms read, everything else refused
with a sentence that says how to write it (never a crash), and 20 minutes to 24 hours enforced."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.errors import UserFacingError
from bot.services.breaks import MAX_MINUTES, MIN_MINUTES, describe_minutes, minutes_for
from bot.timeparse import InputError, parse_duration


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [
        ("45m", 45),
        ("45 min", 45),
        ("45 minutes", 45),
        ("90", 90),
        ("1h", 60),
        ("1 hour", 60),
        ("2 hours", 120),
        ("1h30", 90),
        ("1h 30m", 90),
        ("1 h 30 min", 90),
        ("2h and 30m", 150),
        ("1:30", 90),
        ("1.5 hours", 90),
        ("1,5h", 90),
        ("half an hour", 30),
        ("an hour and a half", 90),
        ("  24H ", 1440),
    ],
)
def test_friendly_durations_are_read(typed: str, minutes: int) -> None:
    assert parse_duration(typed) == minutes


@pytest.mark.parametrize("typed", ["", "soon", "3 days", "1h30x", "12345", "1..5h", "٣٠", "-20m", "9" * 80])
def test_anything_else_is_refused_with_how_to_write_it(typed: str) -> None:
    with pytest.raises(InputError) as refused:
        parse_duration(typed)
    assert "30m" in refused.value.message and "2 hours" in refused.value.message


def test_a_break_lasts_twenty_minutes_to_a_day_thirty_by_default() -> None:
    assert minutes_for(None) == minutes_for("  ") == 30
    assert minutes_for("20m") == MIN_MINUTES and minutes_for("24h") == MAX_MINUTES
    with pytest.raises(UserFacingError, match="at least 20 minutes"):
        minutes_for("19m")
    with pytest.raises(UserFacingError, match="Did you mean 3 hours"):
        minutes_for("3")
    with pytest.raises(UserFacingError, match="under a day"):
        minutes_for("1441")
    assert [describe_minutes(m) for m in (1, 20, 60, 90, 120, 1440)] == [
        "1 minute",
        "20 minutes",
        "1 hour",
        "1 hour 30 minutes",
        "2 hours",
        "24 hours",
    ]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=60), st.text(alphabet="0123456789:.,hminoursa ٣²０", max_size=16)))
def test_whatever_is_typed_is_a_duration_or_a_clear_refusal(typed: str) -> None:
    try:
        minutes = minutes_for(typed)
    except UserFacingError as refused:
        assert refused.message.strip() and len(refused.message) < 500
    else:
        assert MIN_MINUTES <= minutes <= MAX_MINUTES
