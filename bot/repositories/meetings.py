"""A couple meeting's agenda: sealed answers, topics chosen ahead, reveals claimed once, moving on
and ending. The schedules and posting are in its base, MeetingScheduleRepository.

Every lookup that acts for a person joins couple_members: someone else's meeting finds nothing,
exactly like one that does not exist. Answers are sealed here on the way in and opened on the way
out, under their column's name ("meeting_answers.body_sealed"), so the export can open them too.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.records.meetings import AnswerSaved, Meeting, MeetingAnswer, StepReveal
from bot.repositories.meeting_schedules import (
    ANSWER_COLUMN,
    MEETING_COLUMNS,
    TOPIC_COLUMN,
    MeetingScheduleRepository,
    meeting_of,
)

_REVEAL = "meeting_id, step, status, revealed_by, revealed_at, attempts, lead_message_id"
_ANSWER = "meeting_id, step, user_id, body_sealed, written_at, message_id"
_PARTNER = "JOIN couple_members p ON p.couple_id = m.couple_id AND p.user_id = ?"


class MeetingRepository(MeetingScheduleRepository):
    # -- for a partner ---------------------------------------------------------------------------

    async def meeting_for_partner(self, meeting_id: int, user_id: int) -> Meeting | None:
        """The meeting when `user_id` is one of its couple's partners; None otherwise."""
        columns = ", ".join(f"m.{column.strip()}" for column in MEETING_COLUMNS.split(","))
        row = await self._db.fetchone(
            f"SELECT {columns} FROM meetings m {_PARTNER} WHERE m.id = ?", (user_id, meeting_id)
        )
        return None if row is None else meeting_of(row)

    # -- answers ---------------------------------------------------------------------------------

    async def save_answer(
        self, meeting_id: int, step: int, user_id: int, body: str, now: int
    ) -> AnswerSaved | None:
        """Insert or replace a partner's answer while the meeting is open and has not passed this step
        (a topic may be written ahead), and the step is not revealed yet, in one statement. None when
        nothing was saved (the meeting moved on or ended, or `user_id` is not one of its partners)."""
        row = await self._db.fetchone(
            f"INSERT INTO meeting_answers ({_ANSWER}) SELECT ?, ?, ?, ?, ?, NULL "
            f"WHERE EXISTS (SELECT 1 FROM meetings m {_PARTNER} WHERE m.id = ? AND m.status = 'open' AND m.step <= ?) "
            "AND NOT EXISTS (SELECT 1 FROM meeting_steps s WHERE s.meeting_id = ? AND s.step = ?) "
            "ON CONFLICT (meeting_id, step, user_id) DO UPDATE SET body_sealed = excluded.body_sealed, "
            "edited_at = excluded.written_at RETURNING edited_at, "
            "(SELECT count(*) FROM meeting_answers o WHERE o.meeting_id = ? AND o.step = ? AND o.user_id <> ?) "
            "AS others",
            (
                meeting_id,
                step,
                user_id,
                self._cipher.seal(body, column=ANSWER_COLUMN),
                now,
                user_id,
                meeting_id,
                step,
                meeting_id,
                step,
                meeting_id,
                step,
                user_id,
            ),
        )
        if row is None:
            return None
        # edited_at as it is, tested here (see CheckinRepository.save_answer on SQLite 3.40).
        return AnswerSaved(edited=row["edited_at"] is not None, written=int(row["others"]) + 1)

    async def answer_of(self, meeting_id: int, step: int, user_id: int) -> MeetingAnswer | None:
        row = await self._db.fetchone(
            f"SELECT {_ANSWER} FROM meeting_answers WHERE meeting_id = ? AND step = ? AND user_id = ?",
            (meeting_id, step, user_id),
        )
        return None if row is None else self._answer(row)

    async def answers(self, meeting_id: int, step: int | None = None) -> list[MeetingAnswer]:
        """A step's answers (or the whole meeting's), in the order they were written."""
        if step is None:
            rows = await self._db.fetchall(
                f"SELECT {_ANSWER} FROM meeting_answers WHERE meeting_id = ? ORDER BY step, written_at, user_id",
                (meeting_id,),
            )
        else:
            rows = await self._db.fetchall(
                f"SELECT {_ANSWER} FROM meeting_answers WHERE meeting_id = ? AND step = ? "
                "ORDER BY written_at, user_id",
                (meeting_id, step),
            )
        return [self._answer(row) for row in rows]

    async def written_by(self, meeting_id: int, step: int) -> set[int]:
        rows = await self._db.fetchall(
            "SELECT user_id FROM meeting_answers WHERE meeting_id = ? AND step = ?", (meeting_id, step)
        )
        return {int(row[0]) for row in rows}

    async def save_topic_ahead(self, couple_id: int, user_id: int, body: str, now: int) -> bool:
        """Keep a topic for the couple's next meeting (one per partner, replaced when written again);
        False when `user_id` is not one of the couple's partners."""
        row = await self._db.fetchone(
            "INSERT INTO meeting_topics (couple_id, user_id, body_sealed, written_at) SELECT ?, ?, ?, ? "
            "WHERE EXISTS (SELECT 1 FROM couple_members WHERE couple_id = ? AND user_id = ? AND current = 1) "
            "ON CONFLICT (couple_id, user_id) DO UPDATE SET body_sealed = excluded.body_sealed, "
            "written_at = excluded.written_at RETURNING 1",
            (couple_id, user_id, self._cipher.seal(body, column=TOPIC_COLUMN), now, couple_id, user_id),
        )
        return row is not None

    async def topic_ahead(self, couple_id: int, user_id: int) -> str | None:
        value = await self._db.fetchval(
            "SELECT body_sealed FROM meeting_topics WHERE couple_id = ? AND user_id = ?", (couple_id, user_id)
        )
        return None if value is None else self._cipher.open(value, column=TOPIC_COLUMN)

    # -- reveals ---------------------------------------------------------------------------------

    async def claim_reveal(
        self, meeting_id: int, step: int, *, by: int | None, at_least: int, now: int
    ) -> bool:
        """The step's answers are to be revealed: exactly one caller wins, and only while the meeting
        is open at that step with at least `at_least` answers written."""
        row = await self._db.fetchone(
            "INSERT INTO meeting_steps (meeting_id, step, status, revealed_by, revealed_at) "
            "SELECT ?, ?, 'revealing', ?, ? WHERE EXISTS (SELECT 1 FROM meetings WHERE id = ? AND status = 'open' "
            "AND step = ?) AND (SELECT count(*) FROM meeting_answers WHERE meeting_id = ? AND step = ?) >= ? "
            "ON CONFLICT DO NOTHING RETURNING step",
            (meeting_id, step, by, now, meeting_id, step, meeting_id, step, at_least),
        )
        return row is not None

    async def reveal(self, meeting_id: int, step: int) -> StepReveal | None:
        row = await self._db.fetchone(
            f"SELECT {_REVEAL} FROM meeting_steps WHERE meeting_id = ? AND step = ?", (meeting_id, step)
        )
        return None if row is None else _reveal(row)

    async def reveals_of(self, meeting_id: int) -> dict[int, StepReveal]:
        rows = await self._db.fetchall(
            f"SELECT {_REVEAL} FROM meeting_steps WHERE meeting_id = ?", (meeting_id,)
        )
        return {int(row["step"]): _reveal(row) for row in rows}

    async def reveals_to_post(self, now: int, run_id: str, limit: int) -> list[StepReveal]:
        """Reveals claimed but not posted, due for a try and not being posted by us (a claim another
        process left behind is due at once)."""
        rows = await self._db.fetchall(
            f"SELECT {_REVEAL} FROM meeting_steps WHERE status = 'revealing' AND claimed_by IS NOT ? "
            "AND (coalesce(next_attempt_at, 0) <= ? OR claimed_by <> ?) ORDER BY meeting_id, step LIMIT ?",
            (run_id, now, run_id, limit),
        )
        return [_reveal(row) for row in rows]

    async def claim_reveal_post(self, meeting_id: int, step: int, run_id: str, retry_at: int) -> int:
        """Claim posting a reveal for `run_id`: which try this is, or 0 when it is not ours to post."""
        value = await self._db.fetchval(
            "UPDATE meeting_steps SET attempts = attempts + 1, claimed_by = ?, next_attempt_at = ? "
            "WHERE meeting_id = ? AND step = ? AND status = 'revealing' AND claimed_by IS NOT ? RETURNING attempts",
            (run_id, retry_at, meeting_id, step, run_id),
        )
        return 0 if value is None else int(value)

    async def release_reveal_claim(self, meeting_id: int, step: int, run_id: str) -> None:
        await self._db.execute(
            "UPDATE meeting_steps SET claimed_by = NULL WHERE meeting_id = ? AND step = ? AND claimed_by = ?",
            (meeting_id, step, run_id),
        )

    async def record_lead(self, meeting_id: int, step: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE meeting_steps SET lead_message_id = ? WHERE meeting_id = ? AND step = ?",
            (message_id, meeting_id, step),
        )

    async def record_answer_post(self, meeting_id: int, step: int, user_id: int, message_id: int) -> bool:
        """Note where an answer was posted; False when the answer is gone (erased while it was sent)."""
        row = await self._db.fetchone(
            "UPDATE meeting_answers SET message_id = ? WHERE meeting_id = ? AND step = ? AND user_id = ? RETURNING 1",
            (message_id, meeting_id, step, user_id),
        )
        return row is not None

    async def finish_reveal(self, meeting_id: int, step: int, status: str = "revealed") -> None:
        await self._db.execute(
            "UPDATE meeting_steps SET status = ?, claimed_by = NULL, next_attempt_at = NULL, revealed_by = NULL "
            "WHERE meeting_id = ? AND step = ?",
            (status, meeting_id, step),
        )

    # -- moving on and ending --------------------------------------------------------------------

    async def advance(self, meeting_id: int, from_step: int, user_id: int) -> Meeting | None:
        """One step on, from `from_step` only (two presses at once move it once)."""
        row = await self._db.fetchone(
            "UPDATE meetings SET step = step + 1 WHERE id = ? AND status = 'open' AND step = ? AND step < 3 "
            f"AND EXISTS (SELECT 1 FROM couple_members p WHERE p.couple_id = meetings.couple_id AND p.user_id = ?) "
            f"RETURNING {MEETING_COLUMNS}",
            (meeting_id, from_step, user_id),
        )
        return None if row is None else meeting_of(row)

    async def end(self, meeting_id: int, reason: str, now: int) -> Meeting | None:
        """Open -> ended, once; None when it had ended already."""
        row = await self._db.fetchone(
            "UPDATE meetings SET status = 'ended', end_reason = ?, ended_at = ? WHERE id = ? AND status = 'open' "
            f"RETURNING {MEETING_COLUMNS}",
            (reason, now, meeting_id),
        )
        return None if row is None else meeting_of(row)

    async def unjournaled(self, limit: int) -> list[Meeting]:
        rows = await self._db.fetchall(
            f"SELECT {MEETING_COLUMNS} FROM meetings WHERE status = 'ended' AND journaled = 0 ORDER BY id LIMIT ?",
            (limit,),
        )
        return [meeting_of(row) for row in rows]

    async def mark_journaled(self, meeting_id: int) -> None:
        await self._db.execute("UPDATE meetings SET journaled = 1 WHERE id = ?", (meeting_id,))

    def _answer(self, row: Row) -> MeetingAnswer:
        return MeetingAnswer(
            meeting_id=row["meeting_id"],
            step=row["step"],
            user_id=row["user_id"],
            body=self._cipher.open(row["body_sealed"], column=ANSWER_COLUMN),
            written_at=row["written_at"],
            message_id=row["message_id"],
        )


def _reveal(row: Row) -> StepReveal:
    return StepReveal(**{key: row[key] for key in StepReveal.__dataclass_fields__})
