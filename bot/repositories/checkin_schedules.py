"""Check-in schedules and the rounds they start; every change is one atomic statement or transaction."""

from __future__ import annotations

from collections.abc import Sequence
from sqlite3 import Row

from bot.db import Database, Transaction
from bot.records.checkins import DueSchedule, Occurrence, Recorded, Schedule
from bot.records.prompts import PromptUsage

_SCHEDULE_COLUMNS = (
    "id, kind, couple_id, user_id, local_time, weekdays, timezone, paused_until, skip_next, "
    "reminder_minutes, next_due_at"
)


class ScheduleRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    async def save_schedule(
        self,
        *,
        couple_id: int | None,
        user_id: int | None,
        local_time: str,
        weekdays: int,
        timezone: str,
        reminder_minutes: int | None,
        next_due_at: int,
        by: int,
        now: int,
    ) -> Schedule:
        """Create or replace the couple's (or person's) schedule; pausing and skipping reset."""
        kind = "couple" if couple_id is not None else "personal"
        target = "couple_id" if couple_id is not None else "user_id"
        row = await self._db.fetchone(
            f"INSERT INTO checkin_schedules (kind, couple_id, user_id, local_time, weekdays, timezone, "
            f"reminder_minutes, next_due_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            f"ON CONFLICT ({target}) WHERE {target} IS NOT NULL DO UPDATE SET "
            f"local_time = excluded.local_time, weekdays = excluded.weekdays, timezone = excluded.timezone, "
            f"reminder_minutes = excluded.reminder_minutes, next_due_at = excluded.next_due_at, "
            f"paused_until = NULL, skip_next = 0, updated_by = excluded.updated_by, "
            f"updated_at = excluded.updated_at RETURNING {_SCHEDULE_COLUMNS}",
            (
                kind,
                couple_id,
                user_id,
                local_time,
                weekdays,
                timezone,
                reminder_minutes,
                next_due_at,
                by,
                now,
            ),
        )
        assert row is not None
        return _schedule(row)

    async def schedule_for_couple(self, couple_id: int) -> Schedule | None:
        row = await self._db.fetchone(
            f"SELECT {_SCHEDULE_COLUMNS} FROM checkin_schedules WHERE couple_id = ?", (couple_id,)
        )
        return None if row is None else _schedule(row)

    async def schedule_for_person(self, user_id: int) -> Schedule | None:
        row = await self._db.fetchone(
            f"SELECT {_SCHEDULE_COLUMNS} FROM checkin_schedules WHERE user_id = ?", (user_id,)
        )
        return None if row is None else _schedule(row)

    async def set_pause(
        self, schedule_id: int, paused_until: str | None, next_due_at: int | None, now: int
    ) -> None:
        await self._db.execute(
            "UPDATE checkin_schedules SET paused_until = ?, next_due_at = ?, updated_at = ? WHERE id = ?",
            (paused_until, next_due_at, now, schedule_id),
        )

    async def set_skip_next(self, schedule_id: int, now: int) -> None:
        await self._db.execute(
            "UPDATE checkin_schedules SET skip_next = 1, updated_at = ? WHERE id = ?", (now, schedule_id)
        )

    async def delete_schedule(self, schedule_id: int) -> None:
        async with self._db.transaction() as tx:
            # Past rounds stay (they are the couple's history); they just lose their schedule.
            await tx.execute(
                "UPDATE checkin_rounds SET schedule_id = NULL WHERE schedule_id = ?", (schedule_id,)
            )
            await tx.execute("DELETE FROM checkin_schedules WHERE id = ?", (schedule_id,))

    async def due_schedules(self, now: int, limit: int) -> list[DueSchedule]:
        rows = await self._db.fetchall(
            f"SELECT {', '.join('s.' + c.strip() for c in _SCHEDULE_COLUMNS.split(','))}, c.status AS couple_status "
            "FROM checkin_schedules s LEFT JOIN couples c ON c.id = s.couple_id "
            "WHERE s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?",
            (now, limit),
        )
        return [DueSchedule(_schedule(row), row["couple_status"]) for row in rows]

    async def earliest_due(self) -> int | None:
        value = await self._db.fetchval(
            "SELECT min(next_due_at) FROM checkin_schedules WHERE next_due_at IS NOT NULL"
        )
        return None if value is None else int(value)

    async def prompt_usage_of(self, owners: Sequence[str]) -> dict[str, PromptUsage]:
        """What each owner of a batch was asked so far, in one query (every owner gets an entry)."""
        if not owners:
            return {}
        marks = ", ".join("?" * len(owners))
        rows = await self._db.fetchall(
            f"SELECT owner, prompt_id, used_at, cycle FROM prompt_usage WHERE owner IN ({marks})",
            tuple(owners),
        )
        found: dict[str, list[Row]] = {owner: [] for owner in owners}
        for row in rows:
            found[row["owner"]].append(row)
        return {owner: _usage(owned) for owner, owned in found.items()}

    async def apply(self, occurrences: Sequence[Occurrence], now: int, reset_owners: set[str]) -> Recorded:
        """Record what fell due, all in one transaction; returns the ids of new pending rounds and
        how many were recorded missed.
        `reset_owners`: owners whose prompt starts a new round of the bank (theirs was used up).

        Each schedule advances only if it still holds the due time we read (compare-and-set), and
        the round's (schedule, due time) is unique: a tick that overlaps another records nothing twice.
        """
        created: list[int] = []
        missed = 0
        async with self._db.transaction() as tx:
            for item in occurrences:
                moved = await tx.execute(
                    "UPDATE checkin_schedules SET next_due_at = ?, paused_until = ?, "
                    "skip_next = CASE WHEN ? THEN 0 ELSE skip_next END WHERE id = ? AND next_due_at = ?",
                    (
                        item.next_due_at,
                        item.paused_until,
                        int(item.clear_skip),
                        item.schedule_id,
                        item.was_due_at,
                    ),
                )
                if moved != 1 or item.round_status is None:
                    continue
                row = await tx.fetchone(
                    "INSERT INTO checkin_rounds (schedule_id, kind, couple_id, user_id, due_at, prompt_id, status, "
                    "missed_reason) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (schedule_id, due_at) DO NOTHING "
                    "RETURNING id",
                    (
                        item.schedule_id,
                        item.kind,
                        item.couple_id,
                        item.user_id,
                        item.was_due_at,
                        item.prompt_id or "",
                        item.round_status,
                        item.missed_reason,
                    ),
                )
                if row is not None and item.round_status == "pending":
                    created.append(int(row[0]))
                    await _record_usage(tx, item.owner, item.prompt_id or "", now, item.owner in reset_owners)
                elif row is not None and item.round_status == "missed":
                    missed += 1
        return Recorded(tuple(created), missed)

    async def create_immediate_round(
        self,
        *,
        kind: str,
        couple_id: int | None,
        user_id: int | None,
        prompt_id: str,
        owner: str,
        reset_prompts: bool,
        now: int,
        started_by: int | None = None,
    ) -> int:
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "INSERT INTO checkin_rounds (kind, couple_id, user_id, due_at, prompt_id, status, started_by) "
                "VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id",
                (kind, couple_id, user_id, now, prompt_id, started_by),
            )
            await _record_usage(tx, owner, prompt_id, now, reset_prompts)
        assert row is not None
        return int(row[0])


