"""CouplesService against a real migrated SQLite database: the rules without Discord."""

from __future__ import annotations

import asyncio

import pytest

from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.couples import CouplesRepository
from bot.repositories.invitations import AlreadyPaired
from bot.repositories.people import PeopleRepository
from bot.repositories.thread_health import ThreadHealthRepository
from bot.services.couples import Accepted, Candidate, CouplePaused, CouplesService, InvitationClosed
from bot.threads import thread_name
from tests.support.clock import FakeClock

GUILD = 1000
ALICE, BOB, CAROL, DAVE = 1, 2, 3, 4
TABLES = ("guild_settings", "invitations", "couples", "couple_members")


@pytest.fixture
def service(database: Database, clock: FakeClock) -> CouplesService:
    return CouplesService(
        CouplesRepository(database), PeopleRepository(database), clock, ThreadHealthRepository(database)
    )


async def counts(db: Database) -> dict[str, int]:
    return {table: int(await db.fetchval(f"SELECT count(*) FROM {table}")) for table in TABLES}


def member(user_id: int) -> Candidate:
    return Candidate(user_id=user_id, is_bot=False, in_guild=True)


async def configured(service: CouplesService) -> None:
    await service.configure(GUILD, 55, timezone="Europe/Paris", resources_text=None, updated_by=9)


async def test_nothing_works_before_setup_and_setup_keeps_what_was_not_given(
    service: CouplesService, database: Database
) -> None:
    with pytest.raises(UserFacingError, match="Manage Server"):
        await service.invite(GUILD, ALICE, member(BOB))
    assert await counts(database) == dict.fromkeys(TABLES, 0)
    await service.configure(GUILD, 55, timezone="europe/paris", resources_text="Call 116 123", updated_by=9)
    again = await service.configure(GUILD, 66, timezone=None, resources_text=None, updated_by=9)
    assert (again.channel_id, again.timezone, again.resources_text) == (66, "Europe/Paris", "Call 116 123")
    with pytest.raises(UserFacingError, match="time zone"):
        await service.configure(GUILD, 66, timezone="Nowhere/Land", resources_text=None, updated_by=9)


async def test_timezone_falls_back_from_person_to_server_to_utc(
    service: CouplesService, database: Database
) -> None:
    assert (await service.timezone_for(ALICE, GUILD)).key == "UTC"
    await configured(service)
    assert (await service.timezone_for(ALICE, GUILD)).key == "Europe/Paris"
    await PeopleRepository(database).set_timezone(ALICE, "Asia/Tokyo", 0)
    assert (await service.timezone_for(ALICE, GUILD)).key == "Asia/Tokyo"
    assert (await service.timezone_for(BOB, None)).key == "UTC"


async def test_accept_records_the_couple_and_both_members_at_once(service: CouplesService) -> None:
    await configured(service)
    created = await service.invite(GUILD, ALICE, member(BOB))
    with pytest.raises(NotFound):
        await service.accept(created.invitation.id, CAROL)  # not addressed to Carol
    with pytest.raises(NotFound):
        await service.accept(999, BOB)  # does not exist: looks the same
    accepted = await service.accept(created.invitation.id, BOB)
    invitation, couple = accepted.invitation, accepted.couple
    assert invitation.status == "accepted" and accepted.closed == []
    assert couple.status == "active" and couple.thread_id is None
    assert set(couple.partner_ids) == {ALICE, BOB}
    assert couple.partner_of(ALICE) == BOB and couple.partner_of(BOB) == ALICE
    assert await service.active_couple_for(GUILD, ALICE) == couple
    assert await service.couple_by_id(couple.id) == couple
    with pytest.raises(InvitationClosed, match="already accepted"):
        await service.accept(created.invitation.id, BOB)


async def test_conflicting_couples_are_refused_by_the_database_and_nothing_changes(
    service: CouplesService, database: Database
) -> None:
    await configured(service)
    to_bob = await service.invite(GUILD, ALICE, member(BOB))
    also_to_bob = await service.invite(GUILD, CAROL, member(BOB))
    results = await asyncio.gather(
        service.accept(to_bob.invitation.id, BOB),
        service.accept(also_to_bob.invitation.id, BOB),
        return_exceptions=True,
    )
    assert sum(1 for r in results if isinstance(r, Accepted)) == 1
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(refused) == 1 and isinstance(refused[0], UserFacingError)
    assert await counts(database) == {
        "guild_settings": 1,
        "invitations": 2,
        "couples": 1,
        "couple_members": 2,
    }


