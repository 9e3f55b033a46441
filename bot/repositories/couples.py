"""Couples and their members: reading, ending, members leaving and joining, and their check-in schedule."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection

from bot.db import Transaction
from bot.records.couples import CheckinScheduleInfo, Couple
from bot.repositories.couple_records import COUPLE_COLUMNS, couple_from_row, couple_in
from bot.repositories.invitations import InvitationsRepository


class CouplesRepository(InvitationsRepository):
    """Every query the couples feature runs: server setup and invitations (its base), then couples."""

    # -- couples -------------------------------------------------------------------------------

    async def couple_by_id(self, couple_id: int) -> Couple | None:
        row = await self._db.fetchone(f"SELECT {COUPLE_COLUMNS} FROM couples c WHERE c.id = ?", (couple_id,))
        return None if row is None else couple_from_row(row)

    async def couple_by_thread(self, thread_id: int) -> Couple | None:
        row = await self._db.fetchone(
            f"SELECT {COUPLE_COLUMNS} FROM couples c WHERE c.thread_id = ? ORDER BY c.id DESC LIMIT 1",
            (thread_id,),
        )
        return None if row is None else couple_from_row(row)

    async def current_couple_for(self, guild_id: int, user_id: int) -> Couple | None:
        """The couple this person currently belongs to in the server (active or paused)."""
        row = await self._db.fetchone(
            f"SELECT {COUPLE_COLUMNS} FROM couple_members cm JOIN couples c ON c.id = cm.couple_id "
            "WHERE cm.guild_id = ? AND cm.user_id = ? AND cm.current = 1",
            (guild_id, user_id),
        )
        return None if row is None else couple_from_row(row)

    async def current_couples_of(self, user_id: int) -> list[Couple]:
        rows = await self._db.fetchall(
            f"SELECT {COUPLE_COLUMNS} FROM couple_members cm JOIN couples c ON c.id = cm.couple_id "
            "WHERE cm.user_id = ? AND cm.current = 1 ORDER BY c.id",
            (user_id,),
        )
        return [couple_from_row(r) for r in rows]

    async def replace_thread(self, couple_id: int, old_thread_id: int | None, new_thread_id: int) -> bool:
        """Point the couple at a new thread, only if it still points at `old_thread_id`."""
        row = await self._db.fetchone(
            "UPDATE couples SET thread_id = ? WHERE id = ? AND thread_id IS ? RETURNING id",
            (new_thread_id, couple_id, old_thread_id),
        )
        return row is not None

    async def end_couple(self, couple_id: int, now: int) -> Couple | None:
        """End a couple that has not ended yet; members stop being current. None if already ended."""
        async with self._db.transaction() as tx:
            ended = await tx.fetchval(
                "UPDATE couples SET status = 'ended', ended_at = ? "
                "WHERE id = ? AND status != 'ended' RETURNING id",
                (now, couple_id),
            )
            if ended is None:
                return None
            await tx.execute("UPDATE couple_members SET current = 0 WHERE couple_id = ?", (couple_id,))
            # Nothing of an ended couple is posted or answered any more: open rounds close, rounds
            # not posted yet are missed, reveals not posted yet are dropped (both answers stay in
            # each partner's export), and the schedule falls silent.
            await tx.execute(
                "UPDATE checkin_rounds SET status = CASE status WHEN 'pending' THEN 'missed' ELSE 'closed' END, "
                "missed_reason = CASE status WHEN 'pending' THEN 'ended' ELSE missed_reason END, claimed_by = NULL "
                "WHERE couple_id = ? AND status IN ('pending', 'open')",
                (couple_id,),
            )
            await tx.execute(
                "UPDATE checkin_rounds SET reveal_dropped = 1, claimed_by = NULL WHERE couple_id = ? "
                "AND status = 'revealed' AND reveal_message_id IS NULL",
                (couple_id,),
            )
            await tx.execute(
                "UPDATE checkin_schedules SET next_due_at = NULL WHERE couple_id = ?", (couple_id,)
            )
            return await couple_in(tx, couple_id)

    async def member_left(self, guild_id: int, user_id: int) -> list[Couple]:
        """Mark the person out of the server; their current couple there is paused. Returns it."""
        async with self._db.transaction() as tx:
            paused: list[Couple] = []
            for couple_id in await _mark_in_guild(tx, guild_id, user_id, in_guild=False):
                await tx.execute(
                    "UPDATE couples SET status = 'paused' WHERE id = ? AND status = 'active'", (couple_id,)
                )
                couple = await couple_in(tx, couple_id)
                if couple is not None:
                    paused.append(couple)
            return paused

    async def member_joined(self, guild_id: int, user_id: int) -> list[Couple]:
        """Mark the person back in the server; a paused couple whose partners are both here resumes."""
        async with self._db.transaction() as tx:
            resumed: list[Couple] = []
            for couple_id in await _mark_in_guild(tx, guild_id, user_id, in_guild=True):
                changed = await tx.fetchval(
                    "UPDATE couples SET status = 'active' WHERE id = ? AND status = 'paused' "
                    "AND NOT EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id "
                    "AND m.in_guild = 0) RETURNING id",
                    (couple_id,),
                )
                if changed is not None:
                    couple = await couple_in(tx, couple_id)
                    if couple is not None:
                        resumed.append(couple)
            return resumed

    async def current_member_ids(self, guild_id: int, after: int = 0, limit: int = -1) -> list[int]:
        """Everyone in an active or paused couple in the server (members of ended couples are not
        current), in user id order: those after `after`, at most `limit` (-1: all)."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM couple_members WHERE guild_id = ? AND current = 1 AND user_id > ? "
            "ORDER BY user_id LIMIT ?",
            (guild_id, after, limit),
        )
        return [int(row[0]) for row in rows]

    async def current_members_of(self, couple_ids: Collection[int]) -> list[tuple[int, int]]:
        """(server id, user id) of each current member of these couples."""
        rows = await self._db.fetchall(
            "SELECT guild_id, user_id FROM couple_members "
            "WHERE current = 1 AND couple_id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(couple_ids)),),
        )
        return [(int(row[0]), int(row[1])) for row in rows]

    async def reconcile_members(
        self, guild_id: int, away: Collection[int], here: Collection[int]
    ) -> tuple[list[Couple], list[Couple]]:
        """In one transaction, for these people in the server: mark `away` out of it and `here`
        back in it, pause each of their active couples with a partner out, resume each of their
        paused couples whose partners are all in. Returns (paused, resumed): only the couples
        whose status changed just now.

        The id lists go in as one JSON array each (json_each), so many people are a handful of
        statements, whatever their number, and never hit SQLite's variable limit. Only these
        people's couples are looked at (by index), so checking a few in a large server is cheap.
        """
        everyone = json.dumps(sorted({*away, *here}))
        theirs = (
            "id IN (SELECT m.couple_id FROM couple_members m WHERE m.guild_id = ? AND m.current = 1 "
            "AND m.user_id IN (SELECT value FROM json_each(?)))"
        )
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE couple_members SET in_guild = 0 WHERE guild_id = ? AND current = 1 AND in_guild = 1 "
                "AND user_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(sorted(away))),
            )
            await tx.execute(
                "UPDATE couple_members SET in_guild = 1 WHERE guild_id = ? AND current = 1 AND in_guild = 0 "
                "AND user_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(sorted(here))),
            )
            paused = await tx.fetchall(
                f"UPDATE couples SET status = 'paused' WHERE {theirs} AND status = 'active' "
                "AND EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id AND m.in_guild = 0) "
                "RETURNING id",
                (guild_id, everyone),
            )
            resumed = await tx.fetchall(
                f"UPDATE couples SET status = 'active' WHERE {theirs} AND status = 'paused' "
                "AND NOT EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id AND m.in_guild = 0) "
                "RETURNING id",
                (guild_id, everyone),
            )
            changed = [int(r[0]) for r in paused] + [int(r[0]) for r in resumed]
            if not changed:
                return [], []
            rows = await tx.fetchall(
                f"SELECT {COUPLE_COLUMNS} FROM couples c WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id",
                (json.dumps(changed),),
            )
        couples = [couple_from_row(r) for r in rows]
        paused_ids = {int(r[0]) for r in paused}
        return [c for c in couples if c.id in paused_ids], [c for c in couples if c.id not in paused_ids]

    async def checkin_schedule(self, couple_id: int) -> CheckinScheduleInfo | None:
        try:
            row = await self._db.fetchone(
                "SELECT local_time, weekdays, timezone, paused_until FROM checkin_schedules "
                "WHERE couple_id = ?",
                (couple_id,),
            )
        except sqlite3.OperationalError:  # the check-ins feature's table is not there (yet)
            return None
        if row is None:
            return None
        return CheckinScheduleInfo(
            local_time=str(row["local_time"]),
            weekdays=int(row["weekdays"]),
            timezone=str(row["timezone"]),
            paused_until=row["paused_until"],
        )


async def _mark_in_guild(tx: Transaction, guild_id: int, user_id: int, *, in_guild: bool) -> list[int]:
    """Mark the person in or out of the server on their current memberships there; their couples' ids."""
    rows = await tx.fetchall(
        "UPDATE couple_members SET in_guild = ? "
        "WHERE guild_id = ? AND user_id = ? AND current = 1 RETURNING couple_id",
        (int(in_guild), guild_id, user_id),
    )
    return [int(row[0]) for row in rows]
