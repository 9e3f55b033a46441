"""Benchmark 2: concurrent commands while a thousand rounds fall due, and the event loop's lag."""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import Any

from bench.common import (
    PACED_RATE,
    Figure,
    Scale,
    Section,
    due_world,
    round_posts,
    status_counts,
    top_kinds,
    until,
)
from bench.stats import summarize
from bench.world import RequestLog
from tests.fake_discord.server import FakeDiscord


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


def nudges_sent(fake: FakeDiscord, people: list[Any]) -> int:
    return sum(1 for p in people for m in fake.dm_messages(p) if "check-in is ready" in m.text())


def window_floor(stamped: list[tuple[float, Any]]) -> float:
    """Seconds the requests the bot itself paces (everything but interaction answers) need at our rate."""
    paced = [r for _, r in stamped if not r.path.startswith(("/interactions/", "/webhooks/"))]
    return len(paced) / PACED_RATE


async def bench_load(scale: Scale) -> Section:
    section = Section("2. Under load: concurrent commands while rounds fall due")
    n = scale.load_rounds
    async with due_world("load", n, with_people=True) as world:
        fake, general, people, threads = world.fake, world.general, world.people, world.threads
        lag = LagMonitor()
        requests = RequestLog(fake)
        latencies: list[float] = []
        expired = 0
        try:
            due_mono = await world.fall_due(n)
            await asyncio.sleep(max(0.0, due_mono - time.monotonic() - 1.0))
            lag.start()
            requests.start()
            commands = ("help", "journal list", "checkin show")
            offsets = [0.5 + 3.0 * wave for wave in range(scale.load_waves)]
            for wave, offset in enumerate(offsets):
                await asyncio.sleep(max(0.0, due_mono + offset - time.monotonic()))
                users = people[wave % 2 :: 2][: scale.load_commands]
                sent = await asyncio.gather(
                    *(fake.slash(user, general, commands[i % len(commands)]) for i, user in enumerate(users))
                )
                results = await asyncio.gather(
                    *(ix.response(timeout=10) for ix in sent), return_exceptions=True
                )
                for ix, result in zip(sent, results, strict=True):
                    if isinstance(result, BaseException) or ix.latency is None or ix.expired:
                        expired += 1
                        latencies.append(float("inf"))
                    else:
                        latencies.append(float(ix.latency))
            await until(
                lambda: sum(1 for t in threads if round_posts(t)) >= n,
                limit=n / PACED_RATE * 4 + 60,
                what="not every round was posted",
                interval=0.1,
            )
            all_posted = time.monotonic() - due_mono
            # The DM nudges go out after every round is posted; the window runs until the last.
            await until(
                lambda: nudges_sent(fake, people) >= 2 * n,
                limit=5 * n / PACED_RATE * 2 + 60,
                what="not every nudge was sent",
                interval=0.1,
            )
            all_nudged = time.monotonic() - due_mono
        except TimeoutError:
            all_posted = all_nudged = float("nan")
        finally:
            await lag.stop()
            await requests.stop()
    summary = summarize(latencies)
    section.figures.append(
        Figure(
            f"interaction round-trip, {scale.load_commands} concurrent commands × {scale.load_waves} waves",
            summary,
            "p99 ≤ 1 s and max < 2.5 s",
            summary.p99 <= 1.0 and summary.max < 2.5,
        )
    )
    lags = summarize(lag.samples)
    section.figures.append(
        Figure(
            "event-loop lag (10 ms sleeper)",
            lags,
            "p99 ≤ 50 ms and max ≤ 250 ms",
            lags.p99 <= 0.050 and lags.max <= 0.250,
        )
    )
    posted = [len(round_posts(t)) for t in threads]
    window = [r for _, r in requests.stamped]
    statuses = status_counts(window)
    section.facts += [
        f"{n:,} couples' rounds all due at the same second; commands (/help, /journal list, /checkin show) "
        f"fired {scale.load_commands} at once from 0.5 s after the due time, every 3 s. "
        f"{expired} interactions failed or passed Discord's 3 s deadline.",
        f"Every round posted {all_posted:.1f} s after the due second (the pacing floor for the round "
        f"posts alone is {n / PACED_RATE:.1f} s). Then the DM nudges, paced on the same "
        f"{PACED_RATE:.0f}/s: all {nudges_sent(fake, people):,} sent at {all_nudged:.1f} s "
        f"(each opens a DM channel first: {window_floor(requests.stamped):.1f} s of requests at "
        f"{PACED_RATE:.0f}/s in all). "
        f"Duplicates: {sum(1 for p in posted if p > 1)}, lost: {sum(1 for p in posted if p == 0)}.",
        f"Requests in the window: {len(window):,}; statuses {statuses}; 429s: {statuses.get(429, 0)} "
        f"({top_kinds([r for r in window if r.status == 429], 4)}).",
        f"Request mix: {top_kinds(window, 8)}.",
        f"Spec violations: {len(fake.violations)}.",
    ]
    if statuses.get(429, 0):
        section.facts.append(
            f"{statuses[429]:,} answers were 429s: every one counts toward Discord's ban of a bot at "
            "10,000 failing requests in 10 minutes. The dispatcher paces each request it makes "
            f"(DM channel opens included) at {PACED_RATE:.0f}/s; see the 429s by kind above."
        )
    return section
