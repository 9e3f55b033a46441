"""Steps several tests share: making a couple the way people do, and reading the database."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.support.harness import BotHarness


async def pair(attune: BotHarness, world: Any, a: Any, b: Any) -> Any:
    """/setup (once), /pair invite, Accept. Returns the couple's private thread."""
    fake = attune.fake
    if not fake.threads_in(world.general):
        setup = await fake.slash(world.mod, world.general, "setup", channel=world.general)
        await setup.response()
    invite = await fake.slash(a, world.general, "pair invite", partner=b)
    await invite.response()
    await invite.followups(1)  # sent once the invitation was delivered and recorded
    invitation = invitation_for(fake, world, b)
    accept = await fake.press(b, invitation, "Accept")
    await accept.response()

    def ours() -> list[Any]:
        return [
            t
            for t in fake.threads_in(world.general)
            if {a.id, b.id} <= {u.id for u in fake.thread_members(t)}
        ]

    # Both partners, not just "two members": the bot is a member too.
    await fake.wait_for(lambda: bool(ours()))
    if fake.settle is not None:  # an in-process bot (a bot in another process has no such hook)
        await fake.settle()
    return ours()[-1]


def invitation_for(fake: Any, world: Any, invitee: Any) -> Any:
    """The newest invitation `invitee` can answer: in their DMs, or (their DMs closed) in the setup
    channel, mentioning them."""
    found = [m for m in fake.dm_messages(invitee) if "attune:pair:accept:" in str(m.buttons())]
    found += [
        m
        for m in fake.messages_in(world.general)
        if "attune:pair:accept:" in str(m.buttons()) and str(invitee.id) in m.content
    ]
    assert found, f"no open invitation for {invitee.name}"
    return max(found, key=lambda m: int(m.id))


def query(attune: BotHarness, sql: str, *params: Any) -> list[sqlite3.Row]:
    db = sqlite3.connect(attune.settings.database_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql, params).fetchall()
    finally:
        db.close()
