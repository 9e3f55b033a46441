"""Backups that happen by themselves: made on schedule, verified, rotated, failing gently; and the
copy made before an upgrade, without which Attune will not migrate."""

from __future__ import annotations

import contextlib
import errno
import logging
import shutil
import sqlite3
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.backups import JOB_ID
from bot.backups.snapshot import describe_failure
from bot.db import DatabaseError, copies
from bot.db.database import available_migrations
from bot.errors import StartupError
from tests.support.backups import fingerprint, make_old_database, schema_of, set_schema, write
from tests.support.clock import FakeClock
from tests.support.harness import BotHarness, make_settings

LATEST = available_migrations()[-1][0]
START = "20260302T090000Z"  # the fake clock's start, as a backup name spells it

HarnessFactory = Callable[..., BotHarness]


@pytest.fixture
async def bot_with(
    fake_discord: Any, world: Any, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[HarnessFactory]:
    """A harness whose settings a test chooses (BACKUP_KEEP, BACKUP_DIR...); stopped afterwards."""
    made: list[BotHarness] = []

    def build(*, scheduled_jobs: bool = False, **overrides: object) -> BotHarness:
        settings = make_settings(
            fake_discord, tmp_path / "data", discord_guild_id=world.guild.id, **overrides
        )
        made.append(BotHarness(fake_discord, settings, clock, scheduled_jobs=scheduled_jobs))
        return made[-1]

    yield build
    for harness in made:
        with contextlib.suppress(StartupError, DatabaseError):  # a start the test saw refused
            await harness.stop()


def names(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir()) if folder.exists() else []


def backup_logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name.startswith("bot.backups") and r.levelno == level]


# -- scheduled backups --------------------------------------------------------------------------


