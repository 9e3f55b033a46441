"""Benchmark 1: the interaction round-trip on a seeded database, against a bare discord.py bot.

The fake Discord runs in a process of its own (bench/apart.py) and the bot in this one, as in
production, so the figures are the bot's and not the fake's. Once, for comparison, the same
interactions also run the old way, with the fake in the bot's process and event loop (section
1a; no target). The fake's side of both (the world, each interaction sent and timed) is
bench/scenario.py; the notes on where the time goes are bench/roundtrip_notes.py.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import common
from bench.apart import FakeApart, FakeHere, fake_apart
from bench.botside import BotSideClock, GcWatch
from bench.common import Figure, Scale, Section, cipher, copy_db, fresh_dir, prompt_ids
from bench.roundtrip_notes import BASELINE, interaction_notes
from bench.scenario import STEPS, Scenario, people_ids
from bench.seed import SeedSpec, seed
from bench.stats import Summary, percentile, summarize
from bench.storage import bench_storage
from bench.world import baseline_bot, running_fake
from bot.client import AttuneBot
from tests.fake_discord.server import FakeDiscord
from tests.support.clock import FakeClock
from tests.support.harness import BotHarness, make_settings
from tests.support.statements import StatementCounter

# p99 against the bare bot's p99: a form opening or /help does what the bare bot does plus a
# lookup at most; a save commits what the person wrote before acknowledging it (issue 18).
TARGETS: dict[str, float] = {
    "help": 1.5,
    "journal_write": 1.5,
    "answer_button": 1.5,
    "journal_submit": 2.0,
    "answer_submit": 2.0,
}
WARM_UP = 10
PAUSE = 0.02  # before each interaction, Attune's and the baseline's alike
STATEMENTS = StatementCounter()

Side = FakeApart | FakeHere


async def bench_interactions(scale: Scale) -> tuple[Section, Section, Section]:
    """Benchmark 1 (the fake in its own process), 1a (the old way, reported once), and on the
    same seeded bot benchmark 5 (bench/storage.py)."""
    section = Section("1. Interaction round-trip (seeded database; the fake Discord in its own process)")
    old = Section(
        "1a. Interaction round-trip, the old way: the fake Discord in the bot's process and event loop "
        "(reported once, for comparison; no target)"
    )
    storage = Section("5. Storage: pages at scale")
    ids = people_ids()
    spec = SeedSpec(
        couples=scale.couples,
        journal_entries=scale.journal_entries,
        checkin_answers=scale.checkin_answers,
        real_user_ids=(ids["alice"], ids["bob"], *ids["writers"]),
        now=int(time.time()),
        # A bot that has been running a while: the monthly check-up offers are not all due at once.
        checkup_offered_days_ago=7,
    )
    run_dir = fresh_dir("interactions")
    template = run_dir / "seed.db"
    report = await asyncio.to_thread(seed, template, cipher(), spec, prompt_ids())
    section.facts.append(
        f"Seeded {scale.couples:,} couples, {scale.journal_entries:,} journal entries, "
        f"{scale.checkin_answers:,} check-in answers ({report.rows:,} rows, "
        f"{report.size_bytes / 1e6:.0f} MB) in {report.seconds:.1f} s with batched executemany."
    )

    async with fake_apart(common.WORK / "fake-process.log") as apart:
        with apart.patch_discord_py():
            own = await measure(
                Run(apart, apart, ids, spec, template, run_dir / "apart", scale, section, storage)
            )
    if scale.name == "full":  # the comparison is reported once, in RESULTS.md; --quick stays quick
        async with running_fake() as fake:
            here = FakeHere(Scenario(fake))
            await measure(Run(here, fake, ids, spec, template, run_dir / "here", scale, old, None))
    else:
        old.facts.append("Run at full scale only (python -m bench), to keep --quick and --smoke short.")
    section.facts += interaction_notes(section, old, own)
    return section, old, storage


@dataclass
class Run:
    """One measurement against one fake (its own process, or this one)."""

    side: Side
    fake: FakeApart | FakeDiscord
    ids: dict[str, Any]
    spec: SeedSpec
    template: Path
    data_dir: Path
    scale: Scale
    section: Section
    storage: Section | None  # benchmark 5 runs on the bot of the run that has it
    clock: BotSideClock = field(default_factory=BotSideClock)
    own: dict[str, list[float]] = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return self.scale.runs * self.scale.per_run

    async def timed(self, name: str, operation: str, **arguments: Any) -> float:
        """One interaction through the fake; its latency, and the bot's own share kept under `name`."""
        before = len(self.clock.spans)
        value = float(await self.side.call(operation, **arguments))
        if len(self.clock.spans) > before:
            self.own.setdefault(name, []).append(self.clock.spans[-1])
        return value


