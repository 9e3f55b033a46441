"""Check-ins end to end: the dispatcher driven by a controllable clock, through the fake Discord."""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.pacing import Pacer
from cogs.checkins.dispatch import JOB_ID
from tests.support.checkins import answer, round_messages, rounds
from tests.support.couples import pair
from tests.support.harness import BotHarness
from tests.support.mentions import pinged

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday, 09:00 in Paris


def all_round_posts(fake: Any, thread: Any) -> list[Any]:
    """Every check-in message, open or closed (closed ones lose their Answer button)."""
    return [m for m in fake.messages_in(thread) if "Today's check-in" in m.text()]


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def test_a_round_is_posted_at_its_time_and_revealed_when_both_answer(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    ix = await fake.slash(world.alice, world.general, "checkin schedule", time="9pm", timezone="Europe/Paris")
    await ix.response()
    assert ix.ephemeral and "21:00" in ix.text()
    await fake.wait_for_message(couple, lambda m: "set your check-ins" in m.content)  # the partner is told

    attune.clock.set(datetime(2026, 3, 2, 19, 59, tzinfo=UTC))
    await dispatcher.tick()
    assert round_messages(fake, couple) == []

    attune.clock.set(datetime(2026, 3, 2, 20, 0, 5, tzinfo=UTC))  # 21:00 in Paris
    await dispatcher.tick()
    await dispatcher.tick()  # a second tick never posts twice
    posted = round_messages(fake, couple)
    assert len(posted) == 1
    assert len(fake.dm_messages(world.alice)) >= 1 and len(fake.dm_messages(world.bob)) >= 1  # nudges

    stranger = await fake.press(world.carol, posted[0], "Answer")
    await stranger.response()
    assert stranger.ephemeral and stranger.modal is None

    first = await answer(fake, world.alice, posted[0], "4", "Tired but glad we talked at dinner")
    assert first.ephemeral and "Saved" in first.text()
    assert not any("glad we talked" in m.text() for m in fake.messages_in(couple)), "never shown before both"
    edited = await answer(fake, world.alice, posted[0], "3", "Tired, and glad we talked at dinner")
    assert "Updated" in edited.text()

    await answer(fake, world.bob, posted[0], "5", "Grateful for the walk")
    reveal = await fake.wait_for_message(couple, lambda m: "both answered" in m.content)
    text = reveal.text()
    assert "Tired, and glad we talked" in text and "Grateful for the walk" in text
    assert rounds(attune)[-1]["status"] == "revealed"


async def test_one_answer_is_never_revealed_and_the_round_closes(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    await dispatcher.tick()
    posted = round_messages(fake, couple)
    assert len(posted) == 1
    await answer(fake, world.bob, posted[0], "2", "A heavy day, honestly")
    attune.clock.advance(hours=25)
    await dispatcher.tick()
    assert rounds(attune)[-1]["status"] == "closed"
    assert not any("heavy day" in m.text() for m in fake.messages_in(couple))
    closed = next(m for m in fake.messages_in(couple) if m.id == posted[0].id)
    assert closed.buttons() == [] and "has closed" in closed.text()


async def test_skip_pause_resume_and_bad_input(attune: BotHarness, world: Any, couple: Any) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    for bad in (
        {"time": "25:00"},
        {"time": "9"},
        {"time": "21:00", "timezone": "Mars/Base"},
        {"time": "21:00", "days": "funday"},
    ):
        ix = await fake.slash(world.alice, world.general, "checkin schedule", **bad)
        await ix.response()
        assert ix.ephemeral
    assert rounds(attune) == []
    ix = await fake.slash(world.alice, world.general, "checkin show")
    await ix.response()
    assert "don't have check-ins" in ix.text()

    await (
        await fake.slash(world.alice, world.general, "checkin schedule", time="09:30", timezone="UTC")
    ).response()
    await (await fake.slash(world.bob, world.general, "checkin skip")).response()
    attune.clock.set(datetime(2026, 3, 2, 9, 31, tzinfo=UTC))
    await dispatcher.tick()
    assert [r["status"] for r in rounds(attune)] == ["skipped"]

    past = await fake.slash(world.alice, world.general, "checkin pause", until="2026-03-01")
    await past.response()
    assert "not in the future" in past.text()
    await (await fake.slash(world.alice, world.general, "checkin pause", until="2026-03-05")).response()
    attune.clock.set(datetime(2026, 3, 4, 9, 31, tzinfo=UTC))
    await dispatcher.tick()
    assert len(rounds(attune)) == 1, "nothing while paused"
    attune.clock.set(datetime(2026, 3, 5, 9, 31, tzinfo=UTC))
    await dispatcher.tick()
    assert [r["status"] for r in rounds(attune)] == ["skipped", "open"]

    await (await fake.slash(world.alice, world.general, "checkin pause")).response()
    attune.clock.set(datetime(2026, 3, 8, 9, 31, tzinfo=UTC))
    await dispatcher.tick()
    assert len(rounds(attune)) == 2
    await (await fake.slash(world.bob, world.general, "checkin resume")).response()
    attune.clock.set(datetime(2026, 3, 9, 9, 31, tzinfo=UTC))
    await dispatcher.tick()
    assert len(rounds(attune)) == 3


async def test_restart_posts_a_round_missed_while_down_once_and_records_a_late_one(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await (
        await fake.slash(world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC")
    ).response()
    await attune.stop()
    attune.clock.set(datetime(2026, 3, 2, 11, 0, tzinfo=UTC))  # an hour late: within the grace
    await attune.start()
    await attune.checkin_job.tick()
    await attune.restart()
    await attune.checkin_job.tick()
    assert len(all_round_posts(fake, couple)) == 1
    await attune.stop()
    attune.clock.set(datetime(2026, 3, 3, 13, 0, tzinfo=UTC))  # three hours late: missed
    await attune.start()
    await attune.checkin_job.tick()
    assert [(r["status"], r["missed_reason"]) for r in rounds(attune)] == [
        ("closed", None),  # closed after its 24 hours; the second fell due 3 h before start
        ("missed", "downtime"),
    ]
    assert len(all_round_posts(fake, couple)) == 1


async def test_a_crash_between_recording_and_posting_does_not_post_twice(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    # The post reached Discord, but the process died before recording it.
    original = bot.services.checkins._repo.mark_posted

    async def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("killed")

    bot.services.checkins._repo.mark_posted = crash  # type: ignore[method-assign]
    await attune.checkin_job.tick()
    bot.services.checkins._repo.mark_posted = original  # type: ignore[method-assign]
    assert len(round_messages(fake, couple)) == 1
    await attune.restart()
    await attune.checkin_job.tick()
    assert len(round_messages(fake, couple)) == 1
    assert rounds(attune)[-1]["status"] == "open"
    message = round_messages(fake, couple)[0]
    assert rounds(attune)[-1]["message_id"] == int(message["id"])


async def test_closed_dms_are_not_retried_and_the_round_still_goes_out(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    fake.close_dms(world.bob)
    for _ in range(3):
        await (await fake.slash(world.alice, world.general, "checkin now")).response()
        await attune.settle()  # the check-in is posted before the reply
        await dispatcher.tick()
    assert len(round_messages(fake, couple)) == 3
    assert fake.failed_requests_for(world.bob) == 1, "after one 50007, no more DMs are tried"
    ix = await fake.slash(world.bob, world.general, "checkin nudges", enabled=True)
    await ix.response()
    notice = await ix.followups(1)
    assert "couldn't reach you by DM" in notice[0].text()


async def test_buttons_of_earlier_rounds_work_after_a_restart(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    await attune.checkin_job.tick()
    posted = round_messages(fake, couple)[0]
    await attune.restart()
    await answer(fake, world.alice, posted, "4", "After the restart")
    history = await fake.slash(world.alice, world.general, "checkin history")
    await history.response()
    assert "Nothing here yet" in history.text()


async def test_personal_check_in_by_dm_lands_in_the_journal(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    ix = await fake.slash(world.carol, world.general, "checkin personal set", time="8am", timezone="UTC")
    await ix.response()
    assert ix.ephemeral
    attune.clock.set(datetime(2026, 3, 3, 8, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    dm = await fake.wait_for_message(fake.dm_channel(world.carol), lambda m: "Write" in str(m.buttons()))
    stranger = await fake.press(world.dave, dm, "Write")
    await stranger.response()
    assert stranger.modal is None
    write = await fake.press(world.carol, dm, "Write")
    await write.response()
    done = await fake.submit_modal(
        world.carol, write, {"mood": ["3"], "answer": "Quiet morning, a bit anxious"}
    )
    await done.response()
    assert "journal" in done.text()
    entries = await attune.running.services.journal.entries(world.carol.id)
    assert [(e.kind, e.body, e.mood) for e in entries] == [("checkin", "Quiet morning, a bit anxious", 3)]
    assert entries[0].round_id == rounds(attune)[-1]["id"]
    attune.clock.advance(days=1)
    await (await fake.slash(world.carol, world.general, "checkin personal off")).response()
    await dispatcher.tick()
    assert len([r for r in rounds(attune) if r["kind"] == "personal"]) == 1


async def test_dst_days_post_exactly_one_round(attune: BotHarness, world: Any, couple: Any) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    attune.clock.set(datetime(2026, 3, 8, 5, 0, tzinfo=UTC))  # 00:00 in New York, spring-forward day
    ix = await fake.slash(
        world.alice, world.general, "checkin schedule", time="2:30am", timezone="America/New_York"
    )
    await ix.response()
    for hour in range(6, 12):  # 01:00 EST .. 07:00 EDT, ticking each hour
        attune.clock.set(datetime(2026, 3, 8, hour, 0, 1, tzinfo=UTC))
        await dispatcher.tick()
    assert len(rounds(attune)) == 1
    assert rounds(attune)[0]["due_at"] == int(datetime(2026, 3, 8, 7, 0, tzinfo=UTC).timestamp())  # 03:00 EDT

    await (await fake.slash(world.alice, world.general, "checkin schedule", time="1:30am")).response()
    attune.clock.set(datetime(2026, 11, 1, 4, 0, tzinfo=UTC))  # 00:00 EDT, fall-back day
    await (
        await fake.slash(
            world.alice, world.general, "checkin schedule", time="1:30am", timezone="America/New_York"
        )
    ).response()
    for minutes in range(0, 240, 20):
        attune.clock.set(datetime(2026, 11, 1, 5, 0, tzinfo=UTC) + timedelta(minutes=minutes))
        await dispatcher.tick()
    assert len(rounds(attune)) == 2, "01:30 happens twice that night; the round happens once"


async def test_one_gentle_reminder_goes_only_to_who_has_not_answered(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    ix = await fake.slash(
        world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC", reminder=60
    )
    await ix.response()
    attune.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await answer(fake, world.alice, round_messages(fake, couple)[0], "4", "Rested")
    before = {u.name: len(fake.dm_messages(u)) for u in (world.alice, world.bob)}
    attune.clock.set(datetime(2026, 3, 2, 10, 59, tzinfo=UTC))
    await dispatcher.tick()
    assert {u.name: len(fake.dm_messages(u)) for u in (world.alice, world.bob)} == before
    attune.clock.set(datetime(2026, 3, 2, 11, 1, tzinfo=UTC))
    await dispatcher.tick()
    await dispatcher.tick()
    assert len(fake.dm_messages(world.alice)) == before["alice"]
    assert len(fake.dm_messages(world.bob)) == before["bob"] + 1
    assert "gentle reminder" in fake.dm_messages(world.bob)[-1].text()


async def test_reminders_can_be_off_and_nudges_opted_out(attune: BotHarness, world: Any, couple: Any) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    await (await fake.slash(world.bob, world.general, "checkin nudges", enabled=False)).response()
    bob_before = len(fake.dm_messages(world.bob))  # the pairing invitation arrived by DM too
    ix = await fake.slash(
        world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC", reminder=0
    )
    await ix.response()
    attune.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    assert len(round_messages(fake, couple)) == 1
    assert len(fake.dm_messages(world.bob)) == bob_before, "bob turned nudges off"
    assert any("check-in is ready" in m.text() for m in fake.dm_messages(world.alice))
    attune.clock.advance(hours=12)
    await dispatcher.tick()
    assert len(fake.dm_messages(world.bob)) == bob_before, "reminders are off"


async def test_history_pages_through_revealed_rounds_only_for_the_couple(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    found = await attune.running.services.couples.active_couple_for(world.guild.id, world.alice.id)
    assert found is not None
    for day in range(4):  # four days of rounds (the service: /checkin now is limited to 3 a minute)
        await attune.running.services.checkins.start_now(couple_id=found.id, user_id=None)
        await dispatcher.tick()
        message = round_messages(fake, couple)[-1]
        await answer(fake, world.alice, message, "3", f"Alice on day {day}")
        await answer(fake, world.bob, message, "4", f"Bob on day {day}")
        attune.clock.advance(days=1)
    history = await fake.slash(world.bob, world.general, "checkin history")
    await history.response()
    assert history.ephemeral and "Page 1 of 2" in history.text()
    assert "Alice on day 3" in history.text() and "Alice on day 0" not in history.text()
    older = await fake.press(world.bob, history, "Older")
    await older.response()
    assert "Page 2 of 2" in older.text() and "Bob on day 0" in older.text()

    await pair(attune, world, world.carol, world.dave)
    theirs = await fake.slash(world.carol, world.general, "checkin history")
    await theirs.response()
    assert "Nothing here yet" in theirs.text()
    stranger = await fake.press(world.carol, history, "Newer")
    await stranger.response()
    assert stranger.ephemeral and "isn't yours" in stranger.text()


async def test_a_deleted_thread_is_recreated_when_a_round_falls_due(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    couple.deleted = True
    await fake.dispatch(
        "THREAD_DELETE", {k: couple.to_json()[k] for k in ("id", "guild_id", "parent_id", "type")}
    )
    await fake.wait_for(lambda: bot.get_channel(couple.id) is None)
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    await attune.checkin_job.tick()
    live = [t for t in fake.threads_in(world.general) if not getattr(t, "deleted", False)]
    assert len(live) == 1 and live[0].id != couple.id
    assert len(round_messages(fake, live[0])) == 1


async def test_prompts_do_not_repeat_until_the_bank_is_used_up(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    bot = attune.running
    found = await bot.services.couples.active_couple_for(world.guild.id, world.alice.id)
    assert found is not None
    bank = len(bot.content.partner_prompts)
    ids = [await bot.services.checkins.start_now(couple_id=found.id, user_id=None) for _ in range(bank + 1)]
    prompts = [(await bot.services.checkins._repo.round(i)).prompt_id for i in ids]  # type: ignore[union-attr]
    assert len(set(prompts[:bank])) == bank
    assert prompts[bank] in prompts[:bank]


async def test_sigterm_in_the_middle_of_a_burst_finishes_in_flight_sends_and_loses_nothing(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    found = await bot.services.couples.active_couple_for(world.guild.id, world.alice.id)
    assert found is not None
    for _ in range(12):
        await bot.services.checkins.start_now(couple_id=found.id, user_id=None)
    # A per-channel limit keeps the burst going when we stop: 5 a second here (Discord's is 5 per
    # 5 s), so the sends in flight wait out a short window rather than five real seconds.
    fake.rate_limits(enabled=True, per_channel=(5, 1.0))
    burst = asyncio.create_task(attune.checkin_job.tick())
    await fake.wait_for(lambda: len(all_round_posts(fake, couple)) >= 1, timeout=10)
    started = asyncio.get_running_loop().time()
    await attune.stop()
    assert asyncio.get_running_loop().time() - started < 15
    await burst
    posted_before = len(all_round_posts(fake, couple))
    statuses = [r["status"] for r in rounds(attune)]
    assert statuses.count("pending") >= 1, "the rest was released, not dropped"

    fake.rate_limits(enabled=False)
    await attune.start()
    await attune.checkin_job.tick()
    assert len(all_round_posts(fake, couple)) == 12 >= posted_before
    statuses = [r["status"] for r in rounds(attune)]
    assert statuses.count("open") == 1 and statuses.count("closed") == 11, "each new round closes the last"


async def test_apscheduler_drives_dispatch_through_one_stable_job(harness: BotHarness, world: Any) -> None:
    harness.scheduled_jobs = True  # this test is about the scheduled runs themselves
    harness.clock.set(START)
    bot = await harness.start()
    fake = harness.fake
    couple = await pair(harness, world, world.alice, world.bob)
    jobs = [job.id for job in bot.scheduler.get_jobs()]
    assert jobs.count(JOB_ID) == 1
    await (
        await fake.slash(world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC")
    ).response()
    harness.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    bot.scheduler.get_job(JOB_ID).modify(next_run_time=datetime.now(UTC))  # no manual tick: the job runs
    await fake.wait_for(lambda: len(round_messages(fake, couple)) == 1, timeout=10)
    await harness.restart()
    assert [job.id for job in harness.running.scheduler.get_jobs()].count(JOB_ID) == 1


async def test_a_burst_posts_every_round_once_before_any_nudge_and_stays_under_the_rate_limit(
    attune: BotHarness, world: Any, couple: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Many couples due in the same minute: recorded and posted in small batches (so the batching
    and the cursor are exercised), every round once, all rounds before any DM nudge, and with
    Discord's global limit enforced not one 429: opening a DM channel is paced like a send.
    Each partner is told exactly once (the rule in bot/services/notifications.py): by DM with
    nudges on, mentioned in the round post with nudges off, mentioned in a reply when a DM fails."""
    import bot.services.checkins as checkins_service
    import cogs.checkins.dispatch as dispatch

    monkeypatch.setattr(checkins_service, "FIRST_DUE_BATCH", 1)  # a small first batch, then larger ones
    monkeypatch.setattr(checkins_service, "DUE_BATCH", 2)
    monkeypatch.setattr(dispatch, "POST_BATCH", 2)
    fake = attune.fake
    people = [fake.add_member(world.guild, f"partner{n}") for n in range(6)]
    pairs = zip(people[::2], people[1::2], strict=True)
    threads = [couple] + [await pair(attune, world, a, b) for a, b in pairs]
    threads.append(await pair(attune, world, world.carol, world.dave))
    for user in (world.alice, *people[::2], world.carol):
        ix = await fake.slash(user, world.general, "checkin schedule", time="10:00", timezone="UTC")
        await ix.response()
    await (await fake.slash(world.carol, world.general, "checkin nudges", enabled=False)).response()
    fake.close_dms(people[1])  # Attune doesn't know yet: the DM fails, a mention replaces it
    await attune.settle()
    partners = (world.alice, world.bob, world.carol, world.dave, *people)
    dms_before = {user.id: len(fake.dm_messages(user)) for user in partners}
    dispatcher = attune.checkin_job
    dispatcher.pacer = Pacer(8)  # paced at 8/s against a limit of 10/s: no headroom for unpaced opens
    fake.rate_limits(enabled=True, global_per_sec=10, per_channel=(5, 5.0))
    first_request = len(fake.requests)

    attune.clock.set(datetime(2026, 3, 2, 10, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await dispatcher.tick()  # a second run finds nothing left to do

    burst = fake.requests[first_request:]
    assert [r.status for r in burst if r.status == 429] == []
    posts = [m for thread in threads for m in round_messages(fake, thread)]
    assert [len(round_messages(fake, thread)) for thread in threads] == [1] * len(threads)
    nudges = [m for user in partners for m in fake.dm_messages(user)[dms_before[user.id] :]]
    assert all("check-in is ready" in m.text() for m in nudges)
    instead = [m for thread in threads for m in fake.messages_in(thread) if m.get("message_reference")]
    thread_posts = [r.json for r in burst if r.method == "POST" and r.status == 200 and "/messages" in r.path]
    mentioned = Counter(user_id for body in thread_posts for user_id in pinged(body))
    told = {
        user.name: mentioned[user.id] + len(fake.dm_messages(user)) - dms_before[user.id] for user in partners
    }
    assert told == {user.name: 1 for user in partners}, "each partner told exactly once"
    assert mentioned == Counter({world.carol.id: 1, people[1].id: 1}), "nudges off; a DM that failed"
    assert len(nudges) == 2 * len(threads) - 2 and len(instead) == 1
    assert max(m.id for m in posts) < min(m.id for m in nudges + instead), "every round went out first"
    statuses = {r["status"] for r in rounds(attune)}
    assert statuses == {"open"} and all(r["nudged"] == 1 for r in rounds(attune))


async def test_a_dispatch_cancelled_by_shutdown_is_not_logged_as_an_error(
    attune: BotHarness, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    """APScheduler cancels a run in flight when the bot closes; that is routine, not an error."""
    dispatcher = attune.checkin_job
    caplog.set_level(logging.INFO, logger="cogs.checkins.dispatch")
    started = asyncio.Event()

    async def slow_tick() -> None:
        started.set()
        await asyncio.sleep(60)

    monkeypatch.setattr(dispatcher, "tick", slow_tick)
    run = asyncio.create_task(dispatcher.run_job())
    await asyncio.wait_for(started.wait(), 5)
    run.cancel()
    await asyncio.wait_for(run, 5)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("resumes on next start" in r.getMessage() for r in caplog.records)


async def test_the_dispatcher_wakes_at_the_due_second_not_up_to_a_second_late(
    attune: BotHarness, world: Any, couple: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next wake is worked out from the exact time: from whole seconds it came up to a
    second after the round was due."""
    fake, dispatcher = attune.fake, attune.checkin_job
    ix = await fake.slash(world.alice, world.general, "checkin schedule", time="10:00", timezone="UTC")
    await ix.response()
    await attune.settle()
    attune.clock.set(datetime(2026, 3, 2, 9, 59, 57, 250_000, tzinfo=UTC))  # 2.75 s before it is due
    asked: list[float] = []
    monkeypatch.setattr(
        dispatcher.job, "run_at", lambda when: asked.append(when.timestamp() - datetime.now(UTC).timestamp())
    )
    await dispatcher._schedule_next_wake()
    assert len(asked) == 1 and abs(asked[0] - 2.75) < 0.2
