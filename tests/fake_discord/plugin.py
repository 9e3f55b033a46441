"""Pytest plugin: the ``fake_discord`` fixture (add ``pytest_plugins = ["tests.fake_discord.plugin"]``)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from .server import FakeDiscord
from .spec import load_spec


@pytest_asyncio.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A started fake with discord.py's REST base and default gateway patched to point at it."""
    load_spec()  # parsed once per session
    fake = FakeDiscord()
    await fake.start()
    try:
        with fake.patch_discord_py():
            yield fake
    finally:
        await fake.stop()
    if fake.violations:
        listing = "\n".join(f"  - {v}" for v in fake.violations)
        pytest.fail(f"requests violating Discord's API spec:\n{listing}", pytrace=False)
