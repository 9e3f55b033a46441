"""The exercises service against a real, migrated SQLite database."""

from __future__ import annotations

import asyncio
import base64
from datetime import timedelta

import pytest

from bot.content import load_content
from bot.crypto import Cipher, generate_key
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.exercises import ExercisesRepository
from bot.services.exercises import RUN_NOT_FOUND, ExercisesService
from tests.support.clock import FakeClock

ALICE, BOB = 101, 202
GUILD = 9


@pytest.fixture
def service(database: Database, clock: FakeClock) -> ExercisesService:
    cipher = Cipher(base64.urlsafe_b64decode(generate_key()))
    return ExercisesService(ExercisesRepository(database, cipher), load_content(), clock)


async def test_starting_twice_continues_the_unfinished_run(
    service: ExercisesService, clock: FakeClock
) -> None:
    first = await service.start(ALICE, "set-boundaries", GUILD)
    assert first.new and first.run.step == 0
    moved = await service.go_to(first.run.id, ALICE, 2)
    again = await service.start(ALICE, "set-boundaries", GUILD)
    assert not again.new
    assert again.run.id == first.run.id and again.run.step == moved.step == 2
    await service.finish(first.run.id, ALICE)
    fresh = await service.start(ALICE, "set-boundaries", GUILD)
    assert fresh.new and fresh.run.id != first.run.id


async def test_concurrent_starts_make_one_run(service: ExercisesService, database: Database) -> None:
    results = await asyncio.gather(*(service.start(ALICE, "open-up", None) for _ in range(5)))
    assert len({r.run.id for r in results}) == 1
    assert sum(r.new for r in results) == 1
    assert await database.fetchval("SELECT count(*) FROM exercise_runs") == 1


async def test_someone_elses_run_looks_exactly_like_a_missing_one(service: ExercisesService) -> None:
    run = (await service.start(ALICE, "set-boundaries", GUILD)).run
    await service.save_reflection(run.id, ALICE, 0, "mine")
    attempts = [
        service.run(run.id, BOB),
        service.go_to(run.id, BOB, 1),
        service.save_reflection(run.id, BOB, 0, "not mine"),
        service.finish(run.id, BOB),
        service.run(run.id + 999, ALICE),
    ]
    for attempt in attempts:
        with pytest.raises(NotFound) as refused:
            await attempt
        assert refused.value.message == RUN_NOT_FOUND
    assert await service.reflections(run.id, BOB) == {}
    assert await service.reflections(run.id, ALICE) == {0: "mine"}
    assert (await service.run(run.id, ALICE)).step == 0


async def test_reflections_are_sealed_and_replaced_per_step(
    service: ExercisesService, database: Database
) -> None:
    run = (await service.start(ALICE, "set-boundaries", GUILD)).run
    await service.save_reflection(run.id, ALICE, 1, "  first thought  ")
    await service.save_reflection(run.id, ALICE, 1, "second thought")
    await service.save_reflection(run.id, ALICE, 0, "smaller")
    assert await service.reflections(run.id, ALICE) == {0: "smaller", 1: "second thought"}
    raw = await database.fetchall("SELECT body_sealed FROM exercise_reflections")
    assert len(raw) == 2
    assert all(b"thought" not in bytes(r[0]) and b"smaller" not in bytes(r[0]) for r in raw)
    with pytest.raises(UserFacingError):
        await service.save_reflection(run.id, ALICE, 0, "   ")
    with pytest.raises(UserFacingError):
        await service.save_reflection(run.id, ALICE, 0, "x" * 4001)
    with pytest.raises(NotFound):
        await service.save_reflection(run.id, ALICE, 99, "no such step")


async def test_resume_finds_the_latest_unfinished_run(service: ExercisesService, clock: FakeClock) -> None:
    with pytest.raises(UserFacingError, match="no exercise in progress"):
        await service.resume(ALICE)
    older = (await service.start(ALICE, "set-boundaries", GUILD)).run
    clock.advance(minutes=5)
    newer = (await service.start(ALICE, "open-up", GUILD)).run
    assert (await service.resume(ALICE)).id == newer.id
    clock.advance(minutes=5)
    await service.go_to(older.id, ALICE, 1)
    assert (await service.resume(ALICE)).id == older.id
    await service.finish(older.id, ALICE)
    assert (await service.resume(ALICE)).id == newer.id
    await service.finish(newer.id, ALICE)
    with pytest.raises(UserFacingError):
        await service.resume(ALICE)
    with pytest.raises(UserFacingError, match="no exercise in progress"):
        await service.resume(BOB)  # Alice's runs are nothing to Bob


