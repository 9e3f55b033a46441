"""Small facts the bot keeps about itself: the last synced command hash, the data key check."""

from __future__ import annotations

from bot.repositories.meta import MetaRepository


class MetaService:
    def __init__(self, repository: MetaRepository) -> None:
        self._repo = repository

    async def get(self, key: str) -> str | None:
        return await self._repo.get(key)

    async def set(self, key: str, value: str) -> None:
        await self._repo.set(key, value)

    async def set_if_absent(self, key: str, value: str) -> str:
        """Store `value` unless a value is there already; return the one that is stored."""
        return await self._repo.set_if_absent(key, value)
