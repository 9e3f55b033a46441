"""Boundaries end to end: added through the modal, listed, shared after a preview, removed."""

from __future__ import annotations

from typing import Any

from tests.support.couples import pair, query
from tests.support.harness import BotHarness

BOUNDARY = "I need us to talk about hard things without being shut down."
CONSEQUENCE = "If a talk gets cut off, I'll take a break and come back to it tomorrow."


async def add(fake: Any, world: Any, user: Any, boundary: str, consequence: str) -> Any:
    ix = await fake.slash(user, world.general, "boundary add")
    await ix.response()
    assert ix.modal is not None
    assert len(ix.modal["title"]) <= 45
    submitted = await fake.submit_modal(user, ix, {"boundary": boundary, "consequence": consequence})
    await submitted.response()
    return submitted


async def test_a_boundary_is_added_listed_shared_and_removed(attune: BotHarness, world) -> None:
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))

    opened = await fake.slash(world.alice, world.general, "boundary add")
    await opened.response()
    assert any(
        "not about controlling your partner" in c.get("content", "") for c in opened.modal["components"]
    )
    saved = await fake.submit_modal(world.alice, opened, {"boundary": BOUNDARY, "consequence": CONSEQUENCE})
    await saved.response()
    assert saved.ephemeral
    assert "private" in saved.text()
    row = query(attune, "SELECT * FROM boundaries")[0]
    assert row["user_id"] == world.alice.id
    assert b"hard things" not in bytes(row["boundary_sealed"])
    assert b"tomorrow" not in bytes(row["consequence_sealed"])
    await add(fake, world, world.alice, "I need an evening a week for myself.", "I'll take it anyway.")

    listed = await fake.slash(world.alice, world.general, "boundary list")
    await listed.response()
    assert listed.ephemeral
    assert BOUNDARY in listed.text() and CONSEQUENCE in listed.text()
    assert "evening a week" in listed.text()
    assert len(fake.messages_in(thread)) == before, "private unless shared"

    choices = await fake.autocomplete(
        world.alice, world.general, "boundary share", focused="boundary", boundary="hard"
    )
    assert [c["name"] for c in choices] == [BOUNDARY]
    preview = await fake.slash(world.alice, world.general, "boundary share", boundary=choices[0]["value"])
    await preview.response()
    assert preview.ephemeral
    assert "what your partner will see" in preview.text()
    assert BOUNDARY in preview.text()
    assert len(fake.messages_in(thread)) == before

    stranger = await fake.press(world.carol, preview, "Post")
    await stranger.response()
    assert stranger.ephemeral and "couldn't find that boundary" in stranger.text()
    assert len(fake.messages_in(thread)) == before

    post = await fake.press(world.alice, preview, "Post")
    await post.response()
    shared = await fake.wait_for_message(thread, lambda m: BOUNDARY in m.text())
    assert CONSEQUENCE in shared.text()
    assert shared["embeds"][0]["author"]["name"] == "alice"
    assert "evening a week" not in shared.text()
    assert "Posted in" in preview.text()
    assert len(fake.messages_in(thread)) == before + 1

    listed = await fake.slash(world.alice, world.general, "boundary list")
    await listed.response()
    assert "(shared)" in listed.text()

    choices = await fake.autocomplete(
        world.alice, world.general, "boundary remove", focused="boundary", boundary=""
    )
    assert len(choices) == 2
    target = next(c for c in choices if "evening" in c["name"])
    confirm = await fake.slash(world.alice, world.general, "boundary remove", boundary=target["value"])
    await confirm.response()
    assert confirm.ephemeral and "Remove this boundary?" in confirm.text()
    assert len(query(attune, "SELECT id FROM boundaries")) == 2, "nothing removed before confirming"
    removed = await fake.press(world.alice, confirm, "Remove it")
    await removed.response()
    assert "Removed" in confirm.text()
    kept = next(c for c in choices if c is not target)
    assert [r["id"] for r in query(attune, "SELECT id FROM boundaries")] == [int(kept["value"])]
    remaining = await fake.slash(world.alice, world.general, "boundary list")
    await remaining.response()
    assert "evening a week" not in remaining.text()
    assert BOUNDARY in remaining.text()


async def test_someone_elses_boundary_behaves_like_one_that_does_not_exist(attune: BotHarness, world) -> None:
    fake = attune.fake
    await add(fake, world, world.alice, BOUNDARY, CONSEQUENCE)
    alice_id = query(attune, "SELECT id FROM boundaries")[0]["id"]

    assert (
        await fake.autocomplete(
            world.carol, world.general, "boundary remove", focused="boundary", boundary=""
        )
        == []
    )
    listed = await fake.slash(world.carol, world.general, "boundary list")
    await listed.response()
    assert BOUNDARY not in listed.text()

    answers = []
    for value in (str(alice_id), "999999"):
        for command in ("boundary remove", "boundary share"):
            ix = await fake.slash(world.carol, world.general, command, boundary=value)
            await ix.response()
            assert ix.ephemeral
            assert BOUNDARY not in ix.text()
            answers.append(ix.text())
    assert len(set(answers)) == 1, "someone else's id answers exactly like a missing one"

    confirm = await fake.slash(world.alice, world.general, "boundary remove", boundary=str(alice_id))
    await confirm.response()
    pressed = await fake.press(world.carol, confirm, "Remove it")
    await pressed.response()
    assert pressed.ephemeral and "couldn't find that boundary" in pressed.text()
    assert "Remove this boundary?" in confirm.text()
    assert len(query(attune, "SELECT id FROM boundaries")) == 1

    kept = await fake.press(world.alice, confirm, "Keep it")
    await kept.response()
    assert "Nothing changed" in confirm.text()
    assert len(query(attune, "SELECT id FROM boundaries")) == 1


async def test_sharing_a_boundary_without_a_partner_is_refused_kindly(attune: BotHarness, world) -> None:
    fake = attune.fake
    await add(fake, world, world.dave, BOUNDARY, CONSEQUENCE)
    boundary_id = query(attune, "SELECT id FROM boundaries")[0]["id"]
    ix = await fake.slash(world.dave, world.general, "boundary share", boundary=str(boundary_id))
    await ix.response()
    assert ix.ephemeral
    assert "not paired" in ix.text()
