"""When a save fails or is refused, the person gets their words back, privately, and is told the truth.

Discord keeps nothing of a submitted form, so a reply that says "nothing was lost" while the words
are gone loses them for good. The disk is filled for real (tests/support/storage.py: SQLite itself
refuses the bot's statement with SQLITE_FULL), then each form that carries what someone wrote is
submitted: the answer must be ephemeral, say it was NOT saved, hold the exact text (or a file of it
when it cannot fit in a message), and the database must hold nothing new.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.storage import fill_the_disk, free_the_disk

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
MESSAGE_MAX = 2000


@dataclass
class Form:
    """A modal someone has open, what they are about to send, and where a save would land."""

    user: Any
    opened: Any
    values: dict[str, Any]
    typed: list[str]
    where: str  # a query whose answer changes when the form is saved
    params: tuple[Any, ...] = field(default_factory=tuple)


async def opened_by(ix: Any) -> Any:
    await ix.response()
    assert ix.modal is not None, ix.text()
    return ix


async def reply_to(ix: Any) -> Any:
    """The one private message that answers a submission (the response, or its first followup)."""
    await ix.response()
    if ix.response_type in (5, 6):
        return (await ix.followups(1))[-1]
    return ix.message


def texts_of(message: Any) -> str:
    """The message's text and every file attached to it."""
    files = "\n".join(data.decode("utf-8") for data in message.files.values())
    return f"{message.text()}\n{files}"


async def round_open(attune: BotHarness, world: Any) -> Any:
    """Alice and Bob, paired, with today's check-in posted in their thread."""
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    await (await fake.slash(world.alice, world.general, "checkin now")).response()
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    return await fake.wait_for_message(
        thread, lambda m: any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())
    )


# -- every form that carries what someone wrote --------------------------------------------------


async def journal_write(attune: BotHarness, world: Any) -> Form:
    opened = await opened_by(await attune.fake.slash(world.alice, world.general, "journal write"))
    title, body = "Tuesday, late", "I felt alone at dinner when the phones came out. I want to say it kindly."
    return Form(
        world.alice,
        opened,
        {"title": title, "body": body, "mood": ["2"]},
        [title, body],
        "SELECT id FROM journal_entries",
    )


async def reflect(attune: BotHarness, world: Any) -> Form:
    await pair(attune, world, world.alice, world.bob)
    opened = await opened_by(await attune.fake.slash(world.alice, world.general, "reflect"))
    body = "Thank you for waiting up for me. I noticed, and it mattered 💛"
    return Form(world.alice, opened, {"body": body}, [body], "SELECT id FROM journal_entries")


async def journal_edit(attune: BotHarness, world: Any) -> Form:
    entry = await attune.running.services.journal.write(
        world.alice.id, title="Before", body="The first draft."
    )
    opened = await opened_by(
        await attune.fake.slash(world.alice, world.general, "journal edit", entry=str(entry.number))
    )
    body = "The second draft, rewritten with care: I was scared, not angry."
    return Form(
        world.alice,
        opened,
        {"body": body, "mood": ["3"]},
        [body],
        "SELECT id, title_sealed, body_sealed, mood, updated_at FROM journal_entries",
    )


async def checkin_answer(attune: BotHarness, world: Any) -> Form:
    posted = await round_open(attune, world)
    opened = await opened_by(await attune.fake.press(world.alice, posted, "Answer"))
    answer = "Lighter after our walk, heavier when we talk about money."
    return Form(
        world.alice, opened, {"mood": ["3"], "answer": answer}, [answer], "SELECT * FROM checkin_answers"
    )


