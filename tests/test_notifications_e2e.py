"""One notification per person per event, none for the person who acted (issue 14, points 4-5).

Who a thread post pings is read from the request bodies the bot sent (its content's user mentions,
as far as its allowed_mentions lets them through), not from the content alone; DMs are counted as
delivered. Each test counts, for each partner, pings plus DMs for one event."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.checkins import answer, round_messages
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.mentions import allowed_users, pinged

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
PREVIEW = "This is what your partner will see in your thread. Post it?"


class Tally:
    """Pings in the couple's thread and DMs delivered to each partner since it was made."""

    def __init__(self, fake: Any, thread: Any, *people: Any) -> None:
        self.fake, self.thread, self.people = fake, thread, people
        self.first_request = len(fake.requests)
        self.dms_before = {user.id: len(fake.dm_messages(user)) for user in people}

    def posts(self) -> list[Any]:
        """Successful thread posts since the tally began."""
        return [
            r
            for r in self.fake.requests[self.first_request :]
            if r.method == "POST" and r.path == f"/channels/{self.thread.id}/messages" and r.status == 200
        ]

    def pings(self, user: Any) -> int:
        return sum(user.id in pinged(r.json) for r in self.posts())

    def dms(self, user: Any) -> list[Any]:
        return self.fake.dm_messages(user)[self.dms_before[user.id] :]

    def told(self) -> dict[str, tuple[int, int]]:
        """(pings, DMs) per person, by name."""
        return {user.name: (self.pings(user), len(self.dms(user))) for user in self.people}


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def ok(ix: Any) -> Any:
    await ix.response()
    return ix


async def nudges(fake: Any, world: Any, user: Any, enabled: bool) -> None:
    await ok(await fake.slash(user, world.general, "checkin nudges", enabled=enabled))


async def checkin_now(attune: BotHarness, world: Any, user: Any) -> None:
    await ok(await attune.fake.slash(user, world.general, "checkin now"))
    await attune.settle()
    await attune.checkin_job.tick()  # nothing more to send: /checkin now did it all
    await attune.settle()


# -- check-in rounds -------------------------------------------------------------------------------