async def test_the_unique_index_refuses_a_second_current_couple(
    service: CouplesService, database: Database, clock: FakeClock
) -> None:
    """Even when the service's own checks are bypassed, the partial unique index holds."""
    await configured(service)
    repo = CouplesRepository(database)
    first, _ = await repo.create_invitation(GUILD, ALICE, BOB, 0, 10**10)
    pending_for_alice, _ = await repo.create_invitation(GUILD, DAVE, ALICE, 0, 10**10)
    assert await repo.accept_invitation(first.id, 1) is not None
    # Accepting cancels other open invitations to or from either partner.
    assert (await repo.invitation(pending_for_alice.id)).status == "cancelled"  # type: ignore[union-attr]
    second, _ = await repo.create_invitation(GUILD, CAROL, ALICE, 2, 10**10)
    before = await counts(database)
    with pytest.raises(AlreadyPaired):
        await repo.accept_invitation(second.id, 3)
    assert await counts(database) == before
    assert (await repo.invitation(second.id)).status == "pending"  # type: ignore[union-attr]


async def test_replace_expire_decline_cancel(service: CouplesService, clock: FakeClock) -> None:
    await configured(service)
    first = await service.invite(GUILD, ALICE, member(BOB))
    second = await service.invite(GUILD, ALICE, member(CAROL))
    assert [i.id for i in second.replaced] == [first.invitation.id]
    with pytest.raises(InvitationClosed, match="newer invitation"):
        await service.accept(first.invitation.id, BOB)
    clock.advance(days=7, seconds=1)
    with pytest.raises(InvitationClosed, match="expired") as expired:
        await service.accept(second.invitation.id, CAROL)
    assert expired.value.invitation.status == "expired"
    third = await service.invite(GUILD, DAVE, member(BOB))
    declined = await service.decline(third.invitation.id, BOB)
    assert declined.status == "declined"
    with pytest.raises(NotFound):
        await service.cancel(GUILD, DAVE)
    fourth = await service.invite(GUILD, DAVE, member(CAROL))
    assert (await service.cancel(GUILD, DAVE)).id == fourth.invitation.id


async def test_refusals(service: CouplesService, database: Database) -> None:
    await configured(service)
    await service.accept((await service.invite(GUILD, ALICE, member(BOB))).invitation.id, BOB)
    before = await counts(database)
    cases = [
        (CAROL, Candidate(DAVE, is_bot=True, in_guild=True), "Bots"),
        (CAROL, member(CAROL), "yourself"),
        (CAROL, Candidate(DAVE, is_bot=False, in_guild=False), "isn't a member"),
        (CAROL, member(ALICE), "already paired with someone"),
        (BOB, member(CAROL), "You're already paired"),
    ]
    for inviter, candidate, expected in cases:
        with pytest.raises(UserFacingError, match=expected):
            await service.invite(GUILD, inviter, candidate)
    assert await counts(database) == before


async def test_leave_pause_and_resume(service: CouplesService, database: Database) -> None:
    await configured(service)
    couple = (
        await service.accept((await service.invite(GUILD, ALICE, member(BOB))).invitation.id, BOB)
    ).couple
    assert await service.replace_thread(couple.id, None, 777)
    assert not await service.replace_thread(couple.id, None, 888)  # someone else already recorded one
    assert (await service.couple_by_thread(777)) is not None

    paused = await service.member_left(GUILD, BOB)
    assert [c.status for c in paused] == ["paused"]
    assert await service.active_couple_for(GUILD, ALICE) is None
    assert (await service.current_couple_for(GUILD, ALICE)) is not None
    assert await service.member_left(GUILD, ALICE) != []  # both away
    assert await service.member_returned(GUILD, BOB) == []  # Alice is still away
    resumed = await service.member_returned(GUILD, ALICE)
    assert [c.status for c in resumed] == ["active"]

    with pytest.raises(NotFound):
        await service.leave(couple.id, CAROL)
    ended = await service.leave(couple.id, ALICE)
    assert ended.status == "ended" and ended.ended_at is not None
    assert await service.current_couple_for(GUILD, BOB) is None
    with pytest.raises(UserFacingError, match="already ended"):
        await service.leave(couple.id, BOB)
    assert await database.fetchval("SELECT count(*) FROM couple_members WHERE current = 1") == 0


