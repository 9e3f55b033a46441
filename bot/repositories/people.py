"""Per-person settings: timezone, whether DMs reach them, DM nudges, their DM channel's id."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from sqlite3 import Row

from bot.db import Database
from bot.records.people import Person

_COLUMNS = "user_id, timezone, dm_reachable, dm_unreachable_told, dm_nudges, dm_channel_id"


class PeopleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def get(self, user_id: int) -> Person | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM people WHERE user_id = ?", (user_id,))
        return None if row is None else _person(row)

    async def set_timezone(self, user_id: int, timezone: str, now: int) -> None:
        await self._db.execute(
            "INSERT INTO people (user_id, timezone, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET timezone = excluded.timezone",
            (user_id, timezone, now),
        )

    async def set_dm_nudges(self, user_id: int, enabled: bool, now: int) -> None:
        await self._db.execute(
            "INSERT INTO people (user_id, dm_nudges, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET dm_nudges = excluded.dm_nudges",
            (user_id, int(enabled), now),
        )

    async def record_dm_failure(
        self, user_id: int, today: date, now: int, still_wanted: Callable[[], bool]
    ) -> int | None:
        """Mark DMs unreachable and count today's failures; returns the count for today (None when
        `still_wanted` said no: the person's data was erased meanwhile)."""
        row = await self._db.fetchone_if(
            still_wanted,
            "INSERT INTO people (user_id, dm_reachable, dm_unreachable_told, dm_failures_day, dm_failures, "
            "created_at) VALUES (?, 0, 0, ?, 1, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET dm_reachable = 0, dm_unreachable_told = 0, "
            "dm_failures = CASE WHEN dm_failures_day = excluded.dm_failures_day "
            "THEN dm_failures + 1 ELSE 1 END, "
            "dm_failures_day = excluded.dm_failures_day "
            "RETURNING dm_failures",
            (user_id, today.isoformat(), now),
        )
        return None if row is None else int(row[0])

    async def dm_failures_on(self, user_id: int, today: date) -> int:
        value = await self._db.fetchval(
            "SELECT dm_failures FROM people WHERE user_id = ? AND dm_failures_day = ?",
            (user_id, today.isoformat()),
        )
        return int(value or 0)

    async def remember_dm_channel(
        self, user_id: int, channel_id: int, now: int, still_wanted: Callable[[], bool]
    ) -> None:
        await self._db.fetchone_if(
            still_wanted,
            "INSERT INTO people (user_id, dm_channel_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET dm_channel_id = excluded.dm_channel_id",
            (user_id, channel_id, now),
        )

    async def forget_dm_channel(self, user_id: int, channel_id: int) -> None:
        """Forget the stored id only if it is still this one (a fresh one may have been stored since)."""
        await self._db.execute(
            "UPDATE people SET dm_channel_id = NULL WHERE user_id = ? AND dm_channel_id = ?",
            (user_id, channel_id),
        )

    async def owed_notices(self) -> set[int]:
        """Everyone whose DMs failed and who was not told yet."""
        rows = await self._db.fetchall("SELECT user_id FROM people WHERE dm_unreachable_told = 0")
        return {int(row[0]) for row in rows}

    async def take_unreachable_notice(self, user_id: int) -> bool:
        """When DMs had failed and the person was not yet told, mark them told and say so (once)."""
        row = await self._db.fetchone(
            "UPDATE people SET dm_reachable = 1, dm_unreachable_told = 1 "
            "WHERE user_id = ? AND dm_unreachable_told = 0 RETURNING user_id",
            (user_id,),
        )
        return row is not None


def _person(row: Row) -> Person:
    return Person(
        user_id=row["user_id"],
        timezone=row["timezone"],
        dm_reachable=bool(row["dm_reachable"]),
        dm_unreachable_told=bool(row["dm_unreachable_told"]),
        dm_nudges=bool(row["dm_nudges"]),
        dm_channel_id=row["dm_channel_id"],
    )
