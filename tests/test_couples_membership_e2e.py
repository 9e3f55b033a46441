"""Issue 13, defects 2 and 8, end to end through the fake Discord.

2. Who left or came back while Attune was away (stopped, or its gateway session lost) is noticed
   when Discord sends the server again (GUILD_CREATE): couples pause and resume as if it had been
   there. The fake sends GUILD_CREATE as Discord does for a bot without the presence intent (only
   the bot itself among the members), so Attune has to ask (Request Guild Members, gateway op 8).
8. Invitations closed because their person paired with someone else lose their buttons too.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.support.couples import query
from tests.support.harness import BotHarness


async def reply(ix: Any) -> str:
    """What the person saw privately, whether the bot answered at once or deferred first."""
    response = await ix.response()
    if response["type"] == 5:
        await ix.followups(1)
    assert ix.ephemeral, f"expected a private answer, got {ix.text()!r}"
    return str(ix.text())


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
    for inviter, invitee in [(world.alice, world.bob), *others]:
        await reply(await fake.slash(inviter, world.general, "pair invite", partner=invitee))
    rows = query(attune, "SELECT * FROM invitations ORDER BY id")
    assert len(rows) == 5 and all(r["message_id"] and r["dm_message_id"] for r in rows)

    def copies(row: sqlite3.Row) -> list[Any]:
        return [fake.messages[row["message_id"]][1], fake.messages[row["dm_message_id"]][1]]

    assert all(m.buttons() for row in rows for m in copies(row))
    accept = await fake.press(world.bob, copies(rows[0])[1], "Accept")  # from Bob's DMs
    await accept.response()
    await accept.followups(1)

    def still_answerable() -> list[Any]:
        return [m for row in rows[1:] for m in copies(row) if any(not off for _, _, off in m.buttons())]

    await fake.wait_for(lambda: not still_answerable())
    for row in rows[1:]:
        for message in copies(row):
            assert message.buttons() == [] and message.content == "This invitation is closed now."
    assert [r["status"] for r in query(attune, "SELECT status FROM invitations ORDER BY id")] == [
        "accepted",
        "cancelled",
        "cancelled",
        "cancelled",
        "cancelled",
    ]
    assert all("accepted" in m.content and not m.buttons() for m in copies(rows[0]))
