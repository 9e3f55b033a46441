"""Backup files: where they go, what they are called, which ones exist, which ones to let go.

Only names Attune makes itself are ever listed or pruned (`attune-20261204T112233Z.db`, and
`attune-20261204T112233Z-before-schema-17.db` for the copy made before an upgrade), so a backup
folder can hold other files safely. The time in the name is when the copy was made (UTC): the
schedule reads it from there, so a restart does not reset the clock, and a copy moved with its
modification time changed still counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from pathlib import Path

from bot.config import DataSettings

STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
PARTIAL_SUFFIX = ".partial"
# Copies made before an upgrade are not in the scheduled rotation: a problem found weeks after an
# upgrade can still be rolled back. The newest few are kept, so they do not pile up for years.
UPGRADE_COPIES_KEPT = 3

_NAME = re.compile(r"^attune-(?P<stamp>\d{8}T\d{6}Z)(?:-before-schema-(?P<schema>\d+))?\.db$")


class BackupKind(Enum):
    SCHEDULED = "scheduled"
    BEFORE_UPGRADE = "before upgrade"


@dataclass(frozen=True)
class BackupPolicy:
    folder: Path
    configured: bool  # BACKUP_DIR was set (not the default folder beside the database)
    every: timedelta
    keep: int

    @classmethod
    def from_settings(cls, settings: DataSettings) -> BackupPolicy:
        return cls(
            folder=settings.backup_folder,
            configured=settings.backup_dir is not None,
            every=timedelta(hours=settings.backup_every_hours),
            keep=settings.backup_keep,
        )


@dataclass(frozen=True)
class BackupFile:
    path: Path
    made_at: datetime
    kind: BackupKind


def scheduled_name(moment: datetime) -> str:
    return f"attune-{moment.astimezone(UTC).strftime(STAMP_FORMAT)}.db"


def upgrade_name(moment: datetime, schema: int) -> str:
    """The copy made before migrating to `schema` (the copy itself is at the older schema)."""
    return f"attune-{moment.astimezone(UTC).strftime(STAMP_FORMAT)}-before-schema-{schema}.db"


def parse_name(path: Path) -> BackupFile | None:
    found = _NAME.match(path.name)
    if found is None:
        return None
    made_at = datetime.strptime(found["stamp"], STAMP_FORMAT).replace(tzinfo=UTC)
    kind = BackupKind.SCHEDULED if found["schema"] is None else BackupKind.BEFORE_UPGRADE
    return BackupFile(path, made_at, kind)


def backups_in(folder: Path, kind: BackupKind) -> list[BackupFile]:
    """Attune's finished backups of one kind in `folder`, newest first (none if the folder is gone).

    Only verified copies ever get these names: a copy is renamed to one after its check passed."""
    if not folder.is_dir():
        return []
    found = [parsed for entry in folder.iterdir() if (parsed := parse_name(entry)) and parsed.kind is kind]
    return sorted(found, key=lambda backup: backup.made_at, reverse=True)


def newest_backup(folder: Path) -> BackupFile | None:
    scheduled = backups_in(folder, BackupKind.SCHEDULED)
    return scheduled[0] if scheduled else None


def prune(folder: Path, kind: BackupKind, keep: int) -> list[Path]:
    """Delete all but the newest `keep` backups of `kind`; return what was deleted."""
    removed: list[Path] = []
    for old in backups_in(folder, kind)[keep:]:
        old.path.unlink(missing_ok=True)
        removed.append(old.path)
    return removed


def leftover_partials(folder: Path) -> list[Path]:
    """Copies of ours a stopped process never finished (the bot killed mid-copy, say)."""
    if not folder.is_dir():
        return []
    return [
        entry
        for entry in folder.iterdir()
        if entry.name.endswith(PARTIAL_SUFFIX) and parse_name(entry.with_suffix("")) is not None
    ]


def describe_policy(policy: BackupPolicy, now: datetime) -> str:
    """One line for `python -m bot check`."""
    hours = f"{policy.every.total_seconds() / 3600:g}"
    newest = newest_backup(policy.folder)
    if newest is None:
        last = "none made yet"
    else:
        age = now - newest.made_at
        last = f"newest made {newest.made_at:%Y-%m-%d %H:%M} UTC ({_age(age)} ago)"
    return f"every {hours} hours into {policy.folder}, keeping {policy.keep}; {last}"


def _age(age: timedelta) -> str:
    minutes = max(0, int(age.total_seconds() // 60))
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{minutes // 60} h"
    return f"{minutes // (24 * 60)} days"
