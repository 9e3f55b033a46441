"""`python -m bot restore PATH`: put a backup in place of the live database, losing nothing.

It holds the same lock a running bot holds for the whole restore, so it refuses while a bot runs
and no bot can start halfway through. The backup is copied next to the live database first and
checked there (integrity, a schema this Attune knows, the key opens it); only then are the live
files moved aside (renamed, never deleted) and the checked copy renamed into place.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.backups.files import STAMP_FORMAT
from bot.backups.snapshot import describe_failure, fsync_path
from bot.config import DataSettings
from bot.crypto import Cipher
from bot.datakey import existing_data_key
from bot.db.copies import copy_online, integrity_problem, meta_value_of, schema_version_of
from bot.db.database import available_migrations, take_process_lock
from bot.errors import StartupError
from bot.keycheck import KEY_CHECK, key_opens

# A live database is its file and, in WAL mode, the two files beside it: they move together.
_LIVE_SUFFIXES = ("", "-wal", "-shm", "-journal")
_UNCHANGED = "Nothing was changed."


def restore_backup(settings: DataSettings, source: str | Path, now: datetime | None = None) -> str:
    """Restore `source` to DATABASE_URL's path; returns what was done, for the operator to read."""
    backup = Path(source).expanduser()
    live = settings.database_path
    if not backup.is_file():
        raise StartupError(f"There is no backup file at {backup}. {_UNCHANGED}")
    if live.exists() and backup.resolve() == live.resolve():
        raise StartupError(f"{backup} is the live database itself; name a backup file. {_UNCHANGED}")
    live.parent.mkdir(parents=True, exist_ok=True)
    lock = take_process_lock(live)
    if lock is None:
        raise StartupError(
            f"Attune is running on {live}. Stop it first (for example: systemctl stop attune), then "
            f"run the restore again. {_UNCHANGED}"
        )
    try:
        return _restore_locked(settings, backup, live, (now or datetime.now(UTC)).strftime(STAMP_FORMAT))
    finally:
        os.close(lock)


def _restore_locked(settings: DataSettings, backup: Path, live: Path, stamp: str) -> str:
    cipher = _cipher_for(settings, live)
    incoming = live.with_name(f"{live.name}.restoring-{stamp}")
    try:
        incoming.unlink(missing_ok=True)
        os.close(os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        try:
            copy_online(backup, incoming)
        except sqlite3.DatabaseError as error:
            raise StartupError(_damaged(backup, str(error))) from None
        schema, key_checked = _check_copy(incoming, backup, cipher)
        fsync_path(incoming)
    except StartupError:
        incoming.unlink(missing_ok=True)
        raise
    except (OSError, sqlite3.Error) as error:
        incoming.unlink(missing_ok=True)
        raise StartupError(
            f"The backup could not be copied next to {live} ({describe_failure(error)}). {_UNCHANGED}"
        ) from None
    moved = _move_aside(live, stamp)
    os.replace(incoming, live)
    fsync_path(live.parent)

    lines = [f"Restored {backup} (schema {schema}) to {live}."]
    if not key_checked:
        lines.append("This backup predates Attune's key check: the key is checked when the bot starts.")
    if moved:
        lines.append("The files it replaced were moved aside, not deleted:")
        lines.extend(f"  {path}" for path in moved)
    else:
        lines.append(f"There was no database at {live} before.")
    lines.append("Start Attune as usual; it applies any newer migrations itself, after a backup.")
    return "\n".join(lines)


def _cipher_for(settings: DataSettings, live: Path) -> Cipher:
    key = existing_data_key(settings)
    if key is None:
        raise StartupError(
            "There is no data encryption key to check the backup with: set DATA_ENCRYPTION_KEY, or put "
            f"the attune.key that belongs with this backup beside {live}. {_UNCHANGED}"
        )
    try:
        return Cipher(key)
    except ValueError:
        raise StartupError(f"The data encryption key is not 32 bytes. {_UNCHANGED}") from None


def _check_copy(copy: Path, backup: Path, cipher: Cipher) -> tuple[int, bool]:
    """The copy's schema version, and whether its key check could be tried (it passed if so)."""
    try:
        problem = integrity_problem(copy)
        if problem is not None:
            raise StartupError(_damaged(backup, f"integrity check: {problem}"))
        schema = schema_version_of(copy)
        stored_check = meta_value_of(copy, KEY_CHECK)
    except sqlite3.DatabaseError as error:
        raise StartupError(_damaged(backup, str(error))) from None
    latest = available_migrations()[-1][0]
    if schema == 0:
        raise StartupError(f"{backup} holds no Attune data (it has no schema). {_UNCHANGED}")
    if schema > latest:
        raise StartupError(
            f"{backup} has schema {schema}, newer than this Attune knows ({latest}). Upgrade Attune "
            f"first, then restore. {_UNCHANGED}"
        )
    if stored_check is not None and not key_opens(cipher, stored_check):
        raise StartupError(
            f"The data encryption key does not open {backup}: it was written with another key. Set "
            "DATA_ENCRYPTION_KEY (or attune.key beside the database) to the key that belongs with "
            f"this backup. {_UNCHANGED}"
        )
    return schema, stored_check is not None


def _damaged(backup: Path, detail: str) -> str:
    return f"The backup {backup} is damaged ({detail}). {_UNCHANGED} Restore an older backup instead."


def _move_aside(live: Path, stamp: str) -> list[Path]:
    moved: list[Path] = []
    for suffix in _LIVE_SUFFIXES:
        path = Path(f"{live}{suffix}")
        if path.exists():
            aside = Path(f"{path}.replaced-{stamp}")
            os.replace(path, aside)
            moved.append(aside)
    return moved
