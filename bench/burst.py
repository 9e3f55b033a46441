"""Benchmark 3: rounds due at once under Discord's rate limits (pacing, no duplicates), with DM
nudges off (one request a round) and on (the post, then one DM per partner: 3 requests a round)."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
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
from bench.world import RequestLog, kinds

# Rounds in the nudges-on burst, per scale (3 requests a round: 30,000 requests, 12.5 minutes at
# full scale). Kept here rather than in Scale so the shared scales stay as they are.
NUDGED_ROUNDS = {"full": 10_000, "quick": 400, "smoke": 20}
# The nudges-off burst at --quick is smaller than Scale.burst_rounds so the section, nudges-on
# burst included, still takes about what it did (--quick stays under 3 minutes in all).
QUICK_PLAIN_ROUNDS = 400
OPEN_DM = "POST /users/@me/channels"


async def bench_burst(scale: Scale) -> Section:
    section = Section("3. Dispatch burst under Discord's rate limits")
    await _plain_burst(scale, section)
    await _nudged_burst(NUDGED_ROUNDS.get(scale.name, scale.burst_rounds), section)
    return section


def _stamps(stamped: list[tuple[float, Any]], channel_ids: set[int]) -> list[float]:
    """When each successful message post to one of `channel_ids` was seen."""
    return sorted(
        at
        for at, r in stamped
        if r.method == "POST" and r.status == 200 and _channel_of(r.path) in channel_ids
    )


def _channel_of(path: str) -> int | None:
    parts = path.split("/")
    if len(parts) == 4 and parts[1] == "channels" and parts[3] == "messages":
        return int(parts[2])
    return None


def _longest_pause(times: list[float]) -> float:
    return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


async def _plain_burst(scale: Scale, section: Section) -> None:
    """Nudges off for everyone: one post a round, the burst as benchmark 3 has always measured it."""
    n = min(scale.burst_rounds, QUICK_PLAIN_ROUNDS) if scale.name == "quick" else scale.burst_rounds
    # Real people (members of the server) with nudges off: couples of strangers are paused at start.
    async with due_world("burst", n, with_people=True, dm_nudges=False) as world:
        fake, threads = world.fake, world.threads
        requests = RequestLog(fake, interval=0.01)
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
    times = _stamps(requests.stamped, {t.id for t in threads})
    last_post = times[-1] - due_mono if times else float("nan")
    first_post = times[0] - due_mono if times else float("nan")
    gap = _longest_pause(times)
    window = [r for at, r in requests.stamped if at <= due_mono + last_post + 0.01]
    floor = len(window) / PACED_RATE
    statuses = status_counts(window)
    counts = [len(round_posts(t)) for t in threads]
    duplicates = sum(1 for c in counts if c > 1)
    lost = sum(1 for c in counts if c == 0)
    ratio = last_post / floor if floor else float("nan")
    if not ratio <= 1.1:
        section.facts.append(
            f"Gap (nudges off): {last_post - floor:.1f} s over the floor: {first_post:.1f} s before the "
            f"first post (recording the first batch of due schedules), a longest pause of {gap:.1f} s "
            "between two posts, and the rest spread over the posts (each waits its turn in the pacer, "
            "then makes its database writes)."
        )
    section.figures.append(
        Figure(
            f"{n:,} rounds due at once, nudges off: due time → last round posted (s)",
            None,
            "≤ 1.1 × floor, 0 duplicates, 0 lost, 0 429s",
            ratio <= 1.1 and duplicates == 0 and lost == 0 and statuses.get(429, 0) == 0,
            ratio,
            f"{last_post:.1f} s against a floor of {floor:.1f} s ({len(window):,} requests ÷ "
            f"{PACED_RATE:.0f}/s); duplicates {duplicates}, lost {lost}, 429s {statuses.get(429, 0)}",
        )
    )
    section.facts += [
        f"Nudges off (people.dm_nudges = 0 for everyone): one burst. First round out {first_post:.2f} s "
        f"after the due second; the longest pause between two posts was {gap:.1f} s. "
        f"Requests: {top_kinds(window, 8)}; statuses {statuses}. Spec violations: {len(fake.violations)}.",
    ]


async def _nudged_burst(n: int, section: Section) -> None:
    """Nudges on for everyone, each person's DM channel already kept (as after their first week):
    every round is posted first, then each partner gets one DM, one request each."""
    async with due_world("burst-nudged", n, with_people=True, dm_channels_known=True) as world:
        fake, threads, people = world.fake, world.threads, world.people
        dms = [fake.dm_channel(p) for p in people]
        requests = RequestLog(fake, interval=0.01)
        try:
            due_mono = await world.fall_due(n)
            requests.start()
            floor = 3 * n / PACED_RATE
            with contextlib.suppress(TimeoutError):  # the figures then show what was lost
                await until(
                    lambda: sum(len(c.messages) for c in dms) >= 2 * n,
                    limit=floor * 3 + 60,
                    what="the nudges did not all go out",
                    interval=0.1,
                )
            await asyncio.sleep(0.5)
        finally:
            await requests.stop()
    posts = _stamps(requests.stamped, {t.id for t in threads})
    nudges = _stamps(requests.stamped, {c.id for c in dms})
    last_post = posts[-1] - due_mono if posts else float("nan")
    last_nudge = nudges[-1] - due_mono if nudges else float("nan")
    first_nudge = nudges[0] - due_mono if nudges else float("nan")
    first_post = posts[0] - due_mono if posts else float("nan")
    window = [r for at, r in requests.stamped if at <= due_mono + max(last_post, last_nudge) + 0.01]
    statuses = status_counts(window)
    too_many = statuses.get(429, 0)
    rounds_floor, all_floor = n / PACED_RATE, len(window) / PACED_RATE
    per_round = len(window) / n
    counts = [len(round_posts(t)) for t in threads]
    told = [sum(1 for m in c.messages if "check-in is ready" in m.text()) for c in dms]
    duplicates = sum(1 for c in counts if c > 1) + sum(1 for c in told if c > 1)
    lost = sum(1 for c in counts if c == 0) + sum(1 for c in told if c == 0)
    clean = duplicates == 0 and lost == 0 and too_many == 0
    posts_ratio = last_post / rounds_floor
    nudges_ratio = last_nudge / all_floor if all_floor else float("nan")
    tally = f"duplicates {duplicates}, lost {lost}, 429s {too_many}"
    section.figures += [
        Figure(
            f"{n:,} rounds due at once, nudges on: due time → last round posted (s)",
            None,
            "≤ 1.1 × (rounds ÷ pace), 0 duplicates, 0 lost, 0 429s",
            posts_ratio <= 1.1 and clean,
            posts_ratio,
            f"{last_post:.1f} s against a floor of {rounds_floor:.1f} s ({n:,} round posts ÷ "
            f"{PACED_RATE:.0f}/s); {tally}",
        ),
        Figure(
            f"{n:,} rounds due at once, nudges on: due time → last nudge sent (s)",
            None,
            "≤ 1.1 × (all requests ÷ pace), ≤ 3 requests a round, 0 duplicates, 0 lost, 0 429s",
            nudges_ratio <= 1.1 and per_round <= 3 and clean,
            nudges_ratio,
            f"{last_nudge:.1f} s against a floor of {all_floor:.1f} s ({len(window):,} requests ÷ "
            f"{PACED_RATE:.0f}/s); {per_round:.2f} requests a round; {tally}",
        ),
    ]
    order = "after" if first_nudge >= last_post else "BEFORE"
    section.facts += [
        f"Nudges on for everyone ({2 * n:,} people, two a couple), each person's DM channel id already "
        "kept in people.dm_channel_id, as it is after their first week (migration 017): a nudge is one "
        "request. A person's very first DM costs one more, opening the channel "
        "(tests/test_dm_channels_e2e.py counts both).",
        f"Rounds first, then nudges, all on the one pacer ({PACED_RATE:.0f}/s): the first round went out "
        f"{first_post:.2f} s after the due second, the first nudge "
        f"{first_nudge:.1f} s after the due second, {order} the last round ({last_post:.1f} s). "
        f"DM channel opens: {kinds(window).get(OPEN_DM, 0)}. Longest pause between two requests "
        f"the bot paced: {_longest_pause(sorted(posts + nudges)):.1f} s.",
        f"Requests: {top_kinds(window, 8)}; statuses {statuses}. Spec violations: {len(fake.violations)}.",
    ]
    if not (nudges_ratio <= 1.1 and posts_ratio <= 1.1):
        section.facts.append(
            f"Gap (nudges on): the rounds {last_post - rounds_floor:.1f} s over their floor, the nudges "
            f"{last_nudge - all_floor:.1f} s over theirs."
        )
