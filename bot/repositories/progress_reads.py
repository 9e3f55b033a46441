"""Progress's read-only queries, mostly over other features' tables: the rounds streaks are counted
over, journal times, moods for the charts, and the counts /progress shows. Nothing here writes."""

from __future__ import annotations

from bot.db import Database
from bot.records.progress import MoodPoint, OpenRound, RoundRow


class ProgressReadsRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- streak histories (read-only over checkin_rounds / journal_entries) -------------------

    async def couple_rounds(self, couple_id: int) -> list[RoundRow]:
        """Scheduled rounds of the couple; a round started by hand only counts when it was revealed."""
        rows = await self._db.fetchall(
            "SELECT due_at, status, missed_reason FROM checkin_rounds "
            "WHERE couple_id = ? AND kind = 'couple' AND (schedule_id IS NOT NULL OR status = 'revealed') "
            "ORDER BY due_at, id",
            (couple_id,),
        )
        return [RoundRow(int(r[0]), str(r[1]), r[2]) for r in rows]

    async def personal_rounds(self, user_id: int) -> list[RoundRow]:
        rows = await self._db.fetchall(
            "SELECT due_at, status, missed_reason FROM checkin_rounds "
            "WHERE user_id = ? AND kind = 'personal' AND (schedule_id IS NOT NULL OR status = 'answered') "
            "ORDER BY due_at, id",
            (user_id,),
        )
        return [RoundRow(int(r[0]), str(r[1]), r[2]) for r in rows]

    async def journal_times(self, user_id: int, since: int) -> list[int]:
        rows = await self._db.fetchall(
            "SELECT created_at FROM journal_entries WHERE user_id = ? AND created_at >= ? ORDER BY created_at",
            (user_id, since),
        )
        return [int(r[0]) for r in rows]

    async def journal_count(self, user_id: int, start: int, end: int) -> int:
        """How many journal entries the person wrote in [start, end]."""
        return int(
            await self._db.fetchval(
                "SELECT count(*) FROM journal_entries WHERE user_id = ? AND created_at >= ? AND created_at <= ?",
                (user_id, start, end),
            )
            or 0
        )

    async def checkup_count(self, user_id: int, start: int, end: int) -> int:
        """How many check-ups the person took in [start, end] (a count only: nothing is opened)."""
        return int(
            await self._db.fetchval(
                "SELECT count(*) FROM progress_checkups WHERE user_id = ? AND created_at >= ? AND created_at <= ?",
                (user_id, start, end),
            )
            or 0
        )

    async def round_counts(self, couple_id: int, start: int, end: int) -> tuple[int, int]:
        """(rounds posted, rounds answered by both) of the couple due in [start, end]."""
        row = await self._db.fetchone(
            "SELECT count(*) FILTER (WHERE posted_at IS NOT NULL), count(*) FILTER (WHERE status = 'revealed') "
            "FROM checkin_rounds WHERE couple_id = ? AND kind = 'couple' AND due_at >= ? AND due_at <= ?",
            (couple_id, start, end),
        )
        assert row is not None
        return int(row[0] or 0), int(row[1] or 0)

    async def couple_moods(self, couple_id: int, partner_ids: tuple[int, int], since: int) -> list[MoodPoint]:
        """Both partners' moods from the couple's revealed rounds only; nobody else's."""
        rows = await self._db.fetchall(
            "SELECT a.user_id, r.due_at, a.mood FROM checkin_answers a "
            "JOIN checkin_rounds r ON r.id = a.round_id "
            "WHERE r.couple_id = ? AND r.kind = 'couple' AND r.status = 'revealed' AND r.due_at >= ? "
            "AND a.user_id IN (?, ?) ORDER BY r.due_at, a.user_id",
            (couple_id, since, *partner_ids),
        )
        return [MoodPoint(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def own_moods(self, user_id: int, since: int) -> list[MoodPoint]:
        """A person's own moods: their answers to couple check-ins, and their journal (which holds
        their personal check-in answers too)."""
        rows = await self._db.fetchall(
            "SELECT a.user_id, r.due_at AS at, a.mood FROM checkin_answers a "
            "JOIN checkin_rounds r ON r.id = a.round_id WHERE a.user_id = ? AND r.due_at >= ? "
            "UNION ALL "
            "SELECT user_id, created_at AS at, mood FROM journal_entries "
            "WHERE user_id = ? AND mood IS NOT NULL AND created_at >= ? "
            "ORDER BY at",
            (user_id, since, user_id, since),
        )
        return [MoodPoint(int(r[0]), int(r[1]), int(r[2])) for r in rows]

    async def open_couple_rounds_closing_by(self, horizon: int) -> list[OpenRound]:
        rows = await self._db.fetchall(
            # The IN term repeats checkin_rounds_live's WHERE so SQLite can use that partial index.
            "SELECT id, couple_id, due_at, closes_at FROM checkin_rounds "
            "WHERE status IN ('pending', 'open') AND status = 'open' AND kind = 'couple' "
            "AND schedule_id IS NOT NULL AND closes_at IS NOT NULL AND closes_at <= ? ORDER BY id",
            (horizon,),
        )
        return [OpenRound(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def round_answered_by(self, round_id: int) -> set[int]:
        rows = await self._db.fetchall("SELECT user_id FROM checkin_answers WHERE round_id = ?", (round_id,))
        return {int(r[0]) for r in rows}
