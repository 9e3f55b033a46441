"""Storage: migrations, transactions, encryption at rest, refusing damaged data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from bot.crypto import Cipher, DecryptionError, generate_key
from bot.db import Database, DatabaseError
from bot.db.database import available_migrations, watching_writes
from bot.errors import SaveFailed, StartupError
from bot.keycheck import verify_data_key
from bot.repositories.meta import MetaRepository
from tests.support.storage import fill_the_disk, free_the_disk


async def test_migrations_reach_the_latest_version_once(database: Database) -> None:
    latest = available_migrations()[-1][0]
    assert await database.schema_version() == latest
    assert await database.migrate() == latest  # a second run is a no-op
    assert await database.fetchval("PRAGMA foreign_keys") == 1
    assert str(await database.fetchval("PRAGMA journal_mode")).lower() == "wal"


async def test_a_failing_migration_leaves_the_database_untouched(tmp_path: Path, monkeypatch) -> None:
    db = Database(tmp_path / "attune.db")
    await db.open()
    real = available_migrations()
    broken = [*real, (len(real) + 1, "CREATE TABLE half_done (id INTEGER);\nTHIS IS NOT SQL;")]
    monkeypatch.setattr("bot.db.database.available_migrations", lambda: broken)
    with pytest.raises(sqlite3.Error):
        await db.migrate()
    assert await db.schema_version() == 0
    assert await db.fetchval("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'") == 0
    await db.close()


async def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "attune.db"
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    db = Database(path)
    await db.open()
    with pytest.raises(DatabaseError, match="newer Attune"):
        await db.migrate()
    await db.close()


async def test_a_file_that_is_not_a_database_is_refused_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "attune.db"
    garbage = b"this is not sqlite" * 500
    path.write_bytes(garbage)
    with pytest.raises(DatabaseError, match="cannot be read"):
        await Database(path).open()
    assert path.read_bytes() == garbage


async def test_a_second_process_on_the_same_database_is_refused(database: Database) -> None:
    second = Database(database.path)
    with pytest.raises(DatabaseError, match="Another Attune process"):
        await second.open()


async def test_a_transaction_rolls_back_whole(database: Database) -> None:
    meta = MetaRepository(database)
    with pytest.raises(RuntimeError):
        async with database.transaction() as tx:
            await tx.execute("INSERT INTO meta (key, value) VALUES ('a', '1')")
            raise RuntimeError("boom")
    assert await meta.get("a") is None


async def test_a_write_the_storage_refuses_is_rolled_back_and_raised_as_save_failed(
    database: Database,
) -> None:
    await database.execute("CREATE TABLE notes (body TEXT)")
    await database.execute("CREATE TABLE other (body TEXT)")
    await fill_the_disk(database, tables=["notes"])  # SQLite itself answers SQLITE_FULL
    with watching_writes() as writes:
        with pytest.raises(SaveFailed, match="SQLITE_FULL"):
            await database.execute("INSERT INTO notes (body) VALUES ('one')")
        with pytest.raises(SaveFailed):
            async with database.transaction() as tx:
                await tx.execute("INSERT INTO other (body) VALUES ('accepted, then rolled back')")
                await tx.fetchone("INSERT INTO notes (body) VALUES ('two') RETURNING body")
        await database.execute("UPDATE other SET body = 'nothing matches' WHERE 0")
    assert writes.nothing_saved, "a refused write and a rolled-back transaction commit nothing"
    assert not database.connection.in_transaction
    assert await database.fetchall("SELECT body FROM notes UNION ALL SELECT body FROM other") == []

    await free_the_disk(database)
    with watching_writes() as writes:
        await database.execute("INSERT INTO notes (body) VALUES ('three')")
        async with database.transaction() as tx:
            await tx.execute("INSERT INTO other (body) VALUES ('four')")
    assert (writes.committed, writes.uncertain) == (2, False)
    assert [tuple(r) for r in await database.fetchall("SELECT body FROM notes")] == [("three",)]


async def test_a_constraint_is_not_a_refused_save(database: Database) -> None:
    """Repositories turn constraint violations into rules (AlreadyPaired...): they stay IntegrityError."""
    await database.execute("CREATE TABLE once (id INTEGER PRIMARY KEY)")
    await database.execute("INSERT INTO once (id) VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        async with database.transaction() as tx:
            await tx.execute("INSERT INTO once (id) VALUES (1)")
    with pytest.raises(sqlite3.IntegrityError):
        await database.execute("INSERT INTO once (id) VALUES (1)")


def test_sealed_values_open_only_in_their_own_column() -> None:
    cipher = Cipher(bytes(range(32)))
    sealed = cipher.seal("I felt unseen tonight", column="journal.body")
    assert b"unseen" not in sealed
    assert cipher.open(sealed, column="journal.body") == "I felt unseen tonight"
    with pytest.raises(DecryptionError):
        cipher.open(sealed, column="journal.title")
    with pytest.raises(DecryptionError):
        Cipher(bytes(32)).open(sealed, column="journal.body")


async def test_a_wrong_key_refuses_to_start(database: Database) -> None:
    meta = MetaRepository(database)
    await verify_data_key(meta, Cipher(bytes(range(32))), database.path)
    await verify_data_key(meta, Cipher(bytes(range(32))), database.path)  # same key: fine
    with pytest.raises(StartupError, match="does not match"):
        await verify_data_key(meta, Cipher(bytes(32)), database.path)


def test_generated_keys_are_32_bytes() -> None:
    import base64

    assert len(base64.urlsafe_b64decode(generate_key())) == 32


def test_a_key_is_generated_once_owner_only_and_its_place_logged(tmp_path: Path, caplog) -> None:
    import logging
    import stat

    from bot.config import Settings, load_settings
    from bot.datakey import resolve_data_key

    settings = load_settings(
        Settings,
        discord_token="t",
        database_url=f"sqlite:///{tmp_path / 'data' / 'attune.db'}",
        _env_file=None,
    )
    with caplog.at_level(logging.WARNING):
        first = resolve_data_key(settings)
    key_file = tmp_path / "data" / "attune.key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert str(key_file) in caplog.text and "Back it up" in caplog.text
    assert resolve_data_key(settings) == first, "the same key on the next start"

    (tmp_path / "data" / "attune.db").write_bytes(b"x" * 100)
    key_file.unlink()
    with pytest.raises(StartupError, match=r"key file .* is missing"):
        resolve_data_key(settings)
    assert not key_file.exists(), "a fresh key is never written beside existing data"
