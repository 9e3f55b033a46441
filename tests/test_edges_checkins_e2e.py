"""Check-ins at the edges a real server produces (issue 13): a reveal raced by the dispatcher, a
permission taken away for days, a deleted setup channel, a pairing ended while a form is open.
Each drives the real bot through the fake and waits for it to settle, never for a first sign."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.fake_discord.models import ALL_PERMISSIONS
from tests.support.checkins import answer, open_answer_form, reveals_in, round_messages, rounds
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
ADMINISTRATOR, SEND_MESSAGES_IN_THREADS = 1 << 3, 1 << 38


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def checkin_now(attune: BotHarness, user: Any, channel: Any) -> Any:
    ix = await attune.fake.slash(user, channel, "checkin now")
    await ix.response()
    await attune.settle()
    await attune.checkin_job.tick()  # posts nothing more: /checkin now posted it
    await attune.settle()
    return ix


def dm_texts(fake: Any, user: Any, needle: str) -> list[str]:
    return [m.text() for m in fake.dm_messages(user) if needle in m.text()]


async def test_a_reveal_is_posted_once_when_the_dispatcher_runs_while_it_is_in_flight(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await checkin_now(attune, world.alice, world.general)
    posted = round_messages(fake, couple)[0]
    await answer(fake, world.alice, posted, "4", "A long day, glad it's over")

    # Bob's answer completes the round; its reveal is held in flight (a slow or rate-limited
    # Discord), and meanwhile the 30-second dispatcher runs and looks for unposted reveals.
    held = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    form = await open_answer_form(fake, world.bob, posted)
    submitted = await fake.submit_modal(world.bob, form, {"mood": ["3"], "answer": "Tired, but here"})
    await held.reached()
    await dispatcher.tick()
    held.release()
    await attune.settle()

    reveals = reveals_in(fake, couple)
    assert len(reveals) == 1, "the reveal went out exactly once"
    assert rounds(attune)[-1]["reveal_message_id"] == int(reveals[0].id)
    assert reveals[0]["message_reference"]["message_id"] == str(posted.id), "it replies to its round"
    (reply,) = await submitted.followups(1)
    assert "in your thread now" in reply.text()
    await dispatcher.tick()
    await attune.settle()
    assert len(reveals_in(fake, couple)) == 1


async def test_a_crash_between_posting_a_reveal_and_recording_it_does_not_post_it_again(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await checkin_now(attune, world.alice, world.general)
    posted = round_messages(fake, couple)[0]
    await answer(fake, world.alice, posted, "4", "Quiet evening")
    repo = bot.services.checkins._repo
    original = repo.mark_reveal_posted

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("killed between the post and its record")

    repo.mark_reveal_posted = crash  # type: ignore[method-assign]
    await answer(fake, world.bob, posted, "4", "Good walk")
    await attune.settle()
    repo.mark_reveal_posted = original  # type: ignore[method-assign]
    assert len(reveals_in(fake, couple)) == 1
    assert rounds(attune)[-1]["reveal_message_id"] is None

    await attune.restart()
    attune.clock.advance(minutes=5)
    await attune.checkin_job.tick()
    await attune.settle()
    reveals = reveals_in(fake, couple)
    assert len(reveals) == 1, "found in the thread, not posted again"
    assert rounds(attune)[-1]["reveal_message_id"] == int(reveals[0].id)


async def test_a_permission_outage_is_told_once_and_stale_rounds_never_flood_the_thread(
    attune: BotHarness, world: Any, couple: Any, caplog: pytest.LogCaptureFixture
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    caplog.set_level(logging.INFO)
    ix = await fake.slash(world.alice, world.general, "checkin schedule", time="21:00", timezone="UTC")
    await ix.response()
    await attune.settle()
    # A moderator denies Attune "Send Messages in Threads" in the channel, for three evenings.
    fake.set_bot_permissions(world.guild, ALL_PERMISSIONS & ~ADMINISTRATOR)
    fake.set_overwrite(world.general, fake.bot_user, deny=SEND_MESSAGES_IN_THREADS)
    await attune.settle()
    before = len(fake.messages_in(couple))
    posts = f"^/channels/{couple.id}/messages$"

    for day in range(3):
        evening = datetime(2026, 3, 2 + day, 21, 0, 5, tzinfo=UTC)
        for seconds in range(0, 20 * 60, 30):  # the 30-second dispatcher, for twenty minutes
            attune.clock.set(evening + timedelta(seconds=seconds))
            await dispatcher.tick()
        await attune.settle()
        tries = [r for r in fake.requests_to("POST", posts) if r.status == 403]
        assert len(tries) <= 5 * (day + 1), f"retries back off, not every 30 s ({len(tries)} tries)"

    assert len(fake.messages_in(couple)) == before, "nothing could be posted"
    for partner in (world.alice, world.bob):
        told = dm_texts(fake, partner, "not allowed to post in your private thread")
        assert len(told) == 1, "each partner is told once per outage"
        assert "Send Messages in Threads" in told[0]
    warnings = [r for r in caplog.records if "Can't post in the thread" in r.getMessage()]
    assert len(warnings) == 1, "logged once per outage"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info], "no tracebacks"

    fake.set_overwrite(world.general, fake.bot_user)  # fixed on the third evening, 21:30
    await attune.settle()
    for minute in range(30, 60):  # it goes out at its next retry, within the grace
        attune.clock.set(datetime(2026, 3, 4, 21, minute, tzinfo=UTC))
        await dispatcher.tick()
    await attune.settle()
    assert len(round_messages(fake, couple)) == 1, "only tonight's check-in, not three at once"
    statuses = [(r["status"], r["missed_reason"]) for r in rounds(attune)]
    assert statuses == [("missed", "late"), ("missed", "late"), ("open", None)]
    assert query(attune, "SELECT thread_problem FROM couples")[0][0] is None, "the outage is over"


async def test_a_deleted_setup_channel_promises_nothing_and_says_what_to_do(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    lobby = fake.add_text_channel(world.guild, "lobby")
    ix = await fake.slash(world.alice, lobby, "checkin schedule", time="21:00", timezone="UTC")
    await ix.response()
    await attune.settle()
    await fake.delete_channel(world.general)  # a moderator deletes it; the thread goes with it
    await attune.settle()

    now = await checkin_now(attune, world.alice, lobby)
    (reply,) = await now.followups(1)
    assert "on its way" not in reply.text() and "/setup" in reply.text()
    assert query(attune, "SELECT count(*) FROM checkin_rounds")[0][0] == 0, "nothing was started"
    status = await fake.slash(world.bob, lobby, "pair status")
    await status.response()
    await attune.settle()
    (shown,) = await status.followups(1)
    assert f"<#{couple.id}>" not in shown.text() and "/setup" in shown.text()

    thread_lookups = f"^/channels/{couple.id}$"
    lookups_before = len(fake.requests_to("GET", thread_lookups))
    evening = datetime(2026, 3, 2, 21, 0, 5, tzinfo=UTC)
    for seconds in range(0, 20 * 60, 30):
        attune.clock.set(evening + timedelta(seconds=seconds))
        await dispatcher.tick()
    await attune.settle()
    assert len(fake.requests_to("GET", thread_lookups)) - lookups_before <= 5, "no 404 every run"
    for partner in (world.alice, world.bob):
        assert len(dm_texts(fake, partner, "/setup")) == 1, "told once what to do"

    # A moderator runs /setup with a new channel: the thread is made again, once.
    fresh = fake.add_text_channel(world.guild, "couples-2")
    setup = await fake.slash(world.mod, lobby, "setup", channel=fresh)
    await setup.response()
    await attune.settle()
    again = await checkin_now(attune, world.alice, lobby)
    (reply,) = await again.followups(1)
    assert "in your thread now" in reply.text()
    (thread,) = fake.threads_in(fresh)
    assert len(round_messages(fake, thread)) == 1


async def test_an_answer_after_the_partner_ended_the_pairing_is_refused_not_revealed(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await checkin_now(attune, world.alice, world.general)
    posted = round_messages(fake, couple)[0]
    await answer(fake, world.bob, posted, "3", "Bob was here first")
    form = await open_answer_form(fake, world.alice, posted)  # Alice starts typing...

    leave = await fake.slash(world.bob, world.general, "pair leave")
    await leave.response()
    confirm = await fake.press(world.bob, leave, "Yes, end our pairing")
    await confirm.response()
    await attune.settle()

    submitted = await fake.submit_modal(world.alice, form, {"mood": ["4"], "answer": "Alice, too late"})
    await submitted.response()
    await attune.settle()
    reply = "\n".join(m.text() for m in submitted.all_messages()) or submitted.text()
    assert submitted.ephemeral and "closed" in reply
    assert "Alice, too late" in reply, "the words typed are given back"
    assert "revealed" not in reply and "both answered" not in reply and "Saved" not in reply
    assert reveals_in(fake, couple) == []
    assert rounds(attune)[-1]["status"] == "closed"
    assert query(attune, "SELECT count(*) FROM checkin_answers WHERE user_id = ?", world.alice.id)[0][0] == 0

    # A round recorded before the end and not posted yet never posts, and leaves every queue.
    assert attune.running.services.checkins is not None
    await dispatcher.tick()
    await attune.settle()
    assert query(attune, "SELECT count(*) FROM checkin_rounds WHERE status IN ('pending', 'open')")[0][0] == 0
