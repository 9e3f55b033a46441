"""Couple meeting steps several tests share: reading meetings, finding the agenda card, writing."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.support.harness import BotHarness

CARD_TITLE = "Your couple meeting"


def meetings(attune: BotHarness) -> list[sqlite3.Row]:
    db = sqlite3.connect(attune.settings.database_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM meetings ORDER BY id").fetchall()
    finally:
        db.close()


def cards(fake: Any, thread: Any) -> list[Any]:
    """Every agenda card in the thread, open or over (its buttons go once it is over)."""
    return [
        m
        for m in fake.messages_in(thread)
        if any(e.get("title") == CARD_TITLE for e in m.get("embeds") or [])
    ]


def shown_words(fake: Any, thread: Any) -> list[str]:
    """The partners' words revealed in the thread (one message each), in order."""
    return [
        e.get("description") or ""
        for m in fake.messages_in(thread)
        for e in m.get("embeds") or []
        if e.get("author") and e.get("title") != CARD_TITLE
    ]


async def open_form(fake: Any, user: Any, card: Any) -> Any:
    ix = await fake.press(user, card, "Write")
    await ix.response()
    assert ix.modal is not None, ix.text()
    return ix


async def write(fake: Any, user: Any, card: Any, text: str) -> Any:
    """Press Write on the card and submit the form; the interaction of the submission, once all it
    set off has settled."""
    form = await open_form(fake, user, card)
    submitted = await fake.submit_modal(user, form, {"answer": text})
    await submitted.response()
    if submitted.response_type == 5:
        await submitted.followups(1)
    await fake.settle()  # the card is redrawn (and a reveal posted) after the reply
    return submitted


async def press(fake: Any, user: Any, card: Any, label: str) -> Any:
    ix = await fake.press(user, card, label)
    await ix.response()
    await fake.settle()  # the work happens after the (silent) acknowledgement
    return ix


async def meeting_flow(attune: BotHarness, world: Any) -> tuple[list[str], list[str]]:
    """A short meeting of a paired alice and bob: a topic chosen ahead, /meeting now, both write an
    appreciation (revealed together), then bob ends it. The words each typed."""
    fake, here = attune.fake, world.general
    alice = ["Alice topic: the holidays with my parents", "Alice thanks: the tea you left by my desk 🌙"]
    bob = ["Bob thanks: you waited up for me on Tuesday"]
    opened = await fake.slash(world.alice, here, "meeting topic")
    await opened.response()
    chosen = await fake.submit_modal(world.alice, opened, {"answer": alice[0]})
    await chosen.response()
    started = await fake.slash(world.bob, here, "meeting now")
    await started.response()
    await started.followups(1)
    await attune.settle()
    thread = fake.channels[int(started.followup_messages[0].text().rsplit("/", 2)[-2])]
    await write(fake, world.alice, cards(fake, thread)[-1], alice[1])
    await write(fake, world.bob, cards(fake, thread)[-1], bob[0])
    await attune.settle()
    await press(fake, world.bob, cards(fake, thread)[-1], "End meeting")
    await attune.settle()
    return alice, bob
