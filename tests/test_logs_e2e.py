"""Logs never carry what a person wrote, nor the token, even at DEBUG with discord.py's HTTP logging."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

import pytest

from tests.support.harness import BotHarness
from tests.test_privacy_e2e import every_flow, ok

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
    # A few more: a search, an edit, a modal refused for being empty, and a /privacy export.
    await ok(await fake.slash(world.alice, world.general, "journal search", text="kettle sang"))
    typed.alice.append("kettle sang")
    await ok(await fake.slash(world.alice, world.general, "privacy export"))
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
    fragments = ["🌙", "lighter after our walk", "no phones at dinner", "go quiet when I feel judged"]
    joined = "\n".join(record_text(r) for r in records)
    for fragment in fragments:
        assert fragment not in joined
