"""Fewer requests per round (issue 18, point 3): each person's DM channel id is kept once Discord has
opened it, so a DM nudge is one request and a round with nudges costs at most 3 (the post and one
DM per partner), across restarts too. The edges: a kept channel Discord no longer knows (10003) is
forgotten and opened afresh, once; closed DMs (50007) are handled as before; /privacy delete
erases the id, and /privacy export leaves it out (Discord's routing id, nothing anyone wrote).

Requests are read from the fake's own log, so every request the bot made in a tick is counted."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.checkins import round_messages
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.mentions import pinged

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
OPEN_DM = "POST /users/@me/channels"


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    # A round every day at 10:00 UTC, no reminder: a day's tick posts the round and nudges.
    ix = await attune.fake.slash(
        world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC", reminder=0
    )
    await ix.response()
    await attune.settle()
    return thread


async def answered(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:  # deferred: the answer is the follow-up
        await ix.followups(1)
    return ix


async def round_on(attune: BotHarness, day: int) -> list[Any]:
    """Run the dispatcher on day `day` of March just after 10:00; the requests it made."""
    first = len(attune.fake.requests)
    attune.clock.set(datetime(2026, 3, day, 10, 0, 1, tzinfo=UTC))
    await attune.checkin_job.tick()
    await attune.settle()
    return attune.fake.requests[first:]


def dm_sends(fake: Any, requests: list[Any], *people: Any) -> dict[str, list[int]]:
    """Per person, the statuses of the DM sends to their DM channels (lost ones included)."""
    ids = {p.name: {int(m["channel_id"]) for m in fake.dm_messages(p)} for p in people}
    for p in people:
        ids[p.name].add(fake.dm_channel(p).id)
    return {
        name: [r.status for r in requests if r.method == "POST" and channel_of(r) in channels]
        for name, channels in ids.items()
    }


def channel_of(request: Any) -> int | None:
    parts = request.path.split("/")
    return int(parts[2]) if len(parts) == 4 and parts[1] == "channels" and parts[3] == "messages" else None


def stored(attune: BotHarness, user: Any) -> int | None:
    rows = query(attune, "SELECT dm_channel_id FROM people WHERE user_id = ?", user.id)
    return rows[0]["dm_channel_id"] if rows else None


def posts_in(requests: list[Any], thread: Any) -> list[Any]:
    return [r for r in requests if r.method == "POST" and r.path == f"/channels/{thread.id}/messages"]


def kind(request: Any) -> str:
    return f"{request.method} " + re.sub(r"/\d+", "/{id}", request.path)


def kinds_of(requests: list[Any]) -> list[str]:
    return sorted(kind(r) for r in requests if r.method == "POST")


async def test_a_round_with_nudges_costs_three_requests_once_dm_channels_are_known_even_after_a_restart(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    # Day 1: the DM channels are opened once each (the invitation's DM went through discord.py's
    # own cache, which keeps nothing across a restart): the post, two opens, two DMs.
    day1 = await round_on(attune, 2)
    assert kinds_of(day1) == sorted(["POST /channels/{id}/messages"] * 3 + [OPEN_DM] * 2), kinds_of(day1)
    assert stored(attune, alice) == fake.dm_channel(alice).id
    assert stored(attune, bob) == fake.dm_channel(bob).id

    # Day 2: one request for the post and one per nudge, straight to the kept channels.
    day2 = await round_on(attune, 3)
    posted = [r for r in day2 if r.method == "POST"]
    assert len(posted) == 3 and [r.status for r in posted] == [200] * 3
    assert len(posts_in(day2, couple)) == 1
    assert dm_sends(fake, day2, alice, bob) == {"alice": [200], "bob": [200]}
    assert [r for r in day2 if r.method != "POST"] == [r for r in day2 if r.method == "PATCH"], (
        "besides the round, only the edit that closes yesterday's"
    )

    # The ids are in the database, so a new process needs no opens either.
    await attune.restart()
    day3 = await round_on(attune, 4)
    assert kinds_of(day3).count(OPEN_DM) == 0
    assert len([r for r in day3 if r.method == "POST"]) == 3
    assert dm_sends(fake, day3, alice, bob) == {"alice": [200], "bob": [200]}
    assert len(round_messages(fake, couple)) == 3
    for user in (alice, bob):
        nudges = [m for m in fake.dm_messages(user) if "Your check-in is ready" in m.text()]
        assert len(nudges) == 3, "each partner told once a round"


async def test_a_kept_dm_channel_discord_no_longer_knows_is_forgotten_and_opened_afresh_once(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    await round_on(attune, 2)
    lost = fake.lose_dm_channel(alice)
    assert stored(attune, alice) == lost.id

    # Day 2: the kept channel answers 10003; it is forgotten, a new one opened and kept, and the
    # nudge sent there: Alice is still told exactly once, and Bob's nudge is one request.
    day2 = await round_on(attune, 3)
    assert [r.status for r in day2 if channel_of(r) == lost.id] == [404]
    assert kinds_of(day2).count(OPEN_DM) == 1
    fresh = fake.dm_channel(alice)
    assert fresh.id != lost.id and stored(attune, alice) == fresh.id
    assert [r.status for r in day2 if channel_of(r) == fresh.id] == [200]
    assert dm_sends(fake, day2, bob) == {"bob": [200]}
    assert not any(alice.id in pinged(r.json) for r in posts_in(day2, couple)), "told by DM alone"
    assert len([m for m in fake.dm_messages(alice) if "Your check-in is ready" in m.text()]) == 2

    # Day 3: three requests again.
    assert len([r for r in await round_on(attune, 4) if r.method == "POST"]) == 3

    # Lost again, and the fresh channel refused too: one retry only, then Alice is mentioned in
    # the thread instead (told once all the same), and nothing loops.
    lost_again = fake.lose_dm_channel(alice)
    known = (lost_again.id, couple.id, fake.dm_channel(bob).id)
    fresh_only = rf"^/channels/(?!{'|'.join(map(str, known))})\d+/messages$"
    fake.inject_fault("POST", fresh_only, 404, code=10003)
    day4 = await round_on(attune, 5)
    assert kinds_of(day4).count(OPEN_DM) == 1
    assert [r.status for r in day4 if channel_of(r) == lost_again.id] == [404]
    pinged_alice = [r for r in posts_in(day4, couple) if alice.id in pinged(r.json)]
    assert len(pinged_alice) == 1 and "Your check-in is ready" in pinged_alice[0].json["content"]


async def test_closed_dms_on_a_kept_channel_are_recorded_as_before(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice = attune.fake, world.alice
    await round_on(attune, 2)
    kept = stored(attune, alice)
    fake.close_dms(alice)

    # The DM to the kept channel is refused (50007): no channel is opened, the failure is recorded,
    # Alice is mentioned in the thread instead, and the channel id stays (it is still hers).
    day2 = await round_on(attune, 3)
    assert kinds_of(day2).count(OPEN_DM) == 0
    assert [r.status for r in day2 if channel_of(r) == kept] == [403]
    assert fake.failed_requests_for(alice) == 1
    assert query(attune, "SELECT dm_reachable FROM people WHERE user_id = ?", alice.id)[0][0] == 0
    assert stored(attune, alice) == kept
    assert sum(alice.id in pinged(r.json) for r in posts_in(day2, couple)) == 1

    # Known closed: the next round mentions her and tries no DM; her next command tells her why.
    day3 = await round_on(attune, 4)
    assert [r for r in day3 if channel_of(r) == kept] == []
    assert fake.failed_requests_for(alice) == 1
    ix = await fake.slash(alice, world.general, "checkin nudges", enabled=True)
    await ix.response()
    [notice] = await ix.followups(1)
    assert "couldn't reach you by DM" in notice.text()


async def test_erasure_clears_the_kept_dm_channel_and_the_export_leaves_it_out(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice = attune.fake, world.alice
    await round_on(attune, 2)
    kept = stored(attune, alice)
    assert kept == fake.dm_channel(alice).id

    export = await answered(await fake.slash(alice, world.general, "privacy export"))
    files = export.message.files
    assert files and all(str(kept) not in body.decode() for body in files.values()), (
        "Discord's routing id: nothing Alice wrote or chose"
    )

    await erase(attune, world)
    assert query(attune, "SELECT dm_channel_id FROM people WHERE user_id = ?", alice.id) == []
    assert stored(attune, world.bob) is not None, "the partner's is theirs"


async def test_an_erasure_while_a_dm_channel_is_being_opened_stays_whole(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    """Alice erases her data while Discord is opening her DM channel for a nudge: when the channel
    comes back, it is not kept, and no row of hers reappears."""
    await erased_while_held(attune, world, r"^/users/@me/channels$", day=2)

    assert query(attune, "SELECT * FROM people WHERE user_id = ?", world.alice.id) == []
    assert stored(attune, world.bob) is not None, "the partner's channel is still kept"


async def test_a_dm_that_lands_after_its_person_erased_their_data_is_taken_down(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice = attune.fake, world.alice
    await round_on(attune, 2)  # her DM channel is known from now on
    before = len(fake.dm_messages(alice))
    await erased_while_held(attune, world, rf"^/channels/{fake.dm_channel(alice).id}/messages$", day=3)

    # The erasure took down the DMs it knew of; the nudge that landed after it is gone as well.
    assert before >= 1 and fake.dm_messages(alice) == []
    assert query(attune, "SELECT * FROM posted_messages WHERE user_id = ?", alice.id) == []
    assert query(attune, "SELECT * FROM people WHERE user_id = ?", alice.id) == []


async def erase(attune: BotHarness, world: Any) -> None:
    """Alice erases her data (/privacy delete, the phrase typed) and is told it is erased."""
    opened = await attune.fake.slash(world.alice, world.general, "privacy delete")
    await opened.response()
    done = await answered(await attune.fake.submit_modal(world.alice, opened, {"phrase": "delete my data"}))
    assert "erased" in done.text()


async def erased_while_held(attune: BotHarness, world: Any, path: str, *, day: int) -> None:
    """Alice erases her data while the dispatcher's POST to `path` (a regex) is in flight on day
    `day` of March, then the request goes on and the bot settles."""
    held = attune.fake.hold("POST", path)
    attune.clock.set(datetime(2026, 3, day, 10, 0, 1, tzinfo=UTC))
    tick = asyncio.ensure_future(attune.checkin_job.tick())
    await held.reached()
    await erase(attune, world)
    held.release()
    await tick
    await attune.settle()
