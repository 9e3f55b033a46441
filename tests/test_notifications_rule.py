"""The notification rule itself, person by person (bot/services/notifications.py)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.db import Database
from bot.repositories.people import PeopleRepository
from bot.services.notifications import DAILY_DM_FAILURE_CAP, How, NotificationService, Plan, how_to_tell
from tests.support.clock import FakeClock

ALICE, BOB = 1, 2


def test_the_person_who_acted_is_told_nothing_and_everyone_else_once() -> None:
    for wants_dm in (True, False):
        for reachable in (True, False):
            assert how_to_tell(ALICE, ALICE, wants_dm=wants_dm, dm_reachable=reachable) is How.NOTHING
    assert how_to_tell(BOB, ALICE, wants_dm=True, dm_reachable=True) is How.DM
    assert how_to_tell(BOB, ALICE, wants_dm=False, dm_reachable=True) is How.MENTION
    assert how_to_tell(BOB, ALICE, wants_dm=True, dm_reachable=False) is How.MENTION
    assert how_to_tell(BOB, None, wants_dm=True, dm_reachable=True) is How.DM


async def test_a_plan_follows_each_persons_settings_and_closed_dms(database: Database) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 8, 0, tzinfo=UTC))
    people = PeopleRepository(database)
    service = NotificationService(people, clock)
    assert await service.plan([ALICE, BOB], actor_id=None) == Plan(dm=(ALICE, BOB))
    assert await service.plan([ALICE, BOB, BOB], actor_id=ALICE) == Plan(dm=(BOB,))

    await people.set_dm_nudges(BOB, False, 0)
    assert await service.plan([ALICE, BOB], actor_id=None) == Plan(mention=(BOB,), dm=(ALICE,))

    await people.record_dm_failure(ALICE, clock.now().date(), 0, lambda: True)  # her DMs are closed
    assert await service.plan([ALICE, BOB], actor_id=None) == Plan(mention=(ALICE, BOB))
    await people.take_unreachable_notice(ALICE)  # she came back: DMs are tried again
    assert await service.plan([ALICE], actor_id=None) == Plan(dm=(ALICE,))
    for _ in range(DAILY_DM_FAILURE_CAP):
        await people.record_dm_failure(ALICE, clock.now().date(), 0, lambda: True)
    await people.take_unreachable_notice(ALICE)
    assert await service.plan([ALICE], actor_id=None) == Plan(mention=(ALICE,)), "too many failures today"
