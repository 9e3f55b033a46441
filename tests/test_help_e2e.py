"""/help lists every slash command the bot synced, every time (its embed is built once and kept)."""

from __future__ import annotations

from typing import Any

from tests.support.harness import BotHarness

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2


def synced_names(commands: list[dict[str, Any]]) -> set[str]:
    """Every invocable command's full name, from what the bot synced to Discord."""
    names: set[str] = set()

    def walk(prefix: str, options: list[dict[str, Any]]) -> None:
        subs = [o for o in options if o.get("type") in (SUB_COMMAND, SUB_COMMAND_GROUP)]
        if not subs:
            names.add(prefix)
        for sub in subs:
            walk(f"{prefix} {sub['name']}", sub.get("options") or [])

    for command in commands:
        walk(command["name"], command.get("options") or [])
    return names


async def test_help_lists_every_synced_command_on_each_call(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    names = synced_names(fake.guild_commands[world.guild.id])
    assert {"help", "journal write", "checkin now"} <= names
    answers = []
    for person in (world.alice, world.bob, world.alice):
        ix = await fake.slash(person, world.general, "help")
        await ix.response()
        assert ix.ephemeral
        text = ix.text()
        missing = sorted(name for name in names if f"/{name}:" not in text)
        assert not missing, f"/help does not list {missing}"
        assert "not therapy" in text.lower()
        answers.append(ix.embeds)
    assert answers[0] == answers[1] == answers[2]
