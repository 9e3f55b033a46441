"""Logs never carry what a person wrote, nor the token, even at DEBUG with discord.py's HTTP logging."""

from __future__ import annotations

import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.harness import BotHarness
from tests.support.meetings import meeting_flow
from tests.support.storage import fill_the_disk, free_the_disk
from tests.test_privacy_e2e import every_flow, modal, ok

LOGGERS = (
    "",
    "discord",
    "discord.http",
    "discord.gateway",
    "discord.client",
    "discord.webhook.async_",
    "bot",
    "cogs",
)


def record_text(record: logging.LogRecord) -> str:
    """Everything a handler could write: the formatted message, raw args, and any traceback."""
    parts = [str(record.msg), repr(record.args)]
    with contextlib.suppress(Exception):  # a bad format string still shows its raw parts above
        parts.append(record.getMessage())
    if record.exc_info and record.exc_info[1] is not None:
        parts.append(repr(record.exc_info[1]))
    if record.exc_text:
        parts.append(record.exc_text)
    return "\n".join(parts)


async def test_nothing_typed_and_not_the_token_reaches_any_log_record(
    harness: BotHarness, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    await harness.start()
    typed = await every_flow(harness, world)
    fake = harness.fake
    # A couple meeting: a topic chosen ahead, both partners' appreciations revealed, ended early.
    alice_said, bob_said = await meeting_flow(harness, world)
    typed.alice += alice_said
    typed.bob += bob_said
    # A few more: a search, an edit, a modal refused for being empty, and a /privacy export.
    await ok(await fake.slash(world.alice, world.general, "journal search", text="kettle sang"))
    typed.alice.append("kettle sang")
    await ok(await fake.slash(world.alice, world.general, "privacy export"))
    # A bid noted, shown in the week, shared after a preview; one refused as too long comes back.
    bid_line, bid_long = "Alice bid: he hummed by the window", "Alice long bid ✨ " * 20
    typed.alice += [bid_line, bid_long]
    await ok(await fake.slash(world.alice, world.general, "bid note", kind="turned-toward", line=bid_line))
    await ok(await fake.slash(world.alice, world.general, "bid week"))
    [bid] = await fake.autocomplete(world.alice, world.general, "bid share", focused="note", note="hummed")
    preview = await ok(await fake.slash(world.alice, world.general, "bid share", note=bid["value"]))
    await ok(await fake.press(world.alice, preview, "Post"))
    await fake.wait_for_message(typed.thread, lambda m: "hummed by the window" in m.text())
    refused = await ok(await fake.slash(world.alice, world.general, "bid note", kind="made", line=bid_long))
    assert bid_long.strip() in refused.text()
    # Own check-in questions (issue 16): added, refused (a link), listed, chosen and removed.
    question, refused_question = "Alice asks: which tram song hums in you?", "Alice asks: see https://x.y?"
    typed.alice += [question, refused_question]
    await ok(await fake.slash(world.alice, world.general, "checkin prompts add", question=question))
    await ok(await fake.slash(world.alice, world.general, "checkin prompts add", question=refused_question))
    await ok(await fake.slash(world.bob, world.general, "checkin prompts list"))
    [own] = await fake.autocomplete(
        world.bob, world.general, "checkin prompts remove", focused="question", question="tram"
    )
    await ok(await fake.slash(world.bob, world.general, "checkin prompts remove", question=own["value"]))
    # A failed save: the disk is full, the words come back to the person (once as a file), and
    # the error is logged, without them.
    full, long = "Alice unsaved: the night the storm kept us up", "Alice long unsaved 🌧 " * 120
    typed.alice += [full, long]
    opened = await fake.slash(world.alice, world.general, "journal write")
    await opened.response()
    await fill_the_disk(harness)
    refused = await modal(harness, world.alice, opened, {"body": full})
    assert "NOT saved" in refused.text() and full in refused.text()
    refused = await modal(
        harness, world.alice, await fake.slash(world.alice, world.general, "journal write"), {"body": long}
    )
    assert long.encode() in refused.message.files.values()
    await free_the_disk(harness)
    # A bug whose exception quotes what was typed: the log keeps the type and the frames only.
    quoted = "Alice quoted: I need a quiet hour after work"
    typed.alice.append(quoted)

    async def quoting(user_id: int, boundary: str, consequence: str) -> None:
        raise ValueError(f"could not store {boundary!r} / {consequence!r}")

    boundaries = harness.running.services.boundaries
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(boundaries, "add", quoting)
        opened = await fake.slash(world.alice, world.general, "boundary add")
        failed = await modal(
            harness, world.alice, opened, {"boundary": quoted, "consequence": "I'll go for a walk"}
        )
    assert "NOT saved" in failed.text() and quoted in failed.text()
    assert any("ValueError" in record_text(r) for r in caplog.records), "the failure itself is logged"
    # An appreciation shared, and one kept, offered back by the weekly DM and posted from it.
    shared, meant = "Alice appreciation: you fixed the creaky gate", "Alice meaning: the garden felt ours"
    offered, felt = "Alice offered: you sang in the kitchen", "Alice meaning: the house felt light"
    typed.alice += [shared, meant, offered, felt]
    opened = await fake.slash(world.alice, world.general, "appreciate add")
    saved = await modal(harness, world.alice, opened, {"what": shared, "meaning": meant})
    preview = await ok(await fake.press(world.alice, saved, "Share it in our thread…"))
    await ok(await fake.press(world.alice, preview, "Post"))
    opened = await fake.slash(world.alice, world.general, "appreciate add")
    saved = await modal(harness, world.alice, opened, {"what": offered, "meaning": felt})
    await ok(await fake.press(world.alice, saved, "Keep it private"))
    await ok(await fake.slash(world.alice, world.general, "appreciate reminder on", day="sun", time="19:00"))
    harness.clock.set(datetime(2026, 3, 8, 18, 0, 30, tzinfo=UTC))  # 19:00 in Alice's Paris
    await harness.appreciation_job.tick()
    await harness.settle()
    [offer] = [m for m in fake.dm_messages(world.alice) if "offer-post" in str(m.buttons())]
    await ok(await fake.press(world.alice, offer, "Post"))
    await harness.settle()
    # A break with a line of its own: posted, reminded at its time, taken longer once, ended early;
    # and one refused (Carol has no partner), whose line comes back to her.
    pause, alone = "Alice pause: my ribs feel like a drum", "Carol pause: nobody to tell 🫧"
    typed.alice += [pause, alone]
    preview = await ok(
        await fake.slash(world.alice, world.general, "break start", duration="20m", line=pause)
    )
    await ok(await fake.press(world.alice, preview, "Post"))
    await harness.settle()
    harness.clock.advance(minutes=21)
    await harness.break_job.tick()
    await harness.settle()
    [back] = [m for m in fake.messages_in(typed.thread) if "attune:break:ready" in str(m.buttons())]
    choices = await ok(await fake.press(world.alice, back, "I need a bit longer"))
    await ok(await fake.press(world.alice, choices, "20 minutes more"))
    await ok(await fake.slash(world.alice, world.general, "break end"))
    refused = await ok(await fake.slash(world.carol, world.general, "break start", line=alone))
    assert alone in refused.text()
    await harness.settle()
    await harness.restart()
    await ok(await fake.slash(world.bob, world.general, "journal search", text="proud of us"))

    records = caplog.records
    assert len(records) > 100, "DEBUG logging from discord.py was captured"
    assert any(r.name == "discord.http" for r in records)
    secrets = [*typed.all, fake.token]
    for record in records:
        text = record_text(record)
        for secret in secrets:
            assert secret not in text, f"{secret!r} leaked in {record.name}: {text[:300]}"
    # The distinctive fragments too (an emoji and a word or two), in case of partial quoting.
    fragments = [
        "🌙",
        "🌧",
        "lighter after our walk",
        "no phones at dinner",
        "go quiet when I feel judged",
        "storm kept us up",
        "quiet hour after work",
        "creaky gate",
        "sang in the kitchen",
        "hummed by the window",
        "✨",
        "holidays with my parents",
        "waited up for me on Tuesday",
        "tram song",
        "ribs feel like a drum",
        "🫧",
    ]
    joined = "\n".join(record_text(r) for r in records)
    for fragment in fragments:
        assert fragment not in joined
