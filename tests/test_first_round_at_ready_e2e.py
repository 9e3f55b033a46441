"""Issue 18, part 4: the check-in dispatcher starts at the gateway's READY, not at on_ready.

discord.py's on_ready waits guild_ready_timeout (2 s by default) after the last GUILD_CREATE. Here
it is made to wait a minute, so a round posted at all during the test was posted before on_ready.
The promise of issue 13 still holds: a partner who left while Attune was away is checked for before
anything goes out, so their couple is paused and gets no round, while the other couple's goes out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

from bot.__main__ import serve
from bot.client import AttuneBot
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
DUE = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)
NO_ON_READY_FOR = 60.0  # seconds discord.py waits after the last GUILD_CREATE before on_ready


def round_posts(fake: Any, thread: Any) -> list[Any]:
    return [m for m in fake.messages_in(thread) if "attune:checkin:answer" in str(m.buttons())]


async def schedule(attune: BotHarness, world: Any, user: Any, thread: Any) -> None:
    ix = await attune.fake.slash(user, world.general, "checkin schedule", time="21:00", timezone="UTC")
    await ix.response()
    await attune.fake.wait_for_message(thread, lambda m: "set your check-ins" in m.content)


async def test_a_due_round_goes_out_before_on_ready_and_a_departed_partners_couple_gets_none(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    staying = await pair(attune, world, world.alice, world.bob)
    leaving = await pair(attune, world, world.carol, world.dave)
    await schedule(attune, world, world.alice, staying)
    await schedule(attune, world, world.carol, leaving)
    await attune.settle()
    dms_before = {user.id: len(fake.dm_messages(user)) for user in (world.carol, world.dave)}
    posts_before = len(fake.messages_in(leaving))

    await attune.stop()
    await fake.remove_member(world.guild, world.dave, dispatch=False)  # leaves while Attune is away
    attune.clock.set(DUE.replace(second=5))  # both check-ins fall due meanwhile (well within grace)

    built: list[AttuneBot] = []

    def on_built(bot: AttuneBot) -> None:
        bot._connection.guild_ready_timeout = NO_ON_READY_FOR
        built.append(bot)

    # The scheduler's own runs, as in production: the dispatcher's first run starts at install.
    task = asyncio.create_task(
        serve(attune.settings, clock=attune.clock, handle_signals=False, on_built=on_built)
    )
    try:
        await fake.wait_for(lambda: len(round_posts(fake, staying)) == 1, timeout=15)
        bot = built[0]
        assert not bot.is_ready(), "posted before on_ready"
        await fake.wait_for(
            lambda: query(attune, "SELECT count(*) FROM checkin_rounds WHERE status = 'open'")[0][0] == 1
        )
        # Dave's couple was paused by the check before its due time was recorded: no round at all.
        statuses = query(attune, "SELECT status FROM couples ORDER BY id")
        assert [row[0] for row in statuses] == ["active", "paused"]
        rounds = query(attune, "SELECT couple_id, status FROM checkin_rounds")
        assert [(row[0], row[1]) for row in rounds] == [(1, "open")]
        assert query(attune, "SELECT next_due_at FROM checkin_schedules WHERE couple_id = 2")[0][0] > int(
            DUE.timestamp()
        )
        assert len(fake.messages_in(leaving)) == posts_before
        assert {user.id: len(fake.dm_messages(user)) for user in (world.carol, world.dave)} == dms_before
        # Only the due couples' partners were asked about before the round went out, by id.
        asked = {int(u) for r in fake.gateway.member_requests for u in r.get("user_ids", [])}
        assert {world.alice.id, world.bob.id, world.carol.id, world.dave.id} <= asked
        assert not bot.is_ready(), "still before on_ready: nothing above waited for it"
    finally:
        if built and not built[0].is_closed():
            await built[0].close()
        await asyncio.wait_for(task, timeout=15)
