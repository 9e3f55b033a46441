"""What a couple reads in their first days says true, short things (issue 14, points 13 and 14)."""

from __future__ import annotations

import json
from typing import Any

from tests.support.couples import pair
from tests.support.harness import BotHarness


async def reply(attune: BotHarness, ix: Any) -> str:
    await ix.response()
    await attune.settle()
    if ix.response_type == 5:
        return str((await ix.followups(1))[-1].text())
    return str(ix.text())


async def test_the_welcome_is_short_warm_and_about_the_first_thing_to_do(
    attune: BotHarness, world: Any
) -> None:
    thread = await pair(attune, world, world.alice, world.bob)
    await attune.settle()
    welcome = attune.fake.messages_in(thread)[0]
    text = welcome.text()
    assert len(text) <= 400, f"{len(text)} characters"
    assert "/checkin schedule" in text and world.alice.mention in text and world.bob.mention in text
    not_therapy = attune.running.content.safety.not_therapy.strip()
    assert not_therapy[:60] not in text, "/help's paragraph is not repeated here"


async def test_every_command_named_in_a_reply_is_one_that_exists(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    setup = await fake.slash(world.mod, world.general, "setup", channel=world.general)
    said = await reply(attune, setup)
    assert "/setup resources:…" not in said and "run /setup again with the same channel" in said
    await pair(attune, world, world.alice, world.bob)
    status = await reply(attune, await fake.slash(world.alice, world.general, "pair status"))
    assert "`/checkin schedule` sets them up" in status and "(/checkin sets" not in status


async def test_a_prompt_is_shown_once_and_the_personal_answer_has_a_placeholder(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    ix = await fake.slash(world.alice, world.general, "journal write", prompt=True)
    await ix.response()
    assert ix.modal is not None
    shown = [c for c in json.dumps(ix.modal).split("A prompt for you:") if c]
    prompt = shown[-1].split('"')[0].strip().rstrip("\\n").strip()
    assert json.dumps(ix.modal).count(prompt[:40]) == 1, "the prompt appears once, not twice"

    ix = await fake.slash(world.alice, world.general, "checkin personal set", time="21:00", timezone="UTC")
    await reply(attune, ix)
    attune.clock.set(attune.clock.now().replace(hour=21, minute=0, second=5))
    dispatcher = attune.checkin_job
    await dispatcher.tick()
    await attune.settle()
    (dm,) = [m for m in fake.dm_messages(world.alice) if "Your check-in" in m.text()]
    form = await fake.press(world.alice, dm, "Write")
    await form.response()
    assert form.modal is not None
    inputs = [c for c in json.dumps(form.modal).split('"custom_id": "answer"')[1:]]
    assert inputs and '"placeholder"' in inputs[0].split("}")[0]
