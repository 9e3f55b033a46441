"""Migrations at start, with a verified copy of the data made first.

An upgrade is the one moment Attune rewrites its own tables; if a migration, or the new version
itself, turns out wrong, the copy from just before is the way back. Without that copy (a full
disk, a missing drive) Attune refuses to migrate rather than go ahead unprotected.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3

from bot.backups.files import UPGRADE_COPIES_KEPT, BackupKind, BackupPolicy, prune, upgrade_name
from bot.backups.snapshot import BackupFailed, BackupMade, describe_failure, make_verified_copy, ready_folder
from bot.clock import Clock
from bot.db import Database
from bot.errors import StartupError

log = logging.getLogger(__name__)


async def migrate_with_backup(database: Database, policy: BackupPolicy, clock: Clock) -> int:
    """Back up a database that has data and migrations to apply, then migrate it (one transaction).

    Returns the schema version afterwards. A new, empty database needs no copy."""
    pending = await database.pending_migrations()
    if pending and await database.schema_version() > 0:
        try:
            made = await asyncio.to_thread(_copy_before, database, policy, clock, pending[-1])
        except (BackupFailed, OSError, sqlite3.Error) as error:
            raise StartupError(
                f"Attune did not upgrade the database: the backup it makes first failed "
                f"({describe_failure(error)}). Free some disk space, or set BACKUP_DIR to a folder "
                f"with room, then start again; the data in {database.path} is unchanged."
            ) from None
        log.info("Backed up the database before upgrading it to schema %d: %s", pending[-1], made.describe())
    return await database.migrate()


def _copy_before(database: Database, policy: BackupPolicy, clock: Clock, schema: int) -> BackupMade:
    folder = ready_folder(policy)
    made = make_verified_copy(database.path, folder / upgrade_name(clock.now(), schema))
    prune(folder, BackupKind.BEFORE_UPGRADE, UPGRADE_COPIES_KEPT)
    return made
