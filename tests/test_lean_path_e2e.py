"""The lean interaction path (issue 18): what a common interaction asks SQLite, counted, so it
cannot grow back unnoticed; and the in-memory record of who is owed the "couldn't DM you" notice,
which saves every slash command a statement, kept in step with the database, a restart included.

Counts, not timings: statements are counted at aiosqlite's execute, execute_fetchall and
executemany (tests/support/statements.py), from just before INTERACTION_CREATE is sent until the
bot has settled, so whatever runs after the acknowledgement counts too."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.checkins import round_messages
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.statements import StatementCounter

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
NOTICE = "couldn't reach you by DM"


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


@pytest.fixture
def statements() -> Iterator[StatementCounter]:
    counter = StatementCounter()
    counter.install()
    yield counter
    counter.uninstall()


async def posted_round(attune: BotHarness, world: Any, thread: Any) -> Any:
    await (await attune.fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()
    await attune.checkin_job.tick()
    await attune.settle()
    return round_messages(attune.fake, thread)[-1]


async def sql_of(
    attune: BotHarness, statements: StatementCounter, interact: Callable[[], Awaitable[Any]]
) -> list[str]:
    """The statements one interaction ran, from INTERACTION_CREATE until the bot settled."""
    await attune.settle()
    mark = statements.count
    ix = await interact()
    await ix.response()
    await attune.settle()
    return statements.since(mark)


def is_read(sql: str) -> bool:
    return sql.lstrip().upper().startswith(("SELECT", "WITH"))


async def test_help_runs_no_sql_and_the_answer_button_one_read(
    attune: BotHarness, world: Any, couple: Any, statements: StatementCounter
) -> None:
    fake = attune.fake
    message = await posted_round(attune, world, couple)

    def help_() -> Awaitable[Any]:
        return fake.slash(world.alice, world.general, "help")

    def answer_button() -> Awaitable[Any]:
        return fake.press(world.alice, message, "Answer")

    for _ in range(2):  # warm-up: whatever is built on first use is built
        await sql_of(attune, statements, help_)
        await sql_of(attune, statements, answer_button)

    for _ in range(3):
        assert await sql_of(attune, statements, help_) == []
        opened = await sql_of(attune, statements, answer_button)
        assert len(opened) <= 1 and all(is_read(sql) for sql in opened), opened
    assert fake.violations == []


def owed_in_database(attune: BotHarness) -> set[int]:
    return {
        row["user_id"] for row in query(attune, "SELECT user_id FROM people WHERE dm_unreachable_told = 0")
    }


def owed_in_memory(attune: BotHarness) -> set[int] | None:
    owed = attune.running.services.people.owed_notices
    return None if owed is None else set(owed)


async def test_who_is_owed_the_dm_notice_stays_in_step_across_a_restart(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    assert owed_in_memory(attune) == owed_in_database(attune) == set()
    fake.close_dms(world.bob)
    await posted_round(attune, world, couple)  # Bob's nudge fails: he is owed the notice
    assert fake.failed_requests_for(world.bob) == 1
    assert owed_in_memory(attune) == owed_in_database(attune) == {world.bob.id}

    await attune.restart()  # loaded afresh from the database
    assert owed_in_memory(attune) == owed_in_database(attune) == {world.bob.id}

    quiet = await fake.slash(world.alice, world.general, "help")  # nothing is owed to Alice
    await quiet.response()
    await attune.settle()
    assert quiet.followup_messages == []

    fake.close_dms(world.bob, closed=False)
    told = await fake.slash(world.bob, world.general, "help")
    await told.response()
    notice = await told.followups(1)
    assert NOTICE in notice[0].text() and notice[0].ephemeral
    await attune.settle()
    assert owed_in_memory(attune) == owed_in_database(attune) == set()

    again = await fake.slash(world.bob, world.general, "help")  # once only
    await again.response()
    await attune.settle()
    assert again.followup_messages == []

    await attune.restart()
    assert owed_in_memory(attune) == owed_in_database(attune) == set()


async def test_erasure_clears_the_owed_notice_in_memory_too(attune: BotHarness, world: Any) -> None:
    fake, people = attune.fake, attune.running.services.people
    opened = await fake.slash(world.carol, world.general, "privacy delete")
    await opened.response()
    await attune.settle()
    # Her DMs fail while the form is open (the command itself already took any notice owed).
    await people.record_dm_failure(world.carol.id, attune.clock.now().date(), 0)
    assert owed_in_memory(attune) == owed_in_database(attune) == {world.carol.id}
    done = await fake.submit_modal(world.carol, opened, {"phrase": "delete my data"})
    await done.response()
    await attune.settle()  # deferred, then answered once the erasure is done
    assert "erased" in done.text()
    assert owed_in_memory(attune) == owed_in_database(attune) == set()
