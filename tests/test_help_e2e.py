"""/help opens with how to begin, in order, short enough for a phone; every other command sits in
exactly one topic behind a select. And the whole command tree, as synced, explains itself."""

from __future__ import annotations

from typing import Any

import discord

from cogs.help.topics import TOPICS
from tests.support.harness import BotHarness

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
PHONE_SCREEN = 900  # characters of the first page: readable without scrolling on a phone


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


def embed_text(embed: dict[str, Any]) -> str:
    parts = [embed.get("title", ""), embed.get("description", "")]
    parts += [f"{f['name']}\n{f['value']}" for f in embed.get("fields", [])]
    return "\n".join(parts)


async def test_help_opens_with_how_to_begin_and_every_command_is_one_topic_away(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    names = synced_names(fake.guild_commands[world.guild.id])
    ix = await fake.slash(world.alice, world.general, "help")
    await ix.response()
    await attune.settle()
    assert ix.ephemeral
    first = embed_text(ix.embeds[0])
    assert len(first) <= PHONE_SCREEN, f"the first page is {len(first)} characters"
    steps = ["/setup", "/pair invite", "/checkin schedule", "/exercise start", "/journal write"]
    at = [first.index(step) for step in steps]
    assert at == sorted(at), "the first steps come in the order a couple takes them"
    assert "not therapy" in first and "/resources" in first

    listed: dict[str, str] = {}
    for topic in TOPICS:
        page = await fake.select(world.alice, ix, "attune:help:topic", [topic.key])
        await page.response()
        await attune.settle()
        text = embed_text(page.embeds[0])
        for name in names:
            if f"`/{name}`" in text:
                assert name not in listed, f"/{name} is in both {listed.get(name)} and {topic.key}"
                listed[name] = topic.key
    assert set(listed) == names, f"not in any topic: {sorted(names - set(listed))}"

    back = await fake.select(world.alice, ix, "attune:help:topic", ["start"])
    await back.response()
    assert embed_text(back.embeds[0]) == first


async def test_help_answers_the_same_way_after_a_restart(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    ix = await fake.slash(world.bob, world.general, "help")
    await ix.response()
    await attune.restart()
    page = await fake.select(world.bob, ix, "attune:help:topic", ["privacy"])
    await page.response()
    assert "/privacy delete" in embed_text(page.embeds[0])


async def test_every_command_and_option_explains_itself_within_discords_limits(
    attune: BotHarness, world: Any
) -> None:
    """A suite-wide check of the synced tree: no "…" placeholder anywhere in Discord's menu, and
    /setup hidden from members without Manage Server."""
    commands = attune.fake.guild_commands[world.guild.id]
    problems: list[str] = []

    def check(path: str, node: dict[str, Any]) -> None:
        description = node.get("description", "")
        if description in ("", "…", "...") or not 1 <= len(description) <= 100:
            problems.append(f"{path}: {description!r}")
        for option in node.get("options") or []:
            check(f"{path} {option['name']}", option)

    for command in commands:
        check(f"/{command['name']}", command)
    assert problems == []
    synced = {c["name"]: c for c in commands}
    manage_server = discord.Permissions(manage_guild=True).value
    assert int(synced["setup"]["default_member_permissions"]) == manage_server
    assert all(c.get("default_member_permissions") is None for n, c in synced.items() if n != "setup")
