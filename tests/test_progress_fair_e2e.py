"""No scorekeeping between partners, and a chart that waits until it has something to say (issue 14,
points 2 and 9), end to end through the fake Discord.

The thread's weekly summary holds only what the couple did together; /progress show holds what they
did together and the viewer's own progress, never the partner's; the mood chart is a kind sentence
until there are moods on three days, then a whole picture."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services.charts import HEIGHT_PX, MIN_DAYS, WIDTH_PX, png_size
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.test_progress_e2e import answer, chart_of, round_message, round_together

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
NAMES = ("alice", "bob")  # the partners' display names in the fake server


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def bob_works_on_his_own(attune: BotHarness, world: Any) -> str:
    """Bob finishes an exercise and writes two journal entries; Alice does neither."""
    fake, bot = attune.fake, attune.running
    start = await fake.slash(world.bob, world.general, "exercise start", exercise="set-boundaries")
    await start.response()
    run_id = query(attune, "SELECT id FROM exercise_runs WHERE user_id = ?", world.bob.id)[0][0]
    await bot.services.exercises.finish(run_id, world.bob.id)
    for body in ("A quiet morning.", "Said what I needed."):
        opened = await fake.slash(world.bob, world.general, "journal write")
        await opened.response()
        saved = await fake.submit_modal(world.bob, opened, {"body": body, "mood": ["4"]})
        await saved.response()
    await attune.settle()
    return bot.content.exercises["set-boundaries"].title


def attachments(message: Any) -> list[Any]:
    return list(message.get("attachments") or [])


def image_of(message: Any) -> Any:
    return [e.get("image") for e in message.get("embeds") or [] if e.get("image")]


async def scheduled_round(
    attune: BotHarness, world: Any, thread: Any, day: int, moods: tuple[str, str]
) -> None:
    """The daily 09:30 check-in of 2026-03-<day>, answered by both (scheduled: /checkin now has a
    cooldown in real seconds, and a week of rounds in a test takes only a few)."""
    dispatcher = attune.checkin_job
    attune.clock.set(datetime(2026, 3, day, 9, 30, 5, tzinfo=UTC))
    await dispatcher.tick()
    await attune.settle()
    message = round_message(attune.fake, thread)
    await answer(attune.fake, world.alice, message, moods[0], "A slow walk")
    await answer(attune.fake, world.bob, message, moods[1], "Dinner together")
    await attune.settle()


async def show(attune: BotHarness, user: Any, channel: Any) -> Any:
    ix = await attune.fake.slash(user, channel, "progress show")
    (shown,) = await ix.followups()
    assert shown.ephemeral
    return shown


async def test_the_weekly_summary_shows_only_what_the_couple_did_together(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await attune.progress_job.tick()  # the couple's default: Sundays at 19:00 (UTC here)
    await round_together(attune, world, couple, "4", "3")
    title = await bob_works_on_his_own(attune, world)

    attune.clock.set(datetime(2026, 3, 8, 19, 0, 20, tzinfo=UTC))
    await attune.progress_job.tick()
    await attune.settle()
    (summary,) = [m for m in fake.messages_in(couple) if "Your week together" in m.text()]
    text = summary.text()
    assert "1 posted, 1 answered by you both" in text
    assert "1 check-in answered together" in text
    assert "`/progress show` shows you yours, privately" in text
    # No partner set against the other: neither name, nor what one of them did alone, nor a nil tally.
    for name in NAMES:
        assert name not in text.lower(), f"{name} named in the shared summary"
    assert title not in text and "finished" not in text.lower() and "Nothing this week" not in text
    counted = [line for line in text.splitlines() if re.search(r"\d", line)]
    assert counted == [
        "Check-ins this week: 1 posted, 1 answered by you both.",
        "Your streak: 1 check-in answered together.",
    ], "the only numbers in the thread are the couple's, together"


async def test_progress_show_holds_the_viewers_own_tally_and_never_the_partners(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    await round_together(attune, world, couple, "4", "4")
    title = await bob_works_on_his_own(attune, world)

    for channel in (couple, world.general):
        alices = (await show(attune, world.alice, channel)).text()
        assert "1 check-in answered together" in alices, "what they did together is hers too"
        assert "1 of 1" not in alices, "the same count is not said twice"
        assert "bob" not in alices.lower(), "the partner is never named beside a tally"
        assert title not in alices, "Bob's exercise is his"
        assert "journal entr" not in alices, "Bob's journal count never reaches Alice"
        assert "Nothing of your own in this time yet" in alices
        assert "No exercises in this time" in alices
        counted = [line for line in alices.splitlines() if re.search(r"\d", line)]
        assert set(counted) - {
            "**Together:** 1 check-in answered together.",
            "In the last 30 days: 1 of 1 check-ins answered by you both.",
        } <= {line for line in counted if "so far" in line}, counted

    bobs = (await show(attune, world.bob, couple)).text()
    assert "alice" not in bobs.lower()
    assert title in bobs and "Journal: 2 entries in the last 30 days" in bobs
    assert "Exercises you finished" in bobs and "your partner never sees this" in bobs
    assert "1 check-in answered together" in bobs, "what they did together is shown to both"


async def test_the_chart_waits_for_three_days_then_shows_whole_days(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    schedule = await fake.slash(world.alice, world.general, "checkin schedule", time="09:30", timezone="UTC")
    await schedule.response()
    await scheduled_round(attune, world, couple, 2, ("3", "4"))

    # Day 1: a kind sentence instead of a nearly empty frame, in the thread and elsewhere.
    together = await show(attune, world.alice, couple)
    assert attachments(together) == [] and image_of(together) == []
    assert (
        f"starts once you've both answered check-ins on {MIN_DAYS} different days (1 so far)"
        in together.text()
    )
    own = await show(attune, world.alice, world.general)
    assert attachments(own) == [] and image_of(own) == []
    assert f"noted a mood on {MIN_DAYS} different days" in own.text() and "(1 so far)" in own.text()

    # Sharing at day 1 offers nothing to post and posts nothing.
    before = len(fake.messages_in(couple))
    ix = await fake.slash(world.alice, world.general, "progress share")
    (early,) = await ix.followups()
    assert early.ephemeral and early.buttons() == [] and attachments(early) == []
    assert "(1 so far)" in early.text() and "Nothing was posted" in early.text()
    assert query(attune, "SELECT id FROM progress_shares") == []
    await attune.settle()
    assert len(fake.messages_in(couple)) == before

    # Day 7: the chart, as a whole picture of the size a phone reads well.
    for day in range(3, 9):
        await scheduled_round(attune, world, couple, day, ("4", "3"))
    week = await show(attune, world.alice, couple)
    assert png_size(chart_of(week)) == (WIDTH_PX, HEIGHT_PX)
    assert [image["url"] for image in image_of(week)] == ["attachment://progress.png"]
    assert "each day's average" in week.text()

    ix = await fake.slash(world.alice, world.general, "progress share")
    (preview,) = await ix.followups()
    assert png_size(chart_of(preview)) == (WIDTH_PX, HEIGHT_PX)
    posted = await fake.press(world.alice, preview, "Post")
    await posted.response()
    message = await fake.wait_for_message(couple, lambda m: "shared how you've both been feeling" in m.text())
    assert png_size(chart_of(message)) == (WIDTH_PX, HEIGHT_PX)
