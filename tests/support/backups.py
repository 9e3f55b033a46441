"""What the backup and restore tests share: data written the way a person writes it, fingerprints
of the live files (to show a refusal left them untouched), and a database from an older Attune."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.db import Database
from bot.db import database as database_module
from tests.support.harness import BotHarness
from tests.test_privacy_e2e import ok


async def write(attune: BotHarness, user: Any, channel: Any, body: str) -> None:
    """A journal entry, through /journal write and its form (sealed with the data key)."""
    opened = await attune.fake.slash(user, channel, "journal write")
    await opened.response()
    await ok(await attune.fake.submit_modal(user, opened, {"body": body}))


async def journal(attune: BotHarness, user: Any) -> list[str]:
    """The bodies of the user's journal as the bot reads (and decrypts) them, sorted."""
    return sorted(entry.body for entry in await attune.running.services.journal.entries(user.id))


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file in `folder` (not below it) with a hash of its bytes; not the shared memory nor
    the heartbeat (a running bot's state, rewritten every few seconds: neither is data)."""
    return {
        entry.name: hashlib.sha256(entry.read_bytes()).hexdigest()
        for entry in sorted(folder.iterdir())
        if entry.is_file() and not entry.name.endswith(("-shm", ".heartbeat"))
    }


def schema_of(path: Path) -> int:
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def set_schema(path: Path, version: int) -> None:
    connection = sqlite3.connect(path)
    try:
        connection.execute(f"PRAGMA user_version = {version}")
        connection.commit()
    finally:
        connection.close()


@asynccontextmanager
async def older_attune(monkeypatch: pytest.MonkeyPatch, schema: int) -> AsyncIterator[None]:
    """Inside the block Attune knows only migrations 1..schema, as an older release did."""
    everything: Callable[[], list[tuple[int, str]]] = database_module.available_migrations
    monkeypatch.setattr(database_module, "available_migrations", lambda: everything()[:schema])
    try:
        yield
    finally:
        monkeypatch.setattr(database_module, "available_migrations", everything)


async def make_old_database(path: Path, monkeypatch: pytest.MonkeyPatch, schema: int) -> None:
    """A database an older Attune wrote: migrated to `schema`, with a little data in it."""
    async with older_attune(monkeypatch, schema):
        db = Database(path)
        await db.open()
        try:
            await db.migrate()
            await db.execute("INSERT INTO meta (key, value) VALUES ('written_by', 'an older Attune')")
        finally:
            await db.close()
