"""Progress end to end through the fake Discord: /progress, sharing the chart, the weekly summary,
the heads-up, and a checkup the partner cannot see by any command."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services.charts import HEIGHT_PX, WIDTH_PX, png_size
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


def round_message(fake: Any, thread: Any) -> Any:
    return [
        m
        for m in fake.messages_in(thread)
        if any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())
    ][-1]


async def answer(fake: Any, user: Any, message: Any, mood: str, text: str) -> None:
    ix = await fake.press(user, message, "Answer")
    await ix.response()
    submitted = await fake.submit_modal(user, ix, {"mood": [mood], "answer": text})
    await submitted.response()


async def round_together(attune: BotHarness, world: Any, thread: Any, alice_mood: str, bob_mood: str) -> None:
    fake, dispatcher = attune.fake, attune.checkin_job
    revealed = len(query(attune, "SELECT 1 FROM checkin_rounds WHERE status = 'revealed'"))
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    await attune.settle()  # the check-in is posted before the reply
    await dispatcher.tick()
    message = round_message(fake, thread)
    await answer(fake, world.alice, message, alice_mood, "We walked by the river")
    await answer(fake, world.bob, message, bob_mood, "I felt heard tonight")
    await fake.wait_for(
        lambda: len([m for m in fake.messages_in(thread) if "both answered" in m.content]) > revealed
    )


def chart_of(message: Any) -> bytes:
    assert [a["filename"] for a in message["attachments"]] == ["progress.png"]
    data: bytes = message.files["progress.png"]
    return data


async def test_progress_shows_streaks_and_a_chart_privately(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    for alice_mood, bob_mood in (("4", "5"), ("2", "3"), ("3", "3")):
        await round_together(attune, world, couple, alice_mood, bob_mood)
        attune.clock.advance(days=1)

    in_thread = await fake.slash(world.alice, couple, "progress show", days=30)
    (shown,) = await in_thread.followups()
    assert shown.ephemeral
    text = shown.text()
    assert "Your progress together" in text
    assert "3 check-ins in a row answered together" in text
    assert "3 of 3" not in text, "the same count is not said twice"
    assert "both of your moods" in text
    assert png_size(chart_of(shown)) == (WIDTH_PX, HEIGHT_PX)

    elsewhere = await fake.slash(world.alice, world.general, "progress show")
    (own,) = await elsewhere.followups()
    assert own.ephemeral and "Your progress" in own.text() and "your own moods" in own.text()
    assert png_size(chart_of(own)) == (WIDTH_PX, HEIGHT_PX)

    bad = await fake.slash(world.alice, world.general, "progress show", days=3)
    await bad.response()
    assert bad.ephemeral and "between 7 and 365 days" in bad.text()


async def test_share_posts_the_chart_only_after_the_preview_and_only_for_the_sharer(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    for _ in range(3):  # a chart needs check-ins answered together on three days
        await round_together(attune, world, couple, "3", "4")
        attune.clock.advance(days=1)
    before = len(fake.messages_in(couple))

    preview = await fake.slash(world.alice, world.general, "progress share", days=14)
    (shown,) = await preview.followups()
    assert shown.ephemeral and shown.content == "This is what your partner will see in your thread. Post it?"
    assert png_size(chart_of(shown)) == (WIDTH_PX, HEIGHT_PX)
    assert len(fake.messages_in(couple)) == before, "nothing is posted before Post"

    stranger = await fake.press(world.bob, shown, "Post")
    await stranger.response()
    assert stranger.ephemeral and "isn't yours" in stranger.text()
    assert len(fake.messages_in(couple)) == before

    posted = await fake.press(world.alice, shown, "Post")
    await posted.response()
    message = await fake.wait_for_message(couple, lambda m: "shared how you've both been feeling" in m.text())
    assert png_size(chart_of(message)) == (WIDTH_PX, HEIGHT_PX)
    await fake.wait_for(lambda: "Posted to your thread" in shown.text())
    assert shown.buttons() == [] and shown["attachments"] == [], "the preview is replaced, buttons gone"
    assert query(attune, "SELECT status FROM progress_shares")[0][0] == "posted"

    again = await fake.slash(world.alice, world.general, "progress share")
    (second,) = await again.followups()
    cancelled = await fake.press(world.alice, second, "Cancel")
    await cancelled.response()
    shared = "shared how you've both been feeling"
    assert len([m for m in fake.messages_in(couple) if shared in m.text()]) == 1
    assert [r[0] for r in query(attune, "SELECT status FROM progress_shares ORDER BY id")] == [
        "posted",
        "cancelled",
    ]

    alone = await fake.slash(world.carol, world.general, "progress share")
    await alone.response()
    assert alone.ephemeral and "not paired" in alone.text()


async def test_weekly_summary_arrives_at_its_time_once_with_titles_only(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await attune.progress_job.tick()  # gives the couple its default: Sunday 19:00 (server time, UTC)
    (settings,) = query(
        attune, "SELECT weekday, local_time, timezone, next_due_at FROM progress_summary_settings"
    )
    assert tuple(settings)[:3] == (6, "19:00", "UTC")
    assert settings["next_due_at"] == int(datetime(2026, 3, 8, 19, 0, tzinfo=UTC).timestamp())

    await round_together(attune, world, couple, "4", "4")
    # Bob finished an exercise this week; what he wrote in it must never reach the thread.
    start = await fake.slash(world.bob, world.general, "exercise start", exercise="set-boundaries")
    await start.response()
    run_id = query(attune, "SELECT id FROM exercise_runs WHERE user_id = ?", world.bob.id)[0][0]
    service = bot.services.exercises
    await service.save_reflection(run_id, world.bob.id, 0, "my secret reflection")
    await service.finish(run_id, world.bob.id)
    title = bot.content.exercises["set-boundaries"].title

    def summaries() -> list[Any]:
        return [m for m in fake.messages_in(couple) if "Your week together" in m.text()]

    attune.clock.set(datetime(2026, 3, 8, 18, 59, tzinfo=UTC))
    await attune.progress_job.tick()
    assert summaries() == []

    attune.clock.set(datetime(2026, 3, 8, 19, 0, 20, tzinfo=UTC))
    await attune.progress_job.tick()
    await attune.progress_job.tick()
    (summary,) = summaries()
    text = summary.text()
    assert "1 posted, 1 answered by you both" in text
    assert "1 check-in answered together" in text
    assert "secret reflection" not in text
    assert title not in text, "what one partner did alone is theirs, never set out in the thread"
    assert "Something to talk about" in text
    # No check-up offer rides along: it waits for the couple's first month to be over.
    assert [m for m in fake.dm_messages(world.alice) if "/progress checkup" in m.text()] == []

    await attune.restart()
    await attune.progress_job.tick()
    assert len(summaries()) == 1, "a restart never posts it twice"

    change = await fake.slash(world.bob, world.general, "progress summary", day="wed", time="8pm")
    await change.response()
    assert change.ephemeral and "Wednesdays at 20:00" in change.text()
    await fake.wait_for_message(couple, lambda m: "set your weekly summary" in m.content)
    attune.clock.set(datetime(2026, 3, 11, 20, 0, 10, tzinfo=UTC))
    await attune.progress_job.tick()
    assert len(summaries()) == 2
    assert [m for m in fake.dm_messages(world.alice) if "/progress checkup" in m.text()] == []

    off = await fake.slash(world.alice, world.general, "progress summary", day="off")
    await off.response()
    assert "off" in off.text()
    attune.clock.set(datetime(2026, 3, 18, 20, 0, 10, tzinfo=UTC))
    await attune.progress_job.tick()
    assert len(summaries()) == 2


async def test_one_heads_up_before_the_streak_would_break(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    checkins, progress = attune.checkin_job, attune.progress_job
    await (
        await fake.slash(world.alice, world.general, "checkin schedule", time="09:30", timezone="UTC")
    ).response()

    async def day_round(day: int, both: bool) -> None:
        attune.clock.set(datetime(2026, 3, day, 9, 30, 5, tzinfo=UTC))
        await checkins.tick()
        message = round_message(fake, couple)
        if both:
            await answer(fake, world.alice, message, "4", "Fine")
            await answer(fake, world.bob, message, "4", "Fine")

    await day_round(2, both=True)
    await day_round(3, both=False)  # closes on the 4th: the week's forgiven miss
    await day_round(4, both=True)
    await day_round(5, both=False)  # this one would break the streak
    await progress.tick()

    def heads_ups() -> list[Any]:
        return [m for m in fake.messages_in(couple) if "gentle heads-up" in m.content]

    assert heads_ups() == []
    attune.clock.set(datetime(2026, 3, 6, 7, 0, tzinfo=UTC))  # 2.5 hours before it closes
    await progress.tick()
    await progress.tick()
    assert len(heads_ups()) == 1
    assert "2 together in a row" in heads_ups()[0].content
    await attune.restart()
    await attune.progress_job.tick()
    assert len(heads_ups()) == 1


async def test_a_checkup_is_private_and_its_result_invisible_to_the_partner(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    opened = await fake.slash(world.alice, world.general, "progress checkup")
    await opened.response()
    assert opened.modal is not None
    answers = {
        "heading": ["drifting"],
        "progress": ["named-feelings", "kept-boundary"],
        "red-flags": ["ghosting"],
        "outcome": ["too-early"],
    }
    saved = await fake.submit_modal(world.alice, opened, answers)
    await saved.response()
    assert saved.ephemeral and "Saved, just for you" in saved.text()
    private_labels = ("drifting further apart", "disappeared or ignored me", "named a feeling")

    mine = await fake.slash(world.alice, world.general, "progress checkups")
    await mine.response()
    assert mine.ephemeral and all(label in mine.text() for label in private_labels)

    # Every way Bob could look: his own history, progress in the thread and elsewhere, the thread.
    theirs = await fake.slash(world.bob, world.general, "progress checkups")
    await theirs.response()
    assert "Nothing here yet" in theirs.text()
    seen = [theirs.text()]
    for channel in (couple, world.general):
        ix = await fake.slash(world.bob, channel, "progress show")
        seen += [m.text() for m in await ix.followups()]
    seen += [m.text() for m in fake.messages_in(couple)] + [m.text() for m in fake.dm_messages(world.bob)]
    assert not any(label in text for text in seen for label in private_labels)

    # A red flag two checkups in a row: kindly, privately, the resources.
    again = await fake.slash(world.alice, world.general, "progress checkup")
    await again.response()
    second = await fake.submit_modal(world.alice, again, {**answers, "red-flags": ["lonely"]})
    await second.response()
    followups = await second.followups()
    assert second.ephemeral and "two check-ups in a row" in second.text()
    assert all(m.ephemeral for m in followups)
    assert attune.running.content.safety.feeling_unsafe.split("\n")[0][:40] in "\n".join(
        m.text() for m in followups
    )


async def test_a_checkup_opened_before_a_restart_is_saved_after_it(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    opened = await fake.slash(world.alice, world.general, "progress checkup")
    await opened.response()
    await attune.restart()
    answers = {
        "heading": ["drifting"],
        "progress": ["named-feelings"],
        "red-flags": ["ghosting"],
        "outcome": ["too-early"],
    }
    saved = await fake.submit_modal(world.alice, opened, answers)
    await saved.response()
    assert saved.ephemeral and "Saved, just for you" in saved.text()
    history = await attune.running.services.progress.checkups(world.alice.id)
    assert [record.answers["heading"] for record in history] == [["drifting"]]
