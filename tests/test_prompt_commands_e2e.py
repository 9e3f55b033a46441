"""/checkin themes and /checkin prompts end to end, through the fake Discord: the choice is the
couple's (either partner changes it, the other sees a line in the thread, a stranger changes
nothing), survives a restart and steers the rounds the real dispatcher posts; a couple's own
questions are checked kindly, sealed in the database, seen only by the couple, asked in their
rounds, and belong to whoever added them for /privacy export and delete."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.services.prompt_choice import Choice
from tests.fake_discord.models import walk_components
from tests.support.checkins import answer, round_messages
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.mentions import pinged
from tests.test_privacy_authorization import crafted, snapshot, visible
from tests.test_privacy_e2e import export_files

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


@pytest.fixture
async def couple(attune: BotHarness, world: Any) -> Any:
    attune.clock.set(START)
    return await pair(attune, world, world.alice, world.bob)


async def ok(ix: Any) -> Any:
    await ix.response()
    assert ix.ephemeral, ix.text()
    return ix


def theme_select(ix: Any) -> dict[str, Any]:
    [select] = [c for c in walk_components(ix.components) if c.get("type") == 3]
    return select


def thread_posts(fake: Any, thread: Any, since: int) -> list[dict[str, Any]]:
    return [
        r.json
        for r in fake.requests[since:]
        if r.method == "POST" and r.path == f"/channels/{thread.id}/messages" and r.status == 200
    ]


def couple_id(attune: BotHarness, world: Any) -> int:
    return int(query(attune, "SELECT couple_id FROM couple_members WHERE user_id = ?", world.alice.id)[0][0])


async def test_themes_are_shown_chosen_by_either_partner_told_in_the_thread_and_kept(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    shown = await ok(await fake.slash(world.alice, world.general, "checkin themes"))
    assert "Every theme (the default)" in shown.text()
    select = theme_select(shown)
    assert select["custom_id"] == f"attune:checkin:themes:{couple_id(attune, world)}"
    assert all(option.get("default") for option in select["options"]), "all chosen by default"
    assert select["max_values"] == len(select["options"]) <= 25 and select["min_values"] == 1
    labels = {option["value"]: option["label"] for option in select["options"]}
    assert {"feelings", "gratitude", "time-together"} <= set(labels)
    assert "red-flags" not in labels, "only themes that couple questions use"

    since = len(fake.requests)
    picked = await fake.select(world.alice, shown, select["custom_id"], ["gratitude", "time-together"])
    await picked.response()
    await attune.settle()
    assert picked.response_type == 7 and "Gratitude, Time together." in picked.text()
    [line] = thread_posts(fake, couple, since)
    assert line["content"] == "alice chose your check-in themes: Gratitude, Time together."
    assert pinged(line) == set(), "a note in the thread mentions nobody"

    await attune.restart()
    # The select shown before the restart still answers, from the database.
    kept = await fake.select(world.alice, shown, select["custom_id"], ["gratitude", "time-together"])
    await kept.response()
    assert kept.response_type == 7 and "Gratitude, Time together." in kept.text()
    seen = await ok(await fake.slash(world.bob, world.general, "checkin themes"))
    assert "Gratitude, Time together." in seen.text()
    defaults = {o["value"] for o in theme_select(seen)["options"] if o.get("default")}
    assert defaults == {"gratitude", "time-together"}

    # The rounds follow the choice: /checkin now, posted by the real dispatcher.
    content = attune.running.content
    for _ in range(3):
        await ok(await fake.slash(world.alice, world.general, "checkin now"))
        await attune.settle()
    for row in query(attune, "SELECT prompt_id FROM checkin_rounds ORDER BY id"):
        prompt = content.prompt(row[0])
        assert prompt is not None and {"gratitude", "time-together"} & set(prompt.themes), row[0]

    # Picking every theme again is the default, and is said so; the same choice twice says nothing.
    since = len(fake.requests)
    everything = [o["value"] for o in theme_select(seen)["options"]]
    again = await fake.select(world.bob, seen, theme_select(seen)["custom_id"], everything)
    await again.response()
    await attune.settle()
    assert "Every theme (the default)" in again.text()
    assert query(attune, "SELECT count(*) FROM couple_themes")[0][0] == 0
    same = await fake.select(world.bob, seen, theme_select(seen)["custom_id"], everything)
    await same.response()
    await attune.settle()
    assert [p["content"] for p in thread_posts(fake, couple, since)] == [
        "bob set your check-in themes back to every theme."
    ]


async def test_a_stranger_pressing_the_theme_select_changes_nothing(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    shown = await ok(await fake.slash(world.alice, world.general, "checkin themes"))
    custom_id = theme_select(shown)["custom_id"]
    await pair(attune, world, world.carol, world.dave)  # even someone with a couple of their own
    before, seen = snapshot(attune), visible(fake)
    for stranger in (world.carol, world.mod):
        message = crafted(fake, world.general, custom_id, select=True)
        pressed = await fake.select(stranger, message, custom_id, ["gratitude"])
        await ok(pressed)
        assert "another couple" in pressed.text() and "Nothing was changed" in pressed.text()
    await attune.settle()
    assert snapshot(attune) == before
    assert {k: v for k, v in visible(fake).items() if k in seen} == seen


async def test_own_questions_are_checked_kindly_and_give_the_words_back(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    refusals = {
        "Hi?": "at least 5 characters",
        "What " * 30: "fits in 100",
        "Did <@123456789012345678> call you back?": "leave mentions out",
        "Shall we ping @everyone about dinner?": "leave mentions out",
        "Have you read https://example.com/love yet?": "leave links out",
        "Join discord.gg/abcdef with me?": "leave links out",
        "!!! ??? ...": "at least 5 characters",
    }
    for n, (typed, words) in enumerate(refusals.items()):
        person = (world.alice, world.bob)[n % 2]  # within the command's cooldown (5 a minute each)
        ix = await ok(await fake.slash(person, world.general, "checkin prompts add", question=typed))
        assert words in ix.text(), (typed, ix.text())
        assert typed.strip() in ix.text(), "the words come back"
    assert query(attune, "SELECT count(*) FROM couple_prompts")[0][0] == 0

    added = await ok(
        await fake.slash(world.bob, world.general, "checkin prompts add", question="  What made you  laugh? ")
    )
    assert "What made you laugh?" in added.text()
    twice = await ok(
        await fake.slash(world.alice, world.general, "checkin prompts add", question="what made you LAUGH?")
    )
    assert "already" in twice.text()
    alone = await ok(await fake.slash(world.carol, world.general, "checkin prompts add", question="Mine?!"))
    assert "not paired" in alone.text()
    assert query(attune, "SELECT count(*) FROM couple_prompts")[0][0] == 1


async def test_own_questions_are_sealed_seen_by_the_couple_alone_asked_and_removed(
    attune: BotHarness, world: Any, couple: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = attune.fake
    ours = "Which song would you put on our kitchen playlist?"
    await ok(await fake.slash(world.alice, world.general, "checkin prompts add", question=ours))
    theirs = "What did the lighthouse teach you today?"
    other = await pair(attune, world, world.carol, world.dave)
    await ok(await fake.slash(world.carol, world.general, "checkin prompts add", question=theirs))

    data = attune.settings.database_path
    raw = data.read_bytes() + data.with_name(data.name + "-wal").read_bytes()
    for fragment in ("kitchen playlist", "lighthouse"):
        assert fragment.encode() not in raw and fragment.encode("utf-16-le") not in raw, "sealed"

    await attune.restart()
    listed = await ok(await fake.slash(world.bob, world.general, "checkin prompts list"))
    assert ours in listed.text() and theirs not in listed.text()
    assert "you added this" not in listed.text(), "Bob didn't: Alice did"
    mine = await ok(await fake.slash(world.alice, world.general, "checkin prompts list"))
    assert ours in mine.text() and "you added this" in mine.text()
    carols = await ok(await fake.slash(world.carol, world.general, "checkin prompts list"))
    assert theirs in carols.text() and ours not in carols.text()
    choices = await fake.autocomplete(
        world.dave, world.general, "checkin prompts remove", focused="question", question=""
    )
    assert [c["name"] for c in choices] == [theirs]

    # Asked in a round: the card, the answer form, the reveal and the history all carry it.
    [row] = query(attune, "SELECT id FROM couple_prompts WHERE couple_id = ?", couple_id(attune, world))
    key = f"own:{row[0]}"
    checkins = attune.running.services.checkins

    def ask_ours(owner: str, kind: str, usage: Any, contexts: Any) -> Choice:
        return Choice(key, new_cycle=False, borrowed=False)

    monkeypatch.setattr(checkins, "_choose_prompt", ask_ours)
    await ok(await fake.slash(world.alice, world.general, "checkin now"))
    await attune.settle()
    [posted] = round_messages(fake, couple)
    assert ours in posted.text()
    form = await fake.press(world.bob, posted, "Answer")
    await form.response()
    assert ours in json.dumps(form.modal)
    # Today's question stays until its check-in closes.
    [found] = await fake.autocomplete(
        world.bob, world.general, "checkin prompts remove", focused="question", question="song"
    )
    busy = await ok(
        await fake.slash(world.bob, world.general, "checkin prompts remove", question=found["value"])
    )
    assert "still open" in busy.text()
    await answer(fake, world.alice, posted, "4", "Anything by the river band")
    await answer(fake, world.bob, posted, "5", "Our first dance")
    reveal = await fake.wait_for_message(couple, lambda m: "both answered" in m.content)
    assert reveal.get("embeds")[0]["author"]["name"] == ours
    history = await ok(await fake.slash(world.alice, world.general, "checkin history"))
    assert ours in history.text()

    # Someone else's question behaves exactly like one that does not exist.
    foreign = str(
        query(attune, "SELECT id FROM couple_prompts WHERE couple_id <> ?", couple_id(attune, world))[0][0]
    )
    refused = [
        (
            await ok(await fake.slash(world.bob, world.general, "checkin prompts remove", question=value))
        ).text()
        for value in (foreign, "987654")
    ]
    assert refused[0] == refused[1] and "couldn't find" in refused[0]

    # Either partner may remove it (the round is revealed now); the other sees one line, no text.
    since = len(fake.requests)
    removed = await ok(
        await fake.slash(world.bob, world.general, "checkin prompts remove", question=found["value"])
    )
    await attune.settle()
    assert "Removed" in removed.text() and ours in removed.text()
    [line] = thread_posts(fake, couple, since)
    assert line["content"].startswith("bob removed one of your own check-in questions.")
    assert ours not in json.dumps(line) and pinged(line) == set()
    assert (
        query(attune, "SELECT count(*) FROM couple_prompts WHERE couple_id = ?", couple_id(attune, world))[0][
            0
        ]
        == 0
    )
    history = await ok(await fake.slash(world.alice, world.general, "checkin history"))
    assert "since removed" in history.text()
    assert not any("removed" in m.text() for m in fake.messages_in(other)), "only the couple is told"


async def test_own_questions_belong_to_whoever_added_them_for_export_and_delete(
    attune: BotHarness, world: Any, couple: Any
) -> None:
    fake = attune.fake
    alices = ["Where shall we walk on Sunday?", "What smell reminds you of home?"]
    bobs = "Which of my habits makes you smile?"
    for text in alices:
        await ok(await fake.slash(world.alice, world.general, "checkin prompts add", question=text))
    await ok(await fake.slash(world.bob, world.general, "checkin prompts add", question=bobs))

    exported = await ok(await fake.slash(world.alice, world.general, "privacy export"))
    if exported.response_type == 5:
        await exported.followups(1)
    data, markdown = export_files(exported)
    blob = json.dumps(data, ensure_ascii=False)
    for text in alices:
        assert text in blob and text in markdown
    assert bobs not in blob and bobs not in markdown
    assert "Check-in questions you added for your couple" in markdown

    erase = await fake.slash(world.alice, world.general, "privacy delete")
    await erase.response()
    done = await fake.submit_modal(world.alice, erase, {"phrase": "delete my data"})
    await done.response()
    await attune.settle()
    left = [row[0] for row in query(attune, "SELECT user_id FROM couple_prompts")]
    assert left == [world.bob.id]
    listed = await ok(await fake.slash(world.bob, world.general, "checkin prompts list"))
    assert bobs in listed.text() and not any(text in listed.text() for text in alices)
