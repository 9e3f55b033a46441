"""Property-based tests (hypothesis) on every parser and on custom_id / modal decoding: whatever is
typed, the answer is a value or a clear InputError/UserFacingError, never an uncaught exception."""

from __future__ import annotations

import re
import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bot.errors import UserFacingError
from bot.modals import ModalRegistry, PersistentModal, submitted_values
from bot.services.journal import parse_entry_ref
from bot.services.privacy import CONFIRM_PHRASE, phrase_matches
from bot.timeparse import (
    available_zones,
    describe_days,
    next_occurrence,
    parse_days,
    parse_future_date,
    parse_time,
    parse_zone,
    zone_choices,
)

FAST = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Text people actually type: any unicode, emoji, digits from other scripts, lookalikes, control chars.
TYPED = st.one_of(
    st.text(max_size=80),
    st.text(alphabet="0123456789:.hapmAPM ٣²¹⁰０１２：", max_size=12),
    st.sampled_from(
        ["21:00", "9pm", "24:00", "12:60", "0:00", "99:99", "7.30am", "12am", "-1:00", "9", "🕘"]
    ),
)
DAYS = st.one_of(
    st.text(max_size=60),
    st.lists(
        st.sampled_from(
            ["mon", "tue", "wed", "thu", "fri", "sat", "sun", "daily", "weekdays", "weekends", "x"]
        ),
        max_size=9,
    ).map(",".join),
)


def clear(error: UserFacingError) -> None:
    assert error.message.strip(), "an error must say something"
    assert len(error.message) < 500


@FAST
@given(TYPED)
@example("²:00")
@example("９pm")
def test_parse_time_returns_a_time_or_a_clear_error(text: str) -> None:
    try:
        parsed = parse_time(text)
    except UserFacingError as error:
        clear(error)
    else:
        assert isinstance(parsed, time)


@FAST
@given(st.one_of(st.none(), DAYS))
def test_parse_days_returns_a_mask_or_a_clear_error(text: str | None) -> None:
    try:
        mask = parse_days(text)
    except UserFacingError as error:
        clear(error)
    else:
        assert 1 <= mask <= 127
        assert describe_days(mask)


@FAST
@given(st.one_of(st.text(max_size=70), st.sampled_from(available_zones()), st.just("Europe/../etc/passwd")))
@example("../../../../etc/passwd")
@example("Europe/Paris\x00")
@example("UTC+5")
def test_parse_zone_returns_a_zone_or_a_clear_error(text: str) -> None:
    try:
        zone = parse_zone(text)
    except UserFacingError as error:
        clear(error)
    else:
        assert isinstance(zone, zoneinfo.ZoneInfo)
    assert len(zone_choices(text)) <= 25


@FAST
@given(st.text(max_size=30), st.dates(min_value=date(2000, 1, 1), max_value=date(9998, 1, 1)))
@example("9999-12-31", date(2026, 1, 1))
@example("2026-02-30", date(2026, 1, 1))
@example("0000-01-01", date(2026, 1, 1))
def test_parse_future_date_returns_a_later_date_or_a_clear_error(text: str, today: date) -> None:
    try:
        parsed = parse_future_date(text, today)
    except UserFacingError as error:
        clear(error)
    else:
        assert parsed > today or parsed == today


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    st.times(),
    st.integers(min_value=1, max_value=127),
    st.sampled_from(["UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]),
)
def test_next_occurrence_is_strictly_later_on_a_chosen_day(
    after: datetime, at: time, mask: int, name: str
) -> None:
    zone = zoneinfo.ZoneInfo(name)
    found = next_occurrence(after, at, mask, zone)
    assert found > after
    assert found - after <= timedelta(days=8, hours=2)
    assert mask & (1 << found.astimezone(zone).weekday())


@FAST
@given(
    st.one_of(st.text(max_size=30), st.integers().map(str), st.integers(min_value=0).map(lambda n: f"#{n}"))
)
@example("²")
@example("٣")
@example("9" * 19)
@example("#" + "1" * 18)
def test_entry_references_are_an_id_or_not_found(reference: str) -> None:
    try:
        value = parse_entry_ref(reference)
    except UserFacingError as error:
        clear(error)
    else:
        assert 0 <= value < 2**63


@FAST
@given(st.text(max_size=40))
@example(CONFIRM_PHRASE.upper())
@example(f"  {CONFIRM_PHRASE}. ")
def test_the_erase_phrase_matches_only_the_words(typed: str) -> None:
    words = " ".join(typed.casefold().strip().rstrip(".!").split())
    assert phrase_matches(typed) == (words == CONFIRM_PHRASE)


JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=10),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(["custom_id", "value", "values", "component", "components", "type", "id"]),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@FAST
@given(JSONISH)
def test_modal_payloads_of_any_shape_decode_to_strings_and_lists(payload: Any) -> None:
    values = submitted_values(payload)
    for key, value in values.items():
        assert isinstance(key, str)
        assert isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


def test_the_registry_matches_whole_custom_ids_only() -> None:
    registry = ModalRegistry()

    class Form(PersistentModal, route="x:{id}"):
        pass

    registry.add(Form)
    assert registry.find("attune:x:12") is not None
    for wrong in ("attune:x:", "attune:x:12:extra", "xattune:x:12", "attune:x:" + "1" * 21, "attune:x:²"):
        assert registry.find(wrong) is None, wrong
    assert re.fullmatch(r"[0-9]{1,20}", "²") is None
