"""Benchmark 2: concurrent commands while a thousand rounds fall due, and the event loop's lag.

The fake Discord runs in a process of its own (bench/apart.py; its side of this benchmark is
bench/load_scenario.py), as in production and as in benchmark 1: the lag and the round-trips are
the bot's, not the fake's work on 200 concurrent callbacks sharing the bot's event loop. The lag
monitor runs in the bot's process, the one it measures.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from bench import common
from bench.apart import FakeApart, fake_apart
from bench.common import PACED_RATE, Figure, Scale, Section, attune_due, due_spec
from bench.stats import Summary, summarize


class LagMonitor:
    """A task sleeping 10 ms in a loop; lag = how late each wake-up is."""

    def __init__(self) -> None:
        self.samples: list[float] = []
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            started = loop.time()
            await asyncio.sleep(0.010)
            self.samples.append(max(0.0, loop.time() - started - 0.010))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task


async def bench_load(scale: Scale) -> Section:
    section = Section("2. Under load: concurrent commands while rounds fall due")
    n = scale.load_rounds
    async with fake_apart(common.WORK / "fake-load.log") as apart:
        with apart.patch_discord_py():
            world = await apart.call("load_build", couples=n)
            spec = due_spec(
                n,
                guild_id=world["guild"],
                channel_id=world["general"],
                people_ids=world["people"],
                thread_ids=world["threads"],
                dm_nudges=True,
            )
            async with attune_due(apart, "load", spec) as bot:
                lag = LagMonitor()
                try:
                    due_mono = await bot.fall_due(n)
                    await asyncio.sleep(max(0.0, due_mono - time.monotonic() - 1.0))
                    lag.start()
                    await apart.call("load_watch")
                    latencies, expired = await waves(apart, scale, due_mono)
                    all_posted, all_nudged = await finished(apart, n, due_mono)
                finally:
                    await lag.stop()
                seen = await apart.call("load_report")
    figures(section, scale, summarize(latencies), summarize(lag.samples))
    facts(section, n, scale, expired, (all_posted, all_nudged), seen)
    return section


async def waves(apart: FakeApart, scale: Scale, due_mono: float) -> tuple[list[float], int]:
    """`load_waves` waves of `load_commands` commands at once, from 0.5 s after the due second,
    every 3 s; each latency as the fake timed it."""
    latencies: list[float] = []
    expired = 0
    for wave in range(scale.load_waves):
        await asyncio.sleep(max(0.0, due_mono + 0.5 + 3.0 * wave - time.monotonic()))
        sent = await apart.call("load_wave", wave=wave, count=scale.load_commands)
        latencies += [float(value) for value in sent["latencies"]]
        expired += int(sent["expired"])
    return latencies, expired


async def finished(apart: FakeApart, n: int, due_mono: float) -> tuple[float, float]:
    """Seconds from the due second until every round was posted, then until every nudge was sent
    (the DM nudges go out after the rounds; the window runs until the last); NaN if either never was."""
    posted = await apart.call("load_wait", what="posted", count=n, limit=n / PACED_RATE * 4 + 60)
    if posted is None:
        return float("nan"), float("nan")
    nudged = await apart.call("load_wait", what="nudged", count=2 * n, limit=5 * n / PACED_RATE * 2 + 60)
    return posted - due_mono, float("nan") if nudged is None else nudged - due_mono


def figures(section: Section, scale: Scale, latencies: Summary, lags: Summary) -> None:
    section.figures.append(
        Figure(
            f"interaction round-trip, {scale.load_commands} concurrent commands × {scale.load_waves} waves",
            latencies,
            "p99 ≤ 1 s and max < 2.5 s",
            latencies.p99 <= 1.0 and latencies.max < 2.5,
        )
    )
    section.figures.append(
        Figure(
            "event-loop lag (10 ms sleeper)",
            lags,
            "p99 ≤ 50 ms and max ≤ 250 ms",
            lags.p99 <= 0.050 and lags.max <= 0.250,
        )
    )


def facts(
    section: Section, n: int, scale: Scale, expired: int, done: tuple[float, float], seen: dict[str, Any]
) -> None:
    """What the window held, as the fake's process saw it (bench/load_scenario.py's load_report)."""
    all_posted, all_nudged = done
    statuses = {int(status): count for status, count in seen["statuses"].items()}
    section.facts += [
        f"{n:,} couples' rounds all due at the same second; commands (/help, /journal list, /checkin show) "
        f"fired {scale.load_commands} at once from 0.5 s after the due time, every 3 s. "
        f"{expired} interactions failed or passed Discord's 3 s deadline.",
        "The fake Discord runs in a process of its own (as in benchmark 1 and in production): the "
        "lag and the round-trips are the bot's, not the fake's work on the concurrent callbacks "
        "(checking each against the OpenAPI spec) sharing the bot's event loop. Latency = "
        "INTERACTION_CREATE sent to the callback request read, both on the fake's clock.",
        f"Every round posted {all_posted:.1f} s after the due second (the pacing floor for the round "
        f"posts alone is {n / PACED_RATE:.1f} s). Then the DM nudges, paced on the same "
        f"{PACED_RATE:.0f}/s: all {seen['nudges']:,} sent at {all_nudged:.1f} s "
        f"(each opens a DM channel first: {seen['paced_seconds']:.1f} s of requests at "
        f"{PACED_RATE:.0f}/s in all). "
        f"Duplicates: {seen['duplicates']}, lost: {seen['lost']}.",
        f"Requests in the window: {seen['requests']:,}; statuses {statuses}; 429s: {statuses.get(429, 0)} "
        f"({seen['limited_kinds']}).",
        f"Request mix: {seen['kinds']}.",
        f"Spec violations: {seen['violations']}.",
    ]
    if statuses.get(429, 0):
        section.facts.append(
            f"{statuses[429]:,} answers were 429s: every one counts toward Discord's ban of a bot at "
            "10,000 failing requests in 10 minutes. The dispatcher paces each request it makes "
            f"(DM channel opens included) at {PACED_RATE:.0f}/s; see the 429s by kind above."
        )