async def _record_usage(tx: Transaction, owner: str, prompt_id: str, now: int, new_cycle: bool) -> None:
    """Note that `prompt_id` was asked now: in the owner's current round of the bank, or (the bank
    was used up) in the next one. Rows of earlier rounds stay, so a theme's last use is known."""
    await tx.execute(
        "INSERT INTO prompt_usage (owner, prompt_id, used_at, cycle) "
        "SELECT ?, ?, ?, coalesce(max(cycle), 0) + ? FROM prompt_usage WHERE owner = ? "
        "ON CONFLICT (owner, prompt_id) DO UPDATE SET used_at = excluded.used_at, cycle = excluded.cycle",
        (owner, prompt_id, now, int(new_cycle), owner),
    )


def _usage(rows: Sequence[Row]) -> PromptUsage:
    cycle = max((int(row["cycle"]) for row in rows), default=0)
    return PromptUsage(
        cycle=cycle,
        used=frozenset(str(row["prompt_id"]) for row in rows if int(row["cycle"]) == cycle),
        last_used={str(row["prompt_id"]): int(row["used_at"]) for row in rows},
    )


def _schedule(row: Row) -> Schedule:
    return Schedule(
        id=row["id"],
        kind=row["kind"],
        couple_id=row["couple_id"],
        user_id=row["user_id"],
        local_time=row["local_time"],
        weekdays=row["weekdays"],
        timezone=row["timezone"],
        paused_until=row["paused_until"],
        skip_next=bool(row["skip_next"]),
        reminder_minutes=row["reminder_minutes"],
        next_due_at=row["next_due_at"],
    )
