"""The fake Discord side of the benchmarks: worlds, the baseline bot, timing what the bot sends."""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from tests.fake_discord.models import PRIVATE_THREAD, FakeChannel, FakeGuild, FakeUser
from tests.fake_discord.server import FakeDiscord
from tests.fake_discord.spec import load_spec


@contextlib.asynccontextmanager
async def running_fake(*, rate_limited: bool = True) -> AsyncIterator[FakeDiscord]:
    """The tests' fake, started and patched in, with Discord's rate limits switched on."""
    load_spec()
    fake = FakeDiscord()
    await fake.start()
    if rate_limited:
        fake.rate_limits(enabled=True, global_per_sec=50, per_channel=(5, 5.0))
    try:
        with fake.patch_discord_py():
            yield fake
    finally:
        await fake.stop()


def add_threads(
    fake: FakeDiscord, guild: FakeGuild, parent: FakeChannel, pairs: list[tuple[int, int]]
) -> list[FakeChannel]:
    """Private threads that already exist (made before the bot starts), one per pair of people."""
    threads = []
    for index, (first, second) in enumerate(pairs):
        thread = FakeChannel(
            f"couple {index}",
            PRIVATE_THREAD,
            guild,
            parent=parent,
            owner_id=fake.bot_user.id,
            invitable=False,
            auto_archive_duration=10080,
        )
        thread.member_ids.update({fake.bot_user.id, first, second})
        guild.channels.append(thread)
        fake.channels[thread.id] = thread
        threads.append(thread)
    return threads


@dataclass
class RequestLog:
    """Timestamps every request the fake receives (polled every few ms), so rates can be read."""

    fake: FakeDiscord
    interval: float = 0.005
    seen: int = 0
    stamped: list[tuple[float, Any]] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self.seen = len(self.fake.requests)
        self._task = asyncio.create_task(self._poll())

    async def _poll(self) -> None:
        while True:
            self.take()
            await asyncio.sleep(self.interval)

    def take(self) -> None:
        now = time.monotonic()
        requests = self.fake.requests
        while self.seen < len(requests):
            self.stamped.append((now, requests[self.seen]))
            self.seen += 1

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self.take()


def request_kind(method: str, path: str) -> str:
    """A request's route with ids folded, for counting: 'POST /channels/{id}/messages'."""
    return f"{method} " + re.sub(
        r"/\d+", "/{id}", re.sub(r"/interactions/\d+/[^/]+", "/interactions/…", path)
    )


def kinds(requests: list[Any]) -> Counter[str]:
    return Counter(request_kind(r.method, r.path) for r in requests)


# -- the baseline: a bare discord.py bot answering one slash command ------------------------------


class BaselineBot(commands.Bot):
    def __init__(self, guild_id: int) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(command_prefix=commands.when_mentioned, intents=intents, help_command=None)
        self.guild_id = guild_id

    async def setup_hook(self) -> None:
        @app_commands.command(name="ping", description="Answer at once")
        async def ping(interaction: discord.Interaction) -> None:
            await interaction.response.send_message("pong", ephemeral=True)

        guild = discord.Object(id=self.guild_id)
        self.tree.add_command(ping, guild=guild)
        await self.tree.sync(guild=guild)


@contextlib.asynccontextmanager
async def baseline_bot(token: str, guild_id: int) -> AsyncIterator[BaselineBot]:
    """The bare bot, connected to whichever fake discord.py points at (this process's or another's)."""
    bot = BaselineBot(guild_id)
    bot._connection.guild_ready_timeout = 0.05  # as the harness does for Attune
    task = asyncio.create_task(bot.start(token))
    try:
        deadline = time.monotonic() + 20
        while not bot.is_ready():
            if task.done():
                task.result()
            if time.monotonic() > deadline:
                raise TimeoutError("the baseline bot did not become ready")
            await asyncio.sleep(0.01)
        yield bot
    finally:
        await bot.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 10)


def members(fake: FakeDiscord, guild: FakeGuild, prefix: str, count: int) -> list[FakeUser]:
    return [fake.add_member(guild, f"{prefix}{i}") for i in range(count)]
