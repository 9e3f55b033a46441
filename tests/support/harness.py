"""Start Attune the way `python -m bot` does, against the fake Discord, and stop or restart it."""

from __future__ import annotations

import asyncio
import base64
import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.__main__ import serve
from bot.client import AttuneBot
from bot.config import Settings, load_settings
from tests.support.clock import FakeClock

if TYPE_CHECKING:
    from cogs.appreciate.offers import AppreciationOffers
    from cogs.breaks.returns import BreakReturns
    from cogs.checkins.dispatch import CheckinDispatcher
    from cogs.couples.expiry import InvitationSweeper
    from cogs.meetings.dispatch import MeetingDispatcher
    from cogs.progress.dispatch import ProgressDispatcher

TEST_KEY = base64.urlsafe_b64encode(bytes(range(32))).decode()


def make_settings(fake: Any, data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "discord_token": fake.token,
        "database_url": f"sqlite:///{data_dir / 'attune.db'}",
        "discord_api_base": fake.api_base,
        "data_encryption_key": TEST_KEY,
        "log_level": "DEBUG",
        "_env_file": None,  # a developer's own .env must not leak into tests
    }
    values.update(overrides)
    return load_settings(Settings, **values)


class BotHarness:
    """One bot process's life, in-process: start, restart, stop, with a clock tests control."""

    def __init__(
        self, fake: Any, settings: Settings, clock: FakeClock, *, scheduled_jobs: bool = False
    ) -> None:
        self.fake = fake
        self.settings = settings
        self.clock = clock
        # Tests drive the dispatchers' ticks themselves; APScheduler's own runs would race them.
        # A test about the scheduling itself sets this before start.
        self.scheduled_jobs = scheduled_jobs
        self.bot: AttuneBot | None = None
        self.starts = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self, timeout: float = 10.0) -> AttuneBot:
        built: list[AttuneBot] = []

        def on_built(bot: AttuneBot) -> None:
            # discord.py waits this long after the last GUILD_CREATE before READY (2 s by default).
            bot._connection.guild_ready_timeout = 0.05
            built.append(bot)

        self._task = asyncio.create_task(
            serve(self.settings, clock=self.clock, handle_signals=False, on_built=on_built)
        )
        deadline = asyncio.get_running_loop().time() + timeout
        while not (built and built[0].is_ready()):
            if self._task.done():
                self._task.result()  # re-raise why start-up failed
                raise RuntimeError("the bot stopped before it was ready")
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError("the bot did not become ready")
            await asyncio.sleep(0.01)
        self.bot = built[0]
        self.starts += 1
        self.fake.settle = self.settle
        if not self.scheduled_jobs:
            self.bot.scheduler.remove_all_jobs()
            await self.settle()
        return self.bot

    async def settle(self, timeout: float = 10.0) -> None:
        """Wait until nothing is in flight: no handler, post or job running in the bot, no request
        or event in transit in the fake. Checked several times in a row, so work that is about to
        start (a timer due now, an event just written to the socket) is seen too."""
        bot = self.running
        deadline = asyncio.get_running_loop().time() + timeout
        quiet = 0
        while quiet < 3:
            ws = bot.ws
            busy = self.fake.busy(ws.sequence if ws is not None else None) or (
                f"bot tasks: {bot.inflight.describe()}" if bot.inflight.busy else None
            )
            quiet = 0 if busy else quiet + 1
            if busy and asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"the bot did not settle within {timeout}s: {busy}")
            if bot.inflight.busy:
                await bot.inflight.wait_idle(max(0.0, deadline - asyncio.get_running_loop().time()))
            else:
                await asyncio.sleep(0.005)

    async def stop(self) -> None:
        self.fake.settle = None
        if self.bot is not None and not self.bot.is_closed():
            await self.bot.close()
        if self._task is not None:
            await asyncio.wait_for(self._task, timeout=10)
        self._task = None

    async def restart(self) -> AttuneBot:
        await self.stop()
        return await self.start()

    @property
    def running(self) -> AttuneBot:
        assert self.bot is not None, "start the bot first"
        return self.bot

    @property
    def checkin_job(self) -> CheckinDispatcher:
        return checkin_job(self.running)

    @property
    def progress_job(self) -> ProgressDispatcher:
        return progress_job(self.running)

    @property
    def invitation_job(self) -> InvitationSweeper:
        return invitation_job(self.running)

    @property
    def appreciation_job(self) -> AppreciationOffers:
        return appreciation_job(self.running)

    @property
    def meeting_job(self) -> MeetingDispatcher:
        return meeting_job(self.running)

    @property
    def break_job(self) -> BreakReturns:
        return break_job(self.running)


# Each feature's scheduled job is a cog of its extension. discord.py imports an extension's modules
# afresh each time a bot loads it, so the class to look for is the one this bot loaded, not one
# imported when this file was.


def _loaded_job(bot: AttuneBot, module: str, name: str) -> Any:
    return getattr(importlib.import_module(module), name).of(bot)


def checkin_job(bot: AttuneBot) -> CheckinDispatcher:
    """The check-in job (posting rounds, nudges, reveals to retry, reminders, closes) of `bot`."""
    job: CheckinDispatcher = _loaded_job(bot, "cogs.checkins.dispatch", "CheckinDispatcher")
    return job


def progress_job(bot: AttuneBot) -> ProgressDispatcher:
    """The progress job (weekly summaries, heads-ups, check-up offers) of `bot`."""
    job: ProgressDispatcher = _loaded_job(bot, "cogs.progress.dispatch", "ProgressDispatcher")
    return job


def invitation_job(bot: AttuneBot) -> InvitationSweeper:
    """The invitation expiry job of `bot`."""
    job: InvitationSweeper = _loaded_job(bot, "cogs.couples.expiry", "InvitationSweeper")
    return job


def appreciation_job(bot: AttuneBot) -> AppreciationOffers:
    """The weekly appreciation offer job of `bot`."""
    job: AppreciationOffers = _loaded_job(bot, "cogs.appreciate.offers", "AppreciationOffers")
    return job


def meeting_job(bot: AttuneBot) -> MeetingDispatcher:
    """The couple meeting job (posting meetings, reveals to retry, closing, journal records) of `bot`."""
    job: MeetingDispatcher = _loaded_job(bot, "cogs.meetings.dispatch", "MeetingDispatcher")
    return job


def break_job(bot: AttuneBot) -> BreakReturns:
    """The job that reminds a couple when a break's time is up."""
    job: BreakReturns = _loaded_job(bot, "cogs.breaks.returns", "BreakReturns")
    return job
