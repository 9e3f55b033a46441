"""The weekly couple meeting end to end: /meeting, the real job driven by a controllable clock
(once across a restart, a DST change, a missed meeting), the agenda with both partners, ending
early, journal records, strangers, sealing, /privacy export and delete."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.meetings import cards, meetings, open_form, press, shown_words, write
from tests.test_edges_erasure_e2e import erase
from tests.test_privacy_authorization import snapshot, visible
from tests.test_privacy_e2e import export_files, ok

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
SUNDAY = 6


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


def ts(moment: datetime) -> int:
    return int(moment.timestamp())


def thread_text(fake: Any, thread: Any) -> str:
    return "\n".join(m.text() for m in fake.messages_in(thread))


async def reply(attune: BotHarness, ix: Any) -> str:
    """What the person was told, once everything the command set off has settled."""
    await ok(ix)
    await attune.settle()
    return str(ix.followup_messages[-1].text() if ix.followup_messages else ix.text())


async def meeting_now(attune: BotHarness, user: Any, world: Any) -> str:
    return await reply(attune, await attune.fake.slash(user, world.general, "meeting now"))


async def choose_topic(attune: BotHarness, user: Any, world: Any, text: str) -> Any:
    opened = await attune.fake.slash(user, world.general, "meeting topic")
    await opened.response()
    assert opened.modal is not None, opened.text()
    return await ok(await attune.fake.submit_modal(user, opened, {"answer": text}))


def journal_records(attune: BotHarness, user: Any) -> list[Any]:
    return query(attune, "SELECT * FROM journal_entries WHERE user_id = ? AND kind = 'meeting'", user.id)


async def meeting_entries(attune: BotHarness, user: Any) -> list[str]:
    entries = await attune.running.services.journal.entries(user.id)
    return [e.body for e in entries if e.kind == "meeting"]


# -- the schedule --------------------------------------------------------------------------------


async def test_schedule_show_skip_off_and_bad_input(attune: BotHarness, world: Any, couple: Any) -> None:
    fake, job = attune.fake, attune.meeting_job
    assert "don't have a weekly meeting" in await reply(
        attune, await fake.slash(world.alice, world.general, "meeting show")
    )
    for bad in ({"time": "25:00"}, {"time": "9"}, {"time": "19:00", "timezone": "Mars/Base"}):
        ix = await fake.slash(world.alice, world.general, "meeting schedule", day=SUNDAY, **bad)
        await ix.response()
        assert ix.ephemeral and ix.modal is None
    assert query(attune, "SELECT * FROM meeting_schedules") == []

    ix = await fake.slash(
        world.alice, world.general, "meeting schedule", day=SUNDAY, time="7pm", timezone="Europe/Paris"
    )
    assert "Sundays at 19:00 (Europe/Paris)" in await reply(attune, ix) and ix.ephemeral
    line = await fake.wait_for_message(couple, lambda m: "set your couple meeting" in m.content)
    assert (
        line.content.startswith("alice set your couple meeting") and line["mentions"] == []
    )  # both see it, nobody pinged
    shown = await reply(attune, await fake.slash(world.bob, world.general, "meeting show"))
    assert "Sundays at 19:00 (Europe/Paris)" in shown and f"<t:{ts(at(2026, 3, 8, 18, 0))}:f>" in shown

    skipped = await reply(attune, await fake.slash(world.bob, world.general, "meeting skip"))
    assert "will be skipped" in skipped
    assert any("skipped your next couple meeting" in m.content for m in fake.messages_in(couple))
    assert "that one will be skipped" in await reply(
        attune, await fake.slash(world.alice, world.general, "meeting show")
    )
    attune.clock.set(at(2026, 3, 8, 18, 0, 5))  # 19:00 in Paris
    await job.tick()
    assert [r["status"] for r in meetings(attune)] == ["skipped"] and cards(fake, couple) == []

    attune.clock.set(at(2026, 3, 15, 18, 0, 5))
    await job.tick()
    await job.tick()  # a second run never posts twice
    assert [r["status"] for r in meetings(attune)] == ["skipped", "open"] and len(cards(fake, couple)) == 1

    assert "is off" in await reply(attune, await fake.slash(world.alice, world.general, "meeting off"))
    assert any("turned your weekly couple meeting off" in m.content for m in fake.messages_in(couple))
    attune.clock.set(at(2026, 3, 22, 18, 0, 5))
    await job.tick()
    assert len(meetings(attune)) == 2 and len(cards(fake, couple)) == 1
    assert "don't have a weekly meeting" in await reply(
        attune, await fake.slash(world.bob, world.general, "meeting skip")
    )
    stranger = await reply(attune, await fake.slash(world.carol, world.general, "meeting show"))
    assert "not paired" in stranger


async def test_a_scheduled_meeting_is_posted_once_across_a_restart_and_each_partner_told_once(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    ix = await fake.slash(world.alice, world.general, "meeting schedule", day=0, time="10:00", timezone="UTC")
    await reply(attune, ix)
    dms = {user.id: len(fake.dm_messages(user)) for user in (world.alice, world.bob)}
    attune.clock.set(at(2026, 3, 2, 10, 0, 5))
    # The card reaches Discord, but the process dies before recording it.
    repo = bot.services.meetings._repo
    original = repo.mark_posted

    async def killed(*args: Any, **kwargs: Any) -> list[int]:
        raise RuntimeError("killed")

    repo.mark_posted = killed  # type: ignore[method-assign]
    await attune.meeting_job.tick()
    repo.mark_posted = original  # type: ignore[method-assign]
    assert len(cards(fake, couple)) == 1 and meetings(attune)[0]["status"] == "pending"

    await attune.restart()
    attune.clock.advance(minutes=2)  # the try after the crash is due a minute later
    await attune.meeting_job.tick()
    await attune.meeting_job.tick()
    [card] = cards(fake, couple)
    [row] = meetings(attune)
    assert (row["status"], row["message_id"]) == ("open", card.id), "found in the thread, not posted again"
    for user in (world.alice, world.bob):
        told = fake.dm_messages(user)[dms[user.id] :]
        assert len(told) == 1 and "time for your couple meeting" in told[0].text(), user.name
    assert "<@" not in card.content, "told by DM, so the card pings nobody"


async def test_a_meeting_across_a_dst_change_keeps_its_local_time(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, job = attune.fake, attune.meeting_job
    attune.clock.set(at(2026, 3, 21, 12, 0))  # Britain moves its clocks on Sunday 29 March
    ix = await fake.slash(
        world.bob, world.general, "meeting schedule", day=SUNDAY, time="19:00", timezone="Europe/London"
    )
    await reply(attune, ix)
    attune.clock.set(at(2026, 3, 22, 19, 0, 5))  # 19:00 GMT
    await job.tick()
    await press(fake, world.alice, cards(fake, couple)[-1], "End meeting")
    attune.clock.set(at(2026, 3, 29, 17, 59))
    await job.tick()
    assert len(meetings(attune)) == 1, "19:00 GMT would be too early: it is 18:59 BST"
    attune.clock.set(at(2026, 3, 29, 18, 0, 5))  # 19:00 BST
    await job.tick()
    assert [r["due_at"] for r in meetings(attune)] == [ts(at(2026, 3, 22, 19, 0)), ts(at(2026, 3, 29, 18, 0))]
    assert len(cards(fake, couple)) == 2
    [schedule] = query(attune, "SELECT next_due_at FROM meeting_schedules")
    assert schedule["next_due_at"] == ts(at(2026, 4, 5, 18, 0))


async def test_a_meeting_missed_beyond_the_grace_is_not_posted_late(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await reply(
        attune,
        await fake.slash(world.alice, world.general, "meeting schedule", day=0, time="10:00", timezone="UTC"),
    )
    await attune.stop()
    attune.clock.set(at(2026, 3, 2, 13, 0))  # three hours late: the grace is two
    await attune.start()
    await attune.meeting_job.tick()
    assert [(r["status"], r["missed_reason"]) for r in meetings(attune)] == [("missed", "downtime")]
    assert cards(fake, couple) == []
    [schedule] = query(attune, "SELECT next_due_at FROM meeting_schedules")
    assert schedule["next_due_at"] == ts(at(2026, 3, 9, 10, 0))

    await attune.stop()
    attune.clock.set(at(2026, 3, 9, 11, 0))  # an hour late: within the grace
    await attune.start()
    await attune.meeting_job.tick()
    assert [r["status"] for r in meetings(attune)] == ["missed", "open"] and len(cards(fake, couple)) == 1


async def test_a_paused_couple_gets_no_meeting(attune: BotHarness, world: Any, couple: Any) -> None:
    fake = attune.fake
    await reply(
        attune,
        await fake.slash(world.alice, world.general, "meeting schedule", day=0, time="10:00", timezone="UTC"),
    )
    await fake.remove_member(world.guild, world.bob)
    await attune.settle()
    attune.clock.set(at(2026, 3, 2, 10, 0, 5))
    await attune.meeting_job.tick()
    assert meetings(attune) == [] and cards(fake, couple) == []


# -- the agenda ----------------------------------------------------------------------------------


async def test_the_full_agenda_reveals_each_step_only_once_both_have_written(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    topic_a, topic_b = "ALICE-TOPIC: money and the summer trip", "BOB-TOPIC: more evenings just us"
    thanks_a, thanks_b = "ALICE-THANKS: you cooked when I was tired", "BOB-THANKS: you listened on Sunday"
    went_a = "ALICE-WENT: we laughed at breakfast"
    week_a, week_b = "ALICE-WEEK: a walk on Saturday", "BOB-WEEK: phones away at dinner"
    ahead = await choose_topic(attune, alice, world, topic_a)
    assert "for your next meeting" in ahead.text() and ahead.ephemeral

    dms = {user.id: len(fake.dm_messages(user)) for user in (alice, bob)}
    assert "in your thread now" in await meeting_now(attune, bob, world)
    assert len(fake.dm_messages(bob)) == dms[bob.id], "whoever ran /meeting now is told nothing"
    assert len(fake.dm_messages(alice)) == dms[alice.id] + 1
    already = await reply(attune, await fake.slash(alice, world.general, "meeting now"))
    assert "already open" in already and len(cards(fake, couple)) == 1

    # 1. Appreciations: nothing shows until both have written; a form open across a restart saves.
    saved = await write(fake, alice, cards(fake, couple)[-1], thanks_a)
    assert "Saved, privately" in saved.text()
    assert thanks_a not in thread_text(fake, couple) and shown_words(fake, couple) == []
    card = cards(fake, couple)[-1]
    assert "✅ alice" in card.text() and "⏳ bob" in card.text()
    form = await open_form(fake, bob, card)
    await attune.restart()
    done = await ok(await fake.submit_modal(bob, form, {"answer": thanks_b}))
    assert "in your thread now" in done.followup_messages[-1].text()
    await attune.settle()
    assert shown_words(fake, couple) == [thanks_a, thanks_b]
    assert len(fake.dm_messages(alice)) == dms[alice.id] + 2 and len(fake.dm_messages(bob)) == dms[bob.id]
    assert "Write" not in [label for label, _, _ in cards(fake, couple)[-1].buttons()]

    # 2. What went well: alice writes, bob moves on; her words stay hers.
    await press(fake, bob, cards(fake, couple)[-1], "Next step")
    await write(fake, alice, cards(fake, couple)[-1], went_a)
    await press(fake, alice, cards(fake, couple)[-1], "Next step")
    assert went_a not in thread_text(fake, couple)

    # 3. One thing to talk about: alice's, chosen ahead, is waiting; bob adds his; both revealed.
    card = cards(fake, couple)[-1]
    assert "✅ alice" in card.text() and "Show the topic" in [b[0] for b in card.buttons()]
    assert topic_a not in thread_text(fake, couple)
    added = await choose_topic(attune, bob, world, topic_b)
    assert "in your thread now" in added.followup_messages[-1].text()
    await attune.settle()
    assert shown_words(fake, couple)[-2:] == [topic_a, topic_b]

    # 4. The week ahead, then the meeting ends by itself: both finished.
    await press(fake, alice, cards(fake, couple)[-1], "Next step")
    assert [b[0] for b in cards(fake, couple)[-1].buttons()] == ["Write", "Finish"]
    await write(fake, bob, cards(fake, couple)[-1], week_b)
    await write(fake, alice, cards(fake, couple)[-1], week_a)
    await attune.settle()
    assert shown_words(fake, couple)[-2:] == [week_a, week_b]
    card = cards(fake, couple)[-1]
    assert card.buttons() == [] and "That's your meeting" in card.text()
    assert [(r["status"], r["end_reason"]) for r in meetings(attune)] == [("ended", "finished")]

    # Each partner's own words go to their own journal, once; never the other's.
    [alices] = await meeting_entries(attune, alice)
    [bobs] = await meeting_entries(attune, bob)
    for words in (thanks_a, went_a, topic_a, week_a):
        assert words in alices and words not in bobs
    for words in (thanks_b, topic_b, week_b):
        assert words in bobs and words not in alices
    assert "kept private" in alices.split(went_a)[0].rsplit("**", 2)[-1], "the unshared step says so"
    await attune.meeting_job.tick()
    assert len(journal_records(attune, alice)) == len(journal_records(attune, bob)) == 1


async def test_either_partner_can_end_early_and_strangers_change_nothing(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    await meeting_now(attune, alice, world)
    thanks = "ALICE-EARLY: the note you left on the fridge"
    await write(fake, alice, cards(fake, couple)[-1], thanks)
    alice_form = await open_form(fake, alice, cards(fake, couple)[-1])

    before, seen = snapshot(attune), visible(fake)
    card = cards(fake, couple)[-1]
    for label in ("Write", "Next step", "End meeting"):
        ix = await fake.press(world.carol, card, label)
        await ix.response()
        assert ix.ephemeral and ix.modal is None and "someone else" in ix.text(), label
    forged = await fake.submit_modal(world.carol, alice_form, {"answer": "forged words"})
    await forged.response()
    assert forged.ephemeral and "forged words" in forged.text(), (
        "refused, and the words go back to who typed them"
    )
    assert snapshot(attune) == before and visible(fake) == seen, "a stranger changed something"

    await press(fake, bob, card, "End meeting")
    await attune.settle()
    card = cards(fake, couple)[-1]
    assert card.buttons() == [] and "ended early" in card.text()
    assert [(r["status"], r["end_reason"]) for r in meetings(attune)] == [("ended", "ended")]
    [record] = await meeting_entries(attune, alice)
    assert thanks in record and "kept private" in record
    assert await meeting_entries(attune, bob) == [], "bob wrote nothing, so he has no record"
    assert thanks not in thread_text(fake, couple)

    late = await ok(await fake.submit_modal(alice, alice_form, {"answer": "ALICE-LATE: one more thing"}))
    assert "ALICE-LATE" in late.text() and "moved past" in late.text()
    assert "ALICE-LATE" not in thread_text(fake, couple)


# -- privacy -------------------------------------------------------------------------------------


async def test_what_partners_write_is_never_in_the_database_file(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await choose_topic(attune, world.bob, world, "BOB-SEALED-TOPIC: the spare room")
    await meeting_now(attune, world.alice, world)
    await write(fake, world.alice, cards(fake, couple)[-1], "ALICE-SEALED-THANKS: the flowers")
    await choose_topic(attune, world.alice, world, "ALICE-SEALED-AHEAD: visiting your sister")
    data = attune.settings.database_path
    raw = data.read_bytes() + data.with_name(data.name + "-wal").read_bytes()
    assert query(attune, "SELECT count(*) FROM meeting_answers")[0][0] == 3  # the topic moved in; alice's too
    for words in ("BOB-SEALED-TOPIC", "ALICE-SEALED-THANKS", "ALICE-SEALED-AHEAD", "spare room", "flowers"):
        assert words.encode() not in raw and words.encode("utf-16-le") not in raw, words
    for row in query(
        attune, "SELECT body_sealed FROM meeting_answers UNION ALL SELECT body_sealed FROM meeting_topics"
    ):
        assert isinstance(row[0], bytes)


async def test_export_holds_ones_own_meeting_words_and_delete_takes_them_down(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    mine = ["ALICE-EXPORT-TOPIC: where we spend Christmas", "ALICE-EXPORT-THANKS: you fixed my bike"]
    theirs = "BOB-EXPORT-THANKS: you made me laugh all week"
    await choose_topic(attune, alice, world, mine[0])
    await meeting_now(attune, alice, world)
    await write(fake, alice, cards(fake, couple)[-1], mine[1])
    await write(fake, bob, cards(fake, couple)[-1], theirs)
    await press(fake, alice, cards(fake, couple)[-1], "End meeting")
    mine.append("ALICE-EXPORT-NEXT: a weekend away")
    await choose_topic(attune, alice, world, mine[2])
    await attune.settle()

    data, markdown = export_files(await ok(await fake.slash(alice, world.general, "privacy export")))
    blob = json.dumps(data, ensure_ascii=False)
    for words in mine:
        assert words in blob and words in markdown, words
    assert theirs not in blob and theirs not in markdown, "the partner's words are theirs"
    assert (
        "What you wrote in your couple meetings" in markdown
        and "Appreciations (shown to your partner)" in markdown
    )
    assert [row["body"] for row in data["other"]["meeting_topics"]] == [mine[2]]

    assert "Done" in await erase(attune, alice, world.general)
    await attune.settle()
    for table in ("meeting_answers", "meeting_topics"):
        assert query(attune, f"SELECT 1 FROM {table} WHERE user_id = ?", alice.id) == [], table
    assert journal_records(attune, alice) == [] and len(journal_records(attune, bob)) == 1
    text = thread_text(fake, couple)
    assert mine[1] not in text, "her revealed words are taken down"
    assert theirs in text, "the partner's side stays"
    assert shown_words(fake, couple) == [theirs]


async def test_an_erasure_while_a_step_is_being_revealed_never_leaves_the_erased_words_up(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    await meeting_now(attune, alice, world)
    await write(fake, alice, cards(fake, couple)[-1], "ALICE-GONE: a hard week")
    form = await open_form(fake, bob, cards(fake, couple)[-1])
    lead = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    submitted = await fake.submit_modal(bob, form, {"answer": "BOB-STAYS: proud of us"})
    await lead.reached()  # the reveal is on its way: its lead line first
    words = fake.hold("POST", rf"^/channels/{couple.id}/messages$")
    lead.release()
    await words.reached()  # alice's words, read a moment ago, are in flight
    assert "Done" in await erase(attune, alice, world.general)
    words.release()
    await submitted.response()
    await attune.settle()
    text = thread_text(fake, couple)
    assert "ALICE-GONE" not in text, "posted after the erase, so taken down at once"
    assert shown_words(fake, couple) == ["BOB-STAYS: proud of us"]
    assert query(attune, "SELECT 1 FROM posted_messages WHERE user_id = ?", alice.id) == []
    assert query(attune, "SELECT status FROM meeting_steps")[0][0] == "revealed"


async def test_a_meeting_closes_after_its_day_and_keeps_the_records(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await meeting_now(attune, world.bob, world)
    await write(fake, world.bob, cards(fake, couple)[-1], "BOB-CLOSED: thank you for Friday")
    attune.clock.advance(hours=24, seconds=1)
    await attune.meeting_job.tick()
    assert [(r["status"], r["end_reason"]) for r in meetings(attune)] == [("ended", "timeout")]
    card = cards(fake, couple)[-1]
    assert card.buttons() == [] and "has closed" in card.text()
    [record] = await meeting_entries(attune, world.bob)
    assert "BOB-CLOSED" in record
    attune.clock.advance(hours=1)
    await attune.meeting_job.tick()
    assert len(journal_records(attune, world.bob)) == 1


async def test_empty_or_too_long_words_are_refused_given_back_and_nothing_saved(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    await meeting_now(attune, world.alice, world)
    long = "ALICE-LONG " + "so much to say " * 60  # over the 800 a step takes
    for text, why in ((" ", "empty"), (long, "a little long")):
        form = await open_form(fake, world.alice, cards(fake, couple)[-1])
        refused = await ok(await fake.submit_modal(world.alice, form, {"answer": text}))
        assert refused.ephemeral and why in refused.text()
        if text.strip():
            assert text in refused.text() or text.encode() in refused.message.files.values()
    assert query(attune, "SELECT count(*) FROM meeting_answers")[0][0] == 0


async def test_a_topic_chosen_by_one_partner_can_be_shown_and_topics_chosen_by_both_show_at_once(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, alice, bob = attune.fake, world.alice, world.bob
    await choose_topic(attune, alice, world, "ALICE-ONLY-TOPIC: how we split the chores")
    await meeting_now(attune, alice, world)
    for _ in range(2):
        await press(fake, bob, cards(fake, couple)[-1], "Next step")
    assert "ALICE-ONLY-TOPIC" not in thread_text(fake, couple)
    dms = {user.id: len(fake.dm_messages(user)) for user in (alice, bob)}
    await press(fake, bob, cards(fake, couple)[-1], "Show the topic")
    assert shown_words(fake, couple) == ["ALICE-ONLY-TOPIC: how we split the chores"]
    assert len(fake.dm_messages(alice)) == dms[alice.id] + 1, "her words are shown: she is told"
    assert len(fake.dm_messages(bob)) == dms[bob.id], "he showed it: he is told nothing"
    assert [b[0] for b in cards(fake, couple)[-1].buttons()] == ["Next step", "End meeting"]
    await press(fake, alice, cards(fake, couple)[-1], "End meeting")

    attune.clock.advance(minutes=5)  # one meeting per couple and moment
    await choose_topic(attune, alice, world, "ALICE-BOTH: the garden")
    await choose_topic(attune, bob, world, "BOB-BOTH: your new job")
    await meeting_now(attune, bob, world)
    for _ in range(2):
        await press(fake, alice, cards(fake, couple)[-1], "Next step")
    assert shown_words(fake, couple)[-2:] == ["ALICE-BOTH: the garden", "BOB-BOTH: your new job"]


async def test_a_crash_mid_reveal_does_not_post_the_lead_twice(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake, bot = attune.fake, attune.running
    await meeting_now(attune, world.alice, world)
    await write(fake, world.alice, cards(fake, couple)[-1], "ALICE-CRASH: thank you for the letter")
    repo = bot.services.meetings._repo
    original = repo.record_lead

    async def killed(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("killed")

    repo.record_lead = killed  # type: ignore[method-assign]
    later = await write(fake, world.bob, cards(fake, couple)[-1], "BOB-CRASH: thank you for the tea")
    repo.record_lead = original  # type: ignore[method-assign]
    assert "couldn't post your words" in later.text()
    leads = [m for m in fake.messages_in(couple) if "Appreciations first" in m.content]
    assert len(leads) == 1 and shown_words(fake, couple) == []

    await attune.restart()
    attune.clock.advance(minutes=2)
    await attune.meeting_job.tick()
    await attune.meeting_job.tick()
    leads = [m for m in fake.messages_in(couple) if "Appreciations first" in m.content]
    assert len(leads) == 1, "the lead posted before the crash was found, not posted again"
    assert shown_words(fake, couple) == [
        "ALICE-CRASH: thank you for the letter",
        "BOB-CRASH: thank you for the tea",
    ]
    assert query(attune, "SELECT status, lead_message_id FROM meeting_steps")[0][:] == (
        "revealed",
        leads[0].id,
    )
