"""Journal numbers are per person (issue 14, point 6): each person sees and types their own 1, 2,
3..., wherever a number shows (replies, autocomplete, list, read, delete, exports), and someone
else's number behaves exactly like a number that does not exist.

Before this, ids were counted across everyone: Bob's first entry answered "entry 3" while Alice had
two, and typing "1" found nothing of his."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from typing import Any

from bot.crypto import Cipher
from bot.db import Database
from bot.db.database import available_migrations
from bot.repositories.journal import JournalRepository
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def reply(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:  # deferred: the answer arrives as a followup
        await ix.followups(1)
    return ix


def said(ix: Any) -> str:
    return "\n".join([ix.text(), *(m.text() for m in ix.followup_messages)])


async def write(attune: BotHarness, world: Any, user: Any, body: str) -> str:
    fake = attune.fake
    opened = await reply(await fake.slash(user, world.general, "journal write"))
    assert opened.modal is not None
    saved = await reply(await fake.submit_modal(user, opened, {"body": body}))
    await attune.settle()
    return said(saved)


async def test_each_person_numbers_their_own_entries_from_one(attune: BotHarness, world: Any) -> None:
    fake, alice, bob, here = attune.fake, world.alice, world.bob, world.general
    attune.clock.set(START)
    await pair(attune, world, alice, bob)
    for n in range(1, 5):
        assert f"entry {n}" in await write(attune, world, alice, f"Alice's page {n}")

    # Bob's first entry is his entry 1, whatever Alice wrote before him.
    first = await write(attune, world, bob, "Bob's first page: the porch light was on")
    assert "Saved to your journal as entry 1 " in first and "entry 5" not in first

    # /reflect keeps its words in his journal too, and says under which number.
    opened = await reply(await fake.slash(bob, here, "reflect"))
    preview = await reply(await fake.submit_modal(bob, opened, {"body": "Thank you for the tea, Bob"}))
    assert "Kept in your journal as entry 2," in preview.text()
    cancelled = await reply(await fake.press(bob, preview, "Cancel"))
    assert "private in your journal as entry 2" in cancelled.text()

    # A personal check-in answer is saved to his journal as his next number.
    attune.clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    await reply(await fake.slash(bob, here, "checkin personal set", time="8am", timezone="UTC"))
    attune.clock.set(datetime(2026, 3, 3, 8, 0, 1, tzinfo=UTC))
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    await attune.settle()
    dm = next(m for m in fake.dm_messages(bob) if "Write" in str(m.buttons()))
    form = await reply(await fake.press(bob, dm, "Write"))
    saved = await reply(await fake.submit_modal(bob, form, {"mood": ["3"], "answer": "Slow morning, Bob"}))
    assert "Saved to your private journal as entry 3." in saved.text()
    await attune.settle()

    # Autocomplete: his own numbers, as names and as values; "1" puts his entry 1 first.
    choices = await fake.autocomplete(bob, here, "journal read", focused="entry", entry="1")
    assert choices[0]["value"] == "1" and choices[0]["name"].startswith("#1 · ")
    everything = await fake.autocomplete(bob, here, "journal read", focused="entry", entry="")
    assert sorted(c["value"] for c in everything) == ["1", "2", "3"]
    assert all(c["name"].startswith(f"#{c['value']} · ") for c in everything)

    read = await reply(await fake.slash(bob, here, "journal read", entry="1"))
    assert "porch light" in read.text() and "Entry 1 ·" in read.embeds[0]["footer"]["text"]
    listed = await reply(await fake.slash(bob, here, "journal list"))
    assert all(f"`#{n}`" in listed.text() for n in (1, 2, 3)) and "`#4`" not in listed.text()
    found = await reply(await fake.slash(bob, here, "journal search", text="porch"))
    assert "`#1`" in said(found)

    # Alice's number 4 is nothing of Bob's: exactly the answer for a number nobody has.
    for command in ("journal read", "journal edit", "journal delete", "journal share", "journal unshare"):
        theirs = await reply(await fake.slash(bob, here, command, entry="4"))
        missing = await reply(await fake.slash(bob, here, command, entry="987654"))
        assert theirs.ephemeral and theirs.modal is None and "Alice" not in said(theirs)
        assert said(theirs) == said(missing), command

    # Deleting his newest entry does not hand its number to the next one.
    confirm = await reply(await fake.slash(bob, here, "journal delete", entry="3"))
    assert "Delete entry 3 for good?" in confirm.text() and "won't be given to a new one" in confirm.text()
    deleted = await reply(await fake.press(bob, confirm, "Delete it"))
    assert "Deleted entry 3" in deleted.text()
    assert "entry 4" in await write(attune, world, bob, "Bob again, after a delete")

    # Exports name entries by his numbers too; the database keeps its own ids.
    journal = await reply(await fake.slash(bob, here, "journal export"))
    markdown = next(iter(journal.followup_messages[-1].files.values())).decode()
    assert "## Entry 1 · " in markdown and "## Entry 4 · " in markdown and "## Entry 5" not in markdown
    exported = await reply(await fake.slash(bob, here, "privacy export"))
    files = exported.followup_messages[-1].files
    data = json.loads(next(v for k, v in files.items() if k.endswith(".json")))
    assert [e["number"] for e in data["journal"]] == [1, 2, 4]
    readable = next(v for k, v in files.items() if k.endswith(".md")).decode()
    assert "Entry 1" in readable and "Entry 4" in readable
    ids = [
        r[0] for r in query(attune, "SELECT id FROM journal_entries WHERE user_id = ? ORDER BY id", bob.id)
    ]
    assert ids != [1, 2, 4]  # his numbers are not the database's ids


async def test_the_migration_numbers_existing_entries_per_person_in_the_order_written(tmp_path: Any) -> None:
    """A database from before per-person numbers: each person's entries get 1, 2, 3... in the order
    they were written (not by id), and their next entry continues from there."""
    path = tmp_path / "attune.db"
    raw = sqlite3.connect(path)
    numbering = next(number for number, sql in available_migrations() if "journal_numbers" in sql)
    before = [(number, sql) for number, sql in available_migrations() if number < numbering]
    for _, sql in before:
        raw.executescript(sql)
    raw.execute(f"PRAGMA user_version = {before[-1][0]}")
    cipher = Cipher(bytes(range(32)))
    body = cipher.seal("old words", column="journal_entries.body_sealed")
    for user_id, created_at in [(1, 50), (2, 10), (1, 20), (2, 30), (1, 40)]:
        raw.execute(
            "INSERT INTO journal_entries (user_id, body_sealed, created_at, updated_at) VALUES (?, ?, ?, ?)",
            (user_id, body, created_at, created_at),
        )
    raw.commit()
    raw.close()

    db = Database(path)
    await db.open()
    try:
        await db.migrate()
        numbered = await db.fetchall("SELECT id, user_id, number FROM journal_entries ORDER BY id")
        assert [(r["id"], r["user_id"], r["number"]) for r in numbered] == [
            (1, 1, 3),
            (2, 2, 1),
            (3, 1, 1),
            (4, 2, 2),
            (5, 1, 2),
        ]
        entry, _ = await JournalRepository(db, cipher).insert(
            user_id=2, guild_id=None, kind="entry", title=None, body="new", mood=None, prompt_id=None, now=60
        )
        assert entry.number == 3
    finally:
        await db.close()
