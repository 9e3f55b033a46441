"""Benchmark 5: journal and check-in history pages at scale, timed through the running bot."""

from __future__ import annotations

import time
from typing import Any

from bench.common import Figure, Scale, Section
from bench.stats import summarize
from tests.support.harness import BotHarness, checkin_job


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
    dispatcher = checkin_job(bot)
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
