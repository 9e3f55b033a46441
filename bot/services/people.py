"""People: one person's own settings (timezone, DM nudges) and whether DMs reach them."""

from __future__ import annotations

from datetime import date

from bot.records.people import Person
from bot.repositories.people import PeopleRepository


class PeopleService:
    """What cogs and the Discord glue may ask about a person; the queries stay in the repository."""

    def __init__(self, repository: PeopleRepository) -> None:
        self._repo = repository

    async def get(self, user_id: int) -> Person | None:
        return await self._repo.get(user_id)

    async def set_timezone(self, user_id: int, timezone: str, now: int) -> None:
        await self._repo.set_timezone(user_id, timezone, now)

    async def set_dm_nudges(self, user_id: int, enabled: bool, now: int) -> None:
        await self._repo.set_dm_nudges(user_id, enabled, now)

    async def record_dm_failure(self, user_id: int, today: date, now: int) -> int:
        """Mark DMs unreachable and count today's failures; returns the count for today."""
        return await self._repo.record_dm_failure(user_id, today, now)

    async def remember_dm_channel(self, user_id: int, channel_id: int, now: int) -> None:
        """The DM channel Discord opened for this person: later DMs go straight to it."""
        await self._repo.remember_dm_channel(user_id, channel_id, now)

    async def forget_dm_channel(self, user_id: int, channel_id: int) -> None:
        """Discord no longer knows this DM channel (10003): the next DM opens one afresh."""
        await self._repo.forget_dm_channel(user_id, channel_id)

    async def take_unreachable_notice(self, user_id: int) -> bool:
        """When DMs had failed and the person was not yet told, mark them told and say so (once)."""
        return await self._repo.take_unreachable_notice(user_id)
