"""Benchmark 2's fake side: the load world, the waves of concurrent commands, and what the fake saw.

It runs in the fake's own process (bench/apart.py answers its methods on the control channel), so
the fake's work (checking 200 concurrent callbacks against the OpenAPI spec, recording them, its
HTTP server) stays out of the bot's event loop, whose lag benchmark 2 measures. Every method takes
and returns plain JSON values. Latency is timed here, on the fake's clock, as in bench/scenario.py:
INTERACTION_CREATE sent to the callback request read. Moments are time.monotonic() values, one
clock for every process on the machine (CLOCK_MONOTONIC on Linux), so the bot's side can read them
against the due second it set.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from bench.common import PACED_RATE, round_posts, status_counts, top_kinds
from bench.world import RequestLog, add_threads, members
from tests.fake_discord.models import FakeChannel, FakeUser
from tests.fake_discord.server import FakeDiscord

COMMANDS = ("help", "journal list", "checkin show")
NUDGE = "check-in is ready"


class LoadScenario:
    """Benchmark 2's world on one fake Discord: one server, its couples channel, two people a
    couple (members of the server), and each couple's private thread."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self.people: list[FakeUser] = []
        self.threads: list[FakeChannel] = []
        self.requests = RequestLog(fake)

    async def load_build(self, couples: int) -> dict[str, Any]:
        """Build the world; returns the ids the bot's seed needs."""
        fake = self.fake
        guild = fake.add_guild("Home")
        self.general = fake.add_text_channel(guild, "couples")
        self.people = members(fake, guild, "p", 2 * couples)
        pairs = [(self.people[2 * i].id, self.people[2 * i + 1].id) for i in range(couples)]
        self.threads = add_threads(fake, guild, self.general, pairs)
        return {
            "guild": guild.id,
            "general": self.general.id,
            "people": [p.id for p in self.people],
            "threads": [t.id for t in self.threads],
        }

    async def load_watch(self) -> None:
        """Start the window: every request from now on is counted (bench/world.py's RequestLog)."""
        self.requests.start()

    async def load_wave(self, wave: int, count: int) -> dict[str, Any]:
        """`count` commands at once (/help, /journal list, /checkin show in turn), from every other
        person (the even ones on even waves); each one's latency, infinite if it failed or passed
        Discord's 3 s deadline."""
        users = self.people[wave % 2 :: 2][:count]
        sent = await asyncio.gather(
            *(
                self.fake.slash(user, self.general, COMMANDS[i % len(COMMANDS)])
                for i, user in enumerate(users)
            )
        )
        results = await asyncio.gather(*(ix.response(timeout=10) for ix in sent), return_exceptions=True)
        latencies: list[float] = []
        expired = 0
        for ix, result in zip(sent, results, strict=True):
            if isinstance(result, BaseException) or ix.latency is None or ix.expired:
                expired += 1
                latencies.append(float("inf"))
            else:
                latencies.append(float(ix.latency))
        return {"latencies": latencies, "expired": expired}

    def _posted(self) -> int:
        return sum(1 for t in self.threads if round_posts(t))

    def _nudged(self) -> int:
        return sum(1 for p in self.people for m in self.fake.dm_messages(p) if NUDGE in m.text())

    async def load_wait(self, what: str, count: int, limit: float) -> float | None:
        """Wait until `count` threads have their round ("posted") or `count` nudges went out
        ("nudged"), checked every 0.1 s; returns the monotonic moment it was seen, None after `limit` s."""
        progress: Callable[[], int] = {"posted": self._posted, "nudged": self._nudged}[what]
        deadline = time.monotonic() + limit
        while progress() < count:
            if time.monotonic() > deadline:
                return None
            await asyncio.sleep(0.1)
        return time.monotonic()

    async def load_report(self) -> dict[str, Any]:
        """End the window; what it held: requests by kind and status, the 429s, the requests the bot
        paces itself (everything but interaction answers), round posts per thread, nudges sent, and
        the fake's OpenAPI spec violations."""
        await self.requests.stop()
        window = [r for _, r in self.requests.stamped]
        paced = [r for r in window if not r.path.startswith(("/interactions/", "/webhooks/"))]
        posted = [len(round_posts(t)) for t in self.threads]
        return {
            "requests": len(window),
            "statuses": {str(status): n for status, n in status_counts(window).items()},
            "kinds": top_kinds(window, 8),
            "limited_kinds": top_kinds([r for r in window if r.status == 429], 4),
            "paced_seconds": len(paced) / PACED_RATE,
            "duplicates": sum(1 for p in posted if p > 1),
            "lost": sum(1 for p in posted if p == 0),
            "nudges": self._nudged(),
            "violations": len(self.fake.violations),
        }
