"""/break end to end: a pause previewed privately, then posted in the couple's thread (the partner
told once, with one line on using the time well), steps and a journal for the person who asked,
the return reminder posted once by the real job across restarts (never late beyond the grace), one
extension and no second, ending early, the buttons refusing strangers, bad durations refused
kindly, and the privacy promises: the line sealed at rest, exported, erased with its posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.mentions import pinged
from tests.test_notifications_e2e import Tally, nudges
from tests.test_privacy_authorization import crafted, snapshot, visible
from tests.test_privacy_e2e import export_files

START = datetime(2026, 3, 2, 20, 0, tzinfo=UTC)
PREVIEW = "This is what your partner will see in your thread. Post it?"
ANNOUNCED = "alice is taking a pause to calm down."
RETURN = "The pause is over: time to come back together, whenever you're both ready."
LINE = "I love you. I just need to breathe for a bit"
NOT_YOURS = "This belongs to whoever asked for the break, so it does nothing for you. Nothing was changed."
NOT_OURS = "This is for the two of you in this thread, so it does nothing for you. Nothing was changed."
ONLY_THE_ASKER = "Only the one who asked for this pause can ask for more time. Nothing was changed."


async def ok(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:
        await ix.followups(1)
    return ix


def at(moment: datetime) -> int:
    return int(moment.timestamp())


def breaks(attune: BotHarness) -> list[Any]:
    return query(attune, "SELECT * FROM breaks ORDER BY id")


def reminders(attune: BotHarness, thread: Any) -> list[Any]:
    return [m for m in attune.fake.messages_in(thread) if "attune:break:ready:" in str(m.buttons())]


def reminder_posts(attune: BotHarness, thread: Any) -> list[Any]:
    """Every reminder ever posted, buttons or not (they go once it is answered)."""
    return [m for m in attune.fake.messages_in(thread) if m.content.endswith(RETURN)]


async def start_break(attune: BotHarness, world: Any, user: Any, **options: Any) -> Any:
    return await ok(await attune.fake.slash(user, world.general, "break start", **options))


async def take_break(attune: BotHarness, world: Any, user: Any, **options: Any) -> Any:
    """/break start, then Post: the private reply once it is posted."""
    preview = await start_break(attune, world, user, **options)
    posted = await ok(await attune.fake.press(user, preview, "Post"))
    await attune.settle()
    assert "Posted in" in posted.text(), posted.text()
    return posted


async def tick_at(attune: BotHarness, moment: datetime) -> None:
    attune.clock.set(moment)
    await attune.break_job.tick()
    await attune.settle()


# -- asking for a pause ----------------------------------------------------------------------------


async def test_a_break_is_previewed_then_posted_and_the_partner_is_told_once(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))

    preview = await start_break(attune, world, world.alice, duration="45m", line=LINE)
    back = at(START + timedelta(minutes=45))
    assert preview.ephemeral and preview.content.splitlines()[0] == PREVIEW
    assert "/resources" in preview.content, "a break never pauses safety"
    [note] = preview.embeds
    assert (
        f"alice needs a pause to calm down, and will be back at <t:{back}:t> (<t:{back}:R>)."
        in (note["description"])
    )
    assert LINE in preview.text() and "/resources" in note["footer"]["text"]
    assert [label for label, _, _ in preview.buttons()] == ["Post", "Cancel"]
    assert len(fake.messages_in(thread)) == before, "nothing is posted before Post"
    assert [b["status"] for b in breaks(attune)] == ["preview"]

    stranger = await ok(await fake.press(world.carol, preview, "Post"))
    assert stranger.ephemeral and stranger.text() == NOT_YOURS
    assert len(fake.messages_in(thread)) == before

    await attune.restart()  # the preview outlives the process
    attune.clock.set(START + timedelta(minutes=2))  # Post a little later: the time counts from Post
    tally = Tally(fake, thread, world.alice, world.bob)
    posted = await ok(await fake.press(world.alice, preview, "Post"))
    await attune.settle()
    back = at(START + timedelta(minutes=47))
    [post] = fake.messages_in(thread)[before:]
    assert post.content == ANNOUNCED and LINE in post.text()
    assert f"<t:{back}:t>" in post.text() and "blame" not in post.text()
    assert [pinged(r.json) for r in tally.posts()] == [set()], "Bob is told by DM (nudges on), not pinged too"
    assert tally.told() == {"alice": (0, 0), "bob": (0, 1)}, "the partner once, the one who asked not at all"
    [told] = tally.dms(world.bob)
    assert told.content.startswith(ANNOUNCED) and str(post.id) in told.content
    assert f"They'll be back at <t:{back}:t>" in told.content and "rehearse the argument" in told.content

    # Privately, for the one who asked: ways to settle, why, safety, and their journal.
    text = posted.text()
    assert posted.ephemeral and f"<t:{back}:t>" in text
    for words in ("Slow your breathing", "Move a little", "Notice your body", "flooding", "John Gottman"):
        assert words in text, words
    assert "6 Steps to Becoming an Emotionally Available Partner" in text and "/resources" in text
    assert [label for label, _, _ in posted.buttons()] == ["Write in my journal", "I'm back now"]
    [row] = breaks(attune)
    assert (row["status"], row["return_at"], row["minutes"]) == ("running", back, 45)

    stranger = await ok(await fake.press(world.bob, posted, "Write in my journal"))
    assert stranger.ephemeral and stranger.modal is None
    opened = await ok(await fake.press(world.alice, posted, "Write in my journal"))
    assert opened.modal is not None and opened.modal["custom_id"] == "attune:journal:write"
    await ok(await fake.submit_modal(world.alice, opened, {"body": "My chest was tight; it is easing"}))
    [entry] = await attune.running.services.journal.entries(world.alice.id)
    assert entry.body == "My chest was tight; it is easing"

    # Cancel on another preview posts nothing (Bob's, on the same couple, is refused meanwhile).
    busy = await start_break(attune, world, world.bob)
    assert busy.ephemeral and "Your partner is taking a pause" in busy.text() and busy.buttons() == []


async def test_cancel_posts_nothing_and_the_default_is_thirty_minutes(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))
    preview = await start_break(attune, world, world.alice)
    assert f"<t:{at(START + timedelta(minutes=30))}:t>" in preview.text()
    cancelled = await ok(await fake.press(world.alice, preview, "Cancel"))
    assert "Nothing was posted" in cancelled.text() and cancelled.buttons() == []
    assert len(fake.messages_in(thread)) == before
    assert [b["status"] for b in breaks(attune)] == ["cancelled"]
    posted = await take_break(attune, world, world.alice, duration="1h30")
    assert f"<t:{at(START + timedelta(minutes=90))}:t>" in posted.text()


async def test_one_break_per_couple_even_when_both_previewed_at_once(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    theirs = await start_break(attune, world, world.alice)
    his = await start_break(attune, world, world.bob)
    await ok(await fake.press(world.alice, theirs, "Post"))
    await attune.settle()
    posts = len(fake.messages_in(thread))
    refused = await ok(await fake.press(world.bob, his, "Post"))
    await attune.settle()
    assert refused.ephemeral and "Another break is running" in refused.text()
    assert len(fake.messages_in(thread)) == posts
    assert [b["status"] for b in breaks(attune)] == ["running", "preview"]


# -- the return ------------------------------------------------------------------------------------


async def test_the_return_reminder_is_posted_once_by_the_real_job_after_a_restart(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await take_break(attune, world, world.alice, duration="30m")
    back = START + timedelta(minutes=30)

    await attune.restart()  # a break in progress survives a restart
    await tick_at(attune, back - timedelta(seconds=5))
    assert reminder_posts(attune, thread) == []

    # The time comes while Attune restarts; the scheduler itself runs the job as it starts.
    tally = Tally(fake, thread, world.alice, world.bob)
    attune.clock.set(back + timedelta(seconds=20))
    attune.scheduled_jobs = True
    await attune.restart()
    await fake.wait_for(lambda: reminder_posts(attune, thread), timeout=10)
    await attune.settle()
    await attune.break_job.tick()
    await attune.restart()
    await attune.settle()
    await attune.break_job.tick()
    await attune.settle()
    [reminder] = reminder_posts(attune, thread)
    assert [label for label, _, _ in reminder.buttons()] == [
        "I'm ready to talk",
        "I need a bit longer",
        "Let's pick another time",
    ]
    assert "Start gently" in reminder.text() and "/resources" in reminder.text()
    # Nobody acted: each partner told once, both by DM here (their nudges are on), nobody pinged.
    assert tally.told() == {"alice": (0, 1), "bob": (0, 1)}
    assert all(str(reminder.id) in dm.content for user in (world.alice, world.bob) for dm in tally.dms(user))
    assert [b["status"] for b in breaks(attune)] == ["reminded"]


async def test_a_reminder_posted_but_not_recorded_is_found_not_posted_again(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await take_break(attune, world, world.alice, duration="30m")
    attune.clock.set(START + timedelta(minutes=30, seconds=5))
    service = attune.running.services.breaks

    async def dies(*args: Any) -> bool:
        raise RuntimeError("stopped between posting the reminder and recording it")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(service, "reminded", dies)
        await attune.break_job.tick()
        await attune.settle()
    assert len(reminder_posts(attune, thread)) == 1
    await attune.restart()
    await attune.break_job.tick()
    await attune.settle()
    assert len(reminder_posts(attune, thread)) == 1, "found in the thread, not posted again"
    assert [b["status"] for b in breaks(attune)] == ["reminded"]

    # A reminder claimed by a process that stopped before posting it is posted once by the next.
    await ok(await attune.fake.press(world.bob, reminders(attune, thread)[0], "I'm ready to talk"))
    await take_break(attune, world, world.alice, duration="20m")
    attune.clock.set(START + timedelta(minutes=51))
    assert await attune.running.services.breaks.claim_due(attune.break_job.run_id)  # then it stops
    await attune.restart()
    await attune.break_job.tick()
    await attune.settle()
    await attune.break_job.tick()
    await attune.settle()
    assert len(reminder_posts(attune, thread)) == 2


async def test_a_return_long_past_is_closed_quietly_not_posted_late(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await take_break(attune, world, world.alice, duration="30m")
    await attune.stop()  # away past the return, and past the grace
    posts = len(fake.messages_in(thread))
    dms = {u.id: len(fake.dm_messages(u)) for u in (world.alice, world.bob)}
    attune.clock.set(START + timedelta(hours=3))
    await attune.start()
    await tick_at(attune, START + timedelta(hours=3))
    assert len(fake.messages_in(thread)) == posts and reminder_posts(attune, thread) == []
    assert {u.id: len(fake.dm_messages(u)) for u in (world.alice, world.bob)} == dms, "nobody is told late"
    assert [b["status"] for b in breaks(attune)] == ["missed"]

    # A little late, within the grace, still goes; and a new break can start after a missed one.
    await take_break(attune, world, world.alice, duration="20m")
    await attune.stop()
    await attune.start()
    await tick_at(attune, START + timedelta(hours=3, minutes=45))
    assert len(reminder_posts(attune, thread)) == 1


async def test_a_break_can_be_taken_longer_once_and_a_second_time_is_refused(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await nudges(fake, world, world.bob, False)  # Bob is told in the thread: mentioned
    tally = Tally(fake, thread, world.alice, world.bob)
    await take_break(attune, world, world.alice, duration="20m")
    back = at(START + timedelta(minutes=20))
    [note] = [r.json for r in tally.posts()]
    assert note["content"].startswith(f"<@{world.bob.id}> {ANNOUNCED}\nThey'll be back at <t:{back}:t>")
    assert "rehearse the argument" in note["content"], "his one line, beside his mention"
    assert tally.told() == {"alice": (0, 0), "bob": (1, 0)}
    tally = Tally(fake, thread, world.alice, world.bob)
    await tick_at(attune, START + timedelta(minutes=20, seconds=5))
    [reminder] = reminders(attune, thread)
    assert reminder.content == f"<@{world.bob.id}> {RETURN}"
    assert tally.told() == {"alice": (0, 1), "bob": (1, 0)}

    refused = await ok(await fake.press(world.bob, reminder, "I need a bit longer"))
    assert refused.ephemeral and refused.text() == ONLY_THE_ASKER
    before, seen = snapshot(attune), visible(fake)
    for label in ("I'm ready to talk", "Let's pick another time", "I need a bit longer"):
        stranger = await ok(await fake.press(world.carol, reminder, label))
        assert stranger.ephemeral and stranger.text() in (NOT_OURS, ONLY_THE_ASKER), label
    assert snapshot(attune) == before and visible(fake) == seen, "a stranger changed nothing"

    await attune.restart()
    attune.clock.set(START + timedelta(minutes=21))
    choices = await ok(await fake.press(world.alice, reminder, "I need a bit longer"))
    assert choices.ephemeral and [label for label, _, _ in choices.buttons()] == [
        "20 minutes more",
        "30 minutes more",
        "1 hour more",
    ]
    first_choice = choices.buttons()[0][1]
    tally = Tally(fake, thread, world.alice, world.bob)
    longer = await ok(await fake.press(world.alice, choices, "30 minutes more"))
    await attune.settle()
    back = at(START + timedelta(minutes=51))
    assert f"<t:{back}:t>" in longer.text() and longer.buttons() == []
    assert reminders(attune, thread) == [], "the old reminder's buttons are gone"
    [note] = [r.json for r in tally.posts()]
    assert (
        note["content"]
        == f"<@{world.bob.id}> alice needs a little longer, and will be back at <t:{back}:t> (<t:{back}:R>)."
    )
    assert tally.told() == {"alice": (0, 0), "bob": (1, 0)}
    [row] = breaks(attune)
    assert (row["status"], row["return_at"]) == ("running", back)

    await tick_at(attune, START + timedelta(minutes=51, seconds=5))
    [second] = reminders(attune, thread)
    again = await ok(await fake.press(world.alice, second, "I need a bit longer"))
    assert again.ephemeral and "already taken a little longer once" in again.text()
    again = await ok(
        await fake.press(world.alice, crafted(fake, thread, first_choice, select=False), "Press")
    )
    assert "already taken a little longer once" in again.text()
    assert breaks(attune)[0]["return_at"] == back

    # Either partner may say they're ready: Bob does; Alice is told once, Bob not at all.
    another = second.buttons()[2][1]
    tally = Tally(fake, thread, world.alice, world.bob)
    await ok(await fake.press(world.bob, second, "I'm ready to talk"))
    await attune.settle()
    assert reminders(attune, thread) == []
    assert fake.messages_in(thread)[-1].content == "bob is ready to talk when you are."
    assert tally.told() == {"alice": (0, 1), "bob": (0, 0)}
    assert breaks(attune)[0]["status"] == "ready"
    late = await ok(await fake.press(world.alice, crafted(fake, thread, another, select=False), "Press"))
    assert late.ephemeral and "already moved on" in late.text()


async def test_lets_pick_another_time_records_it_and_suggests_agreeing_one(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await take_break(attune, world, world.alice, duration="20m")
    await tick_at(attune, START + timedelta(minutes=20, seconds=5))
    [reminder] = reminders(attune, thread)
    tally = Tally(fake, thread, world.alice, world.bob)
    await ok(await fake.press(world.alice, reminder, "Let's pick another time"))
    await attune.settle()
    post = fake.messages_in(thread)[-1]
    assert (
        post.content == "alice would like to pick another time to talk." and "Agree on a time" in post.text()
    )
    assert tally.told() == {"alice": (0, 0), "bob": (0, 1)}
    assert breaks(attune)[0]["status"] == "another-time" and reminders(attune, thread) == []


async def test_a_break_can_be_ended_early(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    nothing = await ok(await fake.slash(world.alice, world.general, "break end"))
    assert nothing.ephemeral and "not on a break" in nothing.text()

    posted = await take_break(attune, world, world.alice, duration="2 hours")
    again = await start_break(attune, world, world.alice)
    assert "You're already on a break" in again.text() and "/resources" in again.text()
    assert [label for label, _, _ in again.buttons()] == ["I'm back now", "I need a bit longer"]
    partner = await ok(await fake.slash(world.bob, world.general, "break end"))
    assert "your partner's, so only they can end it" in partner.text()
    assert len(breaks(attune)) == 1, "a second break is never started while one runs"

    tally = Tally(fake, thread, world.alice, world.bob)
    attune.clock.set(START + timedelta(minutes=40))
    ended = await ok(await fake.slash(world.alice, world.general, "break end"))
    await attune.settle()
    assert ended.ephemeral and "Welcome back" in ended.all_messages()[-1].text()
    assert fake.messages_in(thread)[-1].content == "alice is back, and ready when you are."
    assert tally.told() == {"alice": (0, 0), "bob": (0, 1)}
    assert breaks(attune)[0]["status"] == "ended"
    await tick_at(attune, START + timedelta(hours=2, seconds=5))
    assert reminder_posts(attune, thread) == [], "an ended break has no return to remind of"
    stale = await ok(await fake.press(world.alice, posted, "I'm back now"))
    assert stale.ephemeral and "already moved on" in stale.text()

    # The button after posting ends it too, after a restart.
    posted = await take_break(attune, world, world.alice, duration="25m")
    await attune.restart()
    back = await ok(await fake.press(world.alice, posted, "I'm back now"))
    await attune.settle()
    assert "Welcome back" in back.text() and back.buttons() == []
    assert [b["status"] for b in breaks(attune)] == ["ended", "ended"]


# -- refusals --------------------------------------------------------------------------------------


async def test_bad_durations_and_people_without_a_couple_are_refused_kindly(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    for duration, words in (
        ("5m", "at least 20 minutes"),
        ("2", "Did you mean 2 hours? Write 2h."),
        ("25h", "under a day"),
        ("3 days", "I could not read '3 days' as a length of time"),
        ("soon", "like 30m, 45 minutes, 1h30 or 2 hours"),
    ):
        refused = await start_break(attune, world, world.alice, duration=duration)
        assert refused.ephemeral and words in refused.text(), (duration, refused.text())
        assert refused.buttons() == []
    lonely = await start_break(attune, world, world.carol, line="Just me")
    assert lonely.ephemeral and "not paired with anyone here" in lonely.text()
    assert "Just me" in lonely.text(), "their line comes back"
    assert breaks(attune) == [], "a refusal keeps nothing"
    suggested = await fake.autocomplete(
        world.alice, world.general, "break start", focused="duration", duration="1h30"
    )
    assert suggested[0] == {"name": "1 hour 30 minutes", "value": "1h30"}


# -- privacy ---------------------------------------------------------------------------------------


async def test_the_line_is_sealed_exported_and_erased_with_the_posts(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    line = "The lighthouse keeper hums when the harbour is calm"
    await take_break(attune, world, world.alice, duration="20m", line=line)
    note = fake.messages_in(thread)[-1]
    await tick_at(attune, START + timedelta(minutes=20, seconds=5))
    [reminder] = reminders(attune, thread)

    data = attune.settings.database_path
    raw = data.read_bytes() + data.with_name(data.name + "-wal").read_bytes()
    for fragment in (line, "lighthouse", "harbour"):
        assert fragment.lower().encode() not in raw.lower(), fragment
        assert fragment.encode("utf-16-le") not in raw

    await take_break(
        attune, world, world.bob, duration="20m", line="Bob's own line"
    )  # replaces the reminded one
    exported = await ok(await fake.slash(world.alice, world.general, "privacy export"))
    document, markdown = export_files(exported)
    blob = json.dumps(document, ensure_ascii=False)
    assert line in blob and line in markdown and "Bob's own line" not in blob + markdown
    assert "## Breaks you asked for (1)" in markdown and "20 minutes" in markdown

    opened = await ok(await fake.slash(world.alice, world.general, "privacy delete"))
    done = await ok(await fake.submit_modal(world.alice, opened, {"phrase": "delete my data"}))
    await attune.settle()
    assert "erased" in done.text()
    assert query(attune, "SELECT 1 FROM breaks WHERE user_id = ?", world.alice.id) == []
    assert len(query(attune, "SELECT 1 FROM breaks WHERE user_id = ?", world.bob.id)) == 1
    left = [m.id for m in fake.messages_in(thread)]
    assert note.id not in left and reminder.id not in left, "the note and its reminder are taken down"
