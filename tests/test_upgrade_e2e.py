"""An older Attune started on a database a newer one has migrated: the real process refuses.

README, "Upgrading": the refusal is a configuration error (exit code 2, which the systemd unit does
not restart), its one line says to upgrade, and the database is left exactly as it was.
tests/test_storage.py checks the same refusal inside the process.
"""

from __future__ import annotations

import asyncio
import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.db.database import available_migrations
from tests.support.processes import bot_environment, spawn_bot

pytestmark = pytest.mark.slow  # starts the real `python -m bot` process


async def database_from_a_newer_attune(path: Path) -> int:
    """A database as this Attune leaves it, then migrated one step further by a 'newer' one."""
    database = Database(path)
    await database.open()
    await database.migrate()
    await database.close()
    newer = available_migrations()[-1][0] + 1
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE from_the_future (id INTEGER PRIMARY KEY)")
        raw.execute(f"PRAGMA user_version = {newer}")
    raw.close()
    return newer


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


async def test_an_older_attune_refuses_a_newer_schema_with_exit_2_and_leaves_it_untouched(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    path = tmp_path / "data" / "attune.db"
    newer = await database_from_a_newer_attune(path)
    before = digest(path)

    process = await spawn_bot(cwd=tmp_path, env=bot_environment(path, fake_discord))
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    said = stderr.decode()
    assert process.returncode == 2, said[-3000:]
    latest = available_migrations()[-1][0]
    assert said.strip().splitlines()[-1] == (
        f"attune: The database at {path} was written by a newer Attune (schema {newer}, this one knows "
        f"{latest}). Upgrade Attune instead of starting an older one."
    )
    assert "Traceback" not in said
    assert fake_discord.identify_count == 0  # refused before going online
    assert fake_discord.command_sync_requests == 0

    assert digest(path) == before
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == newer
        assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'from_the_future'").fetchone()
    raw.close()
