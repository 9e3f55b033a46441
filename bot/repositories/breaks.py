"""Breaks: the pauses people ask for in their couple, and the return reminders the job posts.

The person's own line is sealed here on the way in and opened on the way out, so nothing above this
layer sees ciphertext. Every change of status is one conditional UPDATE, so two presses, two ticks
or a restart in between never move a break twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.breaks import UNDER_WAY, Break, BreakStatus, DueReturn, Extension

LINE_COLUMN = "breaks.line_sealed"

_COLUMNS = (
    "id, user_id, couple_id, guild_id, minutes, line_sealed, status, created_at, started_at, return_at, "
    "extended_at, reminder_channel_id, reminder_message_id, closed_at"
)
_UNDER_WAY = ", ".join(f"'{status.value}'" for status in UNDER_WAY)
# Another break of the same couple is under way (the unique index is the last word; this keeps an
# UPDATE from tripping over it).
_ANOTHER_UNDER_WAY = (
    "EXISTS (SELECT 1 FROM breaks other WHERE other.couple_id = breaks.couple_id "
    f"AND other.id != breaks.id AND other.status IN ({_UNDER_WAY}))"
)


def _in(statuses: Iterable[BreakStatus]) -> str:
    return ", ".join(f"'{BreakStatus(status).value}'" for status in statuses)


class BreaksRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- reading -------------------------------------------------------------------------------

    async def get(self, break_id: int) -> Break | None:
        row = await self._db.fetchone(f"SELECT {_COLUMNS} FROM breaks WHERE id = ?", (break_id,))
        return None if row is None else self._break(row)

    async def latest_for_couple(self, couple_id: int, statuses: Iterable[BreakStatus]) -> Break | None:
        """The couple's newest break in one of `statuses`."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM breaks WHERE couple_id = ? AND status IN ({_in(statuses)}) "
            "ORDER BY id DESC LIMIT 1",
            (couple_id,),
        )
        return None if row is None else self._break(row)

    # -- asking for one ------------------------------------------------------------------------

    async def create(
        self, user_id: int, couple_id: int, guild_id: int, minutes: int, line: str, now: int
    ) -> Break:
        row = await self._db.fetchone(
            "INSERT INTO breaks (user_id, couple_id, guild_id, minutes, line_sealed, created_at) "
            f"VALUES (?, ?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (user_id, couple_id, guild_id, minutes, self._cipher.seal(line, column=LINE_COLUMN), now),
        )
        assert row is not None  # INSERT ... RETURNING always returns the row it inserted
        return self._break(row)

    async def claim_post(self, break_id: int, user_id: int, now: int) -> Break | None:
        """Claim a previewed break's one post, unless another break of the couple is under way;
        the return time counts from now. A reminder of the couple left unanswered is closed."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "UPDATE breaks SET status = 'posting', started_at = ?, return_at = ? + minutes * 60 "
                f"WHERE id = ? AND user_id = ? AND status = 'preview' AND NOT {_ANOTHER_UNDER_WAY} "
                f"RETURNING {_COLUMNS}",
                (now, now, break_id, user_id),
            )
            if row is None:
                return None
            await tx.execute(
                "UPDATE breaks SET status = 'lapsed', closed_at = ? WHERE couple_id = ? AND status = 'reminded'",
                (now, row["couple_id"]),
            )
        return self._break(row)

    async def release_post(self, break_id: int, user_id: int, claimed_at: int) -> None:
        """Undo a claim whose post failed, so Post can be pressed again."""
        await self._db.execute(
            "UPDATE breaks SET status = 'preview', started_at = NULL, return_at = NULL "
            "WHERE id = ? AND user_id = ? AND status = 'posting' AND started_at = ?",
            (break_id, user_id, claimed_at),
        )

    async def mark_posted(self, break_id: int) -> None:
        await self._db.execute(
            "UPDATE breaks SET status = 'running' WHERE id = ? AND status = 'posting'", (break_id,)
        )

    # -- changing where it stands --------------------------------------------------------------

    async def move(
        self, break_id: int, from_statuses: Iterable[BreakStatus], to: BreakStatus, now: int
    ) -> Break | None:
        """Move the break to `to` if it stands in one of `from_statuses`; None if it did not."""
        row = await self._db.fetchone(
            f"UPDATE breaks SET status = ?, closed_at = ? WHERE id = ? AND status IN ({_in(from_statuses)}) "
            f"RETURNING {_COLUMNS}",
            (to.value, now, break_id),
        )
        return None if row is None else self._break(row)

    async def extend(self, break_id: int, user_id: int, minutes: int, now: int) -> Extension | None:
        """The one extension: back `minutes` after the later of now and the return time, running
        again (its reminder is posted afresh then). None when it can't be extended."""
        async with self._db.transaction() as tx:
            before = await tx.fetchone(
                f"SELECT {_COLUMNS} FROM breaks WHERE id = ? AND user_id = ?", (break_id, user_id)
            )
            after = await tx.fetchone(
                "UPDATE breaks SET status = 'running', return_at = max(return_at, ?) + ? * 60, "
                "extended_at = ?, reminder_channel_id = NULL, reminder_message_id = NULL, "
                "reminder_attempts = 0, claimed_by = NULL "
                "WHERE id = ? AND user_id = ? AND status IN ('running', 'reminded') "
                f"AND extended_at IS NULL AND NOT {_ANOTHER_UNDER_WAY} RETURNING {_COLUMNS}",
                (now, minutes, now, break_id, user_id),
            )
        if before is None or after is None:
            return None
        return Extension(before=self._break(before), after=self._break(after))

    # -- the return reminder (the job) ---------------------------------------------------------

    async def miss_overdue(self, before: int, now: int) -> int:
        """Close quietly every break whose return fell due before `before` and was never reminded."""
        return await self._db.execute(
            "UPDATE breaks SET status = 'missed', closed_at = ? "
            "WHERE status IN ('posting', 'running', 'reminding') AND return_at < ?",
            (now, before),
        )

    async def claim_due(self, now: int, not_before: int, run_id: str, limit: int) -> list[DueReturn]:
        """Claim the reminders due now for this process: running breaks, and reminders another
        process claimed before it stopped (whose post may or may not have gone out). A break left
        'posting' by a stop between its note and its record falls due like a running one."""
        rows = await self._db.fetchall(
            "UPDATE breaks SET status = 'reminding', claimed_by = ?, reminder_attempts = reminder_attempts + 1 "
            "WHERE id IN (SELECT id FROM breaks WHERE status IN ('posting', 'running', 'reminding') "
            "AND return_at BETWEEN ? AND ? AND (status != 'reminding' OR claimed_by IS NOT ?) "
            "ORDER BY return_at LIMIT ?) "
            f"RETURNING {_COLUMNS}, reminder_attempts",
            (run_id, not_before, now, run_id, limit),
        )
        return [DueReturn(self._break(row), int(row["reminder_attempts"])) for row in rows]

    async def mark_reminded(self, break_id: int, run_id: str, channel_id: int, message_id: int) -> bool:
        value = await self._db.fetchval(
            "UPDATE breaks SET status = 'reminded', reminder_channel_id = ?, reminder_message_id = ? "
            "WHERE id = ? AND status = 'reminding' AND claimed_by = ? RETURNING id",
            (channel_id, message_id, break_id, run_id),
        )
        return value is not None

    async def release_reminder(self, break_id: int, run_id: str) -> None:
        """A reminder that could not be posted is due again at the next run (within the grace)."""
        await self._db.execute(
            "UPDATE breaks SET status = 'running', claimed_by = NULL "
            "WHERE id = ? AND status = 'reminding' AND claimed_by = ?",
            (break_id, run_id),
        )

    def _break(self, row: Row) -> Break:
        return Break(
            id=row["id"],
            user_id=row["user_id"],
            couple_id=row["couple_id"],
            guild_id=row["guild_id"],
            minutes=row["minutes"],
            line=self._cipher.open(bytes(row["line_sealed"]), column=LINE_COLUMN),
            status=BreakStatus(row["status"]),
            created_at=row["created_at"],
            started_at=row["started_at"],
            return_at=row["return_at"],
            extended_at=row["extended_at"],
            reminder_channel_id=row["reminder_channel_id"],
            reminder_message_id=row["reminder_message_id"],
            closed_at=row["closed_at"],
        )
