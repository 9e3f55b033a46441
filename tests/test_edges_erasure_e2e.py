"""/privacy delete while a post that carries the person's words is in flight (issue 13, defect 7).

Discord is made slow in the one deterministic way: the post is held in the fake until the
erasure has finished, as a 429 wait or a slow network would hold it. Afterwards nothing the
person erased may stand in the thread."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.checkins import answer, open_answer_form, reveals_in, round_messages
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def settled_reply(attune: BotHarness, ix: Any) -> str:
    """What the person was told last: a followup, else the (possibly updated) message."""
    await ix.response()
    await attune.settle()
    if ix.followup_messages:
        return str(ix.followup_messages[-1].text())
    if ix.response_type == 5:
        return str((await ix.followups(1))[-1].text())
    return str(ix.text())


async def erase(attune: BotHarness, user: Any, channel: Any) -> str:
    opened = await attune.fake.slash(user, channel, "privacy delete")
    await opened.response()
    assert opened.modal is not None
    submitted = await attune.fake.submit_modal(user, opened, {"phrase": "delete my data"})
    await submitted.response()
    (done,) = await submitted.followups(1)
    return str(done.text())


def thread_text(fake: Any, thread: Any) -> str:
    return "\n".join(m.text() for m in fake.messages_in(thread))


async def test_an_erasure_while_the_reveal_is_in_flight_leaves_only_the_partners_answer(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    ix = await fake.slash(world.alice, world.general, "checkin now")
    await settled_reply(attune, ix)
    await attune.checkin_job.tick()  # nothing left to post: /checkin now posted it
    await attune.settle()
    posted = round_messages(fake, couple)[0]
    await answer(fake, world.alice, posted, "2", "ALICE-ERASED: a hard week at work")

    held = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    form = await open_answer_form(fake, world.bob, posted)
    submitted = await fake.submit_modal(world.bob, form, {"mood": ["4"], "answer": "BOB-KEPT: proud of us"})
    await held.reached()  # the reveal, carrying both answers, is on its way
    assert "Done" in await erase(attune, world.alice, world.general)
    held.release()
    await submitted.response()
    await attune.settle()

    text = thread_text(fake, couple)
    assert "ALICE-ERASED" not in text, "the erased answer does not stand in the thread"
    (reveal,) = reveals_in(fake, couple)
    assert "BOB-KEPT" in reveal.text(), "the partner's side stays"
    assert query(attune, "SELECT count(*) FROM checkin_answers WHERE user_id = ?", world.alice.id)[0][0] == 0


async def test_an_erasure_while_a_journal_share_is_in_flight_takes_the_post_down(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    entry = await attune.running.services.journal.write(
        world.alice.id, title="Tuesday", body="ENTRY-ERASED: the letter I never sent", mood=3
    )
    preview = await fake.slash(world.alice, world.general, "journal share", entry=str(entry.number))
    await settled_reply(attune, preview)

    held = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    post = await fake.press(world.alice, preview, "Post")
    await held.reached()
    await erase(attune, world.alice, world.general)
    held.release()
    reply = await settled_reply(attune, post)

    assert "ENTRY-ERASED" not in thread_text(fake, couple)
    assert "took the post down" in reply and "Posted in" not in reply
    assert query(attune, "SELECT count(*) FROM posted_messages")[0][0] == 0


async def test_an_erasure_while_a_boundary_share_is_in_flight_takes_the_post_down(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    add = await fake.slash(world.alice, world.general, "boundary add")
    await add.response()
    values = {"boundary": "BOUNDARY-ERASED: no phones at dinner", "consequence": "I'll step outside"}
    await settled_reply(attune, await fake.submit_modal(world.alice, add, values))
    [found] = await fake.autocomplete(
        world.alice, world.general, "boundary share", focused="boundary", boundary="phones"
    )
    preview = await fake.slash(world.alice, world.general, "boundary share", boundary=found["value"])
    await settled_reply(attune, preview)

    held = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    post = await fake.press(world.alice, preview, "Post")
    await held.reached()
    await erase(attune, world.alice, world.general)
    held.release()
    reply = await settled_reply(attune, post)

    assert "BOUNDARY-ERASED" not in thread_text(fake, couple)
    assert "took the post down" in reply
    assert query(attune, "SELECT count(*) FROM posted_messages")[0][0] == 0
