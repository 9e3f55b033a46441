"""`python -m bot restore PATH` (bot/backups/restore.py): the copy goes in, the live files move aside,
and every refusal (a bot running, a damaged copy, a newer schema, the wrong key) leaves them as
they were. The command-line round trip is in tests/test_reliability_backup.py."""

from __future__ import annotations

import base64
import sqlite3
from collections.abc import AsyncIterator
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.backups import restore_backup
from bot.config import DataSettings, load_settings
from bot.db.database import available_migrations
from bot.errors import StartupError
from tests.support.backups import fingerprint, journal, schema_of, set_schema, write
from tests.support.harness import TEST_KEY, BotHarness

LATEST = available_migrations()[-1][0]
OTHER_KEY = base64.urlsafe_b64encode(bytes(range(100, 132))).decode()


def data_settings(live: Path, key: str | None = TEST_KEY) -> DataSettings:
    return load_settings(
        DataSettings, database_url=f"sqlite:///{live}", data_encryption_key=key, _env_file=None
    )


@dataclass
class Backed:
    attune: BotHarness
    backup: Path
    live: Path


@pytest.fixture
async def backed_up(attune: BotHarness, world: Any) -> AsyncIterator[Backed]:
    """A bot whose automatic backup holds one entry and whose live data holds two; stopped."""
    await write(attune, world.alice, world.general, "Kept in the backup")
    made = await attune.running.backups.back_up_if_due()
    assert made is not None
    await write(attune, world.alice, world.general, "Written after the backup")
    await attune.stop()
    yield Backed(attune, made.path, attune.settings.database_path)


def refused(backed: Backed, backup: Path, settings: DataSettings | None = None) -> str:
    """Run a restore that must be refused; return its message, having checked nothing moved."""
    before, backup_before = fingerprint(backed.live.parent), fingerprint(backup.parent)
    with pytest.raises(StartupError) as refusal:
        restore_backup(settings or data_settings(backed.live), backup)
    assert fingerprint(backed.live.parent) == before
    assert fingerprint(backup.parent) == backup_before
    message = str(refusal.value)
    assert "\n" not in message and "Nothing was changed." in message
    return message


async def test_restore_puts_the_backup_in_place_and_moves_the_live_files_aside(
    backed_up: Backed, world: Any
) -> None:
    live = backed_up.live
    live_files = {name: sha for name, sha in fingerprint(live.parent).items() if name != "attune.db.lock"}
    when = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    report = restore_backup(data_settings(live), backed_up.backup, now=when)

    after = fingerprint(live.parent)
    for name, digest in live_files.items():  # moved aside, byte for byte, never deleted
        aside = live.parent / f"{name}.replaced-20260304T100000Z"
        assert after[aside.name] == digest
        assert f"  {aside}" in report
    with closing(sqlite3.connect(live)) as restored:
        assert restored.execute("SELECT COUNT(*) FROM journal_entries").fetchone() == (1,)
    assert f"Restored {backed_up.backup} (schema {LATEST}) to {live}." in report
    assert live.stat().st_mode & 0o777 == 0o600
    assert not list(live.parent.glob("*.restoring-*"))

    await backed_up.attune.start()
    assert await journal(backed_up.attune, world.alice) == ["Kept in the backup"]


async def test_restore_into_an_empty_data_folder(backed_up: Backed, tmp_path: Path) -> None:
    live = tmp_path / "new-machine" / "attune.db"
    report = restore_backup(data_settings(live), backed_up.backup)
    assert f"There was no database at {live} before." in report
    assert schema_of(live) == LATEST


async def test_refused_while_a_bot_runs_on_the_database(backed_up: Backed) -> None:
    await backed_up.attune.start()
    message = refused(backed_up, backed_up.backup)
    assert message.startswith(f"Attune is running on {backed_up.live}. Stop it first")


async def test_refused_for_a_damaged_copy(backed_up: Backed, tmp_path: Path) -> None:
    damaged = tmp_path / "elsewhere" / "damaged.db"
    damaged.parent.mkdir()
    damaged.write_bytes(backed_up.backup.read_bytes())
    copy = sqlite3.connect(damaged)
    copy.execute("PRAGMA writable_schema = ON")
    copy.execute(
        "UPDATE sqlite_schema SET sql = 'CREATE INDEX journal_entries_by_user ON journal_entries (id)' "
        "WHERE name = 'journal_entries_by_user'"
    )
    copy.commit()
    copy.close()
    message = refused(backed_up, damaged)
    assert message.startswith(f"The backup {damaged} is damaged (integrity check: row 1 missing from index")


async def test_refused_for_a_file_that_is_not_a_database(backed_up: Backed, tmp_path: Path) -> None:
    garbage = tmp_path / "elsewhere" / "notes.db"
    garbage.parent.mkdir()
    garbage.write_bytes(b"shopping list: tea, oat milk\n" * 300)
    assert refused(backed_up, garbage).startswith(f"The backup {garbage} is damaged (file is not a database)")


async def test_refused_for_a_copy_from_a_newer_attune(backed_up: Backed, tmp_path: Path) -> None:
    newer = tmp_path / "elsewhere" / "newer.db"
    newer.parent.mkdir()
    newer.write_bytes(backed_up.backup.read_bytes())
    set_schema(newer, LATEST + 1)
    message = refused(backed_up, newer)
    assert f"has schema {LATEST + 1}, newer than this Attune knows ({LATEST})" in message
    assert "Upgrade Attune first, then restore." in message


async def test_refused_when_the_key_does_not_open_the_copy(backed_up: Backed) -> None:
    message = refused(backed_up, backed_up.backup, data_settings(backed_up.live, key=OTHER_KEY))
    assert message.startswith(f"The data encryption key does not open {backed_up.backup}")


async def test_refused_without_any_key(backed_up: Backed) -> None:
    message = refused(backed_up, backed_up.backup, data_settings(backed_up.live, key=None))
    assert message.startswith("There is no data encryption key to check the backup with")


async def test_refused_for_a_missing_file_or_the_live_database_itself(backed_up: Backed) -> None:
    assert refused(backed_up, backed_up.live.parent / "nope.db").startswith("There is no backup file at")
    assert "is the live database itself" in refused(backed_up, backed_up.live)
