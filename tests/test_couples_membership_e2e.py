"""Issue 13, defects 2 and 8, end to end through the fake Discord.

2. Who left or came back while Attune was away (stopped, or its gateway session lost) is noticed
   when Discord sends the server again (GUILD_CREATE): couples pause and resume as if it had been
   there. The fake sends GUILD_CREATE as Discord does for a bot without the presence intent (only
   the bot itself among the members), so Attune has to ask (Request Guild Members, gateway op 8).
8. Invitations closed because their person paired with someone else lose their buttons too.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)


async def reply(ix: Any) -> str:
    """What the person saw privately, whether the bot answered at once or deferred first."""
    response = await ix.response()
    if response["type"] == 5:
        await ix.followups(1)
    assert ix.ephemeral, f"expected a private answer, got {ix.text()!r}"
    return str(ix.text())


def couple_status(attune: BotHarness, user: Any) -> str | None:
    rows = query(
        attune,
        "SELECT c.status FROM couples c JOIN couple_members m ON m.couple_id = c.id "
        "WHERE m.user_id = ? AND m.current = 1",
        user.id,
    )
    return str(rows[0]["status"]) if rows else None


def round_posts(fake: Any, thread: Any) -> list[Any]:
    return [m for m in fake.messages_in(thread) if "attune:checkin:answer" in str(m.buttons())]


def write(attune: BotHarness, sql: str, rows: list[tuple[Any, ...]]) -> None:
    db = sqlite3.connect(attune.settings.database_path)
    try:
        db.executemany(sql, rows)
        db.commit()
    finally:
        db.close()


async def check_in_now_works(attune: BotHarness, world: Any, user: Any, thread: Any) -> None:
    before = len(round_posts(attune.fake, thread))
    ix = await attune.fake.slash(user, world.general, "checkin now")
    assert "in your thread now" in await reply(ix)
    await attune.fake.wait_for(lambda: len(round_posts(attune.fake, thread)) > before)


async def says_paused(attune: BotHarness, world: Any, user: Any, command: str, **options: Any) -> None:
    text = await reply(await attune.fake.slash(user, world.general, command, **options))
    assert "paused" in text and "isn't in this server" in text and "back" in text, text
    assert "not paired" not in text


@pytest.fixture
def skip_identify_throttle(monkeypatch: pytest.MonkeyPatch) -> None:
    """discord.py waits 5 s before every IDENTIFY but the first (Discord's identify rate); the
    fake has no such limit, so the re-identify tests need not wait it out."""

    async def no_wait(self: Any, shard_id: int | None, *, initial: bool = False) -> None:
        return None

    monkeypatch.setattr("bot.client.AttuneBot.before_identify_hook", no_wait)


# -- defect 2: membership changes while Attune was away ----------------------------------------


async def test_a_partner_back_while_attune_was_stopped_finds_the_couple_active_again(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    await fake.remove_member(world.guild, world.bob)
    await fake.wait_for(lambda: couple_status(attune, world.alice) == "paused")
    assert world.bob.id not in thread.member_ids  # Discord takes the departed out of threads

    await attune.stop()
    fake.add_member(world.guild, world.bob, dispatch=False)  # back while Attune is stopped
    await attune.start()

    await fake.wait_for(lambda: couple_status(attune, world.alice) == "active")
    await fake.wait_for(lambda: world.bob.id in thread.member_ids)  # added back to their thread
    status = await reply(await fake.slash(world.alice, world.general, "pair status"))
    assert "paused" not in status and world.bob.mention in status
    await check_in_now_works(attune, world, world.bob, thread)
    # Only the two partners were asked about, by id: nobody else's membership is fetched.
    asked = [
        r for r in fake.gateway.member_requests if r.get("guild_id") in (world.guild.id, str(world.guild.id))
    ]
    assert asked and all("query" not in r for r in asked)
    assert {int(u) for r in asked for u in r["user_ids"]} == {world.alice.id, world.bob.id}


async def test_a_partner_who_left_and_came_back_while_attune_was_stopped_is_back_in_the_thread(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    await attune.restart()  # Attune has seen when each partner joined the server
    await attune.stop()
    await fake.remove_member(world.guild, world.bob, dispatch=False)  # gone, out of the thread...
    assert world.bob.id not in thread.member_ids
    fake.add_member(world.guild, world.bob, dispatch=False)  # ...and back, all while Attune was away
    await attune.start()
    await attune.settle()
    assert couple_status(attune, world.alice) == "active"
    assert world.bob.id in thread.member_ids, "added back to their private thread"


async def test_a_partner_gone_while_attune_was_stopped_pauses_the_couple_and_nothing_is_sent(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    ix = await fake.slash(world.alice, world.general, "checkin schedule", time="21:00", timezone="UTC")
    await reply(ix)
    await fake.wait_for_message(thread, lambda m: "set your check-ins" in m.content)  # told after replying
    posted_before = len(fake.messages_in(thread))
    dms_before = {user.id: len(fake.dm_messages(user)) for user in (world.alice, world.bob)}

    await attune.stop()
    await fake.remove_member(world.guild, world.bob, dispatch=False)  # leaves while Attune is stopped
    attune.clock.set(DUE.replace(second=5))  # the check-in falls due meanwhile (well within grace)
    await attune.start()

    await fake.wait_for(lambda: couple_status(attune, world.alice) == "paused")
    # The due time has been dealt with (the schedule moved on) and nothing went out for it.
    await attune.checkin_job.tick()
    due = int(DUE.timestamp())
    await fake.wait_for(lambda: query(attune, "SELECT next_due_at FROM checkin_schedules")[0][0] > due)
    assert query(attune, "SELECT count(*) FROM checkin_rounds")[0][0] == 0
    assert len(fake.messages_in(thread)) == posted_before
    assert {user.id: len(fake.dm_messages(user)) for user in (world.alice, world.bob)} == dms_before

    # Every check-in command says why, and that it picks up again; /pair status agrees.
    await says_paused(attune, world, world.alice, "checkin now")
    await says_paused(attune, world, world.alice, "checkin schedule", time="20:00")
    await says_paused(attune, world, world.alice, "checkin show")
    status = await reply(await fake.slash(world.alice, world.general, "pair status"))
    assert "paused" in status
    assert query(attune, "SELECT count(*) FROM checkin_rounds")[0][0] == 0

    # Back while Attune runs: the couple resumes at once, and Bob is in the thread again.
    fake.add_member(world.guild, world.bob)
    await fake.wait_for(lambda: couple_status(attune, world.alice) == "active")
    await fake.wait_for(lambda: world.bob.id in thread.member_ids)
    await check_in_now_works(attune, world, world.alice, thread)


@pytest.mark.usefixtures("skip_identify_throttle")
async def test_a_lost_gateway_session_is_followed_by_the_same_check(attune: BotHarness, world: Any) -> None:
    """Not a RESUME (which replays the events) but a new session: Discord sends every server again."""
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)

    await fake.remove_member(world.guild, world.bob, dispatch=False)  # the event is lost with the session
    await fake.drop_gateway(resumable=False)
    await fake.wait_for(lambda: fake.identify_count == 2, timeout=15)
    await fake.wait_for(lambda: couple_status(attune, world.alice) == "paused")
    await says_paused(attune, world, world.alice, "checkin now")

    fake.add_member(world.guild, world.bob, dispatch=False)
    await fake.drop_gateway(resumable=False)
    await fake.wait_for(lambda: fake.identify_count == 3, timeout=15)
    await fake.wait_for(lambda: couple_status(attune, world.alice) == "active")
    await fake.wait_for(lambda: world.bob.id in thread.member_ids)
    await check_in_now_works(attune, world, world.alice, thread)
    assert attune.running.setup_runs == 1  # a new session, not a new start


async def test_a_server_with_many_couples_is_checked_in_batches_of_at_most_100_ids(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    guild = world.guild
    people = [fake.add_member(guild, f"p{n}") for n in range(240)]
    await attune.stop()
    # 120 couples recorded directly (the pairing itself is tested elsewhere); 7 partners left.
    write(
        attune,
        "INSERT INTO couples (id, guild_id, status, created_at) VALUES (?, ?, 'active', 0)",
        [(n + 1, guild.id) for n in range(120)],
    )
    write(
        attune,
        "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (?, ?, ?)",
        [(n // 2 + 1, person.id, guild.id) for n, person in enumerate(people)],
    )
    gone = [people[n] for n in (0, 3, 50, 51, 131, 200, 239)]
    for person in gone:
        await fake.remove_member(guild, person, dispatch=False)
    asked_before = len(fake.gateway.member_requests)
    await attune.start()

    paused_ids = {n // 2 + 1 for n in (0, 3, 50, 51, 131, 200, 239)}
    await fake.wait_for(
        lambda: {r[0] for r in query(attune, "SELECT id FROM couples WHERE status = 'paused'")} == paused_ids
    )
    requests = fake.gateway.member_requests[asked_before:]
    assert all(len(r["user_ids"]) <= 100 for r in requests) and len(requests) == 3
    assert sorted(int(u) for r in requests for u in r["user_ids"]) == sorted(p.id for p in people)
    away = query(attune, "SELECT user_id FROM couple_members WHERE in_guild = 0 ORDER BY user_id")
    assert [r[0] for r in away] == sorted(p.id for p in gone)
    assert query(attune, "SELECT count(*) FROM couples WHERE status = 'active'")[0][0] == 120 - len(
        paused_ids
    )


# -- defect 8: invitations closed as a side effect ---------------------------------------------


async def test_accepting_closes_every_other_invitation_of_both_partners_everywhere(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    setup = await fake.slash(world.mod, world.general, "setup", channel=world.general)
    await reply(setup)
    others = [
        (world.bob, world.carol),  # sent by the one who will accept
        (world.dave, world.bob),  # received by the one who will accept
        (world.carol, world.alice),  # received by the inviter
        (world.mod, world.alice),  # received by the inviter, from someone else again
    ]
    fake.close_dms(world.carol)  # Carol's invitation can only go to the setup channel
    for inviter, invitee in [(world.alice, world.bob), *others]:
        await reply(await fake.slash(inviter, world.general, "pair invite", partner=invitee))
    await attune.settle()
    rows = query(attune, "SELECT * FROM invitations ORDER BY id")
    # By DM, each one; in the channel only the one whose invitee's DMs are closed.
    assert len(rows) == 5 and [bool(r["message_id"]) for r in rows] == [False, True, False, False, False]
    assert [bool(r["dm_message_id"]) for r in rows] == [True, False, True, True, True]

    copies = {
        row["id"]: [fake.messages[row[key]][1] for key in ("message_id", "dm_message_id") if row[key]]
        for row in rows
    }
    public = copies[rows[1]["id"]][0]
    assert all(m.buttons() for row in rows for m in copies[row["id"]])
    accept = await fake.press(world.bob, copies[rows[0]["id"]][0], "Accept")  # from Bob's DMs
    await accept.response()
    await accept.followups(1)
    await attune.settle()

    # The DM copies say it closed, without buttons; the public one is gone from the channel.
    for row in rows[1:]:
        for message in copies[row["id"]]:
            if message is public:
                continue
            assert message.buttons() == [] and message.content == "This invitation is closed now."
    assert public.get("deleted") and public not in fake.messages_in(world.general)
    assert not [m for m in fake.messages_in(world.general) if m.buttons()]
    assert [r["status"] for r in query(attune, "SELECT status FROM invitations ORDER BY id")] == [
        "accepted",
        "cancelled",
        "cancelled",
        "cancelled",
        "cancelled",
    ]
    assert query(attune, "SELECT count(*) FROM invitations WHERE message_id IS NOT NULL")[0][0] == 0
    assert all("accepted" in m.content and not m.buttons() for m in copies[rows[0]["id"]])
