"""The progress service and its chart against a real, migrated SQLite database with seeded data."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from bot.clock import unix
from bot.content import load_content
from bot.crypto import Cipher, generate_key
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.progress import CHECKUP_COLUMN
from bot.services import build_services
from bot.services.charts import HEIGHT_PX, WIDTH_PX, Line, png_size, render_mood_chart
from bot.services.progress import ProgressService
from tests.support.clock import FakeClock

ALICE, BOB, CAROL, DAVE = 101, 202, 303, 404
GUILD = 9
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
def cipher() -> Cipher:
    return Cipher(base64.urlsafe_b64decode(generate_key()))


@pytest.fixture
def service(database: Database, cipher: Cipher, clock: FakeClock) -> ProgressService:
    clock.set(NOW)
    settings: Any = SimpleNamespace(missed_round_grace_minutes=120)
    return build_services(database, cipher, load_content(), clock, settings).progress


async def add_couple(db: Database, couple_id: int, a: int, b: int, thread_id: int = 0) -> None:
    await db.execute(
        "INSERT INTO couples (id, guild_id, status, thread_id, created_at) VALUES (?, ?, 'active', ?, 0)",
        (couple_id, GUILD, thread_id or None),
    )
    for user in (a, b):
        await db.execute(
            "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (?, ?, ?)",
            (couple_id, user, GUILD),
        )


async def add_round(
    db: Database,
    couple_id: int,
    due: datetime,
    status: str,
    reason: str | None = None,
    closes: datetime | None = None,
) -> int:
    row = await db.fetchone(
        "INSERT INTO checkin_rounds (schedule_id, kind, couple_id, due_at, prompt_id, status, missed_reason, "
        "posted_at, closes_at) VALUES (NULL, 'couple', ?, ?, 'p', ?, ?, ?, ?) RETURNING id",
        (couple_id, unix(due), status, reason, unix(due), unix(closes) if closes else None),
    )
    assert row is not None
    return int(row[0])


async def add_schedule(db: Database, couple_id: int) -> int:
    row = await db.fetchone(
        "INSERT INTO checkin_schedules (kind, couple_id, local_time, weekdays, timezone, updated_by, "
        "updated_at) VALUES ('couple', ?, '20:00', 127, 'Europe/Paris', 1, 0) RETURNING id",
        (couple_id,),
    )
    assert row is not None
    return int(row[0])


async def answer(db: Database, cipher: Cipher, round_id: int, user: int, mood: int) -> None:
    await db.execute(
        "INSERT INTO checkin_answers (round_id, user_id, mood, body_sealed, answered_at) "
        "VALUES (?, ?, ?, ?, 0)",
        (round_id, user, mood, cipher.seal("private words", column="checkin_answers.body_sealed")),
    )


async def seed_revealed(
    db: Database, cipher: Cipher, couple_id: int, a: int, b: int, moods: list[int]
) -> None:
    for i, mood in enumerate(moods):
        round_id = await add_round(db, couple_id, NOW - timedelta(days=len(moods) - i), "revealed")
        await answer(db, cipher, round_id, a, mood)
        await answer(db, cipher, round_id, b, 6 - mood)


async def test_the_couple_chart_is_a_png_of_the_expected_size_with_only_the_couples_moods(
    service: ProgressService, database: Database, cipher: Cipher
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    await add_couple(database, 2, CAROL, DAVE)
    await seed_revealed(database, cipher, 1, ALICE, BOB, [2, 3, 4, 5])
    couple = await service._couples.couple_by_id(1)
    assert couple is not None

    def render(series: Any) -> bytes:
        lines = [
            Line(str(s.user_id), tuple((datetime.fromtimestamp(p.at, UTC), p.mood) for p in s.points))
            for s in series
        ]
        png = render_mood_chart(lines, "Us", NOW.date(), 30)
        assert png is not None
        return png

    before = await service.couple_series(couple, 30)
    png = render(before)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)

    # Another couple's rounds, an open (unrevealed) round, and a stray answer by an outsider on this
    # couple's round: none of it may reach this couple's chart.
    await seed_revealed(database, cipher, 2, CAROL, DAVE, [1, 1, 1, 1, 1])
    open_round = await add_round(database, 1, NOW - timedelta(hours=2), "open")
    await answer(database, cipher, open_round, ALICE, 1)
    first_round = int(await database.fetchval("SELECT min(id) FROM checkin_rounds WHERE couple_id = 1"))
    await answer(database, cipher, first_round, CAROL, 1)

    after = await service.couple_series(couple, 30)
    assert after == before
    assert {s.user_id for s in after} == {ALICE, BOB}
    assert [p.mood for p in after[0].points] == [2, 3, 4, 5]
    assert [p.mood for p in after[1].points] == [4, 3, 2, 1]
    # The shared chart never sets one partner's activity against the other's: the same rounds for both.
    assert [p.at for p in after[0].points] == [p.at for p in after[1].points]
    assert render(after) == png, "the picture is the same byte for byte: nothing from outside the couple"


async def test_own_moods_are_the_persons_answers_and_journal_only(
    service: ProgressService, database: Database, cipher: Cipher
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    await seed_revealed(database, cipher, 1, ALICE, BOB, [4, 4])
    for user, mood in ((ALICE, 2), (BOB, 5), (CAROL, 1)):
        await database.execute(
            "INSERT INTO journal_entries (user_id, body_sealed, mood, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (user, b"x", mood, unix(NOW - timedelta(hours=3)), unix(NOW)),
        )
    (series,) = await service.own_series(ALICE, GUILD, 30)
    assert series.user_id == ALICE
    assert sorted(p.mood for p in series.points) == [2, 4, 4]
    assert {p.user_id for p in series.points} == {ALICE}


async def test_overview_counts_streaks_rounds_and_exercises(
    service: ProgressService, database: Database, cipher: Cipher
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    await seed_revealed(database, cipher, 1, ALICE, BOB, [3, 3, 3])
    await add_round(database, 1, NOW - timedelta(days=10), "skipped")
    await database.execute(
        "INSERT INTO exercise_runs (user_id, exercise_id, status, started_at, updated_at, finished_at) "
        "VALUES (?, 'set-boundaries', 'finished', ?, ?, ?)",
        (BOB, unix(NOW - timedelta(days=2)), unix(NOW), unix(NOW - timedelta(days=1))),
    )
    overview = await service.overview(ALICE, GUILD, 30)
    assert overview.couple is not None and overview.couple.id == 1
    assert overview.couple_streak is not None and overview.couple_streak.current == 3
    assert (overview.rounds_posted, overview.rounds_together) == (4, 3)
    assert overview.exercises == [], "Bob's exercise is his: never in Alice's overview"
    assert (overview.journal_entries, overview.checkups) == (0, 0)
    bobs = await service.overview(BOB, GUILD, 30)
    assert bobs.exercises == [load_content().exercises["set-boundaries"].title]
    with pytest.raises(UserFacingError):
        await service.overview(ALICE, GUILD, 3)


async def test_weekly_summary_defaults_to_sunday_evening_local_and_is_recorded_once(
    service: ProgressService, database: Database, clock: FakeClock
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    await add_schedule(database, 1)  # the couple's check-ins are in Europe/Paris
    await service.record_due_summaries()
    settings = await service._repo.summary_settings(1)
    assert settings is not None and settings.enabled and settings.timezone == "Europe/Paris"
    assert settings.next_due_at == unix(datetime(2026, 4, 5, 17, 0, tzinfo=UTC))  # Sunday 19:00 CEST

    clock.set(datetime(2026, 4, 5, 17, 0, 30, tzinfo=UTC))
    await service.record_due_summaries()
    await service.record_due_summaries()
    rows = await database.fetchall("SELECT couple_id, due_at, status FROM progress_summaries")
    assert [tuple(r) for r in rows] == [(1, settings.next_due_at, "pending")]
    moved = await service._repo.summary_settings(1)
    assert moved is not None and moved.next_due_at == unix(datetime(2026, 4, 12, 17, 0, tzinfo=UTC))

    couple = await service._couples.couple_by_id(1)
    assert couple is not None
    off = await service.set_summary(couple, ALICE, "off", None)
    assert not off.enabled and off.next_due_at is None
    wednesday = await service.set_summary(couple, ALICE, "wed", "8am")
    assert wednesday.enabled and wednesday.local_time == "08:00" and wednesday.weekday == 2
    with pytest.raises(UserFacingError):
        await service.set_summary(couple, ALICE, "wed", "25:00")


async def test_summary_rows_are_backfilled_a_bounded_batch_a_run_and_only_for_couples_without_one(
    service: ProgressService, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    import bot.services.progress as progress

    monkeypatch.setattr(progress, "SETTINGS_BACKFILL_BATCH", 2)
    for couple_id, (a, b) in enumerate(((ALICE, BOB), (CAROL, DAVE), (505, 606)), start=1):
        await add_couple(database, couple_id, a, b)
    counted = "SELECT couple_id FROM progress_summary_settings ORDER BY couple_id"
    await service.record_due_summaries()
    assert [r[0] for r in await database.fetchall(counted)] == [1, 2]
    await service.record_due_summaries()
    assert [r[0] for r in await database.fetchall(counted)] == [1, 2, 3]
    before = await database.fetchall("SELECT * FROM progress_summary_settings ORDER BY couple_id")
    await service.record_due_summaries()  # nothing left to set up: rows untouched
    after = await database.fetchall("SELECT * FROM progress_summary_settings ORDER BY couple_id")
    assert [tuple(r) for r in after] == [tuple(r) for r in before]


async def test_a_long_downtime_never_posts_a_stale_summary(
    service: ProgressService, database: Database, clock: FakeClock
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    await service.record_due_summaries()
    clock.set(datetime(2026, 4, 20, 9, 0, tzinfo=UTC))  # two weeks and a bit later
    await service.record_due_summaries()
    rows = await database.fetchall("SELECT status FROM progress_summaries")
    assert [r[0] for r in rows] == ["missed"], "one stale occurrence recorded, never a backlog posted"
    settings = await service._repo.summary_settings(1)
    assert settings is not None and settings.next_due_at == unix(datetime(2026, 4, 26, 19, 0, tzinfo=UTC))


async def test_heads_up_before_the_streak_would_break_is_claimed_once(
    service: ProgressService, database: Database, cipher: Cipher, clock: FakeClock
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    schedule = await add_schedule(database, 1)
    await database.execute("UPDATE checkin_rounds SET schedule_id = ?", (schedule,))
    for days_ago, status in ((4, "revealed"), (3, "closed"), (2, "revealed")):
        round_id = await add_round(database, 1, NOW - timedelta(days=days_ago), status)
        await database.execute("UPDATE checkin_rounds SET schedule_id = ? WHERE id = ?", (schedule, round_id))
    open_id = await add_round(database, 1, NOW - timedelta(hours=20), "open", closes=NOW + timedelta(hours=4))
    await database.execute("UPDATE checkin_rounds SET schedule_id = ? WHERE id = ?", (schedule, open_id))
    await answer(database, cipher, open_id, ALICE, 3)

    assert await service.heads_up_rounds() == [], "four hours left: not yet"
    clock.advance(hours=2)
    found = await service.heads_up_rounds()
    assert [(r.round_id, s.current) for r, s in found] == [(open_id, 2)]
    assert await service._repo.claim_heads_up(open_id, 1, unix(NOW))
    assert not await service._repo.claim_heads_up(open_id, 1, unix(NOW)), "only once"
    assert await service.heads_up_rounds() == []


async def test_checkups_are_sealed_private_and_a_repeated_red_flag_is_noticed(
    service: ProgressService, database: Database, cipher: Cipher, clock: FakeClock
) -> None:
    first = await service.save_checkup(
        ALICE, {"heading": ["drifting"], "red-flags": ["ghosting"], "x": ["y"]}
    )
    assert first.flags_raised and not first.flagged_twice
    assert first.record.answers == {"heading": ["drifting"], "red-flags": ["ghosting"]}
    blob = await database.fetchval("SELECT answers_sealed FROM progress_checkups")
    assert b"ghosting" not in blob and b"drifting" not in blob
    assert "ghosting" in cipher.open(blob, column=CHECKUP_COLUMN)

    clock.advance(days=30)
    second = await service.save_checkup(ALICE, {"red-flags": ["lonely"]})
    assert second.flagged_twice
    clock.advance(days=30)
    calm = await service.save_checkup(ALICE, {"red-flags": ["none"]})
    assert not calm.flags_raised and not calm.flagged_twice

    assert [json.dumps(r.answers) for r in await service.checkups(BOB)] == []
    assert len(await service.checkups(ALICE)) == 3
    with pytest.raises(UserFacingError):
        await service.save_checkup(ALICE, {"unknown": ["x"]})


async def test_someone_elses_share_looks_like_a_missing_one(
    service: ProgressService, database: Database
) -> None:
    await add_couple(database, 1, ALICE, BOB)
    couple = await service._couples.couple_by_id(1)
    assert couple is not None
    share = await service.start_share(couple, ALICE, 30)
    for attempt in (service.claim_share(share.id, BOB), service.cancel_share(share.id, BOB)):
        with pytest.raises(NotFound):
            await attempt
    with pytest.raises(NotFound):
        await service.claim_share(share.id + 99, ALICE)
    assert (await service.claim_share(share.id, ALICE)).id == share.id
    with pytest.raises(UserFacingError, match="already been posted"):
        await service.claim_share(share.id, ALICE)


async def test_the_checkup_offer_is_claimed_at_most_once_a_month(
    service: ProgressService, clock: FakeClock
) -> None:
    assert await service.claim_monthly_offer(ALICE)
    assert not await service.claim_monthly_offer(ALICE)
    clock.advance(days=20)
    assert not await service.claim_monthly_offer(ALICE)
    clock.advance(days=15)
    assert await service.claim_monthly_offer(ALICE)
