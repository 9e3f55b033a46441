"""Pace outgoing bursts ourselves: discord.py has no proactive global limiter, and every 429
counts toward Discord's ban of bots that fail 10,000 requests in 10 minutes."""

from __future__ import annotations

import asyncio


class Pacer:
    """At most `rate` calls a second to wait() return, spaced evenly, across all callers."""

    def __init__(self, rate: float) -> None:
        self._interval = 1.0 / rate
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        async with self._lock:
            loop = asyncio.get_running_loop()
            now = loop.time()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            await asyncio.sleep(delay)