async def test_checkin_schedule_is_read_when_there_is_one(
    service: CouplesService, database: Database
) -> None:
    await configured(service)
    couple = (
        await service.accept((await service.invite(GUILD, ALICE, member(BOB))).invitation.id, BOB)
    ).couple
    assert await service.checkin_schedule(couple.id) is None
    await database.execute(
        "INSERT INTO checkin_schedules (kind, couple_id, local_time, weekdays, timezone, paused_until, "
        "updated_by, updated_at) VALUES ('couple', ?, '07:30', 96, 'UTC', '9999-12-31', 1, 0)",
        (couple.id,),
    )
    schedule = await service.checkin_schedule(couple.id)
    assert schedule is not None and (schedule.local_time, schedule.weekdays) == ("07:30", 96)


async def test_accepting_returns_every_invitation_it_closed(service: CouplesService) -> None:
    await configured(service)
    accepted_one = await service.invite(GUILD, ALICE, member(BOB))
    bob_sent = await service.invite(GUILD, BOB, member(CAROL))  # from the invitee
    to_alice = await service.invite(GUILD, DAVE, member(ALICE))  # to the inviter
    elsewhere = await service.invite(GUILD, CAROL, member(DAVE))  # neither of them: stays open
    accepted = await service.accept(accepted_one.invitation.id, BOB)
    assert [(i.id, i.status) for i in accepted.closed] == [
        (bob_sent.invitation.id, "cancelled"),
        (to_alice.invitation.id, "cancelled"),
    ]
    with pytest.raises(UserFacingError, match=r"isn't for you|withdrawn"):
        await service.accept(bob_sent.invitation.id, CAROL)
    assert (await service.accept(elsewhere.invitation.id, DAVE)).closed == []


async def test_membership_is_reconciled_in_one_batch_and_only_for_those_checked(
    service: CouplesService, database: Database
) -> None:
    await configured(service)
    first = (
        await service.accept((await service.invite(GUILD, ALICE, member(BOB))).invitation.id, BOB)
    ).couple
    second = (
        await service.accept((await service.invite(GUILD, CAROL, member(DAVE))).invitation.id, DAVE)
    ).couple
    assert await service.members_to_verify(GUILD) == [ALICE, BOB, CAROL, DAVE]
    assert await service.members_to_verify(GUILD + 1) == []

    # Bob left and Dave is unknown (Discord did not answer for him): only Bob's couple pauses.
    changes = await service.reconcile_members(GUILD, checked={ALICE, BOB, CAROL}, present={ALICE, CAROL})
    assert [c.id for c in changes.paused] == [first.id] and changes.resumed == []
    assert changes.paused[0].status == "paused"
    assert (await service.couple_by_id(second.id)).status == "active"  # type: ignore[union-attr]
    with pytest.raises(CouplePaused, match=r"paused.*isn't in this server.*back"):
        await service.require_active_couple(GUILD, ALICE, not_paired="not paired")
    with pytest.raises(UserFacingError, match=r"^not paired$"):
        await service.require_active_couple(GUILD, 999, not_paired="not paired")
    assert (await service.require_active_couple(GUILD, DAVE, not_paired="-")).id == second.id

    # The same answer again changes nothing; Bob's return resumes the couple.
    again = await service.reconcile_members(GUILD, checked={ALICE, BOB, CAROL}, present={ALICE, CAROL})
    assert again.paused == [] and again.resumed == []
    back = await service.reconcile_members(GUILD, checked={ALICE, BOB, CAROL, DAVE}, present={1, 2, 3, 4})
    assert back.paused == [] and [c.id for c in back.resumed] == [first.id]
    assert back.resumed[0].status == "active"
    rows = await database.fetchall("SELECT user_id, in_guild FROM couple_members ORDER BY user_id")
    assert [tuple(r) for r in rows] == [(ALICE, 1), (BOB, 1), (CAROL, 1), (DAVE, 1)]

    # An ended couple's members are no longer anyone's concern.
    await service.leave(second.id, CAROL)
    assert await service.members_to_verify(GUILD) == [ALICE, BOB]
    assert (await service.reconcile_members(GUILD, checked={CAROL}, present=set())).paused == []


def test_thread_names_fit_discord() -> None:
    assert thread_name("alice", "bob") == "alice & bob"
    long = thread_name("a" * 90, "b" * 90)
    assert len(long) <= 100 and "a" in long and "b" in long and " & " in long
