"""Python's cyclic garbage collector, run while the bot is idle instead of whenever it allocates.

CPython starts a young collection after every 700 new container objects, which is in the middle
of whatever runs at that moment: here, nearly always an interaction being answered, since that is
when the bot allocates. Each such pause (about 0.5 ms, and 1.5 to 2.5 ms when the middle
generation is collected too) lands on somebody's reply (benchmark 1 counts them). So the
automatic threshold is raised to a backstop that only a burst reaches, and this task collects
the same generations on CPython's own schedule, but at moments when no event or job is in flight.
A bot that is never idle for a while is collected anyway: memory must not grow because of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
from collections.abc import Callable

# The generation counts at which CPython would collect: its default thresholds.
YOUNG, MIDDLE, OLD = 700, 10, 10
BACKSTOP = 50_000  # new objects before an automatic young collection, wherever it lands
INTERVAL = 0.5  # seconds between looks
PATIENCE = 20  # looks in a row found busy before collecting anyway (10 s)


class IdleCollector:
    """Started once the start-up heap is frozen (bot/client.py); stopped when the bot closes."""

    def __init__(self, busy: Callable[[], bool]) -> None:
        self._busy = busy
        self._task: asyncio.Task[None] | None = None
        self._previous: tuple[int, int, int] | None = None
        self.collections = 0  # by this task, for tests and benchmark 1

    def start(self) -> None:
        if self._task is not None:
            return
        self._previous = gc.get_threshold()
        gc.set_threshold(BACKSTOP, MIDDLE, OLD)
        self._task = asyncio.create_task(self._run(), name="attune-idle-gc")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self._previous is not None:
            gc.set_threshold(*self._previous)
            self._previous = None

    async def _run(self) -> None:
        waited = 0
        while True:
            await asyncio.sleep(INTERVAL)
            if self._busy() and waited < PATIENCE:
                waited += 1
                continue
            waited = 0
            self.collect_due()

    def collect_due(self) -> int | None:
        """Collect the oldest generation CPython would collect now; the generation, or None."""
        young, middle, old = gc.get_count()
        generation = 2 if old >= OLD else 1 if middle >= MIDDLE else 0 if young >= YOUNG else None
        if generation is not None:
            gc.collect(generation)
            self.collections += 1
        return generation
