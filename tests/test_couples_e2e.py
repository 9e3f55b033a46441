"""Couples end to end: /setup, invitations, the private thread, status, leaving, and membership changes."""

from __future__ import annotations

import asyncio
import sqlite3
from typing import Any

import discord

from tests.fake_discord import FakeUser
from tests.fake_discord.models import ALL_PERMISSIONS, PRIVATE_THREAD
from tests.support.couples import invitation_for
from tests.support.harness import BotHarness

TABLES = ("guild_settings", "invitations", "couples", "couple_members")


def query(attune: BotHarness, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
    db = sqlite3.connect(attune.settings.database_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()


def counts(attune: BotHarness) -> dict[str, int]:
    return {table: query(attune, f"SELECT count(*) FROM {table}")[0][0] for table in TABLES}


def statuses(attune: BotHarness, table: str) -> list[str]:
    return [row["status"] for row in query(attune, f"SELECT status FROM {table} ORDER BY id")]


async def reply(ix: Any) -> str:
    """What the person saw privately, whether the bot answered at once or deferred first."""
    response = await ix.response()
    if response["type"] == 5:
        await ix.followups(1)
    assert ix.ephemeral, f"expected a private answer, got {ix.text()!r}"
    return str(ix.text())


async def set_up(attune: BotHarness, world: Any) -> str:
    ix = await attune.fake.slash(world.mod, world.general, "setup", channel=world.general)
    return await reply(ix)


async def invite(attune: BotHarness, world: Any, inviter: Any, invitee: Any) -> tuple[str, Any]:
    fake = attune.fake
    ix = await fake.slash(inviter, world.general, "pair invite", partner=invitee)
    text = await reply(ix)
    await attune.settle()
    return text, invitation_for(fake, world, invitee)


async def pair(attune: BotHarness, world: Any, a: Any, b: Any) -> Any:
    """Invite and accept; returns the couple's private thread in the fake."""
    fake = attune.fake
    _, message = await invite(attune, world, a, b)
    accept = await fake.press(b, message, "Accept")
    await accept.response()
    await accept.followups(1)
    return await fake.wait_for(
        lambda: next(
            (
                t
                for t in fake.threads_in(world.general)
                if {a.id, b.id} <= set(t.member_ids) and not t.archived
            ),
            None,
        )
    )


def couple_row(attune: BotHarness, user: Any) -> sqlite3.Row:
    rows = query(
        attune,
        "SELECT c.* FROM couples c JOIN couple_members m ON m.couple_id = c.id "
        "WHERE m.user_id = ? AND m.current = 1",
        (user.id,),
    )
    assert len(rows) == 1
    return rows[0]


# -- setup ------------------------------------------------------------------------------------


async def test_setup_names_exactly_the_missing_permissions(harness: BotHarness, world: Any) -> None:
    bot_role = next(role for role in world.guild.roles if role.managed)
    lacking = discord.Permissions(create_private_threads=True, manage_threads=True)
    bot_role.permissions = ALL_PERMISSIONS & ~lacking.value & ~0x8  # no Administrator either
    world.guild.everyone.permissions &= ~lacking.value
    attune = await harness.start()
    assert attune is not None
    fake = harness.fake

    text = await set_up(harness, world)
    assert "Create Private Threads" in text and "Manage Threads" in text
    assert "View Channels" not in text and "Send Messages**" not in text
    assert counts(harness)["guild_settings"] == 0

    # Until setup is done, pairing says so kindly and names who can fix it.
    ix = await fake.slash(world.alice, world.general, "pair invite", partner=world.bob)
    text = await reply(ix)
    assert "isn't set up" in text and "Manage Server" in text and "/setup" in text
    for command in ("pair status", "pair leave", "pair cancel"):
        ix = await fake.slash(world.alice, world.general, command)
        assert "isn't set up" in await reply(ix), command
    assert counts(harness) == dict.fromkeys(TABLES, 0)
    assert fake.messages_in(world.general) == []


async def test_setup_needs_manage_server_and_offers_time_zones(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    synced = {c["name"]: c for c in fake.guild_commands[world.guild.id]}
    assert int(synced["setup"]["default_member_permissions"]) == discord.Permissions(manage_guild=True).value
    ix = await fake.slash(world.alice, world.general, "setup", channel=world.general)
    assert "Manage Server" in await reply(ix)
    assert counts(attune)["guild_settings"] == 0

    # The driver's own `channel` parameter shadows /setup's `channel` option, so the autocomplete
    # callback is asked directly here.
    cog = attune.running.get_cog("SetupCog")
    choices = await cog._timezone_choices(None, "europe/par")  # type: ignore[union-attr]
    assert [c.value for c in choices][:1] == ["Europe/Paris"]

    ix = await fake.slash(
        world.mod,
        world.general,
        "setup",
        channel=world.general,
        timezone="Europe/Paris",
        resources="Samaritans: 116 123",
    )
    text = await reply(ix)
    assert "Europe/Paris" in text and world.general.mention in text
    settings = await attune.running.services.couples.guild_settings(world.guild.id)
    assert settings is not None
    assert (settings.channel_id, settings.timezone, settings.resources_text) == (
        world.general.id,
        "Europe/Paris",
        "Samaritans: 116 123",
    )
    zone = await attune.running.services.couples.timezone_for(world.alice.id, world.guild.id)
    assert zone.key == "Europe/Paris"

    ix = await fake.slash(world.mod, world.general, "setup", channel=world.general, timezone="Mars/Olympus")
    assert "time zone" in await reply(ix)


# -- the whole path -----------------------------------------------------------------------------


async def test_invite_accept_thread_status_and_leave(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await set_up(attune, world)

    text, invitation = await invite(attune, world, world.alice, world.bob)
    # By DM only (issue 14): nothing of it is posted in the server while Bob's DMs are open.
    assert "Invitation sent" in text and "by DM" in text and "nothing about it is posted" in text
    assert invitation.buttons() == [
        ("Accept", f"attune:pair:accept:{statuses_id(attune)}", False),
        ("Decline", f"attune:pair:decline:{statuses_id(attune)}", False),
    ]
    assert fake.messages_in(world.general) == []
    dm = fake.dm_messages(world.bob)
    assert dm == [invitation] and "alice" in dm[0].content

    accept = await fake.press(world.bob, dm[0], "Accept")
    await accept.response()
    await accept.followups(1)
    assert accept.ephemeral
    assert "private thread is ready" in accept.followup_messages[-1].content

    threads = fake.threads_in(world.general)
    assert len(threads) == 1
    thread = threads[0]
    assert thread.type == PRIVATE_THREAD and thread.invitable is False
    assert thread.name == "alice & bob"
    assert set(thread.member_ids) == {world.alice.id, world.bob.id, fake.bot_user.id}
    welcome = fake.messages_in(thread)[0].content
    assert world.alice.mention in welcome and world.bob.mention in welcome
    assert "/checkin schedule" in welcome and "isn't therapy" in welcome and "/resources" in welcome

    # The DM copy now says, privately, that it was accepted, without buttons.
    assert dm[0].buttons() == [] and "accepted" in dm[0].content

    couple = couple_row(attune, world.alice)
    assert couple["status"] == "active" and couple["thread_id"] == thread.id
    assert statuses(attune, "invitations") == ["accepted"]

    ix = await fake.slash(world.alice, world.general, "pair status")
    text = await reply(ix)
    assert world.bob.mention in text and f"<#{thread.id}>" in text and f"<t:{couple['created_at']}:D>" in text
    assert "none scheduled" in text

    query_write(
        attune,
        "INSERT INTO checkin_schedules (kind, couple_id, local_time, weekdays, timezone, updated_by, "
        "updated_at) VALUES ('couple', ?, '21:00', 31, 'Europe/Paris', ?, 0)",
        (couple["id"], world.alice.id),
    )
    ix = await fake.slash(world.bob, world.general, "pair status")
    text = await reply(ix)
    assert world.alice.mention in text and "weekdays at 21:00 (Europe/Paris)" in text

    # Leaving asks first; Cancel changes nothing; a stranger cannot confirm.
    ix = await fake.slash(world.alice, world.general, "pair leave")
    assert "end your pairing" in await reply(ix)
    stranger = await fake.press(world.carol, ix, f"attune:pair:leave:{couple['id']}")
    assert "isn't for you" in await reply(stranger)
    cancel = await fake.press(world.alice, ix, "Cancel")
    await cancel.response()
    assert "nothing changed" in ix.text()
    assert couple_row(attune, world.alice)["status"] == "active"

    ix = await fake.slash(world.alice, world.general, "pair leave")
    await reply(ix)
    confirm = await fake.press(world.alice, ix, f"attune:pair:leave:{couple['id']}")
    await confirm.response()
    assert "pairing has ended" in confirm.text()
    await fake.wait_for(lambda: thread.archived and thread.locked)
    farewell = fake.messages_in(thread)[-1]
    assert world.bob.mention in farewell.content and "ended your pairing" in farewell.content
    ended = query(attune, "SELECT status, ended_at FROM couples WHERE id = ?", (couple["id"],))[0]
    assert ended["status"] == "ended" and ended["ended_at"] is not None
    members = query(attune, "SELECT current FROM couple_members WHERE couple_id = ?", (couple["id"],))
    assert [m["current"] for m in members] == [0, 0]
    assert len(fake.messages_in(thread)) == 2  # nothing deleted

    ix = await fake.slash(world.bob, world.general, "pair status")
    assert "not paired" in await reply(ix)
    # Both may pair again afterwards.
    await pair(attune, world, world.bob, world.alice)
    assert statuses(attune, "couples") == ["ended", "active"]


def statuses_id(attune: BotHarness) -> int:
    return int(query(attune, "SELECT max(id) FROM invitations")[0][0])


def query_write(attune: BotHarness, sql: str, params: tuple[Any, ...]) -> None:
    db = sqlite3.connect(attune.settings.database_path)
    try:
        db.execute(sql, params)
        db.commit()
    finally:
        db.close()


# -- refusals ---------------------------------------------------------------------------------


async def test_each_refusal_is_clear_and_changes_nothing(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await set_up(attune, world)
    await pair(attune, world, world.alice, world.bob)
    robot = fake.add_member(world.guild, FakeUser("helperbot", bot=True))
    outsider = fake.add_user("eve")
    await fake.wait_for(lambda: attune.running.get_guild(world.guild.id).get_member(robot.id))
    before = counts(attune)
    sent_before = len(fake.messages_in(world.general))

    cases = [
        (world.carol, robot, "Bots can't be partners"),
        (world.carol, world.carol, "can't pair with yourself"),
        (world.carol, outsider, "isn't a member of this server"),
        (world.carol, world.alice, "already paired with someone"),
        (world.alice, world.carol, "You're already paired"),
    ]
    for inviter, invitee, expected in cases:
        ix = await fake.slash(inviter, world.general, "pair invite", partner=invitee)
        assert expected in await reply(ix), expected
        assert counts(attune) == before, expected
    assert len(fake.messages_in(world.general)) == sent_before
    assert fake.dm_messages(world.alice) == [] and fake.dm_messages(outsider) == []

    ix = await fake.slash(world.carol, world.general, "pair cancel")
    assert "no open invitation" in await reply(ix)
    ix = await fake.slash(world.carol, world.general, "pair status")
    assert "not paired" in await reply(ix)
    ix = await fake.slash(world.carol, world.general, "pair leave")
    assert "not paired" in await reply(ix)
    assert counts(attune) == before


async def test_a_stranger_cannot_answer_and_invitations_expire_or_are_replaced(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    _, first = await invite(attune, world, world.alice, world.bob)
    before = counts(attune)

    stranger = await fake.press(world.carol, first, "Accept")
    assert "isn't for you" in await reply(stranger)
    stranger = await fake.press(world.carol, first, "Decline")
    assert "isn't for you" in await reply(stranger)
    assert counts(attune) == before and statuses(attune, "invitations") == ["pending"]
    assert first.buttons()  # untouched

    # A new invitation from the same person replaces the old one.
    text, second = await invite(attune, world, world.alice, world.carol)
    assert "replaced" in text
    assert statuses(attune, "invitations") == ["replaced", "pending"]
    assert first.buttons() == [] and "replaced" in first.content
    assert fake.dm_messages(world.bob)[0].buttons() == []

    # Eight days later, it has expired.
    attune.clock.advance(days=8)
    late = await fake.press(world.carol, second, "Accept")
    assert "expired" in await reply(late)
    assert statuses(attune, "invitations") == ["replaced", "expired"]
    assert counts(attune)["couples"] == 0
    assert second.buttons() == [] and "expired" in second.content

    # The inviter can cancel; the invitee then finds it withdrawn.
    _, third = await invite(attune, world, world.dave, world.bob)
    ix = await fake.slash(world.dave, world.general, "pair cancel")
    assert "withdrawn" in await reply(ix)
    assert statuses(attune, "invitations")[-1] == "cancelled"
    await fake.wait_for(lambda: third.buttons() == [])
    assert "withdrawn" in third.content


async def test_declining_closes_the_invitation(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await set_up(attune, world)
    _, message = await invite(attune, world, world.alice, world.bob)
    ix = await fake.press(world.bob, message, "Decline")
    assert "declined" in await reply(ix)
    assert statuses(attune, "invitations") == ["declined"]
    assert counts(attune)["couples"] == 0
    await fake.wait_for(lambda: message.buttons() == [])
    assert "closed" in message.content


async def test_closed_dms_still_deliver_the_invitation_in_the_channel(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await set_up(attune, world)
    fake.close_dms(world.bob)
    text, message = await invite(attune, world, world.alice, world.bob)
    assert "Their DMs are closed to Attune" in text and world.general.mention in text
    assert message in fake.messages_in(world.general)
    person = query(attune, "SELECT dm_reachable FROM people WHERE user_id = ?", (world.bob.id,))
    assert person and person[0]["dm_reachable"] == 0
    await pair_with(attune, world, message)
    await attune.settle()
    assert message.get("deleted") and message not in fake.messages_in(world.general)


async def pair_with(attune: BotHarness, world: Any, message: Any) -> None:
    accept = await attune.fake.press(world.bob, message, "Accept")
    await accept.response()
    await accept.followups(1)
    assert couple_row(attune, world.bob)["status"] == "active"


# -- restarts, threads, isolation, membership ---------------------------------------------------


async def test_an_invitation_sent_before_a_restart_can_be_accepted_after_it(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    _, message = await invite(attune, world, world.alice, world.bob)
    await attune.restart()
    accept = await fake.press(world.bob, message, "Accept")
    await accept.response()
    await accept.followups(1)
    assert "private thread is ready" in accept.followup_messages[-1].content
    assert len(fake.threads_in(world.general)) == 1


async def test_a_deleted_thread_is_recreated_once_and_an_archived_one_reopened(
    attune: BotHarness, world: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await set_up(attune, world)
    old = await pair(attune, world, world.alice, world.bob)
    couple = await bot.services.couples.active_couple_for(world.guild.id, world.alice.id)
    assert couple is not None and couple.thread_id == old.id

    # Archived: reopened in place.
    cached = bot.get_channel(old.id)
    assert isinstance(cached, discord.Thread)
    await cached.edit(archived=True)
    assert old.archived
    reopened = await bot.threads.ensure_thread(couple)
    assert reopened.id == old.id and not old.archived
    assert any(r.json == {"archived": False} for r in fake.requests_to("PATCH", rf"/channels/{old.id}$"))

    # Deleted: two concurrent callers get one new thread.
    old.deleted = True
    await fake.dispatch(
        "THREAD_DELETE", {k: old.to_json()[k] for k in ("id", "guild_id", "parent_id", "type")}
    )
    await fake.wait_for(lambda: bot.get_channel(old.id) is None)
    first, second = await asyncio.gather(bot.threads.ensure_thread(couple), bot.threads.ensure_thread(couple))
    assert first.id == second.id != old.id
    live = fake.threads_in(world.general)
    assert [t.id for t in live] == [first.id]
    assert set(live[0].member_ids) == {world.alice.id, world.bob.id, fake.bot_user.id}
    assert "new private thread" in fake.messages_in(live[0])[0].content
    assert couple_row(attune, world.alice)["thread_id"] == first.id
    # A stale Couple (still naming the deleted thread) is answered with the live one.
    assert (await bot.threads.ensure_thread(couple)).id == first.id
    assert len(fake.threads_in(world.general)) == 1


async def test_two_couples_in_one_server_never_see_each_other(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await set_up(attune, world)
    first = await pair(attune, world, world.alice, world.bob)
    second = await pair(attune, world, world.carol, world.dave)
    assert first.id != second.id
    assert set(first.member_ids) == {world.alice.id, world.bob.id, fake.bot_user.id}
    assert set(second.member_ids) == {world.carol.id, world.dave.id, fake.bot_user.id}
    assert first.type == second.type == PRIVATE_THREAD and not first.invitable and not second.invitable
    ix = await fake.slash(world.carol, world.general, "pair status")
    text = await reply(ix)
    assert f"<#{second.id}>" in text and f"<#{first.id}>" not in text and world.alice.mention not in text


async def test_a_partner_leaving_the_server_pauses_and_returning_resumes(
    attune: BotHarness, world: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await set_up(attune, world)
    thread = await pair(attune, world, world.alice, world.bob)
    messages_before = len(fake.messages_in(thread))

    await fake.remove_member(world.guild, world.bob)
    await fake.wait_for(lambda: couple_row(attune, world.alice)["status"] == "paused")
    member = query(attune, "SELECT in_guild FROM couple_members WHERE user_id = ?", (world.bob.id,))
    assert member[0]["in_guild"] == 0
    assert await bot.services.couples.active_couple_for(world.guild.id, world.alice.id) is None
    ix = await fake.slash(world.alice, world.general, "pair status")
    assert "paused" in await reply(ix)
    assert len(fake.messages_in(thread)) == messages_before  # nothing posted

    fake.add_member(world.guild, world.bob)
    await fake.wait_for(lambda: couple_row(attune, world.alice)["status"] == "active")
    member = query(attune, "SELECT in_guild FROM couple_members WHERE user_id = ?", (world.bob.id,))
    assert member[0]["in_guild"] == 1
    couple = await bot.services.couples.active_couple_for(world.guild.id, world.bob.id)
    assert couple is not None and couple.thread_id == thread.id
    assert world.bob.id in thread.member_ids
