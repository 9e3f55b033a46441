"""Benchmark 1: the interaction round-trip on a seeded database, against a bare discord.py bot."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

from bench.common import (
    CHECKED,
    Figure,
    Scale,
    Section,
    cipher,
    copy_db,
    fresh_dir,
    latency,
    prompt_ids,
    round_posts,
    status_counts,
    top_kinds,
    until,
)
from bench.seed import SeedSpec, seed
from bench.stats import Summary, percentile, summarize
from bench.storage import bench_storage
from bench.world import baseline_bot, members, running_fake
from tests.support.clock import FakeClock
from tests.support.couples import pair
from tests.support.harness import BotHarness, make_settings
from tests.support.statements import StatementCounter


async def bench_interactions(scale: Scale) -> tuple[Section, Section]:
    """Benchmark 1, and on the same seeded bot benchmark 5 (bench/storage.py)."""
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
                        baseline.append(latency(ix))
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
            dispatcher = harness.checkin_job
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
                        samples[key].append(latency(ix))
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


STATEMENTS = StatementCounter()
