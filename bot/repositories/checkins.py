"""Check-in schedules, rounds and answers. Every state change is one atomic statement or transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database

_BODY = "checkin_answers.body_sealed"


@dataclass(frozen=True)
class Schedule:
    id: int
    kind: str
    couple_id: int | None
    user_id: int | None
    local_time: str
    weekdays: int
    timezone: str
    paused_until: str | None
    skip_next: bool
    reminder_minutes: int | None
    next_due_at: int | None

    @property
    def owner(self) -> str:
        return f"couple:{self.couple_id}" if self.kind == "couple" else f"person:{self.user_id}"


@dataclass(frozen=True)
class DueSchedule:
    schedule: Schedule
    couple_status: str | None  # None for personal schedules


@dataclass(frozen=True)
class Round:
    id: int
    schedule_id: int | None
    kind: str
    couple_id: int | None
    user_id: int | None
    due_at: int
    prompt_id: str
    status: str
    channel_id: int | None
    message_id: int | None
    post_attempts: int
    posted_at: int | None
    remind_at: int | None
    closes_at: int | None
    revealed_at: int | None
    reveal_message_id: int | None
    claimed_by: str | None = None
    reveal_attempts: int = 0
    next_attempt_at: int | None = None
    started_by: int | None = None  # who ran /checkin now: told nothing about it
    revealed_by: int | None = None  # whose answer completed the round: told nothing about the reveal
    nudge_to: str | None = None  # partners to tell by DM once posted (comma-separated ids)

    @property
    def nudge_ids(self) -> tuple[int, ...]:
        return tuple(int(part) for part in (self.nudge_to or "").split(",") if part)


@dataclass(frozen=True)
class Answer:
    round_id: int
    user_id: int
    mood: int
    body: str
    answered_at: int
    edited_at: int | None


@dataclass(frozen=True)
class Occurrence:
    """What the dispatcher decided for one due schedule (see CheckinService.plan)."""

    schedule_id: int
    was_due_at: int
    next_due_at: int | None
    paused_until: str | None
    clear_skip: bool
    round_status: str | None  # None: nothing to record (paused)
    missed_reason: str | None
    prompt_id: str | None
    kind: str
    couple_id: int | None
    user_id: int | None
    owner: str


_SCHEDULE_COLUMNS = (
    "id, kind, couple_id, user_id, local_time, weekdays, timezone, paused_until, skip_next, "
    "reminder_minutes, next_due_at"
)
_ROUND_COLUMNS = (
    "id, schedule_id, kind, couple_id, user_id, due_at, prompt_id, status, channel_id, message_id, "
    "post_attempts, posted_at, remind_at, closes_at, revealed_at, reveal_message_id, claimed_by, "
    "reveal_attempts, next_attempt_at, started_by, revealed_by, nudge_to"
)


class CheckinRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- schedules -----------------------------------------------------------------------------

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

    async def used_prompts(self, owner: str) -> set[str]:
        rows = await self._db.fetchall("SELECT prompt_id FROM prompt_usage WHERE owner = ?", (owner,))
        return {row[0] for row in rows}

    async def used_prompts_of(self, owners: Sequence[str]) -> dict[str, set[str]]:
        """Used prompts for a whole batch of owners in one query (every owner gets an entry)."""
        used: dict[str, set[str]] = {owner: set() for owner in owners}
        if not owners:
            return used
        marks = ", ".join("?" * len(owners))
        rows = await self._db.fetchall(
            f"SELECT owner, prompt_id FROM prompt_usage WHERE owner IN ({marks})", tuple(owners)
        )
        for row in rows:
            used[row[0]].add(row[1])
        return used

    async def apply(self, occurrences: Sequence[Occurrence], now: int, reset_owners: set[str]) -> list[int]:
        """Record what fell due, all in one transaction; returns the ids of new pending rounds.

        Each schedule advances only if it still holds the due time we read (compare-and-set), and
        the round's (schedule, due time) is unique: a tick that overlaps another records nothing twice.
        """
        created: list[int] = []
        async with self._db.transaction() as tx:
            for owner in reset_owners:
                await tx.execute("DELETE FROM prompt_usage WHERE owner = ?", (owner,))
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
                    await tx.execute(
                        "INSERT INTO prompt_usage (owner, prompt_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                        (item.owner, item.prompt_id, now),
                    )
        return created

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
            if reset_prompts:
                await tx.execute("DELETE FROM prompt_usage WHERE owner = ?", (owner,))
            row = await tx.fetchone(
                "INSERT INTO checkin_rounds (kind, couple_id, user_id, due_at, prompt_id, status, started_by) "
                "VALUES (?, ?, ?, ?, ?, 'pending', ?) RETURNING id",
                (kind, couple_id, user_id, now, prompt_id, started_by),
            )
            await tx.execute(
                "INSERT INTO prompt_usage (owner, prompt_id, used_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                (owner, prompt_id, now),
            )
        assert row is not None
        return int(row[0])

    # -- rounds --------------------------------------------------------------------------------

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
        row = await self._db.fetchone(
            f"SELECT {', '.join(f'r.{column}' for column in _ROUND_COLUMNS.split(', '))}, "
            "a.mood AS answer_mood, a.body_sealed AS answer_body_sealed, a.answered_at AS answer_answered_at, "
            "a.edited_at AS answer_edited_at FROM checkin_rounds r "
            "JOIN couple_members m ON m.couple_id = r.couple_id AND m.user_id = ? "
            "LEFT JOIN checkin_answers a ON a.round_id = r.id AND a.user_id = m.user_id WHERE r.id = ?",
            (user_id, round_id),
        )
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


def _round(row: Row) -> Round:
    return Round(**{key: row[key] for key in Round.__dataclass_fields__})
