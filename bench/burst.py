"""Benchmark 3: ten thousand rounds due at once under Discord's rate limits (pacing, no duplicates)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools

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
from bench.world import RequestLog


async def bench_burst(scale: Scale) -> Section:
    section = Section("3. Dispatch burst under Discord's rate limits")
    n = scale.burst_rounds
    async with due_world("burst", n, with_people=False) as world:
        fake, threads = world.fake, world.threads
        requests = RequestLog(fake, interval=0.01)
        last_post = float("nan")
        try:
            due_mono = await world.fall_due(n)
            requests.start()
            floor = n / PACED_RATE
            with contextlib.suppress(TimeoutError):  # the figures then show what was lost
                await until(
                    lambda: sum(1 for t in threads if t.messages) >= n,
                    limit=floor * 3 + 60,
                    what="burst did not complete",
                    interval=0.05,
                )
            await asyncio.sleep(0.5)
        finally:
            await requests.stop()
    posts = [
        (at, r)
        for at, r in requests.stamped
        if r.method == "POST" and r.path.endswith("/messages") and r.status == 200
    ]
    gap = 0.0
    if posts:
        last_post = max(at for at, _ in posts) - due_mono
        first_post = min(at for at, _ in posts) - due_mono
        times = sorted(at for at, _ in posts)
        gap = max((b - a for a, b in itertools.pairwise(times)), default=0.0)
    else:
        first_post = float("nan")
    window = [r for at, r in requests.stamped if at <= due_mono + last_post + 0.01]
    floor = len(window) / PACED_RATE
    statuses = status_counts(window)
    counts = [len(round_posts(t)) for t in threads]
    duplicates = sum(1 for c in counts if c > 1)
    lost = sum(1 for c in counts if c == 0)
    ratio = last_post / floor if floor else float("nan")
    if not ratio <= 1.1:
        section.facts.append(
            f"Gap: {last_post - floor:.1f} s over the floor: {first_post:.1f} s before the first post "
            f"(recording the first batch of due schedules), a longest pause of {gap:.1f} s between "
            "two posts, and the rest spread over the posts (each waits its turn in the pacer, then "
            "makes its database writes)."
        )
    section.figures.append(
        Figure(
            f"{n:,} rounds due at once: due time → last round posted (s)",
            None,
            "≤ 1.1 × floor, 0 duplicates, 0 lost, 0 429s",
            ratio <= 1.1 and duplicates == 0 and lost == 0 and statuses.get(429, 0) == 0,
            ratio,
            f"{last_post:.1f} s against a floor of {floor:.1f} s ({len(window):,} requests ÷ "
            f"{PACED_RATE:.0f}/s); duplicates {duplicates}, lost {lost}, 429s {statuses.get(429, 0)}",
        )
    )
    section.facts += [
        f"One burst (it takes minutes; repeating it would blow the time budget). First round out "
        f"{first_post:.2f} s after the due second; the longest pause between two posts was {gap:.1f} s.",
        f"Requests: {top_kinds(window, 8)}; statuses {statuses}.",
        "Everyone in this burst has DM nudges off (people.dm_nudges = 0): with nudges on, each round "
        "also opens two DM channels and sends two DMs, 5 requests a round, and 10,000 rounds would take "
        "over 20 minutes at 40/s, beyond this benchmark's budget. Benchmark 2 runs with nudges on.",
        f"Spec violations: {len(fake.violations)}.",
    ]
    return section
