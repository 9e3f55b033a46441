"""Guided exercises end to end through the fake Discord: steps, reflections, restart, resume, share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.support.couples import pair, query
from tests.support.harness import BotHarness

BOUNDARIES_FIRST_QUESTION = "Where have you been making yourself smaller to keep the peace?"


def labels(ix: Any) -> list[str | None]:
    return [label for label, _, _ in ix.buttons()]


def modal_input(modal: dict[str, Any]) -> dict[str, Any]:
    for comp in modal["components"]:
        inner = comp.get("component") if comp["type"] == 18 else None
        if inner and inner["type"] == 4:
            return dict(inner)
    raise AssertionError("no text input in the modal")


def modal_texts(modal: dict[str, Any]) -> list[str]:
    return [c["content"] for c in modal["components"] if c["type"] == 10]


async def start(fake: Any, world: Any, user: Any, typed: str) -> Any:
    choices = await fake.autocomplete(
        user, world.general, "exercise start", focused="exercise", exercise=typed
    )
    assert choices, f"no exercise offered for {typed!r}"
    ix = await fake.slash(user, world.general, "exercise start", exercise=choices[0]["value"])
    await ix.response()
    return ix


async def reflect(fake: Any, user: Any, message: Any, text: str) -> Any:
    ix = await fake.press(user, message, "Reflect")
    await ix.response()
    assert ix.modal is not None, ix.text()
    submitted = await fake.submit_modal(user, ix, {"reflection": text})
    await submitted.response()
    return submitted


async def test_an_exercise_survives_a_restart_and_one_reflection_is_shared(attune: BotHarness, world) -> None:
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))

    ix = await start(fake, world, world.alice, "boundaries you can keep")
    assert ix.ephemeral
    assert "Who are you, and what do you want?" in ix.text()
    assert BOUNDARIES_FIRST_QUESTION in ix.text()
    assert "Step 1 of 4" in ix.text()
    assert labels(ix) == ["Back", "Reflect", "Next"]
    assert ix.buttons()[0][2], "Back is disabled on the first step"

    # Reflect: the question is shown in the modal, and what they write is saved (sealed) at once.
    opened = await fake.press(world.alice, ix, "Reflect")
    await opened.response()
    assert opened.modal is not None and len(opened.modal["title"]) <= 45
    assert BOUNDARIES_FIRST_QUESTION in modal_texts(opened.modal)
    assert modal_input(opened.modal)["max_length"] == 4000
    saved = await fake.submit_modal(world.alice, opened, {"reflection": "I stopped mentioning my own day."})
    await saved.response()
    assert "I stopped mentioning my own day." in ix.text()
    rows = query(attune, "SELECT step, body_sealed FROM exercise_reflections")
    assert [r["step"] for r in rows] == [0]
    assert b"mentioning" not in bytes(rows[0]["body_sealed"])

    nxt = await fake.press(world.alice, ix, "Next")
    await nxt.response()
    assert "You are not their therapist" in ix.text()

    # Closing Discord and a bot restart lose nothing, even a reflection being written meanwhile.
    writing = await fake.press(world.alice, ix, "Reflect")
    await writing.response()
    await attune.restart()
    late = await fake.submit_modal(world.alice, writing, {"reflection": "Written across a restart."})
    await late.response()
    assert "Written across a restart." in ix.text()
    assert [r["step"] for r in query(attune, "SELECT step FROM exercise_reflections ORDER BY step")] == [0, 1]
    resumed = await fake.slash(world.alice, world.general, "exercise resume")
    await resumed.response()
    assert resumed.ephemeral
    assert "You are not their therapist" in resumed.text()
    assert "Step 2 of 4" in resumed.text()

    back = await fake.press(world.alice, resumed, "Back")
    await back.response()
    assert "I stopped mentioning my own day." in resumed.text()
    reopened = await fake.press(world.alice, resumed, "Reflect")
    await reopened.response()
    assert modal_input(reopened.modal)["value"] == "I stopped mentioning my own day."
    await fake.submit_modal(world.alice, reopened, {"reflection": "I stopped mentioning my own day, mostly."})

    for _ in range(2):
        await (await fake.press(world.alice, resumed, "Next")).response()
    await reflect(fake, world.alice, resumed, "I need to be heard, and if not, I will pause the talk.")
    await (await fake.press(world.alice, resumed, "Next")).response()
    assert "Step 4 of 4" in resumed.text()
    assert "Finish" in labels(resumed)
    done = await fake.press(world.alice, resumed, "Finish")
    await done.response()

    # The ending: their own reflections, and an offer to share one.
    assert "Finished: Set boundaries you can keep" in resumed.text()
    assert "I stopped mentioning my own day, mostly." in resumed.text()
    assert "I need to be heard" in resumed.text()
    run = query(attune, "SELECT * FROM exercise_runs")[0]
    assert run["status"] == "finished" and run["finished_at"] is not None
    select = next(c for c in _components(resumed) if c["type"] == 3)
    assert [o["value"] for o in select["options"]] == ["0", "1", "2"]
    assert len(fake.messages_in(thread)) == before, "nothing is posted before a preview and a confirmation"

    preview = await fake.select(world.alice, resumed, select["custom_id"], ["2"])
    await preview.response()
    assert "what your partner will see" in resumed.text()
    assert "I need to be heard" in resumed.text()
    assert len(fake.messages_in(thread)) == before

    meddling = await fake.press(world.carol, resumed, "Post")
    await meddling.response()
    assert meddling.ephemeral and "isn't one of yours" in meddling.text()
    assert len(fake.messages_in(thread)) == before
    assert "what your partner will see" in resumed.text()

    post = await fake.press(world.alice, resumed, "Post")
    await post.response()
    await attune.settle()
    shared = await fake.wait_for_message(thread, lambda m: "Set boundaries you can keep" in m.text())
    assert shared["embeds"][0]["author"]["name"] == "alice"
    assert "I need to be heard, and if not, I will pause the talk." in shared.text()
    assert "Write two boundaries" in shared.text()  # the question it answers
    assert "I stopped mentioning" not in shared.text()
    assert "Posted in" in resumed.text()
    assert not [c for c in _components(resumed) if c["type"] == 3], "only one reflection can be shared"
    assert query(attune, "SELECT shared_step FROM exercise_runs")[0]["shared_step"] == 2

    # The progress feature's view of it.
    service = attune.running.services.exercises
    now = attune.clock.now()
    found = await service.finished_between(world.alice.id, now - timedelta(days=1), now + timedelta(days=1))
    assert [exercise_id for exercise_id, _ in found] == ["set-boundaries"]

    listed = await fake.slash(world.alice, world.general, "exercise list")
    await listed.response()
    assert "When your partner feels distant" in listed.text()
    assert "Set boundaries you can keep** · 20 min · ✓ finished" in listed.text()
    assert "not started" in listed.text()


async def test_a_stranger_can_neither_see_nor_press_someone_elses_flow(attune: BotHarness, world) -> None:
    fake = attune.fake
    ix = await start(fake, world, world.alice, "boundaries you can keep")
    await reflect(fake, world.alice, ix, "Mine alone.")
    before = ix.text()

    for button in ("Next", "Reflect"):
        refused = await fake.press(world.carol, ix, button)
        await refused.response()
        assert refused.ephemeral
        assert refused.modal is None
        assert "isn't one of yours" in refused.text()
        assert "Mine alone." not in refused.text()
    assert ix.text() == before
    assert query(attune, "SELECT step FROM exercise_runs")[0]["step"] == 0

    # Even a forged submission of her modal changes nothing.
    opened = await fake.press(world.alice, ix, "Reflect")
    await opened.response()
    forged = await fake.submit_modal(world.carol, opened, {"reflection": "Carol was here."})
    await forged.response()
    assert forged.ephemeral and "isn't one of yours" in forged.text()
    assert ix.text() == before
    service = attune.running.services.exercises
    run_id = query(attune, "SELECT id FROM exercise_runs")[0]["id"]
    assert await service.reflections(run_id, world.alice.id) == {0: "Mine alone."}

    resumed = await fake.slash(world.carol, world.general, "exercise resume")
    await resumed.response()
    assert "no exercise in progress" in resumed.text()

    listed = await fake.slash(world.carol, world.general, "exercise list")
    await listed.response()
    assert "in progress" not in listed.text()

    own = await fake.slash(world.alice, world.general, "exercise list", track="distant")
    await own.response()
    assert "in progress at step 1 of 4" in own.text()
    assert "Together" not in own.text()


async def test_the_red_flags_exercise_stays_private_and_ends_with_resources(
    attune: BotHarness, world
) -> None:
    fake = attune.fake
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))
    ix = await start(fake, world, world.alice, "red flags")
    assert "Private" in ix.text()
    await reflect(fake, world.alice, ix, "Uneasy, honestly.")
    steps = len(attune.running.content.exercise("red-flags").steps)
    for _ in range(steps - 1):
        await (await fake.press(world.alice, ix, "Next")).response()
    done = await fake.press(world.alice, ix, "Finish")
    await done.response()
    await done.followups(1)
    assert "Uneasy, honestly." in ix.text()
    assert not [c for c in _components(ix) if c["type"] == 3], "no share offer, ever"
    assert all(label not in ("Post", "Share") for label in labels(ix))
    resources = "\n".join(m.text() for m in done.followup_messages)
    assert all(m.ephemeral for m in done.followup_messages)
    assert "emergency number" in resources
    assert "not therapy" in resources.lower()
    assert len(fake.messages_in(thread)) == before


async def test_start_refuses_an_unknown_exercise_kindly(attune: BotHarness, world) -> None:
    ix = await attune.fake.slash(world.alice, world.general, "exercise start", exercise="not-a-thing")
    await ix.response()
    assert ix.ephemeral
    assert "couldn't find that exercise" in ix.text()


def _components(ix: Any) -> list[dict[str, Any]]:
    from tests.fake_discord.models import walk_components

    return list(walk_components(ix.components))
