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
    return [m for m in fake.messages_in(thread) if any(e.get("title") == CARD_TITLE for e in m.get("embeds") or [])]


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
    """Press Write on the card and submit the form; the interaction of the submission."""
    form = await open_form(fake, user, card)
    submitted = await fake.submit_modal(user, form, {"answer": text})
    await submitted.response()
    if submitted.response_type == 5:
        await submitted.followups(1)
    return submitted


async def press(fake: Any, user: Any, card: Any, label: str) -> Any:
    ix = await fake.press(user, card, label)
    await ix.response()
    return ix