async def personal_answer(attune: BotHarness, world: Any) -> Form:
    fake, dispatcher = attune.fake, attune.checkin_job
    attune.clock.set(datetime(2026, 3, 3, 7, 0, tzinfo=UTC))
    set_up = await fake.slash(world.carol, world.general, "checkin personal set", time="8am", timezone="UTC")
    await set_up.response()
    attune.clock.set(datetime(2026, 3, 3, 8, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    dm = await fake.wait_for_message(fake.dm_channel(world.carol), lambda m: "Write" in str(m.buttons()))
    opened = await opened_by(await fake.press(world.carol, dm, "Write"))
    answer = "Quiet morning. A bit anxious about the call with my sister."
    return Form(
        world.carol,
        opened,
        {"mood": ["3"], "answer": answer},
        [answer],
        "SELECT id FROM journal_entries UNION ALL SELECT status FROM checkin_rounds",
    )


async def exercise_reflection(attune: BotHarness, world: Any) -> Form:
    fake = attune.fake
    [choice, *_] = await fake.autocomplete(
        world.alice, world.general, "exercise start", focused="exercise", exercise="wall"
    )
    started = await fake.slash(world.alice, world.general, "exercise start", exercise=choice["value"])
    await started.response()
    opened = await opened_by(await fake.press(world.alice, started, "Reflect"))
    text = "I go quiet when I feel judged, and then I feel far away from you."
    return Form(world.alice, opened, {"reflection": text}, [text], "SELECT * FROM exercise_reflections")


async def boundary(attune: BotHarness, world: Any) -> Form:
    opened = await opened_by(await attune.fake.slash(world.alice, world.general, "boundary add"))
    what, then = "No phones at dinner, please.", "If they come out, I'll finish my meal in the garden."
    return Form(
        world.alice,
        opened,
        {"boundary": what, "consequence": then},
        [what, then],
        "SELECT id FROM boundaries",
    )


async def checkup(attune: BotHarness, world: Any) -> Form:
    opened = await opened_by(await attune.fake.slash(world.alice, world.general, "progress checkup"))
    picks = {
        "heading": ["drifting"],
        "progress": ["named-feelings", "kept-boundary"],
        "red-flags": ["none"],
        "outcome": ["too-early"],
    }
    labels = [
        "We're drifting further apart",
        "My partner named a feeling out loud",
        "I kept a boundary I had set",
    ]
    return Form(world.alice, opened, picks, labels, "SELECT id FROM progress_checkups")


FORMS: dict[str, Callable[[BotHarness, Any], Awaitable[Form]]] = {
    "journal write": journal_write,
    "reflect": reflect,
    "journal edit": journal_edit,
    "check-in answer": checkin_answer,
    "personal check-in": personal_answer,
    "exercise reflection": exercise_reflection,
    "boundary": boundary,
    "check-up": checkup,
}


@pytest.mark.parametrize("name", list(FORMS))
async def test_a_failed_save_gives_the_words_back_and_says_they_were_not_saved(
    attune: BotHarness, world: Any, name: str
) -> None:
    attune.clock.set(START)
    form = await FORMS[name](attune, world)
    before = query(attune, form.where, *form.params)

    await fill_the_disk(attune)
    submitted = await attune.fake.submit_modal(form.user, form.opened, form.values)
    reply = await reply_to(submitted)
    await free_the_disk(attune)

    text = texts_of(reply)
    assert reply.ephemeral, f"{name}: the words must come back privately"
    assert "NOT saved" in text, text
    assert "was lost" not in text and "Saved" not in text, text
    for typed in form.typed:
        assert typed in text, f"{name}: {typed!r} did not come back"
    assert [tuple(r) for r in query(attune, form.where, *form.params)] == [tuple(r) for r in before]


async def test_after_the_disk_is_freed_the_same_words_save(attune: BotHarness, world: Any) -> None:
    """A refused write leaves the connection usable: nothing is stuck half-way in a transaction."""
    form = await journal_write(attune, world)
    await fill_the_disk(attune)
    refused = await reply_to(await attune.fake.submit_modal(form.user, form.opened, form.values))
    assert "NOT saved" in refused.text()
    await free_the_disk(attune)

    again = await opened_by(await attune.fake.slash(world.alice, world.general, "journal write"))
    saved = await reply_to(await attune.fake.submit_modal(world.alice, again, form.values))
    assert "Saved to your journal" in saved.text()
    [entry] = await attune.running.services.journal.entries(world.alice.id)
    assert entry.body == form.values["body"]


async def test_a_long_text_comes_back_as_a_file_holding_exactly_what_was_typed(
    attune: BotHarness, world: Any
) -> None:
    body = "\n".join(
        f"{n}. Something I have wanted to tell you for a while, ünïcödé and all 🌙" for n in range(45)
    )
    assert 1900 < len(body) <= 4000
    opened = await opened_by(await attune.fake.slash(world.alice, world.general, "journal write"))
    await fill_the_disk(attune)
    reply = await reply_to(
        await attune.fake.submit_modal(world.alice, opened, {"title": "Long", "body": body})
    )
    await free_the_disk(attune)

    assert reply.ephemeral and "NOT saved" in reply.text()
    assert len(reply.content) <= MESSAGE_MAX
    assert body.encode("utf-8") in reply.files.values(), sorted(reply.files)
    assert [a["filename"].endswith(".txt") for a in reply["attachments"]] == [True] * len(reply.files)
    assert query(attune, "SELECT id FROM journal_entries") == []


# -- refusals carry the words back too -----------------------------------------------------------


async def test_a_closed_check_in_refuses_kindly_and_gives_the_answer_back(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    posted = await round_open(attune, world)
    opened = await opened_by(await attune.fake.press(world.alice, posted, "Answer"))
    attune.clock.advance(hours=25)  # the round closes while Alice is still typing
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    answer = "Sorry I'm late. Today was a lot, and I still wanted to answer."
    reply = await reply_to(
        await attune.fake.submit_modal(world.alice, opened, {"mood": ["2"], "answer": answer})
    )
    assert reply.ephemeral and "closed" in reply.text()
    assert answer in reply.text()
    assert query(attune, "SELECT user_id FROM checkin_answers") == []


async def test_an_over_long_answer_is_refused_and_comes_back_whole(attune: BotHarness, world: Any) -> None:
    attune.clock.set(START)
    posted = await round_open(attune, world)
    opened = await opened_by(await attune.fake.press(world.alice, posted, "Answer"))
    answer = ("All the things I didn't get to say this week. " * 60)[:2500]
    reply = await reply_to(
        await attune.fake.submit_modal(world.alice, opened, {"mood": ["3"], "answer": answer})
    )
    assert reply.ephemeral and "long" in reply.text()
    assert answer.encode("utf-8") in reply.files.values()
    assert query(attune, "SELECT user_id FROM checkin_answers") == []


async def test_a_refusal_for_a_missing_mood_gives_the_answer_back(attune: BotHarness, world: Any) -> None:
    attune.clock.set(START)
    posted = await round_open(attune, world)
    opened = await opened_by(await attune.fake.press(world.alice, posted, "Answer"))
    answer = "Tired, but glad we're trying."
    reply = await reply_to(
        await attune.fake.submit_modal(world.alice, opened, {"mood": [], "answer": answer})
    )
    assert reply.ephemeral and "mood" in reply.text() and answer in reply.text()


# -- honest when it cannot know ------------------------------------------------------------------


async def test_a_failure_after_the_words_were_saved_does_not_claim_they_were_lost(
    attune: BotHarness, world: Any
) -> None:
    """The personal answer lands in the journal (and says so); then marking the round answered
    hits the full disk. The follow-up must not say "NOT saved", and still gives the words back."""
    form = await personal_answer(attune, world)
    await fill_the_disk(attune, tables=["checkin_rounds"])
    submitted = await attune.fake.submit_modal(form.user, form.opened, form.values)
    await submitted.response()
    assert "Saved to your private journal" in submitted.text()
    await submitted.followups(1)
    await attune.settle()
    await free_the_disk(attune)
    # The prompt is drawn at random; after "Do I feel safe with my partner?" the safety guidance
    # comes too, so the words given back are looked for among every follow-up.
    [followup] = [m for m in submitted.followup_messages if form.typed[0] in m.text()]

    assert followup.ephemeral and "NOT saved" not in followup.text()
    assert "can't promise" in followup.text()
    assert form.typed[0] in followup.text()
    [entry] = await attune.running.services.journal.entries(world.carol.id)
    assert entry.body == form.typed[0]


# -- slash commands that carry prose -------------------------------------------------------------


async def test_server_support_text_comes_back_when_setup_cannot_save_it(
    attune: BotHarness, world: Any
) -> None:
    support = "Our local helpline: 0800 000 000 (free, 24/7). Our moderators: ask in #support."
    await fill_the_disk(attune)
    ix = await attune.fake.slash(world.mod, world.general, "setup", channel=world.general, resources=support)
    reply = await reply_to(ix)
    await free_the_disk(attune)
    assert reply.ephemeral and "NOT saved" in reply.text() and support in reply.text()
    assert query(attune, "SELECT guild_id FROM guild_settings") == []

    refused = await reply_to(
        await attune.fake.slash(
            world.mod,
            world.general,
            "setup",
            channel=world.general,
            timezone="Mars/Olympus",
            resources=support,
        )
    )
    assert refused.ephemeral and support in refused.text()
    assert query(attune, "SELECT guild_id FROM guild_settings") == []
