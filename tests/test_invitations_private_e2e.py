"""Invitations leave no permanent public trace (issue 14, point 7).

An invitation goes to the invitee by DM; only when their DMs are closed is it posted in the setup
channel, and that public copy is deleted however the invitation ends: accepted, declined, withdrawn,
or expired (when its time is up, by the sweeper's tick, not only when someone presses a button).
The DM copy shows the outcome, privately. Before this, every invitation and its outcome ("<@bob>,
alice would like to pair with you…", "This invitation was accepted.") stayed in the channel."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.couples import invitation_for, query
from tests.support.harness import BotHarness


async def reply(ix: Any) -> str:
    response = await ix.response()
    if response["type"] == 5:
        await ix.followups(1)
    assert ix.ephemeral, ix.text()
    return "\n".join([ix.text(), *(m.text() for m in ix.followup_messages)])


async def set_up(attune: BotHarness, world: Any) -> None:
    await reply(await attune.fake.slash(world.mod, world.general, "setup", channel=world.general))


async def invite(attune: BotHarness, world: Any, inviter: Any, invitee: Any) -> tuple[str, Any]:
    text = await reply(await attune.fake.slash(inviter, world.general, "pair invite", partner=invitee))
    await attune.settle()
    return text, invitation_for(attune.fake, world, invitee)


def traces(attune: BotHarness, world: Any) -> list[str]:
    """Whatever in the setup channel names either person or can still be answered."""
    people = (world.alice, world.bob)
    return [
        m.text()
        for m in attune.fake.messages_in(world.general)
        if m.buttons() or any(p.name in m.text() or str(p.id) in m.text() for p in people)
    ]


async def sweep(attune: BotHarness) -> None:
    await attune.invitation_job.tick()
    await attune.settle()


async def test_an_invitation_goes_by_dm_and_nothing_is_posted_in_the_channel(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    text, invitation = await invite(attune, world, world.alice, world.bob)

    assert "by DM" in text and "nothing about it is posted in the server" in text
    assert fake.messages_in(world.general) == []
    assert fake.requests_to("POST", rf"/channels/{world.general.id}/messages$") == []
    assert invitation in fake.dm_messages(world.bob) and "alice" in invitation.content
    assert [label for label, _, _ in invitation.buttons()] == ["Accept", "Decline"]

    declined = await reply(await fake.press(world.bob, invitation, "Decline"))
    await attune.settle()
    assert "declined" in declined
    assert invitation.buttons() == [] and "closed" in invitation.content  # told privately, in the DM
    assert fake.messages_in(world.general) == []


@pytest.mark.parametrize("ending", ["accepted", "declined", "cancelled", "expired"])
async def test_with_dms_closed_the_public_copy_is_deleted_however_it_ends(
    attune: BotHarness, world: Any, ending: str
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    fake.close_dms(world.bob)
    text, public = await invite(attune, world, world.alice, world.bob)

    # The inviter is told truthfully where it went; the post pings Bob and nobody else.
    assert "Their DMs are closed to Attune" in text and f"<#{world.general.id}>" in text
    assert "deleted once they answer" in text and "by DM" not in text
    assert public in fake.messages_in(world.general) and world.bob.mention in public.content
    [post] = fake.requests_to("POST", rf"/channels/{world.general.id}/messages$")
    assert [str(u) for u in post.json["allowed_mentions"]["users"]] == [str(world.bob.id)]
    assert post.json["allowed_mentions"]["parse"] == []

    if ending == "accepted":
        await reply(await fake.press(world.bob, public, "Accept"))
    elif ending == "declined":
        await reply(await fake.press(world.bob, public, "Decline"))
    elif ending == "cancelled":
        await reply(await fake.slash(world.alice, world.general, "pair cancel"))
    else:
        attune.clock.advance(days=7, seconds=1)
        await sweep(attune)  # nobody pressed anything: the sweeper expires it on time
    await attune.settle()

    assert [r["status"] for r in query(attune, "SELECT status FROM invitations")] == [ending]
    assert public.get("deleted") and traces(attune, world) == []
    assert query(attune, "SELECT count(*) FROM invitations WHERE message_id IS NOT NULL")[0][0] == 0

    # Idempotent: the next sweeps find nothing more to do.
    deletes = len(fake.requests_to("DELETE", r"/messages/"))
    await sweep(attune)
    await sweep(attune)
    assert len(fake.requests_to("DELETE", r"/messages/")) == deletes


async def test_an_invitation_expires_when_its_time_is_up_and_its_dm_says_so(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    _, invitation = await invite(attune, world, world.alice, world.bob)
    attune.clock.advance(days=6, hours=23)
    await sweep(attune)
    assert invitation.buttons() and [r[0] for r in query(attune, "SELECT status FROM invitations")] == [
        "pending"
    ]

    attune.clock.advance(hours=1)
    await sweep(attune)
    assert invitation.buttons() == [] and "expired" in invitation.content
    assert [r[0] for r in query(attune, "SELECT status FROM invitations")] == ["expired"]
    edits = len(fake.requests_to("PATCH", r"/messages/"))
    await sweep(attune)
    assert len(fake.requests_to("PATCH", r"/messages/")) == edits  # closed once, not on every tick


async def test_a_public_copy_that_could_not_be_deleted_is_deleted_by_the_next_sweep(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    fake.close_dms(world.bob)
    _, public = await invite(attune, world, world.alice, world.bob)
    fake.inject_fault("DELETE", rf"/channels/{world.general.id}/messages/{public.id}$", status=503)
    await reply(await fake.press(world.bob, public, "Decline"))
    await attune.settle()
    assert public in fake.messages_in(world.general)  # Discord failed for a moment

    await sweep(attune)
    assert public.get("deleted") and traces(attune, world) == []


async def test_the_invitee_erasing_their_data_takes_the_public_copy_down(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await set_up(attune, world)
    fake.close_dms(world.bob)
    _, public = await invite(attune, world, world.alice, world.bob)
    opened = await fake.slash(world.bob, world.general, "privacy delete")
    await opened.response()
    assert "erased" in await reply(await fake.submit_modal(world.bob, opened, {"phrase": "delete my data"}))
    await attune.settle()
    assert public.get("deleted") and traces(attune, world) == []
