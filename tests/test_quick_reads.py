"""Point reads on the event loop (bot/db/quick_reads.py): they see every committed write, never a
stale snapshot, change nothing, and hand over to the ordinary path when SQLite is busy."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.db import Database
from bot.db.quick_reads import QuickReads


async def test_a_lookup_sees_each_write_committed_before_it(database: Database) -> None:
    await database.execute("INSERT INTO meta (key, value) VALUES ('k', 'one')")
    assert (await database.lookup("SELECT value FROM meta WHERE key = ?", ("k",)))["value"] == "one"
    # Its read transaction ended with the lookup: the next one sees the next commit.
    await database.execute("UPDATE meta SET value = 'two' WHERE key = 'k'")
    assert (await database.lookup("SELECT value FROM meta WHERE key = ?", ("k",)))["value"] == "two"
    async with database.transaction() as tx:
        await tx.execute("UPDATE meta SET value = 'three' WHERE key = 'k'")
    assert (await database.lookup("SELECT value FROM meta WHERE key = ?", ("k",)))["value"] == "three"
    assert await database.lookup("SELECT value FROM meta WHERE key = ?", ("missing",)) is None


async def test_a_lookup_cannot_write(database: Database) -> None:
    with pytest.raises(sqlite3.OperationalError):
        # The read-only connection refuses; the ordinary path is not asked to write either.
        assert database._quick is not None
        database._quick.row("INSERT INTO meta (key, value) VALUES ('x', 'y')")
    assert await database.fetchval("SELECT count(*) FROM meta WHERE key = 'x'") == 0


async def test_a_busy_reader_hands_the_lookup_to_the_ordinary_path(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await database.execute("INSERT INTO meta (key, value) VALUES ('k', 'kept')")

    def busy(reads: QuickReads, sql: str, params: object = ()) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(QuickReads, "row", busy)
    assert (await database.lookup("SELECT value FROM meta WHERE key = ?", ("k",)))["value"] == "kept"


async def test_the_reader_closes_with_the_database(tmp_path: Path) -> None:
    database = Database(tmp_path / "attune.db")
    await database.open()
    await database.migrate()
    await database.close()
    assert database._quick is None