async def measure(run: Run) -> dict[str, Summary]:
    """The bare bot and Attune (on a copy of the seeded database) against one fake, both connected
    and taking turns. Returns the bot's own share of each kind of interaction (bench/botside.py),
    by figure name."""
    places = await run.side.call("build", ids=run.ids)
    run.clock.install()
    try:
        async with baseline_bot(run.fake.token, places["lobby_guild"]):
            await run.side.call("connected", bot="baseline")
            await attune(run, places["home"])
    finally:
        run.clock.uninstall()
    return {name: summarize(values) for name, values in run.own.items() if values}


def baseline_figures(run: Run, pings: list[float], hot: list[float]) -> Summary:
    run.own.pop("warm-up", None)
    run.own.pop("hot", None)
    base = summarize(pings)
    run.section.figures.append(Figure(BASELINE, base))
    run.section.figures.append(
        Figure(f"{BASELINE}, back to back (no pauses, as earlier runs had it)", summarize(hot))
    )
    return base


async def attune(run: Run, home: int) -> None:
    """Attune on a copy of the seeded database: pair, post a round, then rounds of the five, each
    interaction right after a /ping of the bare bot (connected all along)."""
    copy_db(run.template, run.data_dir)
    settings = make_settings(run.fake, run.data_dir, discord_guild_id=home, log_level="WARNING")
    now = datetime.fromtimestamp(run.spec.now, UTC)
    harness = BotHarness(run.fake, settings, FakeClock(now), scheduled_jobs=True)
    await harness.start(timeout=60)
    await run.side.call("connected", bot="attune")
    STATEMENTS.install()
    collector = GcWatch()
    try:
        bot, side = harness.running, run.side
        started = time.monotonic()
        await quiet(bot, 180, jobs=True)  # the scheduled jobs' first runs, at start, are over first
        first_runs = time.monotonic() - started
        # Then the jobs pause while the interactions are timed: on the seeded database they would
        # message thousands of seeded people the fake does not know (404s, rate limits), work no
        # real server repeats every minute. The dispatcher's tick is timed on its own (section 5).
        bot.scheduler.pause()
        await side.call("pair")
        await quiet(bot)
        await side.call("checkin_now")
        await quiet(bot)
        await harness.checkin_job.tick()
        await side.call("round_posted")
        await quiet(bot)

        latencies: dict[str, list[float]] = {key: [] for key in STEPS}
        statements: dict[str, list[int]] = {key: [] for key in STEPS}
        pings: list[float] = []
        # The bare bot's /ping and Attune's interaction take turns, each after the same pause: a
        # pause lets a process go cold (caches, the CPU's idle state), as between real
        # interactions, which costs even a bare reply about 2x, so both pay it. Taking turns, both
        # also see the same machine: run one after the other, the bare bot's p99 moved by a third
        # between runs of the same code (a busy neighbour, the CPU's clock), and the ratio with it.
        for n in range(WARM_UP + run.samples):
            if n == WARM_UP:
                collector.install()
            timed = n >= WARM_UP
            for key, name in STEPS.items():
                await asyncio.sleep(PAUSE)
                ping = await run.timed(BASELINE if timed else "warm-up", "ping")
                await asyncio.sleep(PAUSE)  # and the follow-ups of the one before go out
                before = STATEMENTS.count
                collector.timing = True
                value = await run.timed(name if timed else "warm-up", "step", key=key, n=n)
                collector.timing = False
                if timed:
                    pings.append(ping)
                    latencies[key].append(value)
                    statements[key].append(STATEMENTS.count - before)
        collector.uninstall()
        # Back to back, as earlier runs measured it: what the pause costs a bare reply.
        hot = [await run.timed("hot", "ping") for _ in range(run.samples)]
        await run.side.call("use", bot="attune")
        bot.scheduler.resume()
        base = baseline_figures(run, pings, hot)
        section, has_target = run.section, run.storage is not None
        for key, name in STEPS.items():
            summary = summarize(latencies[key])
            ratio = summary.p99 / base.p99
            target = TARGETS[key]
            section.figures.append(
                Figure(
                    name,
                    summary,
                    f"p99 ≤ {target:g} × baseline p99" if has_target else "",
                    ratio <= target if has_target else None,
                    ratio,
                )
            )
        section.facts.append(
            "SQL statements each interaction ran from INTERACTION_CREATE until the fake had the "
            "callback (median; counted at aiosqlite's execute, execute_fetchall and executemany, BEGIN "
            "and COMMIT included; the baseline runs none): "
            + ", ".join(f"{STEPS[key]}: {percentile(values, 50):.0f}" for key, values in statements.items())
            + "."
        )
        where = "its own process" if isinstance(side, FakeApart) else "the bot's process and event loop"
        section.facts.append(
            f"Sequential interactions (one at a time), the fake Discord in {where} with its rate limits "
            "on (interaction callbacks exempt from the global limit, as on Discord) and every request "
            "checked against Discord's OpenAPI spec; the Attune bot started by tests/support/harness.py "
            "(serve() with a FakeClock). Latency = INTERACTION_CREATE on the wire to the callback request's "
            "arrival, both on the fake's clock: the event timed once the fake has encoded and "
            "compressed it, the callback before the fake reads its body and checks it (until this "
            "round the fake's encoding of the event counted too, more for a button's event, which "
            f"carries its whole message). {run.samples} rounds of the five after {WARM_UP} warm-up rounds, a "
            f"{PAUSE * 1000:.0f} ms pause before each interaction, as between real ones. The baseline "
            f"bot stays connected to the same fake and takes turns with Attune ({len(STEPS)} × "
            f"{run.samples} /pings, each just before one of Attune's interactions, after the same "
            "pause): both pay what a pause costs (a process gone cold; the back-to-back row shows "
            "how much), and both see the same machine at the same moment. Run one after the other, "
            "as before this round, the bare bot's p99 moved by up to a third between runs of the "
            "same code, and every ratio with it."
        )
        section.facts.append(
            f"Before the first interaction, the scheduled jobs' first runs (at start, on the seeded "
            f"database) were waited for ({first_runs:.1f} s); the jobs were then paused until the "
            "timed interactions were done (on this database they message thousands of seeded people "
            "the fake does not know, work a real server does not repeat every minute; the "
            "dispatcher's tick is timed in section 5)."
        )
        section.facts.append(
            "Python's cyclic garbage collector in the bot's process while the interactions were timed "
            "(the bot collects while nothing is in flight, bot/idle_gc.py; a collection during an "
            f"interaction pauses it): {collector.describe(run.samples * len(STEPS))}."
        )
        seen = await side.call("report")
        section.facts.append(
            "Fake requests: "
            + ", ".join(f"{kind}: {count}" for kind, count in seen["kinds"].items())
            + f"; statuses {seen['statuses']}; spec violations: {len(seen['violations'])}."
        )
        if run.storage is not None:
            await bench_storage(harness, run.ids["alice"], run.storage, run.scale)
    finally:
        collector.uninstall()
        STATEMENTS.uninstall()
        await harness.stop()


async def quiet(bot: AttuneBot, limit: float = 30.0, *, jobs: bool = False) -> None:
    """Wait until the bot has had nothing in flight (but its scheduled jobs' runs, unless `jobs`)
    for a few checks in a row. Set-up only: the fake may be in another process, whose side of
    `settle` this process cannot see; the jobs' first runs on a large database take a while."""
    deadline = time.monotonic() + limit
    calm = 0
    while calm < 5:
        busy = [task for task in bot.inflight.describe() if jobs or not task.endswith("(run_coroutine_job)")]
        calm = 0 if busy else calm + 1
        if time.monotonic() > deadline:
            raise TimeoutError(f"the bot did not settle: {busy}")
        await asyncio.sleep(0.01)
