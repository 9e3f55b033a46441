"""What a person wrote is committed to SQLite before Discord hears the modal was received.

The fake's callback route is wrapped so that, the moment the bot's acknowledgement arrives, the
database file is read through a separate connection (which sees committed rows only)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from tests.support.couples import pair
from tests.support.harness import BotHarness


def at_each_callback(fake: Any, check: Callable[[Any], None]) -> None:
    for index, (method, pattern, handler) in enumerate(fake._routes):
        if getattr(handler, "__name__", "") == "_interaction_callback":

            async def wrapped(call: Any, _handler: Any = handler) -> Any:
                check(call)
                return await _handler(call)

            fake._routes[index] = (method, pattern, wrapped)
            return
    raise AssertionError("the fake has no interaction callback route")


def committed(attune: BotHarness, sql: str, *params: Any) -> int:
    db = sqlite3.connect(attune.settings.database_path)
    try:
        return int(db.execute(sql, params).fetchone()[0])
    finally:
        db.close()


async def test_entries_and_answers_are_committed_before_the_acknowledgement(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    thread = await pair(attune, world, world.alice, world.bob)
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    round_message = await fake.wait_for_message(
        thread, lambda m: any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())
    )

    seen: dict[str, int] = {}
    expect: dict[str, tuple[str, tuple[Any, ...]]] = {}

    def check(call: Any) -> None:
        for name, (sql, params) in expect.items():
            seen[name] = committed(attune, sql, *params)

    at_each_callback(fake, check)

    opened = await fake.slash(world.alice, world.general, "journal write")
    await opened.response()
    expect["entry"] = ("SELECT count(*) FROM journal_entries WHERE user_id = ?", (world.alice.id,))
    saved = await fake.submit_modal(
        world.alice, opened, {"title": "Tuesday", "body": "We cooked.", "mood": ["4"]}
    )
    await saved.response()
    assert seen.pop("entry") == 1, "the entry must be committed when the modal is acknowledged"
    assert "Saved to your journal" in saved.text()
    del expect["entry"]

    press = await fake.press(world.alice, round_message, "Answer")
    await press.response()
    assert press.modal is not None
    expect["answer"] = ("SELECT count(*) FROM checkin_answers WHERE user_id = ?", (world.alice.id,))
    answered = await fake.submit_modal(world.alice, press, {"mood": ["4"], "answer": "Glad we talked"})
    await answered.response()
    assert seen.pop("answer") == 1, "the answer must be committed when the modal is acknowledged"
    assert "Saved" in answered.text()

    expect["edit"] = (
        "SELECT count(*) FROM checkin_answers WHERE user_id = ? AND edited_at IS NOT NULL",
        (world.alice.id,),
    )
    press = await fake.press(world.alice, round_message, "Answer")
    await press.response()
    edited = await fake.submit_modal(world.alice, press, {"mood": ["3"], "answer": "Glad, and tired"})
    await edited.response()
    assert seen["edit"] == 1, "the edit must be committed when the modal is acknowledged"
    assert "Updated" in edited.text()


async def test_a_personal_answer_is_committed_before_the_ack_and_its_round_marked_after(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    dispatcher = attune.checkin_job
    attune.clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    await (
        await fake.slash(world.carol, world.general, "checkin personal set", time="8am", timezone="UTC")
    ).response()
    attune.clock.set(datetime(2026, 3, 3, 8, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    dm = await fake.wait_for_message(fake.dm_channel(world.carol), lambda m: "Write" in str(m.buttons()))
    write = await fake.press(world.carol, dm, "Write")
    await write.response()

    seen: list[int] = []
    at_each_callback(
        fake,
        lambda call: seen.append(
            committed(attune, "SELECT count(*) FROM journal_entries WHERE user_id = ?", world.carol.id)
        ),
    )
    done = await fake.submit_modal(world.carol, write, {"mood": ["3"], "answer": "Quiet morning"})
    await done.response()
    assert seen == [1], "the answer must be in the journal when the modal is acknowledged"
    assert "journal" in done.text()
    status = "SELECT count(*) FROM checkin_rounds WHERE kind = 'personal' AND status = 'answered'"
    await fake.wait_for(lambda: committed(attune, status) == 1)