async def test_finished_runs_are_recorded_for_the_progress_feature(
    service: ExercisesService, clock: FakeClock
) -> None:
    start = clock.now()
    run = (await service.start(ALICE, "set-boundaries", GUILD)).run
    with pytest.raises(UserFacingError):
        await service.go_to(run.id, ALICE, 4)  # past the last step
    clock.advance(hours=1)
    finished = await service.finish(run.id, ALICE)
    assert finished.finished and finished.finished_at is not None
    again = await service.finish(run.id, ALICE)  # a second press changes nothing
    assert again.finished_at == finished.finished_at
    with pytest.raises(UserFacingError, match="finished"):
        await service.go_to(run.id, ALICE, 1)
    with pytest.raises(UserFacingError, match="finished"):
        await service.save_reflection(run.id, ALICE, 0, "too late")

    window = await service.finished_between(ALICE, start, start + timedelta(hours=2))
    assert [(e, at) for e, at in window] == [("set-boundaries", clock.now())]
    assert await service.finished_between(ALICE, start, clock.now()) == []  # end is exclusive
    assert await service.finished_between(BOB, start, start + timedelta(days=1)) == []

    progress = await service.progress(ALICE)
    assert progress["set-boundaries"].state == "finished"
    assert progress["open-up"].state == "not_started"
    redo = (await service.start(ALICE, "set-boundaries", GUILD)).run
    await service.go_to(redo.id, ALICE, 2)
    now = (await service.progress(ALICE))["set-boundaries"]
    assert (now.state, now.step, now.finished_before) == ("in_progress", 2, True)


async def test_one_reflection_can_be_shared_and_never_from_a_private_exercise(
    service: ExercisesService,
) -> None:
    run = (await service.start(ALICE, "set-boundaries", GUILD)).run
    await service.save_reflection(run.id, ALICE, 0, "zero")
    await service.save_reflection(run.id, ALICE, 2, "two")
    with pytest.raises(NotFound):
        await service.claim_share(run.id, ALICE, 0)  # not finished yet
    await service.finish(run.id, ALICE)
    with pytest.raises(NotFound):
        await service.claim_share(run.id, BOB, 0)
    with pytest.raises(NotFound):
        await service.claim_share(run.id, ALICE, 1)  # nothing written for that step
    assert await service.claim_share(run.id, ALICE, 2) == "two"
    with pytest.raises(UserFacingError, match="already shared"):
        await service.claim_share(run.id, ALICE, 0)
    await service.release_share(run.id, ALICE, 2)  # the post failed: try again
    assert await service.claim_share(run.id, ALICE, 0) == "zero"
    assert (await service.run(run.id, ALICE)).shared_step == 0

    private = (await service.start(ALICE, "red-flags", GUILD)).run
    await service.save_reflection(private.id, ALICE, 0, "just for me")
    finished = await service.finish(private.id, ALICE)
    assert not service.shareable(finished)
    with pytest.raises(NotFound):
        await service.claim_share(private.id, ALICE, 0)


def test_search_and_find(service: ExercisesService) -> None:
    assert [e.id for e in service.search("red flags")] == ["red-flags"]
    assert len(service.search("")) == len(load_content().exercises)
    assert service.find("Set boundaries you can keep").id == "set-boundaries"
    assert service.find("set-boundaries").id == "set-boundaries"
    with pytest.raises(NotFound):
        service.find("nothing like this")


async def test_resume_skips_a_run_whose_exercise_was_removed_from_the_content(
    service: ExercisesService, database: Database, clock: FakeClock
) -> None:
    kept = (await service.start(ALICE, "open-up", GUILD)).run
    later = int(clock.now().timestamp()) + 60
    await database.execute(
        "INSERT INTO exercise_runs (user_id, exercise_id, started_at, updated_at) "
        "VALUES (?, 'retired', ?, ?)",
        (ALICE, later, later),
    )
    assert (await service.resume(ALICE)).id == kept.id
    assert "retired" not in await service.progress(ALICE)
