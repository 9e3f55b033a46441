"""A year of daily check-ins, simulated against the real check-in service and a real database with
the FakeClock: no prompt repeats until the whole eligible bank is used, themes spread, exercises
are followed (not forced), a couple's chosen themes and own questions are kept, per couple and per
person alike, and the same seed replays the same year. Synthetic banks stand in for the real one
(tests/test_prompt_bank.py runs the same year on the real bank)."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.records.prompts import PromptContext, PromptUsage
from bot.services import checkins as checkins_service
from bot.services import prompt_choice
from tests.support.prompts import ALICE, BOB, COUPLE_ID, Simulation, library_with, synthetic_bank

CATALOGUE = [t.id for t in library_with().catalogue.themes]
COUPLE_THEMES = [t for t in CATALOGUE if t not in ("patterns", "red-flags", "safety")]


def first_repeat(asked: list[str]) -> int | None:
    """The day (0-based) a prompt is first asked again, or None."""
    seen: set[str] = set()
    for day, prompt_id in enumerate(asked):
        if prompt_id in seen:
            return day
        seen.add(prompt_id)
    return None


async def test_a_daily_couple_meets_no_repeat_until_all_240_are_asked(database: Database) -> None:
    sim = await Simulation.start(database, library_with(partner=synthetic_bank(240, COUPLE_THEMES)))
    await sim.daily_couple()
    await sim.days(365)
    asked = await sim.asked()
    assert len(asked) == 365
    assert first_repeat(asked) == 240, "every prompt once before any comes back"
    assert len(set(asked[:240])) == 240
    # The second round of the bank again asks none twice, and never starts with yesterday's.
    assert len(set(asked[240:])) == len(asked[240:])
    assert asked[240] != asked[239]


async def test_themes_spread_across_the_year(database: Database) -> None:
    bank = synthetic_bank(240, COUPLE_THEMES)
    sim = await Simulation.start(database, library_with(partner=bank))
    await sim.daily_couple()
    await sim.days(240)
    asked = await sim.asked()
    days_of: dict[str, list[int]] = {}
    for day, prompt_id in enumerate(asked):
        for theme in sim.themes_of(prompt_id):
            days_of.setdefault(theme, []).append(day)
    # Every theme comes round within the first month, not only once its turn in a list comes...
    first_month = {theme for prompt_id in asked[:30] for theme in sim.themes_of(prompt_id)}
    assert first_month == set(COUPLE_THEMES)
    # ...and each theme's questions are spread over the year instead of bunched: one in every
    # quarter, and never more than three days in a row.
    for theme, days in days_of.items():
        assert {day * 4 // 240 for day in days} == {0, 1, 2, 3}, (theme, days)
    longest = run = 1
    for yesterday, today in itertools.pairwise(asked):
        shared = set(sim.themes_of(yesterday)) & set(sim.themes_of(today))
        run = run + 1 if shared else 1
        longest = max(longest, run)
    assert longest <= 3, longest


async def test_a_partners_exercise_is_favoured_not_forced(database: Database) -> None:
    linked = synthetic_bank(240, COUPLE_THEMES, exercise="make-time", linked=12)
    sim = await Simulation.start(database, library_with(partner=linked))
    await sim.daily_couple()
    await sim.working_on(BOB, "make-time")  # either partner's exercise counts
    await sim.days(30)
    asked = await sim.asked()
    following = [day for day, prompt_id in enumerate(asked) if prompt_id in {p.id for p in linked[:12]}]
    assert len(following) >= 6, following  # by chance alone: about one or two in a month
    assert len(following) < 30 and any(day not in following for day in range(10)), "favoured, not forced"
    assert first_repeat(asked) is None


async def test_an_old_unfinished_exercise_is_not_followed(database: Database) -> None:
    linked = synthetic_bank(240, COUPLE_THEMES, exercise="make-time", linked=12)
    sim = await Simulation.start(database, library_with(partner=linked))
    await sim.working_on(ALICE, "make-time")
    sim.clock.advance(days=45)  # started, then left alone for six weeks
    await sim.daily_couple()
    await sim.days(30)
    following = [p for p in await sim.asked() if p in {q.id for q in linked[:12]}]
    assert len(following) <= 5, following


async def test_chosen_themes_come_first_then_others_are_borrowed_never_repeated(database: Database) -> None:
    bank = synthetic_bank(240, COUPLE_THEMES)
    sim = await Simulation.start(database, library_with(partner=bank))
    await sim.daily_couple()
    change = await sim.prompts.choose_themes(COUPLE_ID, ["play", "memories"])
    assert change.after == {"play", "memories"}
    chosen = [p.id for p in bank if {"play", "memories"} & set(p.themes)]
    status = await sim.checkins.theme_status(COUPLE_ID)
    assert (status.bank.eligible, status.bank.fresh, status.bank.borrowing) == (
        len(chosen),
        len(chosen),
        False,
    )

    await sim.days(len(chosen))
    asked = await sim.asked()
    assert sorted(asked) == sorted(chosen), "only the chosen themes while they last"
    status = await sim.checkins.theme_status(COUPLE_ID)
    assert status.bank.borrowing and status.bank.fresh == 0 and status.bank.matched  # /checkin themes says so
    await sim.days(240 - len(chosen))
    asked = await sim.asked()
    assert first_repeat(asked) is None and len(asked) == 240, "borrowed rather than repeated"
    # The whole bank used: a new round, with the chosen themes first again.
    await sim.days(len(chosen))
    assert sorted((await sim.asked())[240:]) == sorted(chosen)


async def test_a_choice_that_matches_no_question_falls_back_to_every_theme(database: Database) -> None:
    bank = synthetic_bank(60, ["feelings", "needs"])
    sim = await Simulation.start(database, library_with(partner=bank))
    await sim.daily_couple()
    await sim.prompts._repo.set_themes(COUPLE_ID, ["play"], 0)  # a theme the bank no longer holds
    status = await sim.checkins.theme_status(COUPLE_ID)
    assert not status.bank.matched and status.bank.eligible == 60
    await sim.days(61)
    assert first_repeat(await sim.asked()) == 60


async def test_own_questions_are_mixed_in_once_a_round(database: Database) -> None:
    sim = await Simulation.start(database, library_with(partner=synthetic_bank(240, COUPLE_THEMES)))
    await sim.daily_couple()
    own = [
        await sim.prompts.add(COUPLE_ID, ALICE, f"Our question number {n}, asked our way?") for n in range(5)
    ]
    await sim.days(245)
    asked = await sim.asked()
    assert first_repeat(asked) is None
    own_days = sorted(asked.index(p.key) for p in own)
    assert own_days[0] < 30, "mixed in from the start"
    assert all(b - a >= 20 for a, b in itertools.pairwise(own_days)), "spread, not bunched"
    assert await sim.checkins.prompt_text(own[0].key) == own[0].text


async def test_personal_check_ins_meet_no_repeat_until_their_own_bank_is_used(database: Database) -> None:
    personal = synthetic_bank(120, ["feelings", "needs", "worth", "body", "past", "patterns"], prefix="me")
    sim = await Simulation.start(database, library_with(personal=personal))
    await sim.daily_personal()
    await sim.days(200)
    asked = await sim.asked("personal")
    assert first_repeat(asked) == 120
    assert set(asked) <= {p.id for p in personal}


async def test_the_same_seed_replays_the_same_year(database: Database, tmp_path: Path) -> None:
    content = library_with(partner=synthetic_bank(240, COUPLE_THEMES, exercise="make-time", linked=10))
    years = []
    for index, db in enumerate([database, Database(tmp_path / "again" / "attune.db")]):
        if index:
            await db.open()
            await db.migrate()
        sim = await Simulation.start(db, content, seed=42)
        await sim.daily_couple()
        await sim.working_on(ALICE, "make-time")
        await sim.days(60)
        years.append(await sim.asked())
        if index:
            await db.close()
    assert years[0] == years[1]


async def test_a_burst_of_couples_reads_usage_in_one_query(database: Database, monkeypatch: Any) -> None:
    sim = await Simulation.start(database, library_with(partner=synthetic_bank(240, COUPLE_THEMES)))
    for couple_id in range(100, 160):
        await database.execute(
            "INSERT INTO couples (id, guild_id, created_at) VALUES (?, 1, 0)", (couple_id,)
        )
        await sim.checkins.schedule(
            couple_id=couple_id, user_id=ALICE, time_text="21:00", days_text="daily", zone_name="UTC"
        )
    seen: list[str] = []
    fetchall = database.fetchall

    async def counting(sql: str, params: Any = ()) -> Any:
        seen.append(sql)
        return await fetchall(sql, params)

    monkeypatch.setattr(database, "fetchall", counting)
    await sim.days(1)
    assert len(await sim.asked()) == 60
    # One query a batch, not one a couple: the small first batch, then the other ten.
    batches = 1 + -(-(60 - checkins_service.FIRST_DUE_BATCH) // checkins_service.DUE_BATCH)
    assert batches == 2
    assert sum("FROM prompt_usage" in sql for sql in seen) == batches
    assert sum("FROM couple_prompts" in sql for sql in seen) == batches


def test_the_choice_itself_never_repeats_and_spreads_on_any_seed() -> None:
    """The pure rule, many seeds: a round never repeats, and its first days touch many themes."""
    bank = prompt_choice.candidates(synthetic_bank(240, COUPLE_THEMES))
    for seed in range(20):
        rng, usage, asked = random.Random(seed), PromptUsage(), []
        for day in range(240):
            now = 1_800_000_000 + day * 86_400
            choice = prompt_choice.choose(bank, PromptContext(), usage, now, rng)
            assert not choice.new_cycle and not choice.borrowed
            usage = usage.after(choice.prompt_id, now, new_cycle=False)
            asked.append(choice.prompt_id)
        assert len(set(asked)) == 240
        themes = Counter(t for p in asked[:21] for t in next(c.themes for c in bank if c.id == p))
        assert len(themes) >= 19, (seed, themes)


@pytest.mark.parametrize("values", [[], ["not-a-theme"], ["red-flags"]])
async def test_a_choice_of_no_known_theme_is_refused_and_changes_nothing(
    database: Database, values: list[str]
) -> None:
    sim = await Simulation.start(database, library_with(partner=synthetic_bank(240, COUPLE_THEMES)))
    with pytest.raises(Exception, match="at least one theme"):
        await sim.prompts.choose_themes(COUPLE_ID, values)
    assert await sim.prompts.chosen_themes(COUPLE_ID) is None
