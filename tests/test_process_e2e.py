"""The real `python -m bot` process against the fake Discord: start, then SIGTERM closes it cleanly."""

from __future__ import annotations

import asyncio
import signal
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import bot_environment, spawn_bot

pytestmark = pytest.mark.slow  # starts the real `python -m bot` process


async def test_sigterm_stops_the_bot_cleanly_with_exit_0(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    env = bot_environment(tmp_path / "attune.db", fake_discord)
    process = await spawn_bot(cwd=tmp_path, env=env)
    try:
        await fake_discord.wait_for(lambda: fake_discord.identify_count == 1, timeout=30)
        await fake_discord.wait_for(lambda: fake_discord.command_sync_requests == 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    _, stderr = await process.communicate()
    assert code == 0, stderr.decode()[-2000:]
    assert b"Attune stopped cleanly" in stderr
    assert fake_discord.token.encode() not in stderr
