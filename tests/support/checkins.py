"""Check-in steps several tests share: reading rounds, finding round posts, answering one."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.support.harness import BotHarness


def rounds(attune: BotHarness) -> list[sqlite3.Row]:
    db = sqlite3.connect(attune.settings.database_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM checkin_rounds ORDER BY id").fetchall()
    finally:
        db.close()


def round_messages(fake: Any, thread: Any) -> list[Any]:
    """Open check-in posts (a closed one loses its Answer button)."""
    return [
        m
        for m in fake.messages_in(thread)
        if any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())
    ]


def reveals_in(fake: Any, thread: Any) -> list[Any]:
    return [m for m in fake.messages_in(thread) if "both answered" in m.content]


async def open_answer_form(fake: Any, user: Any, message: Any) -> Any:
    ix = await fake.press(user, message, "Answer")
    await ix.response()
    assert ix.modal is not None, ix.text()
    return ix


async def answer(fake: Any, user: Any, message: Any, mood: str, text: str) -> Any:
    form = await open_answer_form(fake, user, message)
    submitted = await fake.submit_modal(user, form, {"mood": [mood], "answer": text})
    await submitted.response()
    return submitted
