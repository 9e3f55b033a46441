"""The real `python -m bot` process against the fake Discord: start, then SIGTERM closes it cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import TEST_KEY

pytestmark = pytest.mark.slow  # starts the real `python -m bot` process

REPO = Path(__file__).resolve().parents[1]


async def test_sigterm_stops_the_bot_cleanly_with_exit_0(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "DATA"))}
    env.update(
        DISCORD_TOKEN=fake_discord.token,
        DISCORD_API_BASE=fake_discord.api_base,
        DATABASE_URL=f"sqlite:///{tmp_path / 'attune.db'}",
        DATA_ENCRYPTION_KEY=TEST_KEY,
        PYTHONPATH=str(REPO),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
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
