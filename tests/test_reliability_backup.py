"""The README's backup and restore, followed to the letter against a running bot: an automatic
backup, then `python -m bot restore`, and the bot started again sees exactly the backed-up data."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.support.backups import journal, write
from tests.support.harness import TEST_KEY, BotHarness
from tests.test_cli import run_bot

pytestmark = pytest.mark.slow  # runs `python -m bot restore` and `check` in child processes


async def test_automatic_backup_then_restore_with_one_command(
    attune: BotHarness, world: Any, tmp_path: Path
) -> None:
    await write(attune, world.alice, world.general, "Kept in the backup")
    made = await attune.running.backups.back_up_if_due()  # what the scheduled job does when due
    assert made is not None
    await write(attune, world.alice, world.general, "Written after the backup")
    live = attune.settings.database_path
    env = {"DATABASE_URL": f"sqlite:///{live}", "DATA_ENCRYPTION_KEY": TEST_KEY}

    # While the bot runs, restore refuses and changes nothing.
    running = await asyncio.to_thread(run_bot, "restore", str(made.path), env=env, cwd=tmp_path)
    assert running.returncode == 2 and running.stderr.startswith(f"attune: Attune is running on {live}")
    assert len(running.stderr.strip().splitlines()) == 1

    # 1. Stop the bot. 2. python -m bot restore PATH (no token needed). 3. Start it.
    await attune.stop()
    result = await asyncio.to_thread(run_bot, "restore", str(made.path), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert f"Restored {made.path}" in result.stdout and "moved aside, not deleted" in result.stdout
    aside = sorted(path.name for path in live.parent.glob("attune.db.replaced-*"))
    assert len(aside) == 1 and aside[0] in result.stdout

    await attune.start()
    assert await journal(attune, world.alice) == ["Kept in the backup"]
