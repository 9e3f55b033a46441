"""Registering Attune's recurring jobs with APScheduler, the one way every feature does it."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar, Self

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord.ext import commands

if TYPE_CHECKING:
    from bot.client import AttuneBot


# Set while a job's own run (and the tasks it starts) executes.
_IN_A_RUN: ContextVar[bool] = ContextVar("attune_in_a_job_run", default=False)


class IntervalJob:
    """A job that runs now and then every `seconds`: one instance at a time, missed runs folded
    into one, never skipped for being late, and a run asked for while one is in flight follows it
    rather than being dropped. A stable id, so installing again replaces it.

    The feature that owns it installs it when its cog loads and stops it when the cog unloads."""

    def __init__(
        self, scheduler: AsyncIOScheduler, run: Callable[[], Awaitable[None]], *, job_id: str, seconds: float
    ) -> None:
        self.scheduler = scheduler
        self.run = run
        self.job_id = job_id
        self.seconds = seconds
        self._running = False
        self._again = False

    async def _run_once(self) -> None:
        self._running = True
        token = _IN_A_RUN.set(True)
        try:
            await self.run()
        finally:
            _IN_A_RUN.reset(token)
            self._running = False
            if self._again:
                # Asked for while this run was in flight: APScheduler drops a run that would
                # overlap one (one instance at a time), so it is asked for again once this run's
                # task is done: the scheduler counts it as running until its own callback ran.
                self._again = False
                task = asyncio.current_task()
                if task is not None:
                    task.add_done_callback(lambda _: self.run_at(datetime.now(UTC)))

    def install(self) -> None:
        self.scheduler.add_job(
            self._run_once,
            "interval",
            seconds=self.seconds,
            id=self.job_id,
            replace_existing=True,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
            misfire_grace_time=None,
        )

    def run_at(self, when: datetime) -> None:
        """Bring the next run forward to `when` (real time: APScheduler does not run on the
        domain clock). Nothing happens when the job is not scheduled (stopped, or removed by a test)."""
        job = self.scheduler.get_job(self.job_id)
        if job is not None:
            # Only a wake from outside (a schedule changed): a run that asks for itself again,
            # say because what it failed to record is still due, waits for its interval instead.
            if self._running and not _IN_A_RUN.get() and when <= datetime.now(UTC):
                self._again = True
            job.modify(next_run_time=when)

    def stop(self) -> None:
        """No run starts any more. A run in flight is the owner's to wind down; the scheduler's own
        shutdown cancels whatever is still running after that."""
        if self.scheduler.get_job(self.job_id) is not None:
            self.scheduler.remove_job(self.job_id)


class JobCog(commands.Cog):
    """A cog that owns one recurring job: installed when the cog loads (its extension's setup adds
    it), stopped when it unloads (Attune's close unloads every extension before the scheduler stops).

    A subclass names its job (`job_id`, every `interval_seconds`), says what a run does (`tick`)
    and what its log says when a run fails (`failed_note`) or is cancelled (`stopped_note`).

    Runs start once the bot is ready (on_ready: every server's contents are cached), unless the
    job says it needs no cache (`needs_guild_cache = False`): then from the gateway's READY, about
    2 s sooner (discord.py's guild_ready_timeout), its tick waiting for whatever it does need."""

    needs_guild_cache: ClassVar[bool] = True
    job_id: ClassVar[str]
    interval_seconds: ClassVar[float]
    failed_note: ClassVar[str]
    stopped_note: ClassVar[str]

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        self.job = IntervalJob(bot.scheduler, self.run_job, job_id=self.job_id, seconds=self.interval_seconds)

    @classmethod
    def of(cls, bot: commands.Bot) -> Self:
        """This job's cog in a running bot."""
        cog = bot.get_cog(cls.__cog_name__)
        if not isinstance(cog, cls):
            raise LookupError(f"{cls.__cog_name__} is not loaded: its extension is not")
        return cog

    async def cog_load(self) -> None:
        self.job.install()
        # Health checks each installed job's runs against its interval (bot/health.py).
        self.bot.heartbeat.job_installed(self.job_id, self.interval_seconds)

    async def cog_unload(self) -> None:
        # A run in flight is cancelled by the scheduler's shutdown: what it did not do stays due.
        self.job.stop()

    async def tick(self) -> None:
        """One run's work; safe to run at any time (tests call it directly)."""
        raise NotImplementedError

    async def run_job(self) -> None:
        """What the scheduler runs. The scheduler cancels a run in flight when the bot shuts down:
        not an error, and whatever was not done is still due in the database for the next start."""
        try:
            if self.needs_guild_cache:
                await self.bot.wait_until_ready()
            else:
                await self.bot.wait_until_connected()
            await self.run_ready()
        except asyncio.CancelledError:
            self._log.info(self.stopped_note)

    async def run_ready(self) -> None:
        """A run once the bot is ready: a failed tick is logged, never raised (the next run tries
        again). Each run is recorded for the heartbeat and timed for the metrics."""
        self.bot.heartbeat.job_started(self.job_id)
        started, ok = time.perf_counter(), False
        try:
            await self.tick()
            ok = True
        except Exception:
            self._log.exception(self.failed_note)
        finally:
            self.bot.heartbeat.job_finished(self.job_id, ok=ok)
            self.bot.metrics.job_ran(self.job_id, time.perf_counter() - started)

    @property
    def _log(self) -> logging.Logger:
        return logging.getLogger(type(self).__module__)  # the owning feature's logger, not this module's
