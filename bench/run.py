"""`python -m bench`: every benchmark against the tests' fake Discord, then bench/RESULTS.md.

    python -m bench            the full run (about 10 minutes on 2 cores)
    python -m bench --quick    scaled down, a couple of minutes
    python -m bench --smoke    the smallest path through every benchmark (the test suite runs it)

Generated data lives in bench/.work/ (git-ignored). Figures are medians and p99s over several
runs; each ratio is against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import importlib.metadata
import itertools
import logging
import os
import platform
import shutil
import signal
import sqlite3
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench.seed import SeedSpec, seed
from bench.stats import Summary, percentile, summarize
from bench.world import (
    RequestLog,
    add_threads,
    baseline_bot,
    kinds,
    members,
    running_fake,
)
from bot.clock import SystemClock
from bot.content import load_content
from bot.crypto import Cipher
from tests.fake_discord.server import FakeDiscord
from tests.support.clock import FakeClock
from tests.support.couples import pair
from tests.support.harness import TEST_KEY, BotHarness, make_settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / ".work"
PACED_RATE = 40.0
CHECKED = {
    True: "",
    False: " [fake's spec checks off]",
}  # bot/pacing.py as used by cogs/checkins/dispatch.py (SENDS_PER_SECOND)

log = logging.getLogger("bench")


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


FULL = Scale("full", 3.0, 10_000, 1_000_000, 1_000_000, 5, 60, 1_000, 200, 5, 10_000, 100_000, 3, 200)
QUICK = Scale("quick", 3.0, 2_000, 100_000, 100_000, 3, 25, 300, 200, 3, 1_000, 20_000, 2, 100)
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


# -- 1 and 5: interaction round-trip against a bare discord.py bot, and storage pages ---------------


async def bench_interactions(scale: Scale) -> tuple[Section, Section]:
    section = Section("1. Interaction round-trip (seeded database)")
    storage = Section("5. Storage: pages at scale")
    async with running_fake() as fake:
        home = fake.add_guild("Home")
        general = fake.add_text_channel(home, "couples")
        alice, bob = fake.add_member(home, "alice"), fake.add_member(home, "bob")
        mod = fake.add_member(home, "mod", permissions=0x20)
        lobby_guild = fake.add_guild("Baseline")
        lobby = fake.add_text_channel(lobby_guild, "lobby")
        pinger = fake.add_member(lobby_guild, "pinger")
        # /journal write allows 5 a minute per person (bot/cooldowns.py): writers take turns.
        writers = members(fake, home, "writer", 400)
        spec = SeedSpec(
            couples=scale.couples,
            journal_entries=scale.journal_entries,
            checkin_answers=scale.checkin_answers,
            real_user_ids=(alice.id, bob.id, *(w.id for w in writers)),
            now=int(time.time()),
        )
        run_dir = fresh_dir("interactions")
        template = run_dir / "seed.db"
        report = await asyncio.to_thread(seed, template, cipher(), spec, prompt_ids())
        section.facts.append(
            f"Seeded {scale.couples:,} couples, {scale.journal_entries:,} journal entries, "
            f"{scale.checkin_answers:,} check-in answers ({report.rows:,} rows, "
            f"{report.size_bytes / 1e6:.0f} MB) in {report.seconds:.1f} s with batched executemany."
        )

        # The baseline first: a bare commands.Bot with one slash command, same fake, same loop.
        # The baseline first: a bare commands.Bot with one slash command, same fake, same loop.
        # Each side is measured twice: with the fake checking every request against Discord's
        # OpenAPI spec (as in the tests), and without, to tell the bot's cost from the fake's.
        bases: dict[bool, Summary] = {}
        async with baseline_bot(fake, lobby_guild):
            for checked in (True, False):
                fake.validate = checked
                baseline: list[float] = []
                for _ in range(10):  # warm-up
                    await (await fake.slash(pinger, lobby, "ping")).response()
                for _ in range(scale.runs):
                    for _ in range(scale.per_run):
                        ix = await fake.slash(pinger, lobby, "ping")
                        await ix.response()
                        baseline.append(_latency(ix))
                bases[checked] = summarize(baseline)
                section.figures.append(
                    Figure(f"baseline: bare discord.py bot, /ping{CHECKED[checked]}", bases[checked])
                )
        fake.validate = True

        data_dir = run_dir / "data"
        copy_db(template, data_dir)
        settings = make_settings(fake, data_dir, discord_guild_id=home.id, log_level="WARNING")
        harness = BotHarness(
            fake, settings, FakeClock(datetime.fromtimestamp(spec.now, UTC)), scheduled_jobs=True
        )
        await harness.start(timeout=60)
        STATEMENTS.install()
        try:
            world = SimpleNamespace(general=general, mod=mod)
            thread = await pair(harness, world, alice, bob)
            await (await fake.slash(alice, general, "checkin now")).response()
            dispatcher = harness.running.checkin_dispatcher
            assert dispatcher is not None
            await dispatcher.tick()
            await until(lambda: bool(round_posts(thread)), 10, "no check-in round was posted")
            round_message = round_posts(thread)[-1]

            samples: dict[str, list[float]] = {
                "/help": [],
                "/journal write (modal opens)": [],
                "journal modal submit (entry saved)": [],
                "Answer button (modal opens)": [],
                "check-in answer submit (answer saved)": [],
            }

            statements: dict[str, list[int]] = {key: [] for key in samples}

            async def one_of_each(record: bool, n: int) -> None:
                writer = writers[n % len(writers)]
                steps: list[tuple[str, Any]] = []

                async def step(key: str, make: Any) -> Any:
                    before = STATEMENTS.count
                    ix = await make()
                    await ix.response()
                    steps.append((key, ix))
                    if record:
                        samples[key].append(_latency(ix))
                        statements[key].append(STATEMENTS.count - before)
                    return ix

                keys = list(samples)
                ix = await step(keys[0], lambda: fake.slash(alice, general, "help"))
                opened = await step(keys[1], lambda: fake.slash(writer, general, "journal write"))
                entry = {
                    "title": f"Evening {n}",
                    "body": "We cooked together and it felt easy.",
                    "mood": ["4"],
                }
                submitted = await step(keys[2], lambda: fake.submit_modal(writer, opened, entry))
                press = await step(keys[3], lambda: fake.press(alice, round_message, "Answer"))
                reply = {"mood": ["4"], "answer": f"Glad we talked, take {n}"}
                answer = await step(keys[4], lambda: fake.submit_modal(alice, press, reply))
                for item, needle in ((ix, "/"), (submitted, "Saved"), (answer, "Saved")):
                    if needle not in item.text() and not (needle == "Saved" and "Updated" in item.text()):
                        raise AssertionError(f"unexpected answer to {item.describe()}: {item.text()[:200]}")

            counter = 0
            for checked in (True, False):
                fake.validate = checked
                for key in samples:
                    samples[key] = []
                for _ in range(10):
                    await one_of_each(False, counter)
                    counter += 1
                for _ in range(scale.runs):
                    for _ in range(scale.per_run):
                        await one_of_each(True, counter)
                        counter += 1
                        await asyncio.sleep(0.02)  # let the follow-up edit of the round message go out
                for name, values in samples.items():
                    summary = summarize(values)
                    ratio = summary.p99 / bases[checked].p99
                    section.figures.append(
                        Figure(
                            name + CHECKED[checked],
                            summary,
                            "p99 ≤ 1.5 × baseline p99",
                            ratio <= 1.5,
                            ratio,
                        )
                    )
            fake.validate = True
            section.facts.append(
                "SQL statements each interaction ran between INTERACTION_CREATE and its callback "
                "(median; counted at aiosqlite's execute, execute_fetchall and executemany, BEGIN and "
                "COMMIT included; the baseline runs none): "
                + ", ".join(f"{key}: {percentile(values, 50):.0f}" for key, values in statements.items())
                + "."
            )
            section.facts.append(
                "Sequential interactions (one at a time), the Attune bot started by "
                "tests/support/harness.py (serve() with a FakeClock), the fake's rate limits on "
                "(interaction callbacks exempt from the global limit, as on Discord). "
                "Latency = INTERACTION_CREATE sent to the callback request read by the fake "
                "(timed on arrival, before the fake checks it against the OpenAPI spec: that check "
                "is the fake's work, not the bot's; every request is still checked). "
                f"{scale.runs} runs × {scale.per_run} of each, after 10 warm-ups."
            )
            section.facts.append(
                f"Fake requests: {top_kinds(fake.requests)}; statuses {status_counts(fake.requests)}; "
                f"spec violations: {len(fake.violations)}."
            )
            await bench_storage(harness, alice.id, storage, scale)
            section.facts += interaction_gap(section, storage)
        finally:
            STATEMENTS.uninstall()
            await harness.stop()
    return section, storage


def interaction_gap(section: Section, storage: Section) -> list[str]:
    """Plain words on the ratio target, from the figures of this run."""
    misses = [f for f in section.figures if f.met is False]
    if not misses:
        return []
    by_name = {f.name: f.summary for f in section.figures if f.summary is not None}
    unchecked = {name: s for name, s in by_name.items() if name.endswith(CHECKED[False])}
    base = by_name[f"baseline: bare discord.py bot, /ping{CHECKED[False]}"]
    worst_median = max(s.median for name, s in unchecked.items() if "baseline" not in name)
    best_median = min(s.median for name, s in unchecked.items() if "baseline" not in name)
    tick = next((f.summary for f in storage.figures if f.name.startswith("dispatcher tick")), None)
    lines = [
        f"Gap: {len(misses)} of {sum(1 for f in section.figures if f.met is not None)} p99s are over "
        "1.5 × the bare bot's. Where the time goes: (a) the fake times each callback on arrival, so "
        "its spec check of that callback is outside these figures, but it shares the event loop "
        "(its checks of the other requests, its gateway, its bookkeeping); "
        f"(b) with checks off, Attune's medians are {best_median * 1000:.2f} to "
        f"{worst_median * 1000:.2f} ms against the bare bot's {base.median * 1000:.2f} ms: the "
        "statements counted above (each a hop to aiosqlite's worker thread, about 0.1 ms: the commit "
        "of what the person wrote and, for a check-in, the one read that authorises it), larger "
        "payloads (the /help embed, the modals) and AES-GCM, where the baseline touches nothing; "
        "(c) the tails: other work on the same connection and event loop (the jobs below) and "
        "Python's garbage collector, whose full collections start-up now keeps short "
        "(bot.client.freeze_startup_heap)."
    ]
    if tick is not None:
        lines.append(
            f"The dispatcher's tick (every 30 s) takes {tick.median * 1000:.1f} ms median at this size "
            "with nothing due (every query it runs is indexed: tests/test_query_plans.py), and an "
            "interaction arriving meanwhile waits for the one connection."
        )
    lines.append(
        "What would close the rest: SQLite reads on the event loop itself instead of a hop to "
        "aiosqlite's worker thread (about 0.1 ms each, and up to a few ms when the thread waits for "
        "the GIL), or a process of its own for the fake. Neither is worth its cost here: a handler "
        "that commits what the person wrote before it acknowledges (so nothing acknowledged is ever "
        "lost) pays at least one round trip to SQLite that a bot doing nothing does not, so a p99 "
        "within 1.5x of a sub-millisecond bare reply is not expected on this design, while the "
        "absolute figures above (a few ms against Discord's 3 s deadline) are what people feel."
    )
    return lines


class StatementCounter:
    """Counts statements sent to SQLite (aiosqlite's execute, execute_fetchall and executemany,
    each one hop to its worker thread), to explain where time goes."""

    METHODS = ("execute", "execute_fetchall", "executemany")

    def __init__(self) -> None:
        self.count = 0
        self._originals: dict[str, Any] = {}

    def install(self) -> None:
        import aiosqlite

        counter = self
        for name in self.METHODS:
            original = self._originals[name] = getattr(aiosqlite.Connection, name)

            def counted(connection: Any, sql: str, parameters: Any = None, _original: Any = original) -> Any:
                counter.count += 1
                return _original(connection, sql, parameters)

            setattr(aiosqlite.Connection, name, counted)

    def uninstall(self) -> None:
        import aiosqlite

        for name, original in self._originals.items():
            setattr(aiosqlite.Connection, name, original)
        self._originals.clear()


STATEMENTS = StatementCounter()


def _latency(ix: Any) -> float:
    return float("inf") if ix.latency is None else float(ix.latency)


async def bench_storage(harness: BotHarness, user_id: int, section: Section, scale: Scale) -> None:
    """Journal and check-in history pages on the seeded database, through the running bot."""
    from cogs.checkins.cog import render_history

    bot = harness.running
    journal = bot.services.journal
    couples = bot.services.couples
    seeded = await couples.couple_by_id(1)  # alice and bob's seeded couple, full history
    assert seeded is not None
    first = await journal.page(user_id, 0)
    last_page = first.pages - 1

    async def timed(call: Any) -> list[float]:
        values = []
        for _ in range(10):
            await call()
        for _ in range(scale.storage_reps * scale.runs):
            started = time.perf_counter()
            await call()
            values.append(time.perf_counter() - started)
        return values

    cases = {
        f"journal page 1 ({first.total} entries for this person)": lambda: journal.page(user_id, 0),
        f"journal last page ({last_page + 1})": lambda: journal.page(user_id, last_page),
        "check-in history page 1 (rounds + answers, decrypted, embed built)": lambda: render_history(
            bot, seeded, 0
        ),
        "check-in history last page": lambda: render_history(bot, seeded, 10_000),
    }
    for name, call in cases.items():
        summary = summarize(await timed(call))
        section.figures.append(Figure(name, summary, "p99 < 5 ms", summary.p99 < 0.005))
    dispatcher = bot.checkin_dispatcher
    assert dispatcher is not None
    ticks = []
    for _ in range(max(3, scale.runs * 4)):
        started = time.perf_counter()
        await dispatcher.tick()  # nothing due: the work the 30-second job repeats forever
        ticks.append(time.perf_counter() - started)
    tick = summarize(ticks)
    section.figures.append(Figure("dispatcher tick with nothing due (runs every 30 s)", tick))
    if any(f.met is False for f in section.figures if "history" in f.name):
        section.facts.append(
            "Gap (history): render_history (cogs/checkins/cog.py) runs three queries (count, page, "
            "the page's answers in one IN query), each a hop to aiosqlite's thread, then opens each "
            "sealed answer. What would close it: count and page in one query (a window function)."
        )
    section.facts.append(
        "The tick holds the bot's one database connection while it runs, so every interaction that "
        "arrives meanwhile waits for it: its time is a floor under those interactions' tails."
    )
    rows = await bot.database.fetchval("SELECT count(*) FROM journal_entries")
    answers = await bot.database.fetchval("SELECT count(*) FROM checkin_answers")
    section.facts.append(
        f"{rows:,} journal entries and {answers:,} check-in answers in the database; each call "
        "timed through the bot's own services on its one aiosqlite connection (count + page query + "
        f"decryption), {scale.storage_reps * scale.runs} times after 10 warm-ups."
    )


# -- 2: under load --------------------------------------------------------------------------------


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


async def start_due_burst(harness: BotHarness, count: int, lead: float = 2.0) -> float:
    """Make the first `count` schedules fall due at the next whole second `lead` s away; returns it."""
    bot = harness.running
    due = int(time.time() + lead) + 1
    await bot.database.execute("UPDATE checkin_schedules SET next_due_at = ? WHERE id <= ?", (due, count))
    dispatcher = bot.checkin_dispatcher
    assert dispatcher is not None
    dispatcher.wake()  # as /checkin schedule does: it then sleeps until the earliest due time
    return float(due)


def nudges_sent(fake: FakeDiscord, people: list[Any]) -> int:
    return sum(1 for p in people for m in fake.dm_messages(p) if "check-in is ready" in m.text())


def window_floor(stamped: list[tuple[float, Any]]) -> float:
    """Seconds the requests the bot itself paces (everything but interaction answers) need at our rate."""
    paced = [r for _, r in stamped if not r.path.startswith(("/interactions/", "/webhooks/"))]
    return len(paced) / PACED_RATE


def monotonic_of(wall: float) -> float:
    return time.monotonic() + (wall - time.time())


async def bench_load(scale: Scale) -> Section:
    section = Section("2. Under load: concurrent commands while rounds fall due")
    n = scale.load_rounds
    async with running_fake() as fake:
        guild = fake.add_guild("Home")
        general = fake.add_text_channel(guild, "couples")
        people = members(fake, guild, "p", 2 * n)
        threads = add_threads(
            fake, guild, general, [(people[2 * i].id, people[2 * i + 1].id) for i in range(n)]
        )
        spec = SeedSpec(
            couples=n,
            schedules=n,
            real_user_ids=[p.id for p in people],
            real_thread_ids=[t.id for t in threads],
            guild_id=guild.id,
            channel_id=general.id,
            now=int(time.time()),
            later_due_at=int(time.time()) + 86_400,
        )
        run_dir = fresh_dir("load")
        await asyncio.to_thread(seed, run_dir / "data" / "attune.db", cipher(), spec, prompt_ids())
        settings = make_settings(fake, run_dir / "data", discord_guild_id=guild.id, log_level="WARNING")
        harness = BotHarness(fake, settings, SystemClock(), scheduled_jobs=True)  # type: ignore[arg-type]
        await harness.start(timeout=120)
        lag = LagMonitor()
        requests = RequestLog(fake)
        latencies: list[float] = []
        expired = 0
        try:
            due = await start_due_burst(harness, n)
            due_mono = monotonic_of(due)
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
            await harness.stop()
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


# -- 3: dispatch burst ----------------------------------------------------------------------------


async def bench_burst(scale: Scale) -> Section:
    section = Section("3. Dispatch burst under Discord's rate limits")
    n = scale.burst_rounds
    async with running_fake() as fake:
        guild = fake.add_guild("Home")
        general = fake.add_text_channel(guild, "couples")
        threads = add_threads(fake, guild, general, [(0, 0)] * n)
        spec = SeedSpec(
            couples=n,
            schedules=n,
            real_thread_ids=[t.id for t in threads],
            guild_id=guild.id,
            channel_id=general.id,
            now=int(time.time()),
            later_due_at=int(time.time()) + 86_400,
            dm_nudges=False,
        )
        run_dir = fresh_dir("burst")
        await asyncio.to_thread(seed, run_dir / "data" / "attune.db", cipher(), spec, prompt_ids())
        settings = make_settings(fake, run_dir / "data", discord_guild_id=guild.id, log_level="WARNING")
        harness = BotHarness(fake, settings, SystemClock(), scheduled_jobs=True)  # type: ignore[arg-type]
        await harness.start(timeout=120)
        requests = RequestLog(fake, interval=0.01)
        last_post = float("nan")
        try:
            due = await start_due_burst(harness, n)
            due_mono = monotonic_of(due)
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
            await harness.stop()
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


# -- 4: cold start --------------------------------------------------------------------------------


def proc_status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) * 1024
    return values


async def cold_start_once(
    fake: FakeDiscord, guild_id: int, template: Path, run_dir: Path, thread_ids: set[int], settle: float
) -> dict[str, float]:
    data = run_dir / "data"
    shutil.rmtree(data, ignore_errors=True)
    copy_db(template, data)
    ready_at: list[float] = []
    original = fake.gateway._ready_payload

    def ready_payload(session: Any) -> dict[str, Any]:
        ready_at.append(time.monotonic())
        return original(session)

    fake.gateway._ready_payload = ready_payload
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA"))}
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GUILD_ID=str(guild_id),
        DATABASE_URL=f"sqlite:///{data / 'attune.db'}",
        DATA_ENCRYPTION_KEY=TEST_KEY,
        LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    seen = len(fake.requests)
    with (run_dir / "bot.log").open("ab") as out:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=run_dir, env=env, stdout=out, stderr=out
        )
        first_round = float("nan")
        memory: dict[str, int] = {}
        try:
            deadline = started + 60
            while time.monotonic() < deadline and process.returncode is None:
                found = any(
                    r.method == "POST"
                    and r.status == 200
                    and r.path.startswith("/channels/")
                    and int(r.path.split("/")[2]) in thread_ids
                    for r in fake.requests[seen:]
                )
                if found:
                    first_round = time.monotonic()
                    break
                await asyncio.sleep(0.005)
            await asyncio.sleep(settle)  # settle: the rest of the due work, then read the peak
            if process.returncode is None:
                memory = proc_status(process.pid)
        finally:
            fake.gateway._ready_payload = original
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
    ready = ready_at[0] if ready_at else float("nan")
    return {
        "ready": ready - started,
        "first_round": first_round - started,
        "first_after_ready": first_round - ready,
        "peak": float(memory.get("VmHWM", 0)),
        "rss": float(memory.get("VmRSS", 0)),
        "exit": float(process.returncode if process.returncode is not None else -1),
    }


async def bench_cold_start(scale: Scale) -> Section:
    section = Section("4. Cold start of `python -m bot`")
    due_now = 5
    async with running_fake() as fake:
        guild = fake.add_guild("Home")
        general = fake.add_text_channel(guild, "couples")
        people = members(fake, guild, "p", 2 * due_now)
        threads = add_threads(
            fake, guild, general, [(people[2 * i].id, people[2 * i + 1].id) for i in range(due_now)]
        )
        thread_ids = {t.id for t in threads}
        run_dir = fresh_dir("cold")
        now = int(time.time())
        base = SeedSpec(
            real_user_ids=[p.id for p in people],
            real_thread_ids=[t.id for t in threads],
            guild_id=guild.id,
            channel_id=general.id,
            now=now,
            due_at=[now - 1] * due_now,  # due right away (well inside the 2 h grace)
        )
        small = replace(base, couples=due_now, schedules=due_now)
        large = replace(base, couples=scale.cold_schedules, schedules=scale.cold_schedules)
        templates = {}
        for label, spec in (("empty", small), ("large", large)):
            path = run_dir / f"{label}.db"
            report = await asyncio.to_thread(seed, path, cipher(), spec, prompt_ids())
            templates[label] = path
            section.facts.append(
                f"{label}: {spec.schedules:,} active schedules ({spec.couples:,} couples), "
                f"{report.size_bytes / 1e6:.1f} MB, seeded in {report.seconds:.1f} s."
            )
        results: dict[str, list[dict[str, float]]] = {"empty": [], "large": []}
        for _ in range(scale.cold_runs):
            for label in ("empty", "large"):
                results[label].append(
                    await cold_start_once(
                        fake, guild.id, templates[label], run_dir / label, thread_ids, scale.settle
                    )
                )
        violations = len(fake.violations)
    for label, count in (("empty", due_now), ("large", scale.cold_schedules)):
        runs = results[label]
        for key, title in (
            ("ready", "process start → READY (s)"),
            ("first_round", "process start → first round sent (s)"),
            ("first_after_ready", "READY → first round sent (s)"),
        ):
            summary = summarize([r[key] for r in runs])
            target, met = "", None
            if key == "first_after_ready" and label == "large":
                target, met = "≤ 5 s", summary.max <= 5.0
            section.figures.append(Figure(f"{count:,} schedules: {title}", summary, target, met))
        peaks = summarize([r["peak"] / 1e6 for r in runs])
        section.figures.append(Figure(f"{count:,} schedules: peak RSS (MB)", peaks))
    empty_peak = summarize([r["peak"] for r in results["empty"]]).median
    large_peak = summarize([r["peak"] for r in results["large"]]).median
    per_schedule = (large_peak - empty_peak) / (scale.cold_schedules - due_now) / 1024
    section.figures.append(
        Figure(
            "memory per schedule above the 5-schedule bot (KB, medians of peak RSS)",
            None,
            "≤ 0.5 KB",
            per_schedule <= 0.5,
            None,
            f"{per_schedule:.3f} KB ({(large_peak - empty_peak) / 1e6:+.1f} MB for "
            f"{scale.cold_schedules - due_now:,} more schedules)",
        )
    )
    section.facts += [
        "READY = the fake sending the gateway READY; discord.py then waits guild_ready_timeout (2 s, "
        "the library default, which `python -m bot` keeps) for GUILD_CREATEs before on_ready, and the "
        "dispatcher waits for on_ready.",
        f"{due_now} of the schedules are due at start; peak RSS = VmHWM of the bot process "
        f"{scale.settle:.1f} s after its first round went out. Exit codes on SIGTERM: "
        f"{sorted({int(r['exit']) for rs in results.values() for r in rs})}. Spec violations: {violations}.",
    ]
    return section


# -- RESULTS.md -----------------------------------------------------------------------------------


def fmt_seconds(value: float) -> str:
    if value != value:  # nan
        return "n/a"
    if value == float("inf"):
        return "failed"
    if value < 1:
        return f"{value * 1000:.2f} ms"
    return f"{value:.2f} s"


def machine() -> list[str]:
    def version(name: str) -> str:
        try:
            return importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            return "not installed"

    memory = "unknown"
    with open("/proc/meminfo", encoding="ascii") as info:
        for line in info:
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    return [
        f"- Machine: {os.cpu_count()} CPUs (nproc), {memory} memory, {platform.platform()}",
        f"- Python {platform.python_version()}, discord.py {version('discord.py')}, "
        f"APScheduler {version('APScheduler')}, aiosqlite {version('aiosqlite')}, "
        f"SQLite {sqlite3.sqlite_version}, aiohttp {version('aiohttp')}",
    ]


def render(sections: list[Section], scale: Scale, started: datetime, seconds: float) -> str:
    lines = [
        "# Attune benchmarks",
        "",
        f"Generated by `python -m bench{'' if scale.name == 'full' else ' --' + scale.name}` on "
        f"{started:%Y-%m-%d %H:%M} UTC, in {seconds / 60:.1f} minutes (scale: {scale.name}). "
        "Do not edit by hand: run the command again.",
        "",
        *machine(),
        "",
        "Every figure runs against the tests' fake Discord (tests/fake_discord) on loopback, in the "
        "same process and event loop as the bot for benchmarks 1 to 3 (as the tests start it), so "
        "the fake's own work (including checking every request against Discord's OpenAPI spec) "
        "shares the loop with the bot, the baseline's included. Benchmark 1 stops its clock when the "
        "callback request has been read, before the fake checks it against the spec, so that check "
        "is outside its figures; the fake's other work in the same loop is not.",
        "",
    ]
    verdicts: list[str] = []
    for section in sections:
        lines += [f"## {section.title}", "", "| figure | median | p99 | max | n | ratio | target | met |"]
        lines.append("|---|---|---|---|---|---|---|---|")
        for f in section.figures:
            s = f.summary
            is_mb = "(MB)" in f.name
            show = (lambda v: f"{v:.1f}") if is_mb else fmt_seconds
            cells = [show(s.median), show(s.p99), show(s.max), str(s.n)] if s else [f.note, "", "", ""]
            ratio = "" if f.ratio is None else f"{f.ratio:.3f}×"
            met = "" if f.met is None else ("yes" if f.met else "**no**")
            lines.append(f"| {f.name} | " + " | ".join([*cells, ratio, f.target, met]) + " |")
            if f.met is not None:
                verdicts.append(f"- {section.title.split(':')[0]}: {f.name}: {'met' if f.met else 'NOT met'}")
        lines.append("")
        lines += [f"- {fact}" for fact in section.facts]
        lines.append("")
    lines += ["## Targets", "", *verdicts, ""]
    return "\n".join(lines)


async def run_all(scale: Scale, only: set[str]) -> list[Section]:
    sections: list[Section] = []
    if "1" in only or "5" in only:
        print("bench: 1/5 interaction round-trip and storage", flush=True)
        interactions, storage = await bench_interactions(scale)
        sections += [interactions]
        storage_section = storage
    else:
        storage_section = None
    if "2" in only:
        print("bench: 2 under load", flush=True)
        sections.append(await bench_load(scale))
    if "3" in only:
        print("bench: 3 dispatch burst", flush=True)
        sections.append(await bench_burst(scale))
    if "4" in only:
        print("bench: 4 cold start", flush=True)
        sections.append(await bench_cold_start(scale))
    if storage_section is not None:
        sections.append(storage_section)
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="scaled down: a couple of minutes")
    size.add_argument("--smoke", action="store_true", help="the smallest path through every benchmark")
    parser.add_argument("--only", default="12345", help="which benchmarks, e.g. 14 (default: all)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default bench/.work)")
    args = parser.parse_args(argv)
    global WORK
    WORK = args.work or WORK
    scale = SMOKE if args.smoke else QUICK if args.quick else FULL
    out = args.out or (BENCH / "RESULTS.md" if scale is FULL else WORK / f"RESULTS-{scale.name}.md")
    WORK.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.WARNING,
        filename=WORK / "bench.log",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    started = datetime.now(UTC)
    clock = time.monotonic()
    sections = asyncio.run(run_all(scale, set(args.only)))
    text = render(sections, scale, started, time.monotonic() - clock)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"bench: wrote {out}", flush=True)
    return 0
