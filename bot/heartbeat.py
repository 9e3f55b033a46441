"""The heartbeat: what the running bot says about itself, every few seconds, in a file beside the
database (`<database>.heartbeat`), for another process to read (`python -m bot health`).

It holds the process id, when it was written, whether the gateway is connected and since when,
each recurring job's last run and its interval, the last message posted in a channel, and the
schema version. The file is written whole or not at all (a temporary file, then os.replace) and
only the owner can read it.

Its own asyncio task, not a scheduler job: a heartbeat must not stop when the scheduler does (the
tests' BotHarness removes every job; a scheduler stuck behind a long run would look like a dead
bot), and the listeners below only record state, so the task writes at once when the gateway
connects or drops instead of up to five seconds later. A write that fails (a full disk) is logged
once and tried again next time; nothing here ever stops the bot. On a clean stop the file is
written one last time, marked stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from discord.ext import commands

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 5.0
FORMAT_VERSION = 1


def heartbeat_path(database_path: Path) -> Path:
    return database_path.with_name(f"{database_path.name}.heartbeat")


@dataclass
class JobState:
    interval_seconds: float
    installed_at: float
    last_started: float | None = None
    last_finished: float | None = None
    last_ok: float | None = None

    def as_json(self) -> dict[str, float | None]:
        return {
            "interval_seconds": self.interval_seconds,
            "installed_at": self.installed_at,
            "last_started": self.last_started,
            "last_finished": self.last_finished,
            "last_ok": self.last_ok,
        }


class Heartbeat:
    """The state to report (recorded by listeners, jobs and the HTTP trace) and the task writing it.

    Times are wall-clock seconds (time.time()): another process compares them with its own clock,
    so never the bot's domain clock, which tests move at will."""

    def __init__(self, path: Path, *, every: float = HEARTBEAT_SECONDS) -> None:
        self.path = path
        self.every = every
        self.pid = os.getpid()
        self.started_at = time.time()
        self.stopped_at: float | None = None
        self.connected = False
        self.changed_at = self.started_at  # when `connected` last changed
        self.jobs: dict[str, JobState] = {}
        self.last_post: float | None = None
        self.schema: int | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._stopping = False
        self._failing = False
        self._writing = threading.Lock()  # the last write (at stop) must not cross one in a thread

    # -- recording (no side effects beyond waking the writer) ----------------------------------

    def listen_to(self, bot: commands.Bot) -> None:
        bot.add_listener(self._on_connected, "on_connect")
        bot.add_listener(self._on_connected, "on_resumed")
        bot.add_listener(self._on_connected, "on_ready")
        bot.add_listener(self._on_disconnected, "on_disconnect")

    async def _on_connected(self) -> None:
        self.gateway(connected=True)

    async def _on_disconnected(self) -> None:
        self.gateway(connected=False)

    def gateway(self, *, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            self.changed_at = time.time()
            self._changed.set()

    def job_installed(self, job_id: str, interval_seconds: float) -> None:
        self.jobs[job_id] = JobState(interval_seconds, installed_at=time.time())

    def job_started(self, job_id: str) -> None:
        if job_id in self.jobs:
            self.jobs[job_id].last_started = time.time()

    def job_finished(self, job_id: str, *, ok: bool) -> None:
        job = self.jobs.get(job_id)
        if job is not None:
            job.last_finished = time.time()
            if ok:
                job.last_ok = job.last_finished

    def posted(self, at: float) -> None:
        self.last_post = at

    def snapshot(self) -> dict[str, object]:
        return {
            "version": FORMAT_VERSION,
            "pid": self.pid,
            "started_at": self.started_at,
            "written_at": time.time(),
            "stopped_at": self.stopped_at,
            "gateway": {
                "connected": self.connected,
                "connected_since": self.changed_at if self.connected else None,
                "disconnected_since": None if self.connected else self.changed_at,
            },
            "jobs": {job_id: job.as_json() for job_id, job in sorted(self.jobs.items())},
            "last_post": self.last_post,
            "schema": self.schema,
        }

    # -- writing ---------------------------------------------------------------------------------

    def write(self) -> bool:
        """Write the snapshot now. False (logged once per outage) if it failed."""
        return self._store(self._encoded())

    def _encoded(self) -> bytes:
        # Taken on the event loop's thread, where the state changes; only the bytes go to a thread.
        return json.dumps(self.snapshot(), separators=(",", ":")).encode()

    def _store(self, data: bytes) -> bool:
        """Write `data` atomically (a temporary file, then os.replace), owner-only."""
        with self._writing:
            return self._store_unlocked(data)

    def _store_unlocked(self, data: bytes) -> bool:
        temporary = self.path.with_name(f"{self.path.name}.tmp")
        try:
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as file:
                os.fchmod(fd, 0o600)  # a file left by an older run keeps its mode otherwise
                file.write(data)
            os.replace(temporary, self.path)
        except OSError as error:
            if not self._failing:
                log.warning("Could not write the heartbeat to %s (%s); will keep trying", self.path, error)
            self._failing = True
            return False
        if self._failing:
            log.info("Writing the heartbeat to %s works again", self.path)
        self._failing = False
        return True

    async def _run(self) -> None:
        while not self._stopping:
            self._changed.clear()
            try:
                await asyncio.to_thread(self._store, self._encoded())
            except Exception:  # never let the heartbeat die of a surprise: log it, beat on
                log.exception("The heartbeat failed; trying again")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), self.every)

    def start(self) -> None:
        """Start beating (once; from setup_hook, so it lives exactly as long as the bot runs)."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="attune-heartbeat")

    async def stop(self) -> None:
        """Stop beating, and mark the file stopped (only if this bot ever wrote it). Asked, not
        cancelled: Python 3.11's wait_for can swallow a cancel that meets a wake-up."""
        task, self._task = self._task, None
        if task is None:
            return
        self._stopping = True
        self._changed.set()
        await task
        self.stopped_at = time.time()
        self.gateway(connected=False)
        self.write()
