"""Running the real `python -m bot` process in a test: its environment and its start."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import Any

from tests.support.harness import TEST_KEY

REPO = Path(__file__).resolve().parents[2]


def bot_environment(database: Path, fake: Any | None = None) -> dict[str, str]:
    """This process's environment without any Discord or data setting of the developer's, then the
    database and this checkout; with a fake, its token, its API and the test key too."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DISCORD_", "DATA"))}
    env.update(DATABASE_URL=f"sqlite:///{database}", PYTHONPATH=str(REPO))
    if fake is not None:
        env.update(DISCORD_TOKEN=fake.token, DISCORD_API_BASE=fake.api_base, DATA_ENCRYPTION_KEY=TEST_KEY)
    return env


async def spawn_bot(
    *args: str, cwd: Path, env: dict[str, str], stdout: int = asyncio.subprocess.PIPE
) -> asyncio.subprocess.Process:
    """`python -m bot ARGS` with stderr piped (that is where its log goes)."""
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=cwd, env=env, stdout=stdout, stderr=asyncio.subprocess.PIPE
    )