async def test_checkin_now_tells_only_the_partner_and_only_once(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    # Both have DM nudges on (the default): Bob hears by DM, so the post pings nobody.
    tally = Tally(fake, couple, world.alice, world.bob)
    await checkin_now(attune, world, world.alice)
    [post] = [r.json for r in tally.posts()]
    assert "attune:checkin:answer" in str(post["components"])
    assert allowed_users(post) == [] and post["allowed_mentions"]["parse"] == []
    assert str(world.alice.id) not in (post.get("content") or "")
    assert tally.told() == {"alice": (0, 0), "bob": (0, 1)}
    assert "Your check-in is ready" in tally.dms(world.bob)[0].text()

    # Bob turns DM nudges off: he is mentioned in the post instead, and nothing else.
    await nudges(fake, world, world.bob, False)
    tally = Tally(fake, couple, world.alice, world.bob)
    await checkin_now(attune, world, world.alice)
    [post] = [r.json for r in tally.posts()]
    assert allowed_users(post) == [world.bob.id]
    assert post["content"] == f"<@{world.bob.id}>"
    assert tally.told() == {"alice": (0, 0), "bob": (1, 0)}

    # And the other way round: Bob asks, Alice (nudges on) gets the one DM.
    tally = Tally(fake, couple, world.alice, world.bob)
    await checkin_now(attune, world, world.bob)
    assert tally.told() == {"alice": (0, 1), "bob": (0, 0)}


async def test_a_scheduled_round_tells_each_partner_once_by_their_setting_or_in_the_thread(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await nudges(fake, world, world.bob, False)
    ix = await fake.slash(
        world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC", reminder=0
    )
    await ok(ix)
    await attune.settle()

    # Day 1: nobody acted. Alice (nudges on) by DM, Bob (nudges off) mentioned in the post.
    tally = Tally(fake, couple, world.alice, world.bob)
    attune.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await attune.settle()
    [post] = [r.json for r in tally.posts()]
    assert allowed_users(post) == [world.bob.id]
    assert tally.told() == {"alice": (0, 1), "bob": (1, 0)}

    # Day 2: Alice closed her DMs, and Attune doesn't know yet. The DM fails, so she is mentioned
    # in the thread instead: still exactly once.
    fake.close_dms(world.alice)
    tally = Tally(fake, couple, world.alice, world.bob)
    attune.clock.set(datetime(2026, 3, 3, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await attune.settle()
    assert fake.failed_requests_for(world.alice) == 1
    assert tally.told() == {"alice": (1, 0), "bob": (1, 0)}
    round_post, instead = (r.json for r in tally.posts())
    assert pinged(round_post) == {world.bob.id} and pinged(instead) == {world.alice.id}
    assert "Your check-in is ready" in instead["content"]
    assert int(instead["message_reference"]["message_id"]) == round_messages(fake, couple)[-1].id

    # Day 3: her DMs are known to be closed, so the round post itself mentions her; no DM is tried.
    tally = Tally(fake, couple, world.alice, world.bob)
    attune.clock.set(datetime(2026, 3, 4, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await attune.settle()
    [post] = [r.json for r in tally.posts()]
    assert pinged(post) == {world.alice.id, world.bob.id}
    assert tally.told() == {"alice": (1, 0), "bob": (1, 0)}
    assert fake.failed_requests_for(world.alice) == 1


async def test_the_reminder_reaches_who_has_not_answered_once(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await nudges(fake, world, world.bob, False)
    ix = await fake.slash(
        world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC", reminder=60
    )
    await ok(ix)
    attune.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await attune.settle()

    # Nobody answered: each is reminded once, Alice by DM and Bob (nudges off) in the thread.
    tally = Tally(fake, couple, world.alice, world.bob)
    attune.clock.set(datetime(2026, 3, 2, 11, 1, tzinfo=UTC))
    await dispatcher.tick()
    await dispatcher.tick()
    await attune.settle()
    assert tally.told() == {"alice": (0, 1), "bob": (1, 0)}
    assert "gentle reminder" in tally.dms(world.alice)[0].text()
    [reminder] = [r.json for r in tally.posts()]
    assert "gentle reminder" in reminder["content"]


# -- reveals --------------------------------------------------------------------------------------


async def test_a_reveal_triggered_by_bobs_answer_tells_only_alice(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    for alice_nudges in (False, True):
        await nudges(fake, world, world.alice, alice_nudges)
        await checkin_now(attune, world, world.alice)
        message = round_messages(fake, couple)[-1]
        await answer(fake, world.alice, message, "4", "A slow, good evening")
        tally = Tally(fake, couple, world.alice, world.bob)
        await answer(fake, world.bob, message, "3", "Tired, but glad")
        await attune.settle()

        [reveal] = [r.json for r in tally.posts()]
        assert "both answered" in reveal["content"]
        assert world.bob.id not in pinged(reveal)
        if alice_nudges:  # told by DM, with the way to the answers; the post pings nobody
            assert allowed_users(reveal) == []
            assert tally.told() == {"alice": (0, 1), "bob": (0, 0)}
            assert "You've both answered" in tally.dms(world.alice)[0].text()
        else:  # told in the thread: the reveal mentions her, and only her
            assert allowed_users(reveal) == [world.alice.id]
            assert reveal["content"].startswith(f"<@{world.alice.id}> ")
            assert tally.told() == {"alice": (1, 0), "bob": (0, 0)}
        attune.clock.advance(hours=1)


# -- shares ---------------------------------------------------------------------------------------


def button_looks(message: Any) -> tuple[tuple[str | None, int | None], ...]:
    """Label and style of each button on a preview, in order."""
    components = message.get("components") if isinstance(message, dict) else message.components
    return tuple(
        (c.get("label"), c.get("style"))
        for row in components or []
        for c in row.get("components") or []
        if c.get("type") == 2
    )


async def share_journal_entry(attune: BotHarness, world: Any) -> Any:
    entry = await attune.running.services.journal.write(world.alice.id, title=None, body="Thank you.", mood=4)
    return await ok(await attune.fake.slash(world.alice, world.general, "journal share", entry=str(entry.id)))


async def share_reflection(attune: BotHarness, world: Any) -> Any:
    fake = attune.fake
    opened = await ok(await fake.slash(world.alice, world.general, "reflect"))
    return await ok(await fake.submit_modal(world.alice, opened, {"body": "I see how hard you work."}))


async def share_boundary(attune: BotHarness, world: Any) -> Any:
    fake = attune.fake
    opened = await ok(await fake.slash(world.alice, world.general, "boundary add"))
    values = {"boundary": "I need a pause when we raise our voices.", "consequence": "I'll step out."}
    await ok(await fake.submit_modal(world.alice, opened, values))
    [boundary_id] = [r[0] for r in query(attune, "SELECT id FROM boundaries")]
    return await ok(await fake.slash(world.alice, world.general, "boundary share", boundary=str(boundary_id)))


async def share_exercise_reflection(attune: BotHarness, world: Any) -> Any:
    fake = attune.fake
    choices = await fake.autocomplete(
        world.alice, world.general, "exercise start", focused="exercise", exercise="boundaries you can keep"
    )
    run = await ok(
        await fake.slash(world.alice, world.general, "exercise start", exercise=choices[0]["value"])
    )
    opened = await ok(await fake.press(world.alice, run, "Reflect"))
    await ok(await fake.submit_modal(world.alice, opened, {"reflection": "I go quiet to keep the peace."}))
    while "Finish" not in [label for label, _, _ in run.buttons()]:
        await ok(await fake.press(world.alice, run, "Next"))
    await ok(await fake.press(world.alice, run, "Finish"))
    select = next(c for row in run.components for c in row["components"] if c["type"] == 3)
    await ok(await fake.select(world.alice, run, select["custom_id"], ["0"]))
    return run


async def share_chart(attune: BotHarness, world: Any) -> Any:
    """The chart needs check-ins both answered on three days first."""
    fake, dispatcher = attune.fake, attune.checkin_job
    await ok(await fake.slash(world.alice, world.general, "checkin schedule", time="09:30", timezone="UTC"))
    thread = next(t for t in fake.threads_in(world.general) if world.bob.id in t.member_ids)
    for day in (2, 3, 4):  # scheduled from 2 March, 08:00: first due that day at 09:30
        attune.clock.set(datetime(2026, 3, day, 9, 30, 5, tzinfo=UTC))
        await dispatcher.tick()
        await attune.settle()
        posted = round_messages(fake, thread)[-1]
        await answer(fake, world.alice, posted, "4", "A slow walk")
        await answer(fake, world.bob, posted, "3", "Dinner together")
        await attune.settle()
    ix = await attune.fake.slash(world.alice, world.general, "progress share", days=7)
    (preview,) = await ix.followups()
    return preview


async def share_appreciation(attune: BotHarness, world: Any) -> Any:
    fake = attune.fake
    opened = await ok(await fake.slash(world.alice, world.general, "appreciate add"))
    values = {"what": "Cooked on my long day.", "meaning": "I felt cared for."}
    saved = await ok(await fake.submit_modal(world.alice, opened, values))
    return await ok(await fake.press(world.alice, saved, "Share it in our thread…"))


SHARES = {
    "journal": (share_journal_entry, "alice chose to share this from their journal with you."),
    "reflect": (share_reflection, "alice wrote something for you."),
    "boundary": (share_boundary, "alice shared a boundary with you."),
    "exercise": (share_exercise_reflection, "alice shared a reflection from an exercise with you."),
    "chart": (share_chart, "alice shared how you've both been feeling lately."),
    "appreciation": (share_appreciation, "alice shared an appreciation with you."),
}


async def test_every_share_is_previewed_alike_and_announced_to_the_partner_only(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await nudges(fake, world, world.bob, False)  # Bob is told in the thread: the post mentions him
    looks: set[tuple[tuple[str | None, int | None], ...]] = set()
    for name, (share, announced) in SHARES.items():
        preview = await share(attune, world)
        await attune.settle()
        assert preview.content.splitlines()[0] == PREVIEW, name  # /reflect adds where it is kept
        looks.add(button_looks(preview))

        tally = Tally(fake, couple, world.alice, world.bob)
        await ok(await fake.press(world.alice, preview, "Post"))
        await attune.settle()
        [post] = [r.json for r in tally.posts()]
        assert post["content"] == f"<@{world.bob.id}> {announced}", name
        assert allowed_users(post) == [world.bob.id], name
        assert post["allowed_mentions"]["parse"] == [], name
        assert tally.told() == {"alice": (0, 0), "bob": (1, 0)}, name
    assert looks == {(("Post", 3), ("Cancel", 2))}, "one Post button (green) and one Cancel everywhere"


async def test_a_share_reaches_a_partner_with_nudges_on_by_dm_alone(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    preview = await share_boundary(attune, world)
    tally = Tally(fake, couple, world.alice, world.bob)
    await ok(await fake.press(world.alice, preview, "Post"))
    await attune.settle()
    [post] = [r.json for r in tally.posts()]
    assert post["content"] == "alice shared a boundary with you."
    assert pinged(post) == set()
    assert tally.told() == {"alice": (0, 0), "bob": (0, 1)}
    [dm] = tally.dms(world.bob)
    posted = fake.messages_in(couple)[-1]
    assert dm.content.startswith("alice shared a boundary with you.") and str(posted.id) in dm.content

    # Closed DMs: the DM fails, and Bob is mentioned in a reply to the share instead.
    fake.close_dms(world.bob)
    preview = await share_journal_entry(attune, world)
    tally = Tally(fake, couple, world.alice, world.bob)
    await ok(await fake.press(world.alice, preview, "Post"))
    await attune.settle()
    assert tally.told() == {"alice": (0, 0), "bob": (1, 0)}
    share_post, instead = (r.json for r in tally.posts())
    assert pinged(share_post) == set() and pinged(instead) == {world.bob.id}
    assert instead["content"] == f"<@{world.bob.id}> alice chose to share this from their journal with you."


async def test_the_nudges_setting_says_what_it_now_means(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    off = await ok(await fake.slash(world.alice, world.general, "checkin nudges", enabled=False))
    assert off.ephemeral and "mention in your thread instead of a DM" in off.text()
    on = await ok(await fake.slash(world.alice, world.general, "checkin nudges", enabled=True))
    assert on.ephemeral and "by DM" in on.text() and "won't ping you as well" in on.text()
