"""The README's backup and restore steps, followed to the letter against a running bot."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any

from tests.support.harness import BotHarness
from tests.test_cli import run_bot
from tests.test_privacy_e2e import ok


async def write(attune: BotHarness, user: Any, channel: Any, body: str) -> None:
    opened = await attune.fake.slash(user, channel, "journal write")
    await opened.response()
    await ok(await attune.fake.submit_modal(user, opened, {"body": body}))


def restore(backup: Path, live: Path, aside: Path) -> None:
    aside.mkdir()
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{live}{suffix}")
        if path.exists():
            shutil.move(path, aside / path.name)
    shutil.copy2(backup, live)


async def test_backup_while_running_then_restore_as_the_readme_says(
    attune: BotHarness, world: Any, tmp_path: Path
) -> None:
    await write(attune, world.alice, world.general, "Kept in the backup")
    live = attune.settings.database_path
    backup = tmp_path / "backups" / "attune-backup.db"
    env = {"DATABASE_URL": f"sqlite:///{live}"}
    # 1. python -m bot backup PATH, while the bot runs.
    result = await asyncio.to_thread(run_bot, "backup", str(backup), env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    await write(attune, world.alice, world.general, "Written after the backup")

    # Restore: stop the bot; check the copy; move the live file and its -wal/-shm aside; copy the
    # backup to DATABASE_URL's path; start with the same key.
    await attune.stop()
    check = await asyncio.to_thread(run_bot, "check", env={**env, "DISCORD_TOKEN": "x.y.z"}, cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    await asyncio.to_thread(restore, backup, live, tmp_path / "before-restore")
    await attune.start()

    bodies = [e.body for e in await attune.running.services.journal.entries(world.alice.id)]
    assert bodies == ["Kept in the backup"]
