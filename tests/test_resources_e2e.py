"""/resources through the fake Discord: the default safety text, or the server's own."""

from __future__ import annotations

from tests.support.harness import BotHarness


async def test_resources_are_private_and_include_safety_and_professional_help(
    attune: BotHarness, world
) -> None:
    fake = attune.fake
    ix = await fake.slash(world.alice, world.general, "resources")
    await ix.response()
    assert ix.ephemeral
    text = "\n".join(m.text() for m in ix.all_messages())
    safety = attune.running.content.safety
    assert "Attune is not therapy." in text  # default_resources
    assert "If you are in danger right now" in text  # feeling_unsafe
    assert "You don't have to sort this out alone." in text  # professional_help
    assert all(flag.name in text for flag in safety.red_flags)
    assert "It is not therapy" in text  # not_therapy
    assert all(m.ephemeral for m in ix.all_messages())


async def test_the_servers_own_resources_replace_the_default_list(attune: BotHarness, world) -> None:
    fake = attune.fake
    local = "Call the Home Valley helpline on 0800 000 000, any time, day or night."
    setup = await fake.slash(world.mod, world.general, "setup", channel=world.general, resources=local)
    await setup.response()
    ix = await fake.slash(world.bob, world.general, "resources")
    await ix.response()
    text = "\n".join(m.text() for m in ix.all_messages())
    assert local in text
    assert "from this server" in text
    assert "Attune is not therapy." not in text  # the default list gave way to the server's
    assert "If you are in danger right now" in text
