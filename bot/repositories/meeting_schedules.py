"""Couple meeting schedules and the meetings they start, up to the moment one is posted and closed.

Every change is one atomic statement or transaction: an occurrence is recorded once (unique per
couple and due time, and only while the schedule still holds the due time that was read), a post is
claimed by one poster before it is sent, and only one meeting per couple is ever open.
"""

from __future__ import annotations

from collections.abc import Sequence
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.meetings import TOPIC_STEP, DueMeeting, Meeting, MeetingOccurrence, MeetingSchedule

ANSWER_COLUMN = "meeting_answers.body_sealed"
TOPIC_COLUMN = "meeting_topics.body_sealed"

_SCHEDULE = "id, couple_id, weekday, local_time, timezone, skip_next, next_due_at"
MEETING_COLUMNS = (
    "id, couple_id, due_at, status, step, channel_id, message_id, post_attempts, claimed_by, started_by, "
    "posted_at, closes_at, ended_at, end_reason, nudge_to"
)


class MeetingScheduleRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- schedules -----------------------------------------------------------------------------

    async def save_schedule(
        self, *, couple_id: int, weekday: int, local_time: str, timezone: str, next_due_at: int, now: int
    ) -> MeetingSchedule:
        """Create or replace the couple's schedule; a pending skip is forgotten with the old time."""
        row = await self._db.fetchone(
            "INSERT INTO meeting_schedules (couple_id, weekday, local_time, timezone, next_due_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (couple_id) DO UPDATE SET weekday = excluded.weekday, "
            "local_time = excluded.local_time, timezone = excluded.timezone, next_due_at = excluded.next_due_at, "
            f"skip_next = 0, updated_at = excluded.updated_at RETURNING {_SCHEDULE}",
            (couple_id, weekday, local_time, timezone, next_due_at, now),
        )
        assert row is not None
        return _schedule(row)

    async def schedule_for_couple(self, couple_id: int) -> MeetingSchedule | None:
        row = await self._db.fetchone(
            f"SELECT {_SCHEDULE} FROM meeting_schedules WHERE couple_id = ?", (couple_id,)
        )
        return None if row is None else _schedule(row)

    async def set_skip_next(self, schedule_id: int, now: int) -> None:
        await self._db.execute(
            "UPDATE meeting_schedules SET skip_next = 1, updated_at = ? WHERE id = ?", (now, schedule_id)
        )

    async def delete_schedule(self, schedule_id: int) -> None:
        await self._db.execute("DELETE FROM meeting_schedules WHERE id = ?", (schedule_id,))

    async def due_schedules(self, now: int, limit: int) -> list[DueMeeting]:
        rows = await self._db.fetchall(
            f"SELECT {', '.join('s.' + c.strip() for c in _SCHEDULE.split(','))}, c.status AS couple_status "
            "FROM meeting_schedules s LEFT JOIN couples c ON c.id = s.couple_id "
            "WHERE s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?",
            (now, limit),
        )
        return [DueMeeting(_schedule(row), row["couple_status"]) for row in rows]

    async def earliest_due(self) -> int | None:
        value = await self._db.fetchval(
            "SELECT min(next_due_at) FROM meeting_schedules WHERE next_due_at IS NOT NULL"
        )
        return None if value is None else int(value)

    async def apply(self, occurrences: Sequence[MeetingOccurrence]) -> list[int]:
        """Record what fell due, in one transaction; the ids of new pending meetings.

        Each schedule moves on only if it still holds the due time that was read (compare-and-set),
        and a meeting is unique per couple and due time: overlapping runs record nothing twice."""
        created: list[int] = []
        async with self._db.transaction() as tx:
            for item in occurrences:
                moved = await tx.execute(
                    "UPDATE meeting_schedules SET next_due_at = ?, "
                    "skip_next = CASE WHEN ? THEN 0 ELSE skip_next END WHERE id = ? AND next_due_at = ?",
                    (item.next_due_at, int(item.clear_skip), item.schedule_id, item.was_due_at),
                )
                if moved != 1 or item.status is None:
                    continue
                row = await tx.fetchone(
                    "INSERT INTO meetings (couple_id, due_at, status, missed_reason) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (couple_id, due_at) DO NOTHING RETURNING id",
                    (item.couple_id, item.was_due_at, item.status, item.missed_reason),
                )
                if row is not None and item.status == "pending":
                    created.append(int(row[0]))
        return created

    async def create_now(self, couple_id: int, now: int, started_by: int) -> int | None:
        """A meeting to post at once (/meeting now); None when one was recorded this very second."""
        value = await self._db.fetchval(
            "INSERT INTO meetings (couple_id, due_at, status, started_by) VALUES (?, ?, 'pending', ?) "
            "ON CONFLICT (couple_id, due_at) DO NOTHING RETURNING id",
            (couple_id, now, started_by),
        )
        return None if value is None else int(value)

    # -- meetings ------------------------------------------------------------------------------

    async def meeting(self, meeting_id: int) -> Meeting | None:
        row = await self._db.fetchone(f"SELECT {MEETING_COLUMNS} FROM meetings WHERE id = ?", (meeting_id,))
        return None if row is None else meeting_of(row)

    async def open_meeting(self, couple_id: int) -> Meeting | None:
        row = await self._db.fetchone(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE couple_id = ? AND status = 'open'", (couple_id,)
        )
        return None if row is None else meeting_of(row)

    async def pending_meetings(self, now: int, run_id: str, limit: int) -> list[Meeting]:
        """Meetings recorded, not yet posted, due for a try; a claim another process left behind
        (it died mid-post) is due at once."""
        rows = await self._db.fetchall(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE status = 'pending' "
            "AND (coalesce(next_attempt_at, 0) <= ? OR claimed_by <> ?) ORDER BY id LIMIT ?",
            (now, run_id, limit),
        )
        return [meeting_of(row) for row in rows]

    async def claim_post(self, meeting_id: int, run_id: str, retry_at: int) -> int:
        """Claim a pending meeting's post for `run_id`: which try this is, or 0 when it is not ours
        to post (posted already, or someone in this process is posting it right now)."""
        value = await self._db.fetchval(
            "UPDATE meetings SET post_attempts = post_attempts + 1, claimed_by = ?, next_attempt_at = ? "
            "WHERE id = ? AND status = 'pending' AND claimed_by IS NOT ? RETURNING post_attempts",
            (run_id, retry_at, meeting_id, run_id),
        )
        return 0 if value is None else int(value)

    async def release_claim(self, meeting_id: int, run_id: str) -> None:
        await self._db.execute(
            "UPDATE meetings SET claimed_by = NULL WHERE id = ? AND claimed_by = ?", (meeting_id, run_id)
        )

    async def mark_missed(self, meeting_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE meetings SET status = 'missed', missed_reason = ?, claimed_by = NULL, started_by = NULL "
            "WHERE id = ? AND status = 'pending'",
            (reason, meeting_id),
        )

    async def mark_posted(
        self,
        meeting_id: int,
        *,
        channel_id: int,
        message_id: int,
        posted_at: int,
        closes_at: int,
        nudge_to: Sequence[int],
    ) -> list[int]:
        """The meeting is up, in one transaction: a meeting of the couple still open ends (one open
        at a time), this one opens, and the topics chosen ahead become its topic step's answers.
        Returns the ids of the meetings it replaced."""
        nudge_ids = ",".join(str(user_id) for user_id in nudge_to) or None
        async with self._db.transaction() as tx:
            couple_id = await tx.fetchval(
                "SELECT couple_id FROM meetings WHERE id = ? AND status = 'pending'", (meeting_id,)
            )
            if couple_id is None:
                return []
            replaced = await tx.fetchall(
                "UPDATE meetings SET status = 'ended', end_reason = 'replaced', ended_at = ? "
                "WHERE couple_id = ? AND status = 'open' RETURNING id",
                (posted_at, couple_id),
            )
            await tx.execute(
                "UPDATE meetings SET status = 'open', channel_id = ?, message_id = ?, posted_at = ?, "
                "closes_at = ?, claimed_by = NULL, next_attempt_at = NULL, started_by = NULL, nudge_to = ?, "
                "nudged = ? WHERE id = ?",
                (channel_id, message_id, posted_at, closes_at, nudge_ids, int(nudge_ids is None), meeting_id),
            )
            topics = await tx.fetchall(
                "DELETE FROM meeting_topics WHERE couple_id = ? RETURNING user_id, body_sealed, written_at",
                (couple_id,),
            )
            for topic in topics:
                # Sealed again: a sealed value is bound to its column and cannot simply move.
                body = self._cipher.open(topic["body_sealed"], column=TOPIC_COLUMN)
                await tx.execute(
                    "INSERT INTO meeting_answers (meeting_id, step, user_id, body_sealed, written_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                    (
                        meeting_id,
                        TOPIC_STEP,
                        topic["user_id"],
                        self._cipher.seal(body, column=ANSWER_COLUMN),
                        topic["written_at"],
                    ),
                )
        return [int(row[0]) for row in replaced]

    async def unnudged(self, limit: int) -> list[Meeting]:
        rows = await self._db.fetchall(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE status = 'open' AND nudged = 0 ORDER BY id LIMIT ?",
            (limit,),
        )
        return [meeting_of(row) for row in rows]

    async def claim_nudge(self, meeting_id: int) -> tuple[int, ...]:
        """Claim a posted meeting's DMs, once: who is to be told by DM (empty when claimed already)."""
        async with self._db.transaction() as tx:
            # RETURNING gives the row as updated: read the list first, then clear it.
            value = await tx.fetchval(
                "UPDATE meetings SET nudged = 1 WHERE id = ? AND nudged = 0 RETURNING coalesce(nudge_to, '')",
                (meeting_id,),
            )
            await tx.execute("UPDATE meetings SET nudge_to = NULL WHERE id = ?", (meeting_id,))
        return tuple(int(part) for part in str(value or "").split(",") if part)

    async def close_due(self, now: int, limit: int) -> list[Meeting]:
        """End open meetings whose day is over, or whose couple ended."""
        rows = await self._db.fetchall(
            "UPDATE meetings SET status = 'ended', ended_at = ?, "
            "end_reason = CASE WHEN closes_at <= ? THEN 'timeout' ELSE 'couple' END "
            "WHERE id IN (SELECT m.id FROM meetings m JOIN couples c ON c.id = m.couple_id "
            "WHERE m.status = 'open' AND (m.closes_at <= ? OR c.status = 'ended') ORDER BY m.id LIMIT ?) "
            f"RETURNING {MEETING_COLUMNS}",
            (now, now, now, limit),
        )
        return [meeting_of(row) for row in rows]

    async def earliest_close(self) -> int | None:
        value = await self._db.fetchval("SELECT min(closes_at) FROM meetings WHERE status = 'open'")
        return None if value is None else int(value)


def meeting_of(row: Row) -> Meeting:
    return Meeting(**{key: row[key] for key in Meeting.__dataclass_fields__})


def _schedule(row: Row) -> MeetingSchedule:
    return MeetingSchedule(
        id=row["id"],
        couple_id=row["couple_id"],
        weekday=row["weekday"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        skip_next=bool(row["skip_next"]),
        next_due_at=row["next_due_at"],
    )
