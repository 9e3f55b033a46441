"""Prometheus metrics (bot/metrics.py), scraped over HTTP during an end-to-end run against the fake:
commands, buttons and forms by outcome with their latency, rounds posted, missed and failed,
meetings posted and failed, DMs refused, 429s waited, job run times; and no id and no word anyone
typed in any of it."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.check import metrics_line
from bot.config import Settings, load_settings
from tests.support.clock import FakeClock
from tests.support.couples import pair
from tests.support.harness import BotHarness, make_settings

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
SECRET_TITLE = "Lantern over the harbour"
SECRET_BODY = "Marigold whispers I never said aloud"
JOB = "attune:checkins:dispatch"

Samples = list[tuple[str, dict[str, str], float]]


@pytest.fixture
async def metered(
    fake_discord: Any, world: Any, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    settings = make_settings(fake_discord, tmp_path / "data", discord_guild_id=world.guild.id, metrics_port=0)
    runner = BotHarness(fake_discord, settings, clock)
    await runner.start()
    yield runner
    await runner.stop()


async def scrape(bot_harness: BotHarness) -> tuple[str, Samples]:
    port = bot_harness.running.metrics.port
    assert port, "metrics are served on the port the OS chose"
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"http://127.0.0.1:{port}/metrics") as response,
    ):
        assert response.status == 200
        text = await response.text()
    samples = [
        (sample.name, dict(sample.labels), sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    ]
    return text, samples


def value(samples: Samples, metric: str, /, **labels: str) -> float:
    found = [v for n, got, v in samples if n == metric and got == labels]
    assert len(found) == 1, (
        f"{metric}{labels} not exported once; exported: {sorted({n for n, _, _ in samples})}"
    )
    return found[0]


async def ok(ix: Any) -> Any:
    await ix.response()
    return ix


async def test_a_scrape_counts_what_happened_and_holds_no_id_and_no_words(
    metered: BotHarness, world: Any
) -> None:
    attune, fake = metered, metered.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)  # /setup, /pair invite, the Accept button

    # A form: a journal entry whose words must never reach the metrics.
    opened = await ok(await fake.slash(world.alice, world.general, "journal write"))
    await ok(await fake.submit_modal(world.alice, opened, {"title": SECRET_TITLE, "body": SECRET_BODY}))

    # A round that fails once (Attune lost a permission in the thread), then goes out through a 429.
    # Bob's DMs are closed, so his DM (the trouble notice, then the round's nudge) is refused.
    fake.close_dms(world.bob)
    messages = rf"^/channels/{thread.id}/messages$"
    fake.inject_fault("POST", messages, 403, code=50013, message="Missing Permissions")
    await ok(await fake.slash(world.alice, world.general, "checkin now"))
    await attune.settle()
    attune.clock.advance(minutes=2)  # past the retry's backoff
    fake.inject_fault("POST", messages, 429, retry_after=0.25)
    await attune.checkin_job.run_ready()  # the dispatcher's run, as the scheduler runs it
    await attune.settle()
    posted = [m for m in fake.messages_in(thread) if "attune:checkin:answer" in str(m.buttons())]
    assert len(posted) == 1

    # A stranger presses the round's Answer button: refused.
    refused = await ok(await fake.press(world.carol, posted[0], "Answer"))
    assert refused.ephemeral

    text, samples = await scrape(attune)
    interactions = "attune_interactions_total"
    assert value(samples, interactions, kind="command", name="pair invite", outcome="ok") == 1
    assert value(samples, interactions, kind="command", name="setup", outcome="ok") == 1
    assert value(samples, interactions, kind="component", name="pair:accept", outcome="ok") == 1
    assert value(samples, interactions, kind="modal", name="journal:write", outcome="ok") == 1
    assert value(samples, interactions, kind="component", name="checkin:answer", outcome="refused") == 1
    latency = "attune_interaction_seconds_count"
    assert value(samples, latency, kind="command", name="checkin now") == 1
    assert value(samples, latency, kind="component", name="pair:accept") == 1
    assert value(samples, "attune_checkin_rounds_failed_total", code="50013") == 1
    assert value(samples, "attune_checkin_rounds_posted_total", kind="couple") == 1
    assert value(samples, "attune_dms_refused_total") >= 1
    assert value(samples, "attune_discord_rate_limited_total", scope="user") == 1
    assert value(samples, "attune_discord_rate_limit_wait_seconds_total", scope="user") == pytest.approx(0.25)
    assert value(samples, "attune_job_run_seconds_count", job=JOB) >= 1  # at start, and ours
    assert value(samples, "attune_gateway_connected") == 1
    assert value(samples, "process_resident_memory_bytes") > 0

    # Nothing that names anyone or anything, nor a word anyone typed.
    ids = [
        world.guild.id,
        world.general.id,
        thread.id,
        *(u.id for u in (world.alice, world.bob, world.carol)),
    ]
    for snowflake in ids:
        assert str(snowflake) not in text
    for words in (SECRET_TITLE, SECRET_BODY, "alice", "bob", "carol"):
        assert words.casefold() not in text.casefold()
    # And no label that could hold one: Attune's labels are names, outcomes and Discord's error codes.
    ours = {
        v for name, labels, _ in samples if name.startswith("attune_") for k, v in labels.items() if k != "le"
    }
    assert not [v for v in ours if re.search(r"[0-9]{6,}", v)], ours


async def test_a_round_missed_while_attune_was_down_is_counted(metered: BotHarness, world: Any) -> None:
    attune, fake = metered, metered.fake
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    await ok(await fake.slash(world.alice, world.general, "checkin schedule", time="09:00"))
    attune.clock.advance(days=1, hours=5)  # hours past the 09:00 round and its grace
    await attune.checkin_job.run_ready()
    _, samples = await scrape(attune)
    assert value(samples, "attune_checkin_rounds_missed_total", reason="downtime") >= 1


async def test_metrics_are_off_unless_a_port_is_given(attune: BotHarness, tmp_path: Path) -> None:
    assert attune.running.metrics.port is None
    assert attune.running.settings.metrics_port is None
    env = {"discord_token": "x.y.z", "_env_file": None}
    assert metrics_line(load_settings(Settings, **env)).startswith("off")
    line = metrics_line(load_settings(Settings, **env, metrics_port=9108))
    assert line == "http://127.0.0.1:9108/metrics"
    line = metrics_line(load_settings(Settings, **env, metrics_port=9108, metrics_host="0.0.0.0"))
    assert line == "http://0.0.0.0:9108/metrics"


async def test_a_port_in_use_leaves_the_bot_running_without_metrics(
    fake_discord: Any, world: Any, tmp_path: Path, clock: FakeClock, metered: BotHarness
) -> None:
    taken = metered.running.metrics.port
    assert taken
    settings = make_settings(fake_discord, tmp_path / "other", metrics_port=taken)
    second = BotHarness(fake_discord, settings, clock)
    bot = await second.start()
    try:
        assert bot.metrics.port is None
        assert bot.is_ready()
    finally:
        await second.stop()


async def test_meetings_posted_and_failed_are_counted(metered: BotHarness, world: Any) -> None:
    attune, fake = metered, metered.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    # The first try fails: Attune lost its permission to post in the thread (retried later).
    fake.inject_fault(
        "POST", rf"^/channels/{thread.id}/messages$", 403, code=50013, message="Missing Permissions"
    )
    await ok(await fake.slash(world.alice, world.general, "meeting now"))
    await attune.settle()
    _, samples = await scrape(attune)
    assert value(samples, "attune_meetings_failed_total", code="50013") == 1
    assert value(samples, "attune_meetings_posted_total") == 0

    attune.clock.advance(minutes=2)  # past the retry's backoff
    await attune.meeting_job.run_ready()
    await attune.settle()
    cards = [m for m in fake.messages_in(thread) if "attune:meeting" in str(m.buttons())]
    assert len(cards) == 1
    _, samples = await scrape(attune)
    assert value(samples, "attune_meetings_posted_total") == 1
    assert value(samples, "attune_meetings_failed_total", code="50013") == 1
