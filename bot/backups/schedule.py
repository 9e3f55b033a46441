"""Backups that happen by themselves while the bot runs.

A job looks every few minutes whether a backup is due: due when the newest scheduled backup in
the folder is older than BACKUP_EVERY_HOURS (so a restart neither resets the clock nor backs up
again needlessly). The copy is made in a worker thread through its own read-only connection, so
the bot keeps answering and writing meanwhile. A failure is one log line and is tried again at
the next check; it never stops the bot.
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backups.files import (
    BackupKind,
    BackupPolicy,
    leftover_partials,
    newest_backup,
    prune,
    scheduled_name,
)
from bot.backups.snapshot import BackupFailed, BackupMade, describe_failure, make_verified_copy, ready_folder
from bot.clock import Clock
from bot.jobs import IntervalJob

log = logging.getLogger(__name__)

JOB_ID = "attune:backups"
CHECK_EVERY = timedelta(minutes=5)
# The first look waits until start-up (sync, catching up on missed rounds) is over.
FIRST_CHECK_AFTER = timedelta(minutes=1)
# A failure that goes on (a full disk) is tried every check but logged again only this often, so
# a weekend away does not bury the rest of the log under 600 identical lines.
REPEAT_FAILURE_LOG_EVERY = timedelta(hours=6)


class BackupSchedule:
    def __init__(self, database_path: Path, policy: BackupPolicy, clock: Clock) -> None:
        self.database_path = database_path
        self.policy = policy
        self.clock = clock
        self._failure_logged: tuple[str, datetime] | None = None  # what was logged, and when

    def install(self, scheduler: AsyncIOScheduler) -> IntervalJob:
        """Add the recurring check to the scheduler (under a stable id: installing again replaces it)."""
        seconds = min(CHECK_EVERY, self.policy.every).total_seconds()
        job = IntervalJob(scheduler, self.run, job_id=JOB_ID, seconds=seconds)
        job.install()
        job.run_at(datetime.now(UTC) + FIRST_CHECK_AFTER)
        return job

    def due(self) -> bool:
        newest = newest_backup(self.policy.folder)
        return newest is None or self.clock.now() - newest.made_at >= self.policy.every

    async def run(self) -> None:
        """What the scheduler runs every few minutes."""
        await self.back_up_if_due()

    async def back_up_if_due(self) -> BackupMade | None:
        """One check (tests call it directly): back up when due. Never raises; a failure is logged
        and left for the next check. Returns the backup made, if one was."""
        try:
            if not await asyncio.to_thread(self.due):
                return None
            return await self.back_up_now()
        except asyncio.CancelledError:
            # Stopping the bot cancels the wait, not the copy: the worker thread finishes it.
            log.info("Stopped while a backup was being made; it completes in the background")
            return None
        except (BackupFailed, OSError, sqlite3.Error) as error:
            self._log_failure(describe_failure(error))
            return None
        except Exception:
            log.exception("Backup failed unexpectedly; trying again at the next check")
            return None

    async def back_up_now(self) -> BackupMade:
        """Make a scheduled backup now and prune the old ones; raises what went wrong."""
        made = await asyncio.to_thread(self._back_up, self.clock.now())
        if self._failure_logged is not None:
            log.info("Backups work again")
            self._failure_logged = None
        return made

    def _log_failure(self, reason: str) -> None:
        """A new failure is logged at once; the same one again only every few hours."""
        now = self.clock.now()
        if self._failure_logged is not None:
            logged_reason, logged_at = self._failure_logged
            if logged_reason == reason and now - logged_at < REPEAT_FAILURE_LOG_EVERY:
                return
        self._failure_logged = (reason, now)
        log.error(
            "Backup failed: %s. Trying again every %d min (this line repeats every %d h while it "
            "goes on); the bot carries on.",
            reason,
            int(min(CHECK_EVERY, self.policy.every).total_seconds() // 60) or 1,
            int(REPEAT_FAILURE_LOG_EVERY.total_seconds() // 3600),
        )

    def _back_up(self, moment: datetime) -> BackupMade:
        folder = ready_folder(self.policy)
        for leftover in leftover_partials(folder):
            leftover.unlink(missing_ok=True)
        made = make_verified_copy(self.database_path, folder / scheduled_name(moment))
        pruned = prune(folder, BackupKind.SCHEDULED, self.policy.keep)
        log.info(
            "Backed up the database to %s%s",
            made.describe(),
            f"; removed {len(pruned)} older backup(s)" if pruned else "",
        )
        return made
