"""What the benchmarks share: scales, figures and sections, the work folder, a bot with rounds falling due."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import shutil
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.seed import SeedSpec, seed
from bench.stats import Summary
from bench.world import add_threads, kinds, members, running_fake
from bot.clock import SystemClock
from bot.content import load_content
from bot.crypto import Cipher
from tests.fake_discord.server import FakeDiscord
from tests.support.harness import TEST_KEY, BotHarness, checkin_job, make_settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
PACED_RATE = 40.0  # bot/pacing.py as used by cogs/checkins/posting.py (SENDS_PER_SECOND)
CHECKED = {
    True: "",
    False: " [fake's spec checks off]",
}


@dataclass(frozen=True)
class Scale:
    name: str
    settle: float
    couples: int
    journal_entries: int
    checkin_answers: int
    runs: int
    per_run: int
    load_rounds: int
    load_commands: int
    load_waves: int
    burst_rounds: int
    cold_schedules: int
    cold_runs: int
    storage_reps: int


FULL = Scale("full", 3.0, 10_000, 1_000_000, 1_000_000, 5, 60, 1_000, 200, 5, 10_000, 1_000_000, 3, 200)
QUICK = Scale("quick", 3.0, 2_000, 100_000, 100_000, 3, 50, 300, 200, 3, 1_000, 100_000, 2, 100)
SMOKE = Scale("smoke", 0.5, 50, 2_000, 2_000, 1, 3, 20, 20, 1, 40, 200, 1, 10)


@dataclass
class Figure:
    name: str
    summary: Summary | None
    target: str = ""
    met: bool | None = None
    ratio: float | None = None
    note: str = ""


@dataclass
class Section:
    title: str
    figures: list[Figure] = field(default_factory=list)
    facts: list[str] = field(default_factory=list)


def cipher() -> Cipher:
    return Cipher(base64.urlsafe_b64decode(TEST_KEY))


def prompt_ids() -> list[str]:
    return [p.id for p in load_content(None).partner_prompts]


def fresh_dir(name: str) -> Path:
    path = WORK / name
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def copy_db(template: Path, data_dir: Path) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, data_dir / "attune.db")


async def until(predicate: Any, limit: float, what: str, interval: float = 0.02) -> None:
    deadline = time.monotonic() + limit
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        await asyncio.sleep(interval)


def round_posts(thread: Any) -> list[Any]:
    return [m for m in thread.messages if any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())]


def status_counts(requests: list[Any]) -> dict[int, int]:
    counts: dict[int, int] = {}
    for request in requests:
        counts[request.status] = counts.get(request.status, 0) + 1
    return counts


def top_kinds(requests: list[Any], n: int = 6) -> str:
    return ", ".join(f"{kind}: {count}" for kind, count in kinds(requests).most_common(n)) or "none"


def latency(ix: Any) -> float:
    return float("inf") if ix.latency is None else float(ix.latency)


def monotonic_of(wall: float) -> float:
    return time.monotonic() + (wall - time.time())


@dataclass
class DueBot:
    """The Attune bot on a seeded database, started on real time, whose rounds can be made due."""

    harness: BotHarness

    async def fall_due(self, count: int, lead: float = 2.0) -> float:
        """Make the first `count` schedules fall due at the next whole second `lead` s away; returns it
        on the monotonic clock."""
        bot = self.harness.running
        dispatcher = checkin_job(bot)
        # Between two runs of the dispatcher, so the burst starts from an idle dispatcher (a wake()
        # during a run would start the burst only when that run ends: bot/jobs.py).
        state = bot.heartbeat.jobs.get(dispatcher.job_id)
        deadline = time.monotonic() + 60
        while state is not None and time.monotonic() < deadline:
            started, finished = state.last_started, state.last_finished
            if started is not None and finished is not None and finished >= started:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # the run schedules its next wake after it is recorded as finished
        due = int(time.time() + lead) + 1
        await bot.database.execute("UPDATE checkin_schedules SET next_due_at = ? WHERE id <= ?", (due, count))
        dispatcher.wake()  # as /checkin schedule does: it then sleeps until the earliest due time
        return monotonic_of(float(due))


@dataclass
class DueWorld(DueBot):
    """The fake, the Attune bot on a seeded database, and the couples whose rounds fall due."""

    fake: FakeDiscord
    general: Any
    people: list[Any]
    threads: list[Any]


def due_spec(
    couples: int,
    *,
    guild_id: int,
    channel_id: int,
    people_ids: list[int],
    thread_ids: list[int],
    dm_nudges: bool,
    dm_channel_ids: list[int] | None = None,
) -> SeedSpec:
    """The seed of `due_world`: each couple a thread and a schedule due in a day; real people (if
    any) offered their monthly check-up a week ago."""
    return SeedSpec(
        couples=couples,
        schedules=couples,
        real_user_ids=people_ids,
        real_thread_ids=thread_ids,
        guild_id=guild_id,
        channel_id=channel_id,
        now=int(time.time()),
        later_due_at=int(time.time()) + 86_400,
        dm_nudges=dm_nudges,
        checkup_offered_days_ago=7 if people_ids else None,
        dm_channel_ids=dm_channel_ids or [],
    )


@contextlib.asynccontextmanager
async def attune_due(fake: Any, name: str, spec: SeedSpec) -> AsyncIterator[DueBot]:
    """Seed `spec` into a fresh work folder and start Attune on it, on real time, against `fake`
    (this process's FakeDiscord, or bench/apart.py's FakeApart for a fake in its own process)."""
    run_dir = fresh_dir(name)
    await asyncio.to_thread(seed, run_dir / "data" / "attune.db", cipher(), spec, prompt_ids())
    settings = make_settings(fake, run_dir / "data", discord_guild_id=spec.guild_id, log_level="WARNING")
    harness = BotHarness(fake, settings, SystemClock(), scheduled_jobs=True)  # type: ignore[arg-type]
    await harness.start(timeout=120)
    # A fresh session checks who is still in the server (op 8, 100 people a request, and the
    # gateway allows about 2 a second) and the dispatcher waits for that, up to 30 s, before it
    # posts: part of starting, not of the burst a benchmark then measures.
    await harness.running.membership.settled(60)
    try:
        yield DueBot(harness)
    finally:
        await harness.stop()


@contextlib.asynccontextmanager
async def due_world(
    name: str,
    couples: int,
    *,
    with_people: bool,
    dm_nudges: bool | None = None,
    dm_channels_known: bool = False,
) -> AsyncIterator[DueWorld]:
    """The set-up benchmark 3 uses (benchmark 2 builds the same with the fake in its own process):
    `couples` couples, each with a thread and a schedule due in a day (dm nudges on only when the
    couples are real people, unless `dm_nudges` says), and Attune started on real time. Real people
    are members of the server (a couple whose partners are not is paused at start) and were offered
    their monthly check-up a week ago (else every one of them is offered it by DM at start, whatever
    is being measured). `dm_channels_known`: each person's DM channel is already open and kept in
    the database (as after the first week): a nudge is one request."""
    async with running_fake() as fake:
        guild = fake.add_guild("Home")
        general = fake.add_text_channel(guild, "couples")
        people = members(fake, guild, "p", 2 * couples) if with_people else []
        pairs = [(people[2 * i].id, people[2 * i + 1].id) for i in range(couples)] if with_people else []
        threads = add_threads(fake, guild, general, pairs or [(0, 0)] * couples)
        spec = due_spec(
            couples,
            guild_id=guild.id,
            channel_id=general.id,
            people_ids=[p.id for p in people],
            thread_ids=[t.id for t in threads],
            dm_nudges=with_people if dm_nudges is None else dm_nudges,
            dm_channel_ids=[fake.dm_channel(p).id for p in people] if dm_channels_known else [],
        )
        async with attune_due(fake, name, spec) as bot:
            yield DueWorld(bot.harness, fake, general, people, threads)
