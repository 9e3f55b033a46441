"""Whether Attune can post in each couple's thread (a problem is noted once per outage), and
whether both partners can still be in it."""

from __future__ import annotations

import json
from collections.abc import Mapping

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

    async def note_join_times(self, guild_id: int, joined: Mapping[int, int]) -> list[tuple[int, int]]:
        """Record when each present partner of an active couple joined the server. Returns the
        (couple id, user id) of those whose join time changed since it was last seen: they left
        and came back while Attune was away."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "SELECT m.couple_id, m.user_id, m.guild_joined_at FROM couple_members m "
                "JOIN couples c ON c.id = m.couple_id WHERE m.guild_id = ? AND m.current = 1 "
                "AND c.status = 'active' AND m.user_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(sorted(joined))),
            )
            back: list[tuple[int, int]] = []
            for couple_id, user_id, seen in rows:
                now_seen = joined[int(user_id)]
                if seen == now_seen:
                    continue
                if seen is not None:
                    back.append((int(couple_id), int(user_id)))
                await tx.execute(
                    "UPDATE couple_members SET guild_joined_at = ? WHERE couple_id = ? AND user_id = ?",
                    (now_seen, couple_id, user_id),
                )
        return back
