"""Small facts the bot keeps about itself (command hash, key check)."""

from __future__ import annotations

from bot.db import Database


class MetaRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, key: str) -> str | None:
        value = await self._db.fetchval("SELECT value FROM meta WHERE key = ?", (key,))
        return None if value is None else str(value)

    async def set(self, key: str, value: str) -> None:
        await self._db.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )

    async def set_if_absent(self, key: str, value: str) -> str:
        """Store `value` unless a value is there already; return the one that is stored."""
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT DO NOTHING", (key, value)
            )
            return str(await tx.fetchval("SELECT value FROM meta WHERE key = ?", (key,)))