async def test_a_due_backup_is_verified_owner_only_logged_once_and_holds_the_data_sealed(
    attune: BotHarness, world: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backups")
    await write(attune, world.alice, world.general, "Tea on the balcony")
    made = await attune.running.backups.back_up_if_due()

    folder = attune.settings.database_path.parent / "backups"
    assert made is not None and made.path == folder / f"attune-{START}.db"
    assert names(folder) == [f"attune-{START}.db"]  # no .partial left behind
    assert made.path.stat().st_mode & 0o777 == 0o600
    assert copies.integrity_problem(made.path) is None
    copy = sqlite3.connect(made.path)
    assert copy.execute("SELECT COUNT(*) FROM journal_entries").fetchone()[0] == 1
    assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one self-contained file
    copy.close()
    assert b"Tea on the balcony" not in made.path.read_bytes()  # sealed, as in the live database
    [line] = backup_logs(caplog, logging.INFO)
    assert str(made.path) in line and " MB, " in line and line.endswith(" s)")


async def test_not_due_again_until_the_interval_has_passed_and_a_restart_does_not_reset_it(
    attune: BotHarness, clock: FakeClock
) -> None:
    backups = attune.running.backups
    assert await backups.back_up_if_due() is not None
    assert await backups.back_up_if_due() is None
    await attune.restart()
    backups = attune.running.backups
    assert await backups.back_up_if_due() is None  # the newest backup's name says when it was made
    clock.advance(hours=23, minutes=59)
    assert await backups.back_up_if_due() is None
    clock.advance(minutes=1)
    made = await backups.back_up_if_due()
    assert made is not None and made.path.name == "attune-20260303T090000Z.db"


async def test_only_the_newest_backup_keep_are_kept_and_no_other_file_is_touched(
    bot_with: HarnessFactory, clock: FakeClock
) -> None:
    harness = bot_with(backup_keep=2)
    await harness.start()
    folder = harness.settings.database_path.parent / "backups"
    folder.mkdir()
    others = [
        "notes.txt",
        "notes.txt.partial",
        "attune-manual.db",
        "attune-20200101T000000Z-before-schema-3.db",
        "attune-x.db",
    ]
    for name in others:
        (folder / name).write_text("not ours to rotate")
    (folder / "attune-20200101T000000Z.db.partial").write_text("a copy a killed bot never finished")
    for _ in range(4):
        assert await harness.running.backups.back_up_if_due() is not None
        clock.advance(hours=24)
    assert names(folder) == sorted([*others, "attune-20260304T090000Z.db", "attune-20260305T090000Z.db"])


async def test_backup_every_hours_sets_the_interval(bot_with: HarnessFactory, clock: FakeClock) -> None:
    harness = bot_with(backup_every_hours=6)
    await harness.start()
    assert await harness.running.backups.back_up_if_due() is not None
    clock.advance(hours=5, minutes=59)
    assert await harness.running.backups.back_up_if_due() is None
    clock.advance(minutes=1)
    assert await harness.running.backups.back_up_if_due() is not None


async def test_a_disk_that_fills_up_during_the_copy_leaves_nothing_behind_and_is_retried(
    attune: BotHarness,
    world: Any,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backups")
    real_connect = sqlite3.connect

    def connect_to_a_full_disk(database: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection = real_connect(database, *args, **kwargs)
        if str(database).endswith(".partial"):
            # The copy may grow to 2 pages: SQLite then fails it with SQLITE_FULL, a full disk's error.
            connection.execute("PRAGMA max_page_count = 2")
        return connection

    monkeypatch.setattr(sqlite3, "connect", connect_to_a_full_disk)
    assert await attune.running.backups.back_up_if_due() is None
    folder = attune.settings.database_path.parent / "backups"
    assert names(folder) == []  # the partial copy was removed
    [line] = backup_logs(caplog, logging.ERROR)
    assert "the disk is full" in line and "Trying again every 5 min" in line

    # The disk stays full: every check tries again, but the same failure is not logged each time.
    for _ in range(3):
        clock.advance(minutes=5)
        assert await attune.running.backups.back_up_if_due() is None
    assert len(backup_logs(caplog, logging.ERROR)) == 1
    clock.advance(hours=6)
    assert await attune.running.backups.back_up_if_due() is None
    assert len(backup_logs(caplog, logging.ERROR)) == 2  # a reminder every few hours while it goes on

    # The bot carries on, and the next check (space freed) makes the backup, and says it works again.
    await write(attune, world.alice, world.general, "Still saved")
    monkeypatch.setattr(sqlite3, "connect", real_connect)
    made = await attune.running.backups.back_up_if_due()
    assert made is not None and names(folder) == [made.path.name]
    assert any(record.getMessage() == "Backups work again" for record in caplog.records)


async def test_a_copy_that_fails_its_integrity_check_never_gets_a_backup_name(
    attune: BotHarness, world: Any, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backups")
    await write(attune, world.alice, world.general, "Indexed")
    real_copy = copies.copy_online

    def copy_then_damage(source: Path, target: Path) -> None:
        # A copy that opens and reads fine, but whose index no longer matches its table: only
        # PRAGMA integrity_check notices.
        real_copy(source, target)
        copy = sqlite3.connect(target)
        copy.execute("PRAGMA writable_schema = ON")
        copy.execute(
            "UPDATE sqlite_schema SET sql = 'CREATE INDEX journal_entries_by_user ON journal_entries (id)' "
            "WHERE name = 'journal_entries_by_user'"
        )
        copy.commit()
        copy.close()

    monkeypatch.setattr("bot.backups.snapshot.copy_online", copy_then_damage)
    assert await attune.running.backups.back_up_if_due() is None
    assert names(attune.settings.database_path.parent / "backups") == []
    [line] = backup_logs(caplog, logging.ERROR)
    assert line.startswith("Backup failed: the copy failed its integrity check (")


def test_a_full_disk_is_named_plainly_whichever_layer_reports_it() -> None:
    assert describe_failure(OSError(errno.ENOSPC, "No space left on device", "/data/x")) == "the disk is full"
    full = sqlite3.OperationalError("database or disk is full")
    full.sqlite_errorname = "SQLITE_FULL"
    assert describe_failure(full) == "the disk is full"
    gone = FileNotFoundError(errno.ENOENT, "No such file or directory", "/data/backups")
    assert describe_failure(gone) == "No such file or directory (/data/backups)"


async def test_the_default_folder_is_made_again_when_it_is_gone(attune: BotHarness, clock: FakeClock) -> None:
    assert await attune.running.backups.back_up_if_due() is not None
    folder = attune.settings.database_path.parent / "backups"
    shutil.rmtree(folder)
    clock.advance(hours=24)
    made = await attune.running.backups.back_up_if_due()
    assert made is not None and made.path.parent == folder and folder.stat().st_mode & 0o777 == 0o700


async def test_a_backup_dir_on_a_drive_that_is_not_mounted_is_not_created_elsewhere(
    bot_with: HarnessFactory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backups")
    harness = bot_with(backup_dir=str(tmp_path / "mnt" / "usb" / "attune-backups"))
    await harness.start()
    assert await harness.running.backups.back_up_if_due() is None
    assert not (tmp_path / "mnt").exists()
    [line] = backup_logs(caplog, logging.ERROR)
    assert "is the drive mounted?" in line and str(tmp_path / "mnt" / "usb") in line


async def test_a_backup_dir_whose_parent_exists_is_created(bot_with: HarnessFactory, tmp_path: Path) -> None:
    (tmp_path / "drive").mkdir()
    harness = bot_with(backup_dir=str(tmp_path / "drive" / "attune"))
    await harness.start()
    made = await harness.running.backups.back_up_if_due()
    assert made is not None and made.path == tmp_path / "drive" / "attune" / f"attune-{START}.db"


async def test_the_backup_job_is_installed_under_its_stable_id_and_first_looks_after_start_up(
    bot_with: HarnessFactory,
) -> None:
    harness = bot_with(scheduled_jobs=True)
    started = datetime.now(UTC)
    bot = await harness.start()
    job = bot.scheduler.get_job(JOB_ID)
    assert job is not None and job.func.__self__.run == bot.backups.run  # through bot.jobs.IntervalJob
    assert job.trigger.interval == timedelta(minutes=5)
    assert job.next_run_time >= started + timedelta(seconds=50)
    await harness.restart()
    assert [job.id for job in harness.running.scheduler.get_jobs()].count(JOB_ID) == 1


# -- the copy before an upgrade -----------------------------------------------------------------


async def test_upgrading_a_database_with_data_backs_it_up_first_and_keeps_that_copy_apart(
    bot_with: HarnessFactory,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot.backups")
    live = tmp_path / "data" / "attune.db"
    await make_old_database(live, monkeypatch, schema=10)
    folder = live.parent / "backups"
    folder.mkdir()
    older = [f"attune-2025010{day}T000000Z-before-schema-{day + 5}.db" for day in (1, 2, 3)]
    for name in [*older, "attune-20250101T000000Z.db"]:
        (folder / name).write_text("an older copy")

    harness = bot_with(backup_keep=1)
    await harness.start()
    copy = folder / f"attune-{START}-before-schema-{LATEST}.db"
    assert schema_of(copy) == 10 and schema_of(live) == LATEST
    assert copies.meta_value_of(copy, "written_by") == "an older Attune"
    assert copy.stat().st_mode & 0o777 == 0o600
    # The newest three upgrade copies stay, whatever BACKUP_KEEP says; scheduled ones are not touched.
    assert names(folder) == sorted([*older[1:], copy.name, "attune-20250101T000000Z.db"])
    logged = backup_logs(caplog, logging.INFO)
    assert any(f"before upgrading it to schema {LATEST}" in line for line in logged)


async def test_without_the_copy_attune_refuses_to_migrate_and_says_what_to_do(
    bot_with: HarnessFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live = tmp_path / "data" / "attune.db"
    await make_old_database(live, monkeypatch, schema=10)
    harness = bot_with(backup_dir=str(tmp_path / "unmounted" / "backups"))
    with pytest.raises(StartupError) as refused:
        await harness.start()
    message = str(refused.value)
    assert message.startswith("Attune did not upgrade the database: the backup it makes first failed")
    assert "Free some disk space, or set BACKUP_DIR" in message and "\n" not in message
    assert schema_of(live) == 10  # not migrated without a copy


async def test_a_new_database_needs_no_upgrade_copy(attune: BotHarness) -> None:
    assert schema_of(attune.settings.database_path) == LATEST
    assert not (attune.settings.database_path.parent / "backups").exists()


async def test_an_older_attune_refuses_a_newer_database_and_changes_nothing(
    bot_with: HarnessFactory, tmp_path: Path
) -> None:
    harness = bot_with()
    await harness.start()
    await harness.stop()
    live = harness.settings.database_path
    set_schema(live, LATEST + 1)  # as a newer Attune would have left it
    before = fingerprint(live.parent)
    with pytest.raises(DatabaseError) as refused:
        await harness.start()
    assert str(refused.value) == (
        f"The database at {live} was written by a newer Attune (schema {LATEST + 1}, this one knows "
        f"{LATEST}). Upgrade Attune instead of starting an older one."
    )
    assert fingerprint(live.parent) == before and schema_of(live) == LATEST + 1
    assert not (live.parent / "backups").exists()  # nothing to back up before: no migration runs
