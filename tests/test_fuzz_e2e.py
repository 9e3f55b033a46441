"""Random input through the real bot and the fake Discord: custom_ids of every registered template
(pressed on crafted messages), and random option text for commands that parse it. Never an
uncaught exception ("something went wrong"), always a private answer, and refusals change nothing.

Hypothesis generates the inputs (a fixed number of examples, collected up front, since the bot runs
on the test's event loop)."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.couples import pair
from tests.support.harness import BotHarness
from tests.test_privacy_authorization import crafted, refused, snapshot

WENT_WRONG = "went wrong"


def samples(strategy: st.SearchStrategy[Any], n: int) -> list[Any]:
    found: list[Any] = []

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def collect(value: Any) -> None:
        found.append(value)

    collect()
    return found


async def answer_text(ix: Any) -> str:
    await ix.response()
    if ix.response_type == 5:
        await ix.followups(1)
        return "\n".join(m.text() for m in ix.followup_messages)
    return str(ix.text())


async def test_random_custom_ids_of_every_template_are_answered_calmly(
    attune: BotHarness, world: Any
) -> None:
    """Carol owns nothing, so whatever id a custom_id names, she is refused and nothing changes."""
    fake = attune.fake
    await pair(attune, world, world.alice, world.bob)
    store = attune.running._connection._view_store
    before = snapshot(attune)
    for pattern in store._dynamic_items:
        is_select = ":pick:" in pattern.pattern
        ids = samples(st.from_regex(pattern, fullmatch=True).filter(lambda s: len(s) <= 100), 8)
        for custom_id in dict.fromkeys(ids):
            message = crafted(fake, world.general, custom_id, select=is_select)
            if is_select:
                ix = await fake.select(world.carol, message, custom_id, ["0"])
            else:
                ix = await fake.press(world.carol, message, custom_id)
            await ix.response()
            text = await answer_text(ix) if ix.response_type in (4, 5) else ""
            assert WENT_WRONG not in text, (custom_id, text)
            assert ix.modal is None or ix.response_type == 9
    assert snapshot(attune) == before


async def test_random_option_text_is_refused_clearly_and_changes_nothing(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await pair(attune, world, world.alice, world.bob)
    before = snapshot(attune)
    ids = st.one_of(
        st.text(min_size=1, max_size=30).filter(str.strip),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.sampled_from(["²", "٣", "#", "9" * 40, "1e9", "0x10", "🌙", " 1 ", "-1"]),
    )
    for value in samples(ids, 40):
        for command, option in (("journal read", "entry"), ("boundary remove", "boundary")):
            text = await refused(await fake.slash(world.alice, world.general, command, **{option: value}))
            assert WENT_WRONG not in text and text, (command, value, text)
    for value in samples(st.text(min_size=1, max_size=20).filter(str.strip), 25):
        text = await refused(await fake.slash(world.alice, world.general, "checkin pause", until=value))
        assert WENT_WRONG not in text, (value, text)
    assert snapshot(attune)["journal_entries"] == before["journal_entries"]
    assert snapshot(attune)["boundaries"] == before["boundaries"]


async def test_random_times_days_and_zones_never_break_scheduling(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await pair(attune, world, world.alice, world.bob)
    times = st.one_of(
        st.text(min_size=1, max_size=20).filter(str.strip), st.sampled_from(["9pm", "21:00", "7:30am"])
    )
    days = st.one_of(st.none(), st.text(min_size=1, max_size=60).filter(str.strip), st.just("mon,wed,fri"))
    zones = st.one_of(
        st.none(), st.text(min_size=1, max_size=64).filter(str.strip), st.just("Asia/Kathmandu")
    )
    for at, on, zone in samples(st.tuples(times, days, zones), 40):
        options = {"time": at, **({"days": on} if on else {}), **({"timezone": zone} if zone else {})}
        for command in ("checkin schedule", "checkin personal set"):
            ix = await fake.slash(world.alice, world.general, command, **options)
            text = await answer_text(ix)
            assert ix.ephemeral and text and WENT_WRONG not in text, (command, options, text)
    for zone in samples(st.text(min_size=1, max_size=64).filter(str.strip), 25):
        ix = await fake.slash(world.bob, world.general, "timezone", zone=zone)
        text = await answer_text(ix)
        assert ix.ephemeral and WENT_WRONG not in text, (zone, text)
