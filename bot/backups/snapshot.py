"""Making one verified backup: copy to a `.partial` name, check the copy, then give it its name.

A file with a final name has always passed `PRAGMA integrity_check`; a copy that fails, or a copy
interrupted by a full disk, is removed, never left half-written under a name that looks good.
"""

from __future__ import annotations

import contextlib
import errno
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bot.backups.files import PARTIAL_SUFFIX, BackupPolicy
from bot.db.copies import copy_online, integrity_problem
from bot.errors import StartupError


class BackupFailed(Exception):
    """A backup could not be made; the message says why in a few words."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    seconds: float

    def describe(self) -> str:
        return f"{self.path} ({self.size / (1024 * 1024):.1f} MB, {self.seconds:.1f} s)"


def make_verified_copy(source: Path, final: Path) -> BackupMade:
    """Copy the live database `source` to `final` (owner-only), checked before it gets that name.

    Blocking: the bot runs it in a worker thread."""
    started = time.monotonic()
    partial = final.with_name(final.name + PARTIAL_SUFFIX)
    partial.unlink(missing_ok=True)
    try:
        # Created owner-only before SQLite writes into it: the copy is never readable by others.
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        copy_online(source, partial)
        problem = integrity_problem(partial)
        if problem is not None:
            raise BackupFailed(f"the copy failed its integrity check ({problem})")
        fsync_path(partial)
        os.replace(partial, final)
        fsync_path(final.parent)  # the rename is durable once the folder's entry is
    except BaseException:
        with contextlib.suppress(OSError):  # the folder itself is gone: nothing left behind
            partial.unlink(missing_ok=True)
        raise
    return BackupMade(final, final.stat().st_size, time.monotonic() - started)


def ready_folder(policy: BackupPolicy) -> Path:
    """The backup folder, created when it is missing, except where that would put backups on the
    wrong disk: a BACKUP_DIR whose parent is gone is most likely an unmounted drive."""
    folder = policy.folder
    if folder.is_dir():
        return folder
    if policy.configured and not folder.parent.is_dir():
        raise BackupFailed(
            f"BACKUP_DIR {folder} is missing and so is {folder.parent} (is the drive mounted?); "
            "not creating it elsewhere"
        )
    with contextlib.suppress(FileExistsError):  # made meanwhile
        folder.mkdir(mode=0o700)
    return folder


def describe_failure(error: BaseException) -> str:
    """A few words about why a backup failed, for one log line or one message."""
    if isinstance(error, BackupFailed):
        return str(error)
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return "the disk is full"
    if isinstance(error, sqlite3.Error):
        name = getattr(error, "sqlite_errorname", None)
        if name == "SQLITE_FULL":
            return "the disk is full"
        return f"SQLite said: {error} ({name})" if name else f"SQLite said: {error}"
    if isinstance(error, OSError):
        where = f" ({error.filename})" if error.filename else ""
        return f"{error.strerror or type(error).__name__}{where}"
    return type(error).__name__


def backup_database(source: Path, destination: str | Path) -> str:
    """`python -m bot backup PATH`: one verified copy at a path of the operator's choosing."""
    target = Path(destination).expanduser()
    if not source.exists():
        raise StartupError(f"There is no database at {source} to back up (check DATABASE_URL).")
    if target.exists():
        raise StartupError(f"{target} already exists; choose a new file name so nothing is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        made = make_verified_copy(source, target)
    except (BackupFailed, OSError, sqlite3.Error) as error:
        raise StartupError(f"The backup was not made: {describe_failure(error)}.") from None
    return (
        f"Backed up {source} to {made.describe()}. Keep it with your encryption key (attune.key or "
        "DATA_ENCRYPTION_KEY): one is useless without the other."
    )


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
