"""Parsers of what people type, and wall-clock scheduling across daylight saving changes."""

from __future__ import annotations

import contextlib
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.timeparse import (
    ALL_DAYS,
    WEEKDAYS,
    WEEKENDS,
    InputError,
    describe_days,
    local_instant,
    next_occurrence,
    parse_days,
    parse_future_date,
    parse_time,
    parse_zone,
    zone_choices,
)

NEW_YORK = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("21:00", time(21)),
        ("9pm", time(21)),
        ("9 PM", time(21)),
        ("7:30am", time(7, 30)),
        ("12am", time(0)),
        ("12pm", time(12)),
        ("09:05", time(9, 5)),
        ("21h00", time(21)),
        ("0:00", time(0)),
    ],
)
def test_common_time_forms(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["25:00", "9", "13pm", "", "noonish", "12:60", "ninepm"])
def test_bad_times_are_refused_with_a_sentence(text: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_time(text)
    assert "time" in caught.value.message.lower()


def test_day_lists() -> None:
    assert parse_days(None) == ALL_DAYS
    assert parse_days("daily") == ALL_DAYS
    assert parse_days("Weekdays") == WEEKDAYS
    assert parse_days("weekends") == WEEKENDS
    assert parse_days("mon,wed,fri") == 0b10101
    assert describe_days(0b10101) == "Mon, Wed, Fri"
    for bad in ("", " , ", "funday", "mon,xyz"):
        with pytest.raises(InputError):
            parse_days(bad)


def test_zones() -> None:
    assert parse_zone("europe/paris").key == "Europe/Paris"
    with pytest.raises(InputError, match="time zone"):
        parse_zone("Mars/Olympus")
    assert zone_choices("Europe/Par")[0] == "Europe/Paris"
    assert len(zone_choices("")) == 25


def test_dates_in_the_past_are_refused() -> None:
    today = date(2026, 11, 22)
    assert parse_future_date("2026-12-01", today) == date(2026, 12, 1)
    for bad in ("2026-11-22", "2020-01-01", "tomorrow", "2026-13-01"):
        with pytest.raises(InputError):
            parse_future_date(bad, today)


def test_spring_forward_runs_once_at_the_next_valid_time() -> None:
    # 2026-03-08: New York skips 02:00-03:00.
    instant = local_instant(date(2026, 3, 8), time(2, 30), NEW_YORK)
    assert instant.astimezone(NEW_YORK).strftime("%H:%M") == "03:00"
    before = datetime(2026, 3, 8, 0, 0, tzinfo=NEW_YORK).astimezone(UTC)
    runs = _runs_between(before, before + timedelta(days=1), time(2, 30))
    assert len(runs) == 1


def test_fall_back_runs_once() -> None:
    # 2026-11-01: New York repeats 01:00-02:00; APScheduler's cron would fire 01:30 twice.
    start = datetime(2026, 11, 1, 0, 0, tzinfo=NEW_YORK).astimezone(UTC)
    runs = _runs_between(start, start + timedelta(days=1), time(1, 30))
    assert len(runs) == 1
    assert runs[0].astimezone(NEW_YORK).utcoffset() == timedelta(hours=-4)


def test_wall_clock_time_is_kept_across_the_change() -> None:
    start = datetime(2026, 10, 30, tzinfo=UTC)
    runs = _runs_between(start, start + timedelta(days=4), time(21, 0))
    assert [run.astimezone(NEW_YORK).strftime("%H:%M") for run in runs] == ["21:00"] * 4
    assert len({run.utcoffset() for run in runs}) == 1
    assert runs[1] - runs[0] == timedelta(hours=24)
    assert runs[-1] - runs[-2] == timedelta(hours=25)  # across the fall-back night


def _runs_between(start: datetime, end: datetime, at: time) -> list[datetime]:
    runs, cursor = [], start
    while (cursor := next_occurrence(cursor, at, ALL_DAYS, NEW_YORK)) < end:
        runs.append(cursor)
    return runs


@given(st.text(max_size=30))
def test_parse_time_never_raises_anything_but_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        parse_time(text)


@given(st.text(max_size=40))
def test_parse_days_never_raises_anything_but_input_error(text: str) -> None:
    with contextlib.suppress(InputError):
        assert 1 <= parse_days(text) <= ALL_DAYS


@given(st.text(max_size=40))
def test_parse_zone_and_date_are_total(text: str) -> None:
    for parse in (parse_zone, lambda t: parse_future_date(t, date(2026, 1, 1))):
        with contextlib.suppress(InputError):
            parse(text)


@given(
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)),
    st.times(),
    st.integers(min_value=1, max_value=ALL_DAYS),
    st.sampled_from(["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]),
)
def test_next_occurrence_is_after_and_on_a_chosen_day(after, at, days, zone_name) -> None:
    zone = zoneinfo.ZoneInfo(zone_name)
    at = at.replace(second=0, microsecond=0)
    result = next_occurrence(after, at, days, zone)
    assert after < result <= after + timedelta(days=8, hours=2)
    assert days & (1 << result.astimezone(zone).weekday())


@pytest.mark.parametrize("text", ["¹", "²:00", "١٢:٣٠", "９pm"])
def test_non_ascii_digits_are_refused_kindly(text: str) -> None:
    with pytest.raises(InputError):
        parse_time(text)
