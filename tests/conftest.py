"""Shared fixtures: the fake Discord (tests/fake_discord) and Attune started the way `python -m bot` is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from tests.support.clock import FakeClock
from tests.support.harness import BotHarness, make_settings

pytest_plugins = ["tests.fake_discord.plugin"]


@dataclass
class World:
    """A small server where two couples-to-be, a moderator and a stranger live."""

    guild: Any
    general: Any
    alice: Any
    bob: Any
    carol: Any
    dave: Any
    mod: Any


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    """A real SQLite database with every migration applied, for service and repository tests."""
    db = Database(tmp_path / "data" / "attune.db")
    await db.open()
    await db.migrate()
    yield db
    await db.close()


@pytest.fixture
def world(fake_discord: Any) -> World:
    guild = fake_discord.add_guild("Home")
    general = fake_discord.add_text_channel(guild, "couples")
    return World(
        guild=guild,
        general=general,
        alice=fake_discord.add_member(guild, "alice"),
        bob=fake_discord.add_member(guild, "bob"),
        carol=fake_discord.add_member(guild, "carol"),
        dave=fake_discord.add_member(guild, "dave"),
        mod=fake_discord.add_member(guild, "mod", permissions=0x20),  # Manage Server
    )


@pytest.fixture
async def harness(
    fake_discord: Any, world: World, tmp_path: Path, clock: FakeClock
) -> AsyncIterator[BotHarness]:
    settings = make_settings(fake_discord, tmp_path / "data", discord_guild_id=world.guild.id)
    runner = BotHarness(fake_discord, settings, clock)
    yield runner
    await runner.stop()


@pytest.fixture
async def attune(harness: BotHarness) -> BotHarness:
    """Attune, started and ready."""
    await harness.start()
    return harness
