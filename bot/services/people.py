"""People: one person's own settings (timezone, DM nudges) and whether DMs reach them.

Who is owed the "couldn't DM you" notice is also kept in memory (loaded at start by
`load_owed_notices`), because every slash command asks: with the set, the common case (nobody owed
anything) costs no SQL on the one connection the next interaction needs. The database stays the
truth: the set only says when asking it would be pointless. It stays in step because every change
to `people.dm_unreachable_told` goes through here (a DM failure recorded, the notice taken) or
through `forget` (erasure), and each updates the set in the same event-loop step in which its
statement's result arrives: the database's one lock releases in that step too, so the set changes
in the order the database did.
"""

from __future__ import annotations

from datetime import date

from bot.records.people import Person
from bot.repositories.people import PeopleRepository


class PeopleService:
    """What cogs and the Discord glue may ask about a person; the queries stay in the repository."""

    def __init__(self, repository: PeopleRepository) -> None:
        self._repo = repository
        # None until loaded: then every question goes to the database, as before.
        self._owed: set[int] | None = None
        # How many times each person's data was erased in this process: a DM on its way when it
        # happened must not write anything of theirs back (see `erasure_mark`).
        self._erasures: dict[int, int] = {}

    async def load_owed_notices(self) -> None:
        """Read who is owed the notice (once, at start, after the migrations)."""
        self._owed = await self._repo.owed_notices()

    @property
    def owed_notices(self) -> frozenset[int] | None:
        """Who the in-memory set says is owed the notice (None before it is loaded)."""
        return None if self._owed is None else frozenset(self._owed)

    async def get(self, user_id: int) -> Person | None:
        return await self._repo.get(user_id)

    async def set_timezone(self, user_id: int, timezone: str, now: int) -> None:
        await self._repo.set_timezone(user_id, timezone, now)

    async def set_dm_nudges(self, user_id: int, enabled: bool, now: int) -> None:
        await self._repo.set_dm_nudges(user_id, enabled, now)

    def erasure_mark(self, user_id: int) -> int:
        """Taken before a DM goes out and handed back with what it learned: if the person's data
        was erased meanwhile, nothing is written (the write checks once the database is its own,
        after the erasure's transaction; bot/db/database.py `fetchone_if`)."""
        return self._erasures.get(user_id, 0)

    def not_erased_since(self, user_id: int, mark: int | None) -> bool:
        return mark is None or self.erasure_mark(user_id) == mark

    async def record_dm_failure(self, user_id: int, today: date, now: int, *, mark: int | None = None) -> int:
        """Mark DMs unreachable and count today's failures; returns the count for today (0 when
        the person's data was erased since `mark`: nothing was recorded)."""
        count = await self._repo.record_dm_failure(
            user_id, today, now, lambda: self.not_erased_since(user_id, mark)
        )
        if count is None:
            return 0
        if self._owed is not None:
            self._owed.add(user_id)
        return count

    async def remember_dm_channel(self, user_id: int, channel_id: int, now: int, *, mark: int) -> None:
        """The DM channel Discord opened for this person: later DMs go straight to it (unless
        their data was erased since `mark`)."""
        await self._repo.remember_dm_channel(
            user_id, channel_id, now, lambda: self.not_erased_since(user_id, mark)
        )

    async def forget_dm_channel(self, user_id: int, channel_id: int) -> None:
        """Discord no longer knows this DM channel (10003): the next DM opens one afresh."""
        await self._repo.forget_dm_channel(user_id, channel_id)

    async def take_unreachable_notice(self, user_id: int) -> bool:
        """When DMs had failed and the person was not yet told, mark them told and say so (once)."""
        if self._owed is not None and user_id not in self._owed:
            return False  # the common case: no statement at all
        taken = await self._repo.take_unreachable_notice(user_id)
        if self._owed is not None:
            self._owed.discard(user_id)  # told now, or (no row matched) nothing was owed
        return taken

    def forget(self, user_id: int) -> None:
        """The person's row is gone (erasure): nothing is owed to them any more, and a DM that was
        on its way writes nothing of theirs back."""
        self._erasures[user_id] = self._erasures.get(user_id, 0) + 1
        if self._owed is not None:
            self._owed.discard(user_id)
