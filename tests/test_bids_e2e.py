"""Noticing bids for connection end to end: notes of each kind, kept private, a week's view that
counts only what the person noticed or turned toward, one note shared after a preview, bad input
refused kindly, nothing in the clear, and everything in /privacy export and gone after delete."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from bot.content import Track, load_content
from bot.services.bids import BID_LINE_MAX, WEEK_SHOWN
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
PREVIEW = "This is what your partner will see in your thread. Post it?"
SHARED_LINE = "You showed me the heron by the canal and I put my phone down"


async def ok(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:
        await ix.followups(1)
    return ix


async def note(attune: BotHarness, world: Any, user: Any, kind: str, line: str | None = None) -> Any:
    options: dict[str, str] = {"kind": kind}
    if line is not None:
        options["line"] = line
    return await ok(await attune.fake.slash(user, world.general, "bid note", **options))


async def week(attune: BotHarness, world: Any, user: Any) -> str:
    ix = await ok(await attune.fake.slash(user, world.general, "bid week"))
    assert ix.ephemeral
    return "\n".join(m.text() for m in ix.all_messages())


def rows(attune: BotHarness, user: Any) -> list[Any]:
    return query(attune, "SELECT * FROM bids WHERE user_id = ? ORDER BY id", user.id)


async def test_each_kind_is_noted_privately_and_the_week_counts_only_your_noticing(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    alice, bob = world.alice, world.bob
    thread = await pair(attune, world, alice, bob)
    posts = len(attune.fake.messages_in(thread))
    dms = len(attune.fake.dm_messages(bob))

    noticed = await note(attune, world, alice, "noticed", "Bob hummed our song while cooking")
    assert noticed.ephemeral
    assert "Noted, just for you" in noticed.text() and "I noticed one" in noticed.text()
    assert "Bob hummed our song" in noticed.text()
    made = await note(attune, world, alice, "made")  # the line is optional
    assert made.ephemeral and "I made one" in made.text()
    await note(attune, world, alice, "missed", "He asked about my day and I kept scrolling")
    await note(attune, world, alice, "turned-toward", "I stopped to look at his photo")
    await note(attune, world, alice, "noticed", "A hand on my shoulder at the sink")
    kinds = [r["kind"] for r in rows(attune, alice)]
    assert kinds == ["noticed", "made", "missed", "turned-toward", "noticed"]
    # Bob's own notes: a miss of his is his alone, never shown or counted to Alice.
    await note(attune, world, bob, "missed", "Bob's own miss: the text I never answered")
    await note(attune, world, bob, "noticed", "Bob noticed the coffee she made him")

    seen = await week(attune, world, alice)
    for text in ("Bob hummed our song", "kept scrolling", "look at his photo", "hand on my shoulder"):
        assert text in seen
    assert "You noticed **2 bids** and turned toward **1 bid**." in seen
    assert "never counted" in seen, "a miss is listed, never tallied"
    assert "Bob's own miss" not in seen and "coffee she made" not in seen
    assert "Only you see this" in seen

    theirs = await week(attune, world, bob)
    assert "You noticed **1 bid** and turned toward **0 bids**." in theirs
    assert "Bob hummed" not in theirs and "kept scrolling" not in theirs

    # Nothing reached the thread or the partner: notes are private.
    assert len(attune.fake.messages_in(thread)) == posts
    assert len(attune.fake.dm_messages(bob)) == dms

    # The week is the last seven days: older notes leave the view (and the count), never the export.
    attune.clock.advance(days=8)
    await note(attune, world, alice, "turned-toward", "Asked how the interview went, and listened")
    later = await week(attune, world, alice)
    assert "You noticed **0 bids** and turned toward **1 bid**." in later
    assert "Bob hummed" not in later and "listened" in later
    assert len(rows(attune, alice)) == 6

    # It all survives a restart.
    await attune.restart()
    assert "listened" in await week(attune, world, alice)


async def test_a_busy_week_lists_the_newest_and_still_counts_every_one(
    attune: BotHarness, world: Any
) -> None:
    bids = attune.running.services.bids
    for n in range(WEEK_SHOWN + 2):
        await bids.note(world.alice.id, "noticed" if n % 2 else "turned-toward", f"moment {n}")
        attune.clock.advance(minutes=1)
    seen = await week(attune, world, world.alice)
    assert (
        f"You noticed **{(WEEK_SHOWN + 2) // 2} bids** and turned toward **{(WEEK_SHOWN + 2) // 2} bids**."
        in seen
    )
    assert f"Showing your newest {WEEK_SHOWN}" in seen
    listed = {int(n) for n in re.findall(r"moment (\d+)", seen)}
    assert listed == set(range(2, WEEK_SHOWN + 2)), "the newest ones, the two oldest left out"


async def test_a_week_with_no_notes_says_how_to_start(attune: BotHarness, world: Any) -> None:
    seen = await week(attune, world, world.dave)
    assert "No bids noted in the last 7 days" in seen and "/bid note" in seen
    assert "small reach for attention, interest, affection or support" in seen
    assert "“Notice the bids, turn toward them” (`/exercise start`)" in seen


async def test_one_note_is_shared_after_a_preview_across_a_restart(attune: BotHarness, world: Any) -> None:
    attune.clock.set(START)
    fake, alice, bob = attune.fake, world.alice, world.bob
    thread = await pair(attune, world, alice, bob)
    await note(attune, world, alice, "turned-toward", SHARED_LINE)
    await note(attune, world, alice, "missed", "The one I keep to myself")
    before = len(fake.messages_in(thread))
    bob_dms = len(fake.dm_messages(bob))

    choices = await fake.autocomplete(alice, world.general, "bid share", focused="note", note="heron")
    assert len(choices) == 1 and "I turned toward one · Mon 2 Mar" in choices[0]["name"]
    assert await fake.autocomplete(bob, world.general, "bid share", focused="note", note="") == []
    preview = await ok(await fake.slash(alice, world.general, "bid share", note=choices[0]["value"]))
    assert preview.ephemeral and PREVIEW in preview.text()
    assert SHARED_LINE in preview.text() and "A bid I turned toward" in preview.text()
    assert len(fake.messages_in(thread)) == before, "nothing is posted before Post"

    # A stranger's presses change nothing; neither does the partner's.
    for someone in (world.carol, bob):
        for label in ("Post", "Cancel"):
            pressed = await ok(await fake.press(someone, preview, label))
            assert pressed.ephemeral and "couldn't find that note" in pressed.text()
    assert PREVIEW in preview.text()
    assert query(attune, "SELECT shared_at FROM bids WHERE user_id = ?", alice.id)[0][0] is None

    await attune.restart()  # the preview's buttons outlive the process
    await ok(await fake.press(alice, preview, "Post"))
    shared = await fake.wait_for_message(thread, lambda m: SHARED_LINE in m.text())
    assert "Posted in" in preview.text()
    assert shared["embeds"][0]["author"]["name"] == "alice"
    assert "The one I keep to myself" not in shared.text()
    assert not any(ch.isdigit() for ch in shared["embeds"][0]["title"]), "a shared note carries no count"
    assert len(fake.messages_in(thread)) == before + 1
    await attune.settle()
    told = fake.dm_messages(bob)[bob_dms:]
    assert len(told) == 1 and "alice shared a moment of connection with you." in told[0].text()

    assert preview.buttons() == [], "no second Post to press"
    assert "(shared)" in await week(attune, world, alice)

    # Cancel on a fresh preview posts nothing.
    [missed] = await fake.autocomplete(alice, world.general, "bid share", focused="note", note="myself")
    second = await ok(await fake.slash(alice, world.general, "bid share", note=missed["value"]))
    cancelled = await ok(await fake.press(alice, second, "Cancel"))
    assert "Nothing was posted" in cancelled.text()
    assert len(fake.messages_in(thread)) == before + 1


async def test_someone_elses_note_behaves_like_one_that_does_not_exist(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    await note(attune, world, world.alice, "noticed", "Alice's private noticing")
    alice_id = str(rows(attune, world.alice)[0]["id"])
    answers = []
    for value in (alice_id, "987654", "not a number"):
        ix = await ok(await attune.fake.slash(world.bob, world.general, "bid share", note=value))
        assert ix.ephemeral and "Alice's private" not in ix.text()
        answers.append(ix.text())
    assert len(set(answers)) == 1, "someone else's id answers exactly like a missing one"


async def test_sharing_without_a_partner_is_refused_kindly(attune: BotHarness, world: Any) -> None:
    await note(attune, world, world.dave, "made", "Dave's note")
    own = str(rows(attune, world.dave)[0]["id"])
    ix = await ok(await attune.fake.slash(world.dave, world.general, "bid share", note=own))
    assert ix.ephemeral and "not paired" in ix.text()


async def test_bad_input_is_refused_kindly_and_the_line_comes_back(attune: BotHarness, world: Any) -> None:
    long = "He reached for me in the hallway " * 10
    assert len(long) > BID_LINE_MAX
    refused = await note(attune, world, world.alice, "noticed", long)
    assert refused.ephemeral
    assert f"under {BID_LINE_MAX} characters" in refused.text() and "Nothing was saved" in refused.text()
    assert long.strip() in refused.text(), "the line comes back whole"
    crafted = await note(attune, world, world.alice, "ignored-on-purpose", "A line with a made-up kind")
    assert crafted.ephemeral and "pick what happened from the list" in crafted.text()
    assert "made-up kind" in crafted.text()
    assert rows(attune, world.alice) == []
    # Spaces alone are no line at all; a line right at the limit is kept.
    await note(attune, world, world.alice, "made", "   ")
    await note(attune, world, world.alice, "made", "x" * BID_LINE_MAX)
    assert len(rows(attune, world.alice)) == 2


async def test_the_line_is_never_in_the_database_file_in_the_clear(attune: BotHarness, world: Any) -> None:
    secret = "Noticed the lantern-maker's whistle at dusk"
    await note(attune, world, world.alice, "noticed", secret)
    [row] = rows(attune, world.alice)
    assert b"lantern" not in bytes(row["line_sealed"])
    data = attune.settings.database_path
    raw = data.read_bytes() + data.with_name(data.name + "-wal").read_bytes()
    assert b"lantern" not in raw.lower() and "lantern".encode("utf-16-le") not in raw.lower()
    assert b"whistle at dusk" not in raw


async def test_export_holds_the_notes_and_delete_erases_them_and_the_post(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    fake, alice, bob = attune.fake, world.alice, world.bob
    thread = await pair(attune, world, alice, bob)
    await note(attune, world, alice, "turned-toward", SHARED_LINE)
    await note(attune, world, alice, "made")
    await note(attune, world, bob, "noticed", "Bob's note stays Bob's")
    [choice] = await fake.autocomplete(alice, world.general, "bid share", focused="note", note="heron")
    preview = await ok(await fake.slash(alice, world.general, "bid share", note=choice["value"]))
    await ok(await fake.press(alice, preview, "Post"))
    await fake.wait_for_message(thread, lambda m: SHARED_LINE in m.text())

    exported = await ok(await fake.slash(alice, world.general, "privacy export"))
    names = [a["filename"] for a in exported.message["attachments"]]
    data = json.loads(exported.message.files[next(n for n in names if n.endswith(".json"))].decode())
    markdown = exported.message.files[next(n for n in names if n.endswith(".md"))].decode()
    bids = data["other"]["bids"]
    assert [(b["kind"], b["line"]) for b in bids] == [("turned-toward", SHARED_LINE), ("made", "")]
    assert "Bob's note" not in json.dumps(data) and "Bob's note" not in markdown
    assert "## Bids for connection you noted (2)" in markdown
    assert f"I turned toward one: {SHARED_LINE}" in markdown and "shared with your partner" in markdown

    opened = await fake.slash(alice, world.general, "privacy delete")
    await opened.response()
    done = await ok(await fake.submit_modal(alice, opened, {"phrase": "delete my data"}))
    assert "erased" in done.text()
    assert rows(attune, alice) == []
    assert len(rows(attune, bob)) == 1, "the partner's notes are theirs"
    await attune.settle()
    assert not any(SHARED_LINE in m.text() for m in fake.messages_in(thread)), "the shared post is taken down"


def test_the_exercise_teaches_bids_on_the_together_track() -> None:
    exercise = load_content().exercise("turning-toward")
    assert exercise is not None and exercise.track is Track.TOGETHER
    text = " ".join(f"{s.title} {s.body} {s.question or ''}" for s in exercise.steps)
    assert "John Gottman" in text
    taught = ("interest, affection or support", "Turning toward", "Turning away", "Turning against")
    assert all(words in text for words in taught)
    assert "/bid note" in text and "never a tally of your partner's misses" in text
    assert {"make-time", "open-up", "together"} <= set(exercise.covers)
