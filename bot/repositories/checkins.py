"""Check-in rounds and their sealed answers; every change is one atomic statement or transaction."""

from __future__ import annotations

from collections.abc import Sequence
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.checkins import Answer, Round
from bot.repositories.checkin_schedules import ScheduleRepository

_BODY = "checkin_answers.body_sealed"

_ROUND_COLUMNS = (
    "id, schedule_id, kind, couple_id, user_id, due_at, prompt_id, status, channel_id, message_id, "
    "post_attempts, posted_at, remind_at, closes_at, revealed_at, reveal_message_id, claimed_by, "
    "reveal_attempts, next_attempt_at, started_by, revealed_by, nudge_to"
)
_ROUND_FOR_PARTNER = (
    f"SELECT {', '.join(f'r.{column}' for column in _ROUND_COLUMNS.split(', '))}, "
    "a.mood AS answer_mood, a.body_sealed AS answer_body_sealed, a.answered_at AS answer_answered_at, "
    "a.edited_at AS answer_edited_at FROM checkin_rounds r "
    "JOIN couple_members m ON m.couple_id = r.couple_id AND m.user_id = ? "
    "LEFT JOIN checkin_answers a ON a.round_id = r.id AND a.user_id = m.user_id WHERE r.id = ?"
)


class CheckinRepository(ScheduleRepository):
    """The one check-in repository: the schedules (its base), then the rounds and their answers."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        super().__init__(db)
        self._cipher = cipher

    async def round(self, round_id: int) -> Round | None:
        row = await self._db.fetchone(
            f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds WHERE id = ?", (round_id,)
        )
        return None if row is None else _round(row)

    async def pending_rounds(self, after_id: int, limit: int, now: int, run_id: str) -> list[Round]:
        """Rounds recorded but not yet posted and due for a try, oldest first, after `after_id`.
        A claim another process left behind (it died mid-post) is due at once."""
        rows = await self._db.fetchall(
            f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds WHERE status = 'pending' AND id > ? "
            "AND (coalesce(next_attempt_at, 0) <= ? OR claimed_by <> ?) ORDER BY id LIMIT ?",
            (after_id, now, run_id, limit),
        )
        return [_round(row) for row in rows]

    async def unnudged_rounds(self, after_id: int, limit: int) -> list[Round]:
        """Posted couple rounds whose DM nudges have not been claimed yet."""
        rows = await self._db.fetchall(
            f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds WHERE status = 'open' AND nudged = 0 "
            "AND kind = 'couple' AND id > ? ORDER BY id LIMIT ?",
            (after_id, limit),
        )
        return [_round(row) for row in rows]

    async def claim_post(self, round_id: int, run_id: str, retry_at: int) -> int:
        """Claim a pending round's post for this process (`run_id`); returns which try this is, or 0
        when it is not ours to post (already posted, or another poster in this process holds it).
        The retry time is set before the try, so a crash mid-post backs off too."""
        value = await self._db.fetchval(
            "UPDATE checkin_rounds SET post_attempts = post_attempts + 1, claimed_by = ?, next_attempt_at = ? "
            "WHERE id = ? AND status = 'pending' AND claimed_by IS NOT ? RETURNING post_attempts",
            (run_id, retry_at, round_id, run_id),
        )
        return 0 if value is None else int(value)

    async def release_claim(self, round_id: int, run_id: str) -> None:
        """A try failed: the round may be tried again (at its next_attempt_at)."""
        await self._db.execute(
            "UPDATE checkin_rounds SET claimed_by = NULL WHERE id = ? AND claimed_by = ?", (round_id, run_id)
        )

    async def mark_posted(
        self,
        round_id: int,
        *,
        channel_id: int,
        message_id: int,
        posted_at: int,
        remind_at: int | None,
        closes_at: int,
        nudge_to: Sequence[int] = (),
    ) -> None:
        """The round is up. `nudge_to`: the partners it tells by DM (the post mentioned the others);
        with nobody to DM, its nudges are done already."""
        nudge_ids = ",".join(str(user_id) for user_id in nudge_to) or None
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE checkin_rounds SET status = 'open', channel_id = ?, message_id = ?, posted_at = ?, "
                "remind_at = ?, closes_at = ?, claimed_by = NULL, next_attempt_at = NULL, started_by = NULL, "
                "nudge_to = ?, nudged = ? WHERE id = ? AND status = 'pending' RETURNING couple_id, kind",
                (
                    channel_id,
                    message_id,
                    posted_at,
                    remind_at,
                    closes_at,
                    nudge_ids,
                    int(nudge_ids is None),
                    round_id,
                ),
            )
            if row is not None and row["kind"] == "couple":
                # A round closes when the next one is posted.
                await tx.execute(
                    "UPDATE checkin_rounds SET status = 'closed' WHERE couple_id = ? AND status = 'open' AND id != ?",
                    (row["couple_id"], round_id),
                )

    async def mark_undeliverable(self, round_id: int, reason: str) -> None:
        await self._db.execute(
            "UPDATE checkin_rounds SET status = 'missed', missed_reason = ?, claimed_by = NULL, started_by = NULL "
            "WHERE id = ? AND status = 'pending'",
            (reason, round_id),
        )

    async def claim_nudge(self, round_id: int) -> tuple[int, ...]:
        """Claim a posted round's DM nudges, once: who is to be DMed (empty when claimed already)."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE checkin_rounds SET nudged = 1 WHERE id = ? AND nudged = 0 RETURNING nudge_to",
                (round_id,),
            )
            if row is None or row[0] is None:
                return ()
            await tx.execute("UPDATE checkin_rounds SET nudge_to = NULL WHERE id = ?", (round_id,))
        return tuple(int(part) for part in str(row[0]).split(",") if part)

    async def claim_reminders(self, now: int, limit: int) -> list[Round]:
        rows = await self._db.fetchall(
            f"UPDATE checkin_rounds SET reminded = 1 WHERE id IN (SELECT id FROM checkin_rounds "
            f"WHERE status = 'open' AND reminded = 0 AND remind_at <= ? ORDER BY remind_at, id LIMIT ?) RETURNING {_ROUND_COLUMNS}",
            (now, limit),
        )
        return [_round(row) for row in rows]

    async def close_expired(self, now: int, limit: int) -> list[Round]:
        rows = await self._db.fetchall(
            f"UPDATE checkin_rounds SET status = 'closed' WHERE id IN (SELECT id FROM checkin_rounds "
            f"WHERE status = 'open' AND closes_at <= ? ORDER BY closes_at, id LIMIT ?) RETURNING {_ROUND_COLUMNS}",
            (now, limit),
        )
        return [_round(row) for row in rows]

    async def earliest_timer(self) -> int | None:
        value = await self._db.fetchval(
            "SELECT min(t) FROM (SELECT min(remind_at) AS t FROM checkin_rounds WHERE status = 'open' AND reminded = 0 "
            "UNION ALL SELECT min(closes_at) FROM checkin_rounds WHERE status = 'open')"
        )
        return None if value is None else int(value)

    async def unposted_reveals(self, now: int, run_id: str, limit: int) -> list[Round]:
        """Revealed rounds whose reveal is not posted, due for a try, and not being posted by us
        (a claim another process left behind is due at once)."""
        rows = await self._db.fetchall(
            f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds WHERE status = 'revealed' AND reveal_message_id IS NULL "
            "AND reveal_dropped = 0 AND claimed_by IS NOT ? AND (coalesce(next_attempt_at, 0) <= ? OR claimed_by <> ?) "
            "ORDER BY id LIMIT ?",
            (run_id, now, run_id, limit),
        )
        return [_round(row) for row in rows]

    async def claim_reveal_post(self, round_id: int, run_id: str, retry_at: int) -> int:
        """Claim the posting of a reveal for this process: exactly one poster at a time. Returns
        which try this is, or 0 when it is posted already, dropped, or someone here is posting it."""
        value = await self._db.fetchval(
            "UPDATE checkin_rounds SET reveal_attempts = reveal_attempts + 1, claimed_by = ?, next_attempt_at = ? "
            "WHERE id = ? AND status = 'revealed' AND reveal_message_id IS NULL AND reveal_dropped = 0 "
            "AND claimed_by IS NOT ? RETURNING reveal_attempts",
            (run_id, retry_at, round_id, run_id),
        )
        return 0 if value is None else int(value)

    async def mark_reveal_posted(self, round_id: int, message_id: int) -> None:
        await self._db.execute(
            "UPDATE checkin_rounds SET reveal_message_id = ?, claimed_by = NULL, next_attempt_at = NULL, "
            "revealed_by = NULL WHERE id = ?",
            (message_id, round_id),
        )

    async def drop_reveal(self, round_id: int) -> None:
        """Stop trying to post this reveal (the couple ended, or it is a day late)."""
        await self._db.execute(
            "UPDATE checkin_rounds SET reveal_dropped = 1, claimed_by = NULL, revealed_by = NULL WHERE id = ? "
            "AND reveal_message_id IS NULL",
            (round_id,),
        )

    async def mark_personal_answered(self, round_id: int, user_id: int) -> bool:
        row = await self._db.fetchone(
            "UPDATE checkin_rounds SET status = 'answered' WHERE id = ? AND user_id = ? AND kind = 'personal' "
            "AND status IN ('open', 'closed') RETURNING id",
            (round_id, user_id),
        )
        return row is not None

    async def revealed_rounds(self, couple_id: int, offset: int, limit: int) -> list[Round]:
        rows = await self._db.fetchall(
            f"SELECT {_ROUND_COLUMNS} FROM checkin_rounds WHERE couple_id = ? AND status = 'revealed' "
            "ORDER BY due_at DESC, id DESC LIMIT ? OFFSET ?",
            (couple_id, limit, offset),
        )
        return [_round(row) for row in rows]

    async def count_revealed(self, couple_id: int) -> int:
        return int(
            await self._db.fetchval(
                "SELECT count(*) FROM checkin_rounds WHERE couple_id = ? AND status = 'revealed'",
                (couple_id,),
            )
        )

    async def answers_to_rounds(self, round_ids: Sequence[int]) -> dict[int, list[Answer]]:
        """Every answer to these rounds in one query (a history page), each round's in answer order."""
        found: dict[int, list[Answer]] = {round_id: [] for round_id in round_ids}
        if not round_ids:
            return found
        marks = ", ".join("?" * len(round_ids))
        rows = await self._db.fetchall(
            "SELECT round_id, user_id, mood, body_sealed, answered_at, edited_at FROM checkin_answers "
            f"WHERE round_id IN ({marks}) ORDER BY round_id, answered_at, user_id",
            tuple(round_ids),
        )
        for row in rows:
            found[row["round_id"]].append(self._answer(row))
        return found

    # -- answers -------------------------------------------------------------------------------

    async def save_answer(
        self, round_id: int, user_id: int, mood: int, body: str, now: int
    ) -> tuple[bool, bool] | None:
        """Insert or edit a partner's answer while the round is open, in one statement (committed
        when this returns). None when nothing was saved: the round is not open, or does not exist,
        or `user_id` is not one of its couple's partners. Otherwise (edited, partner_answered):
        whether this replaced the person's earlier answer, and whether the other partner had
        already answered (then the round may be ready to reveal: see claim_reveal)."""
        row = await self._db.fetchone(
            "INSERT INTO checkin_answers (round_id, user_id, mood, body_sealed, answered_at) "
            "SELECT ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM checkin_rounds r JOIN couple_members m "
            "ON m.couple_id = r.couple_id AND m.user_id = ? WHERE r.id = ? AND r.status = 'open') "
            "ON CONFLICT (round_id, user_id) DO UPDATE SET mood = excluded.mood, body_sealed = excluded.body_sealed, "
            # edited_at as it is: SQLite 3.40 evaluates `edited_at IS NOT NULL` here as true on a
            # fresh insert (where edited_at is NULL), so the test is made in Python.
            "edited_at = excluded.answered_at RETURNING edited_at, "
            "EXISTS (SELECT 1 FROM checkin_answers o WHERE o.round_id = ? AND o.user_id <> ?) AS partner_answered",
            (
                round_id,
                user_id,
                mood,
                self._cipher.seal(body, column=_BODY),
                now,
                user_id,
                round_id,
                round_id,
                user_id,
            ),
        )
        return None if row is None else (row["edited_at"] is not None, bool(row["partner_answered"]))

    async def claim_reveal(self, round_id: int, now: int, by: int) -> bool:
        """Open -> revealed once both partners answered; exactly one caller wins. `by`: whose
        answer completed the round (told nothing about the reveal)."""
        row = await self._db.fetchone(
            "UPDATE checkin_rounds SET status = 'revealed', revealed_at = ?, revealed_by = ?, claimed_by = NULL, "
            "next_attempt_at = NULL WHERE id = ? AND status = 'open' "
            "AND (SELECT count(*) FROM checkin_answers WHERE round_id = ?) >= 2 RETURNING id",
            (now, by, round_id, round_id),
        )
        return row is not None

    async def answers(self, round_id: int) -> list[Answer]:
        rows = await self._db.fetchall(
            "SELECT round_id, user_id, mood, body_sealed, answered_at, edited_at FROM checkin_answers "
            "WHERE round_id = ? ORDER BY answered_at, user_id",
            (round_id,),
        )
        return [self._answer(row) for row in rows]

    async def answered_user_ids(self, round_id: int) -> set[int]:
        rows = await self._db.fetchall("SELECT user_id FROM checkin_answers WHERE round_id = ?", (round_id,))
        return {int(row[0]) for row in rows}

    async def round_for_partner(self, round_id: int, user_id: int) -> tuple[Round, Answer | None] | None:
        """The round with this person's own answer so far, in one query; None when there is no such
        round or `user_id` is not one of its couple's partners (someone else's round)."""
        # On the event loop (Database.lookup): the Answer button waits for nothing else.
        row = await self._db.lookup(_ROUND_FOR_PARTNER, (user_id, round_id))
        if row is None:
            return None
        earlier = None
        if row["answer_answered_at"] is not None:
            earlier = Answer(
                round_id=round_id,
                user_id=user_id,
                mood=row["answer_mood"],
                body=self._cipher.open(row["answer_body_sealed"], column=_BODY),
                answered_at=row["answer_answered_at"],
                edited_at=row["answer_edited_at"],
            )
        return _round(row), earlier

    def _answer(self, row: Row) -> Answer:
        return Answer(
            round_id=row["round_id"],
            user_id=row["user_id"],
            mood=row["mood"],
            body=self._cipher.open(row["body_sealed"], column=_BODY),
            answered_at=row["answered_at"],
            edited_at=row["edited_at"],
        )


def _round(row: Row) -> Round:
    return Round(**{key: row[key] for key in Round.__dataclass_fields__})
