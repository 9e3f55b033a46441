"""Whether Attune can post in each couple's thread: a problem is noted once per outage."""

from __future__ import annotations

from bot.db import Database


class ThreadHealthRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def note_problem(self, couple_id: int, problem: str, now: int) -> bool:
        """Record that the couple's thread can't be posted in. True only for the first note of an
        outage (or when the problem changed), so the couple is told and the log says it once."""
        row = await self._db.fetchone(
            "UPDATE couples SET thread_problem = ?, thread_problem_since = ?, thread_problem_told = 0 "
            "WHERE id = ? AND thread_problem IS NOT ? RETURNING id",
            (problem, now, couple_id, problem),
        )
        return row is not None

    async def claim_notice(self, couple_id: int) -> bool:
        """True once per outage: whoever gets it tells the couple."""
        row = await self._db.fetchone(
            "UPDATE couples SET thread_problem_told = 1 WHERE id = ? AND thread_problem IS NOT NULL "
            "AND thread_problem_told = 0 RETURNING id",
            (couple_id,),
        )
        return row is not None

    async def clear(self, couple_id: int) -> bool:
        """The thread works again. True when an outage ended with this."""
        row = await self._db.fetchone(
            "UPDATE couples SET thread_problem = NULL, thread_problem_since = NULL, thread_problem_told = 0 "
            "WHERE id = ? AND thread_problem IS NOT NULL RETURNING id",
            (couple_id,),
        )
        return row is not None

    async def clear_missing_in_guild(self, guild_id: int) -> int:
        """A new /setup channel: couples whose channel was gone can have a thread again."""
        rows = await self._db.fetchall(
            "UPDATE couples SET thread_problem = NULL, thread_problem_since = NULL, thread_problem_told = 0 "
            "WHERE guild_id = ? AND thread_problem = 'missing' RETURNING id",
            (guild_id,),
        )
        return len(rows)
