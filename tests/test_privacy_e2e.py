"""/privacy export and /privacy delete end to end: everything a person wrote, out or gone."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)

# Every table that holds something a person wrote or chose, keyed by how it names the person.
PERSONAL_TABLES = {
    "journal_entries": "user_id",
    "exercise_runs": "user_id",
    "boundaries": "user_id",
    "checkin_answers": "user_id",
    "people": "user_id",
    "posted_messages": "user_id",
}


@dataclass
class Typed:
    """What the flows typed (to search for in exports, the database and logs)."""

    alice: list[str] = field(default_factory=list)
    bob: list[str] = field(default_factory=list)
    thread: Any = None

    @property
    def all(self) -> list[str]:
        return [*self.alice, *self.bob]


async def ok(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:
        await ix.followups(1)
    return ix


async def modal(attune: BotHarness, user: Any, opened: Any, values: dict[str, Any]) -> Any:
    await opened.response()
    assert opened.modal is not None, opened.text()
    return await ok(await attune.fake.submit_modal(user, opened, values))


async def every_flow(attune: BotHarness, world: Any) -> Typed:
    """The representative flows: pairing, journal write + share, /reflect, a boundary added and
    shared, an exercise reflection, a personal setting, and a check-in both answer (revealed)."""
    fake, alice, bob, here = attune.fake, world.alice, world.bob, world.general
    typed = Typed()
    attune.clock.set(START)
    typed.thread = thread = await pair(attune, world, alice, bob)

    journal = "Alice journal: the kettle sang while I sat with the quiet 🌙"
    typed.alice.append(journal)
    await modal(
        attune, alice, await fake.slash(alice, here, "journal write"), {"body": journal, "mood": ["4"]}
    )
    [choice] = await fake.autocomplete(alice, here, "journal share", focused="entry", entry="kettle")
    preview = await ok(await fake.slash(alice, here, "journal share", entry=choice["value"]))
    await ok(await fake.press(alice, preview, "Post"))
    await fake.wait_for_message(thread, lambda m: "kettle sang" in m.text())

    reflection = "Alice reflection: thank you for waiting up for me Tuesday"
    typed.alice.append(reflection)
    shown = await modal(attune, alice, await fake.slash(alice, here, "reflect"), {"body": reflection})
    await ok(await fake.press(alice, shown, "Post"))
    await fake.wait_for_message(thread, lambda m: "waiting up" in m.text())

    boundary, consequence = "Alice boundary: no phones at dinner", "Alice consequence: I'll step out for air"
    typed.alice += [boundary, consequence]
    await modal(
        attune,
        alice,
        await fake.slash(alice, here, "boundary add"),
        {"boundary": boundary, "consequence": consequence},
    )
    [found] = await fake.autocomplete(alice, here, "boundary share", focused="boundary", boundary="phones")
    shared = await ok(await fake.slash(alice, here, "boundary share", boundary=found["value"]))
    await ok(await fake.press(alice, shared, "Post"))
    await fake.wait_for_message(thread, lambda m: "no phones at dinner" in m.text())

    exercise = "Alice exercise: I go quiet when I feel judged"
    typed.alice.append(exercise)
    choices = await fake.autocomplete(alice, here, "exercise start", focused="exercise", exercise="wall")
    started = await ok(await fake.slash(alice, here, "exercise start", exercise=choices[0]["value"]))
    await modal(attune, alice, await fake.press(alice, started, "Reflect"), {"reflection": exercise})

    await ok(await fake.slash(alice, here, "timezone", zone="Europe/Paris"))
    await ok(await fake.slash(alice, here, "checkin now"))
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    posted = await fake.wait_for_message(thread, lambda m: "attune:checkin:answer" in str(m.buttons()))
    alice_answer, bob_answer = "Alice answer: lighter after our walk", "Bob answer: proud of us this week"
    typed.alice.append(alice_answer)
    typed.bob.append(bob_answer)
    answer = {"mood": ["4"], "answer": alice_answer}
    await modal(attune, alice, await fake.press(alice, posted, "Answer"), answer)
    await modal(attune, bob, await fake.press(bob, posted, "Answer"), {"mood": ["5"], "answer": bob_answer})
    await fake.wait_for_message(thread, lambda m: "both answered" in m.content)
    # The bot records the reveal's message id once Discord has answered the post: wait for that
    # too, or a snapshot taken next can race the write.
    revealed = "SELECT 1 FROM checkin_rounds WHERE reveal_message_id IS NOT NULL"
    await fake.wait_for(lambda: bool(query(attune, revealed)))
    return typed


def export_files(ix: Any) -> tuple[dict[str, Any], str]:
    message = ix.message
    names = [a["filename"] for a in message["attachments"]]
    json_name = next(n for n in names if n.endswith(".json"))
    md_name = next(n for n in names if n.endswith(".md"))
    return json.loads(message.files[json_name].decode()), message.files[md_name].decode()


async def test_export_holds_everything_the_person_wrote_and_nothing_of_anyone_else(
    attune: BotHarness, world: Any
) -> None:
    typed = await every_flow(attune, world)
    ix = await ok(await attune.fake.slash(world.alice, world.general, "privacy export"))
    assert ix.ephemeral and "everything Attune keeps" in ix.text()
    data, markdown = export_files(ix)
    blob = json.dumps(data, ensure_ascii=False)
    for text in typed.alice:
        assert text in blob, text
        assert text in markdown, text
    for text in typed.bob:
        assert text not in blob and text not in markdown, "the partner's words are theirs"
    assert data["settings"]["timezone"] == "Europe/Paris"
    assert [c["partner_id"] for c in data["couples"]] == [world.bob.id]
    assert {e["kind"] for e in data["journal"]} == {"entry", "reflection"}
    assert data["journal"][0]["created_at"].endswith("Z")
    assert data["exercises"][0]["reflections"][0]["text"].startswith("Alice exercise")
    assert data["boundaries"][0]["if_crossed"].startswith("Alice consequence")
    assert data["checkin_answers"][0]["mood"] == 4


async def test_export_of_someone_with_nothing_says_so(attune: BotHarness, world: Any) -> None:
    ix = await ok(await attune.fake.slash(world.dave, world.general, "privacy export"))
    assert "keeps nothing about you" in ix.text()
    data, markdown = export_files(ix)
    assert data["journal"] == [] and data["settings"] is None
    assert "keeps nothing about you" in markdown


async def test_a_wrong_phrase_changes_nothing(attune: BotHarness, world: Any) -> None:
    typed = await every_flow(attune, world)
    before = {t: len(query(attune, f"SELECT 1 FROM {t}")) for t in PERSONAL_TABLES}
    posts_before = len(attune.fake.messages_in(typed.thread))
    for wrong in ("delete", "delete my date", "yes", "", "DELETE MY DATA PLEASE"):
        opened = await attune.fake.slash(world.alice, world.general, "privacy delete")
        await opened.response()
        assert opened.modal is not None and len(opened.modal["title"]) <= 45
        done = await attune.fake.submit_modal(world.alice, opened, {"phrase": wrong or " "})
        await done.response()
        assert done.ephemeral and "nothing was deleted" in done.text(), wrong
    assert {t: len(query(attune, f"SELECT 1 FROM {t}")) for t in PERSONAL_TABLES} == before
    assert len(attune.fake.messages_in(typed.thread)) == posts_before


async def test_delete_erases_everything_of_theirs_and_keeps_the_partners_side(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    typed = await every_flow(attune, world)
    thread = typed.thread
    alice, bob = world.alice.id, world.bob.id
    # Bob's own journal stays untouched.
    bob_note = "Bob journal: my own words stay mine"
    await modal(
        attune, world.bob, await fake.slash(world.bob, world.general, "journal write"), {"body": bob_note}
    )

    opened = await fake.slash(world.alice, world.general, "privacy delete")
    done = await modal(attune, world.alice, opened, {"phrase": "  Delete my DATA. "})
    assert done.ephemeral and "erased" in done.text()

    for table, column in PERSONAL_TABLES.items():
        assert query(attune, f"SELECT 1 FROM {table} WHERE {column} = ?", alice) == [], table
    assert query(attune, "SELECT 1 FROM exercise_reflections") == []
    # The partner keeps their side: their answer, their journal, the couple record.
    assert [r["user_id"] for r in query(attune, "SELECT user_id FROM checkin_answers")] == [bob]
    assert len(query(attune, "SELECT 1 FROM journal_entries WHERE user_id = ?", bob)) == 1
    assert len(query(attune, "SELECT 1 FROM couple_members WHERE user_id IN (?, ?)", alice, bob)) == 2

    remaining = " ".join(m.text() for m in fake.messages_in(thread))
    for text in typed.alice:
        assert text not in remaining, f"still posted: {text}"
    assert typed.bob[0] in remaining, "the reveal keeps the partner's answer"
    # Nothing left anywhere in the database file either (sealed or not).
    raw = attune.settings.database_path.read_bytes()
    for text in typed.alice:
        assert text.encode() not in raw

    again, _ = export_files(await ok(await fake.slash(world.alice, world.general, "privacy export")))
    written = ("journal", "exercises", "boundaries", "checkin_answers", "invitations")
    assert [again[key] for key in written] == [[]] * len(written) and again["settings"] is None
    assert [c["partner_id"] for c in again["couples"]] == [world.bob.id], (
        "the pairing itself is shared history"
    )


async def test_delete_is_answered_after_a_restart_with_the_modal_still_open(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    note = "written before the restart"
    await modal(
        attune, world.carol, await fake.slash(world.carol, world.general, "journal write"), {"body": note}
    )
    opened = await fake.slash(world.carol, world.general, "privacy delete")
    await opened.response()
    await attune.restart()
    done = await ok(await fake.submit_modal(world.carol, opened, {"phrase": "delete my data"}))
    assert "erased" in done.text()
    assert query(attune, "SELECT 1 FROM journal_entries WHERE user_id = ?", world.carol.id) == []


async def test_the_markdown_export_is_written_for_a_person(attune: BotHarness, world: Any) -> None:
    """Names, not mentions; the person's own time; every answer under its question; exercise and
    step titles; check-ups and settings in words; journal entries by their own numbers. Before
    this, the file read "with <@…> since 2026-03-02T08:00:00Z", check-ups as a raw dict with an
    epoch, exercises by internal id, answers without questions, and "dm nudges: True"."""
    fake, alice, here = attune.fake, world.alice, world.general
    typed = await every_flow(attune, world)
    content = attune.running.content
    opened = await fake.slash(alice, here, "progress checkup")
    checkup = {
        "heading": ["drifting"],
        "progress": ["named-feelings", "kept-boundary"],
        "red-flags": ["none"],
        "outcome": ["too-early"],
    }
    await modal(attune, alice, opened, checkup)
    # A personal check-in, answered by DM: kept in the journal, under its question.
    await ok(await fake.slash(alice, here, "checkin personal set", time="8am", timezone="Europe/Paris"))
    attune.clock.set(datetime(2026, 3, 3, 7, 0, 1, tzinfo=UTC))  # 08:00 in Paris
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    await attune.settle()
    dm = next(m for m in fake.dm_messages(alice) if "Write" in str(m.buttons()))
    personal = "Alice personal: slept badly, but hopeful"
    await modal(attune, alice, await fake.press(alice, dm, "Write"), {"mood": ["3"], "answer": personal})
    await attune.settle()

    ix = await ok(await fake.slash(alice, here, "privacy export"))
    data, markdown = export_files(ix)
    for text in [*typed.alice, personal]:
        assert text in markdown, text

    # The partner by name; no mention, no raw id.
    assert "With bob since Mon 2 Mar 2026, 09:00" in markdown and "You invited bob" in markdown
    assert "<@" not in markdown and str(world.bob.id) not in markdown
    # Local times (Europe/Paris: 08:00 UTC is 09:00), readable; no ISO stamps, no epochs.
    assert "Mon 2 Mar 2026, 09:00" in markdown and "(Europe/Paris)" in markdown
    assert not re.search(r"\d{4}-\d\d-\d\dT|\b1\d{9}\b", markdown), "a raw timestamp"
    # Every answer under its question.
    rounds = query(attune, "SELECT prompt_id, kind FROM checkin_rounds ORDER BY id")
    couple_prompt = next(content.prompt(r["prompt_id"]) for r in rounds if r["kind"] == "couple")
    personal_prompt = next(content.prompt(r["prompt_id"]) for r in rounds if r["kind"] == "personal")
    assert couple_prompt is not None and personal_prompt is not None
    for prompt, answer in ((couple_prompt, typed.alice[-1]), (personal_prompt, personal)):
        question = f"**{prompt.text}**"
        assert question in markdown and markdown.index(question) < markdown.index(answer), prompt.text
        between = markdown[markdown.index(question) : markdown.index(answer)]
        assert "###" not in between, "the question belongs to the same answer"
    # Exercises by title, reflections under their step's title.
    exercise = content.exercise("what-sits-behind-the-wall")
    assert exercise is not None
    assert f"### {exercise.title}" in markdown and f"Step 1: {exercise.steps[0].title}" in markdown
    assert "what-sits-behind-the-wall" not in markdown
    # Check-ups in the words of the form; settings in words; entries by her own numbers.
    for label in ("We're drifting further apart", "My partner named a feeling out loud", "I kept a boundary"):
        assert label in markdown, label
    assert "Where does this feel like it's heading?" in markdown
    assert '{"heading"' not in markdown and 'drifting"' not in markdown
    assert "Check-in reminders by DM: on" in markdown and "True" not in markdown
    assert "### Entry 1 · " in markdown and "### Entry 3 · " in markdown

    # The JSON stays complete and machine-readable: the stored values, with words added beside.
    assert data["couples"][0]["partner_id"] == world.bob.id and data["couples"][0]["partner_name"] == "bob"
    assert data["checkin_answers"][0]["prompt_id"] == couple_prompt.id
    assert data["checkin_answers"][0]["question"] == couple_prompt.text
    assert (
        data["exercises"][0]["exercise_id"] == exercise.id and data["exercises"][0]["title"] == exercise.title
    )
    assert [e["number"] for e in data["journal"]] == [1, 2, 3]
    [stored] = data["other"]["progress_checkups"]
    assert json.loads(stored["answers"])["heading"] == ["drifting"]
    assert stored["answers_in_words"]["Where does this feel like it's heading?"] == [
        "We're drifting further apart"
    ]
    assert data["settings"]["dm_nudges"] is True and data["exported_at"].endswith("Z")
