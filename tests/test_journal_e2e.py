"""The private journal end to end, through the fake Discord: write, browse, edit, share, export."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services.journal import ENTRY_NOT_FOUND
from tests.support.couples import pair
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # already Tuesday 3 March, 00:30 in Paris
NOT_YOURS = "This isn't for you, so nothing changed."


# -- helpers -----------------------------------------------------------------------------------


def rows(attune: BotHarness, sql: str = "SELECT * FROM journal_entries ORDER BY id") -> list[sqlite3.Row]:
    db = sqlite3.connect(attune.settings.database_path)
    db.row_factory = sqlite3.Row
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def modal_input(modal: dict[str, Any], custom_id: str) -> dict[str, Any]:
    def walk(components: list[dict[str, Any]]) -> Any:
        for comp in components:
            if comp.get("custom_id") == custom_id:
                return comp
            children = comp.get("components") or ([comp["component"]] if "component" in comp else [])
            found = walk(children)
            if found is not None:
                return found
        return None

    found = walk(modal["components"])
    assert found is not None, f"no input {custom_id!r} in the modal"
    return dict(found)


def modal_text(modal: dict[str, Any]) -> str:
    return "\n".join(c.get("content", "") for c in modal["components"] if c.get("type") == 10)


async def answer(ix: Any) -> Any:
    await ix.response()
    return ix


async def write(fake: Any, user: Any, channel: Any, values: dict[str, Any], **options: Any) -> Any:
    opened = await answer(await fake.slash(user, channel, "journal write", **options))
    assert opened.modal is not None
    return await answer(await fake.submit_modal(user, opened, values))


async def slash(fake: Any, user: Any, channel: Any, command: str, **options: Any) -> Any:
    ix = await answer(await fake.slash(user, channel, command, **options))
    if ix.response_type == 5:  # deferred: the answer arrives as a followup
        await ix.followups(1)
    assert ix.ephemeral, f"/{command} must answer privately"
    return ix


def reply_text(ix: Any) -> str:
    if ix.followup_messages:
        return "\n".join(m.text() for m in ix.followup_messages)
    return str(ix.text())


def embeds_by(fake: Any, thread: Any, author: str) -> list[dict[str, Any]]:
    return [
        e
        for m in fake.messages_in(thread)
        for e in m.get("embeds") or []
        if e.get("author", {}).get("name") == author
    ]


@pytest.fixture
async def started(attune: BotHarness, world: Any) -> BotHarness:
    attune.clock.set(START)
    await attune.running.services.people.set_timezone(world.alice.id, "Europe/Paris", 0)
    return attune


# -- writing, browsing, editing, searching -------------------------------------------------------


async def test_write_list_read_edit_and_search(started: BotHarness, world: Any) -> None:
    attune, fake = started, started.fake
    journal = attune.running.services.journal

    opened = await answer(await fake.slash(world.alice, world.general, "journal write", prompt=True))
    modal = opened.modal
    assert modal is not None and len(modal["title"]) <= 45
    prompts = {p.id: p.text for p in attune.running.content.personal_prompts}
    shown = modal_text(modal)
    prompt_id = next(pid for pid, text in prompts.items() if text in shown)
    assert shown.count(prompts[prompt_id]) == 1, "the prompt is shown once"
    assert modal_input(modal, "body")["placeholder"] != prompts[prompt_id]
    saved = await answer(
        await fake.submit_modal(
            world.alice,
            opened,
            {"title": "Porch light", "body": "You left the porch light on for me.", "mood": ["4"]},
        )
    )
    assert saved.ephemeral
    assert "Saved to your journal" in saved.text()
    assert "Tuesday 3 March 2026, 00:30" in saved.text()  # Alice's own timezone, not UTC
    [stored] = rows(attune)
    assert (stored["user_id"], stored["kind"], stored["mood"], stored["prompt_id"]) == (
        world.alice.id,
        "entry",
        4,
        prompt_id,
    )
    assert stored["guild_id"] == world.guild.id
    first_id = stored["id"]

    for n in range(12):  # seeded through the service, newer than the first one
        attune.clock.advance(hours=1)
        await journal.write(world.alice.id, title=f"Seeded {n:02d}", body=f"Seeded body number {n}", mood=3)

    listed = await slash(fake, world.alice, world.general, "journal list")
    page_one = listed.text()
    assert page_one.count("`#") == 10
    assert page_one.index("Seeded 11") < page_one.index("Seeded 10") < page_one.index("Seeded 02")
    assert "Porch light" not in page_one and "Page 1 of 2" in page_one
    assert "mood 3/5" in page_one and "Tue 3 Mar 2026" in page_one
    older = await answer(await fake.press(world.alice, listed, "Older ▶"))
    page_two = older.text()
    assert "Page 2 of 2" in page_two and page_two.count("`#") == 3
    assert "Porch light" in page_two and "mood 4/5" in page_two
    assert ("Older ▶", f"attune:journal:page:{world.alice.id}:2", True) in older.buttons()
    newer = await answer(await fake.press(world.alice, older, "◀ Newer"))
    assert "Page 1 of 2" in newer.text()

    choices = await fake.autocomplete(
        world.alice, world.general, "journal read", focused="entry", entry="porch"
    )
    assert [c["value"] for c in choices] == [str(first_id)]
    assert "Porch light" in choices[0]["name"]
    everything = await fake.autocomplete(
        world.alice, world.general, "journal read", focused="entry", entry=""
    )
    assert len(everything) == 13

    read = await slash(fake, world.alice, world.general, "journal read", entry=str(first_id))
    assert "You left the porch light on for me." in read.text()
    assert prompts[prompt_id] in read.text() and "4/5" in read.text()

    editing = await answer(await fake.slash(world.alice, world.general, "journal edit", entry=str(first_id)))
    assert editing.modal is not None
    assert modal_input(editing.modal, "body")["value"] == "You left the porch light on for me."
    assert modal_input(editing.modal, "title")["value"] == "Porch light"
    mood = modal_input(editing.modal, "mood")
    assert [o["value"] for o in mood["options"] if o.get("default")] == ["4"]
    edited = await answer(
        await fake.submit_modal(
            world.alice, editing, {"body": "You left the porch light on. I noticed.", "mood": ["5"]}
        )
    )
    if edited.response_type == 5:
        await edited.followups(1)
    assert "updated" in reply_text(edited)
    changed = await journal.get(world.alice.id, first_id)
    assert (changed.title, changed.body, changed.mood) == (
        "Porch light",
        "You left the porch light on. I noticed.",
        5,
    )

    found = await slash(fake, world.alice, world.general, "journal search", text="I NOTICED")
    assert "Porch light" in found.text() and "1 entry matches" in found.text()
    assert "Seeded" not in found.text()
    many = await slash(fake, world.alice, world.general, "journal search", text="seeded body")
    assert many.text().count("`#") == 10 and "2 older ones" in many.text()
    nothing = await slash(fake, world.alice, world.general, "journal search", text="lighthouse")
    assert "Nothing in your journal matches" in nothing.text()


async def test_bad_input_is_refused_clearly_and_nothing_is_stored(started: BotHarness, world: Any) -> None:
    fake = started.fake
    empty = await write(fake, world.alice, world.general, {"body": "   \n  "})
    assert empty.ephemeral and "empty" in empty.text()
    too_long = await write(fake, world.alice, world.general, {"body": "x" * 4001})
    assert too_long.ephemeral and "4,000" in too_long.text() and "Nothing was saved" in too_long.text()
    long_title = await write(fake, world.alice, world.general, {"title": "t" * 101, "body": "fine"})
    assert "100 characters" in long_title.text()
    assert rows(started) == []

    for reference in ("424242", "not-an-id"):
        for command in ("journal read", "journal edit", "journal delete", "journal share", "journal unshare"):
            ix = await slash(fake, world.alice, world.general, command, entry=reference)
            assert ix.text() == ENTRY_NOT_FOUND, command
    exported = await slash(fake, world.alice, world.general, "journal export")
    assert "empty" in exported.text()


async def test_a_discord_error_after_saving_never_loses_the_entry(started: BotHarness, world: Any) -> None:
    fake = started.fake
    opened = await answer(await fake.slash(world.alice, world.general, "journal write"))
    fake.inject_fault("POST", r"/interactions/\d+/[^/]+/callback", 500, times=1)
    await fake.submit_modal(world.alice, opened, {"body": "Written just before Discord hiccuped."})
    await fake.wait_for(lambda: rows(started))
    journal = started.running.services.journal
    [entry] = (await journal.page(world.alice.id, 0)).entries
    assert entry.body == "Written just before Discord hiccuped."


# -- privacy between partners ------------------------------------------------------------------


async def test_a_partner_can_reach_none_of_the_other_persons_entries(started: BotHarness, world: Any) -> None:
    attune, fake = started, started.fake
    await pair(attune, world, world.alice, world.bob)
    journal = attune.running.services.journal
    for n in range(11):
        await journal.write(
            world.alice.id, title=f"Alice private {n}", body="Only for me: the blue notebook."
        )
    mine = (await journal.page(world.alice.id, 0)).entries[0]

    for command in ("journal read", "journal edit", "journal delete", "journal share", "journal unshare"):
        ix = await slash(fake, world.bob, world.general, command, entry=str(mine.id))
        assert ix.text() == ENTRY_NOT_FOUND, command  # exactly what a missing id says
        assert ix.modal is None
    for typed in ("", "alice", "blue", str(mine.id)):
        choices = await fake.autocomplete(
            world.bob, world.general, "journal read", focused="entry", entry=typed
        )
        assert choices == []
    searched = await slash(fake, world.bob, world.general, "journal search", text="blue notebook")
    assert "Nothing in your journal matches" in searched.text()
    bob_list = await slash(fake, world.bob, world.general, "journal list")
    assert "Alice private" not in bob_list.text() and "Nothing here yet" in bob_list.text()
    exported = await slash(fake, world.bob, world.general, "journal export")
    assert "empty" in exported.text()

    alice_list = await slash(fake, world.alice, world.general, "journal list")
    before = alice_list.text()
    pressed = await answer(await fake.press(world.bob, alice_list, "Older ▶"))
    assert pressed.ephemeral and pressed.text() == NOT_YOURS
    assert alice_list.text() == before

    confirm = await slash(fake, world.alice, world.general, "journal delete", entry=str(mine.id))
    pressed = await answer(await fake.press(world.bob, confirm, "Delete it"))
    assert pressed.text() == NOT_YOURS
    preview = await slash(fake, world.alice, world.general, "journal share", entry=str(mine.id))
    pressed = await answer(await fake.press(world.bob, preview, "Post"))
    assert pressed.text() == NOT_YOURS
    assert await journal.get(world.alice.id, mine.id) == mine  # unchanged, unshared, not deleted
    thread = fake.threads_in(world.general)[0]
    assert "blue notebook" not in "\n".join(m.text() for m in fake.messages_in(thread))


# -- sharing, /reflect ---------------------------------------------------------------------------


async def test_share_after_preview_edit_unshare_and_delete(started: BotHarness, world: Any) -> None:
    attune, fake = started, started.fake
    thread = await pair(attune, world, world.alice, world.bob)
    journal = attune.running.services.journal
    entry = await journal.write(
        world.alice.id, title="Sunday", body="Thank you for the slow breakfast.", mood=5
    )
    in_thread = len(fake.messages_in(thread))

    preview = await slash(fake, world.alice, world.general, "journal share", entry=str(entry.number))
    assert "Thank you for the slow breakfast." in preview.text()
    assert preview.embeds[0]["author"]["name"] == "alice"
    assert [b[0] for b in preview.buttons()] == ["Post", "Cancel"]
    assert len(fake.messages_in(thread)) == in_thread  # nothing posted before confirmation
    cancelled = await answer(await fake.press(world.alice, preview, "Cancel"))
    assert "Nothing was posted" in cancelled.text()
    assert len(fake.messages_in(thread)) == in_thread

    preview = await slash(fake, world.alice, world.general, "journal share", entry=str(entry.number))
    second_preview = await slash(fake, world.alice, world.general, "journal share", entry=str(entry.number))
    posted = await answer(await fake.press(world.alice, preview, "Post"))
    await fake.wait_for(lambda: "Posted in" in posted.text())
    [shared] = embeds_by(fake, thread, "alice")
    assert shared["title"] == "Sunday" and shared["description"] == "Thank you for the slow breakfast."
    post = fake.messages_in(thread)[-1]
    await attune.settle()
    # Bob has DM nudges on (the default): told once, by DM, so the post itself pings nobody.
    assert post["content"] == "alice chose to share this from their journal with you."
    assert "chose to share this from their journal" in fake.dm_messages(world.bob)[-1].text()
    [row] = rows(attune)
    assert (row["shared_channel_id"], row["shared_message_id"]) == (thread.id, post.id)

    again = await slash(fake, world.alice, world.general, "journal share", entry=str(entry.number))
    assert "already shared" in again.text()
    pressed_twice = await answer(await fake.press(world.alice, second_preview, "Post"))
    [refusal] = await pressed_twice.followups(1)
    assert "already shared" in refusal.text() and refusal.ephemeral
    assert len(embeds_by(fake, thread, "alice")) == 1  # one post, however many presses

    editing = await answer(
        await fake.slash(world.alice, world.general, "journal edit", entry=str(entry.number))
    )
    edited = await answer(await fake.submit_modal(world.alice, editing, {"body": "Thank you for Sunday."}))
    await edited.followups(1)
    assert "updated too" in reply_text(edited)
    assert embeds_by(fake, thread, "alice")[0]["description"] == "Thank you for Sunday."

    unshared = await slash(fake, world.alice, world.general, "journal unshare", entry=str(entry.number))
    assert "Taken back" in reply_text(unshared)
    assert embeds_by(fake, thread, "alice") == []
    [row] = rows(attune)
    assert (row["shared_channel_id"], row["shared_message_id"]) == (None, None)
    not_shared = await slash(fake, world.alice, world.general, "journal unshare", entry=str(entry.number))
    assert "isn't shared" in not_shared.text()

    preview = await slash(fake, world.alice, world.general, "journal share", entry=str(entry.number))
    posted = await answer(await fake.press(world.alice, preview, "Post"))
    await fake.wait_for(lambda: embeds_by(fake, thread, "alice"))
    confirm = await slash(fake, world.alice, world.general, "journal delete", entry=str(entry.number))
    assert "takes that post down too" in confirm.text()
    kept = await answer(await fake.press(world.alice, confirm, "Keep it"))
    assert "Nothing was deleted" in kept.text() and len(rows(attune)) == 1
    confirm = await slash(fake, world.alice, world.general, "journal delete", entry=str(entry.number))
    deleted = await answer(await fake.press(world.alice, confirm, "Delete it"))
    assert "Deleted" in deleted.text()
    assert rows(attune) == [] and embeds_by(fake, thread, "alice") == []


async def test_reflect_goes_from_modal_to_preview_to_thread(started: BotHarness, world: Any) -> None:
    attune, fake = started, started.fake
    lonely = await slash(fake, world.carol, world.general, "reflect")
    assert "don't have an active pairing" in lonely.text() and lonely.modal is None

    thread = await pair(attune, world, world.alice, world.bob)
    opened = await answer(await fake.slash(world.alice, world.general, "reflect"))
    assert opened.modal is not None
    previewed = await answer(
        await fake.submit_modal(world.alice, opened, {"body": "I see how hard you've been working."})
    )
    assert previewed.ephemeral and "I see how hard you've been working." in previewed.text()
    assert embeds_by(fake, thread, "alice") == []
    [row] = rows(attune)
    assert (row["kind"], row["shared_message_id"]) == ("reflection", None)  # kept before posting

    posted = await answer(await fake.press(world.alice, previewed, "Post"))
    await fake.wait_for(lambda: "Posted in" in posted.text())
    [shared] = embeds_by(fake, thread, "alice")
    assert shared["description"] == "I see how hard you've been working."
    assert shared["title"] == "A reflection for you"
    [row] = rows(attune)
    assert row["kind"] == "reflection" and row["shared_message_id"] == fake.messages_in(thread)[-1].id
    listed = await slash(fake, world.alice, world.general, "journal list")
    assert "reflection · shared" in listed.text()


# -- export, restarts, encryption at rest ------------------------------------------------------


async def test_export_is_the_whole_journal_as_markdown(started: BotHarness, world: Any) -> None:
    attune, fake = started, started.fake
    await write(
        fake, world.alice, world.general, {"title": "Day one", "body": "We laughed at dinner.", "mood": ["4"]}
    )
    attune.clock.advance(days=1)
    await attune.running.services.journal.write(world.alice.id, body="A quieter day.\n\nStill okay.")
    await attune.running.services.journal.write(world.bob.id, body="Bob's own thoughts.")

    exported = await slash(fake, world.alice, world.general, "journal export")
    [attachment] = exported.message["attachments"]
    assert attachment["filename"] == "attune-journal-2026-03-04.md"
    markdown = exported.message.files[attachment["filename"]].decode()
    assert markdown.startswith("# alice's Attune journal")
    assert "## Entry 1 · Tuesday 3 March 2026, 00:30: Day one" in markdown
    assert "mood 4/5" in markdown
    assert markdown.index("We laughed at dinner.") < markdown.index("A quieter day.\n\nStill okay.")
    assert "Bob's own thoughts." not in markdown


async def test_entries_survive_a_restart_and_are_never_stored_in_the_clear(
    started: BotHarness, world: Any
) -> None:
    attune, fake = started, started.fake
    sentence = "The lighthouse keeper counts every wave twice"
    await write(fake, world.alice, world.general, {"title": "Lighthouse notes", "body": sentence})
    for n in range(10):
        await attune.running.services.journal.write(world.alice.id, body=f"filler {n}")
    listed = await slash(fake, world.alice, world.general, "journal list")

    data = attune.settings.database_path
    wal = data.with_name(data.name + "-wal")
    assert wal.exists(), "the bot keeps the database in WAL mode: recent writes live in the -wal file"
    raw = data.read_bytes() + wal.read_bytes()
    assert len(raw) > 0
    assert b"lighthouse" not in raw.lower() and b"wave twice" not in raw
    assert "lighthouse".encode("utf-16-le") not in raw.lower()

    await attune.restart()
    older = await answer(await fake.press(world.alice, listed, "Older ▶"))  # the button outlives the process
    assert "Lighthouse notes" in older.text()
    [row] = rows(attune, "SELECT id FROM journal_entries WHERE kind = 'entry' ORDER BY id LIMIT 1")
    read = await slash(fake, world.alice, world.general, "journal read", entry=str(row["id"]))
    assert sentence in read.text()
