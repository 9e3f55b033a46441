"""A person's appreciations, their weekly-offer setting and the offers: every query is scoped to
the person (someone else's appreciation finds nothing, exactly like one that does not exist).

What the partner did and what it meant are sealed here on the way in and opened on the way out, so
nothing above this layer sees ciphertext.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.appreciations import Appreciation, Offer, Reminder

WHAT_COLUMN = "appreciations.what_sealed"
MEANING_COLUMN = "appreciations.meaning_sealed"

_COLUMNS = "id, user_id, guild_id, what_sealed, meaning_sealed, created_at, shared_at"
_REMINDER = "user_id, guild_id, weekday, local_time, timezone, next_due_at"


class AppreciationsRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- the log -------------------------------------------------------------------------------

    async def add(
        self, user_id: int, guild_id: int | None, what: str, meaning: str, now: int
    ) -> Appreciation:
        row = await self._db.fetchone(
            "INSERT INTO appreciations (user_id, guild_id, what_sealed, meaning_sealed, created_at) "
            f"VALUES (?, ?, ?, ?, ?) RETURNING {_COLUMNS}",
            (
                user_id,
                guild_id,
                self._cipher.seal(what, column=WHAT_COLUMN),
                self._cipher.seal(meaning, column=MEANING_COLUMN),
                now,
            ),
        )
        assert row is not None
        return self._appreciation(row)

    async def get(self, appreciation_id: int, user_id: int) -> Appreciation | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM appreciations WHERE id = ? AND user_id = ?", (appreciation_id, user_id)
        )
        return None if row is None else self._appreciation(row)

    async def count(self, user_id: int) -> int:
        value = await self._db.fetchval("SELECT count(*) FROM appreciations WHERE user_id = ?", (user_id,))
        return int(value or 0)

    async def page(self, user_id: int, *, limit: int, offset: int) -> list[Appreciation]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM appreciations WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [self._appreciation(row) for row in rows]

    async def all_for(self, user_id: int) -> list[Appreciation]:
        """The whole log, oldest first (the journal export)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM appreciations WHERE user_id = ? ORDER BY created_at, id", (user_id,)
        )
        return [self._appreciation(row) for row in rows]

    # -- sharing -------------------------------------------------------------------------------

    async def claim_share(self, appreciation_id: int, user_id: int, now: int) -> bool:
        """Claim the one post an appreciation gets: a second press (or a second preview) finds it taken."""
        value = await self._db.fetchval(
            "UPDATE appreciations SET shared_at = ? WHERE id = ? AND user_id = ? AND shared_at IS NULL "
            "RETURNING id",
            (now, appreciation_id, user_id),
        )
        return value is not None

    async def release_share(self, appreciation_id: int, user_id: int, claimed_at: int) -> None:
        """Undo a claim whose post failed, so the person can try again."""
        await self._db.execute(
            "UPDATE appreciations SET shared_at = NULL WHERE id = ? AND user_id = ? AND shared_at = ?",
            (appreciation_id, user_id, claimed_at),
        )

    # -- the weekly offer's setting ------------------------------------------------------------

    async def reminder(self, user_id: int) -> Reminder | None:
        row = await self._db.fetchone(
            f"SELECT {_REMINDER} FROM appreciations_weekly WHERE user_id = ?", (user_id,)
        )
        return None if row is None else _reminder(row)

    async def save_reminder(
        self,
        user_id: int,
        guild_id: int,
        weekday: int,
        local_time: str,
        timezone: str,
        next_due_at: int,
        now: int,
    ) -> Reminder:
        row = await self._db.fetchone(
            "INSERT INTO appreciations_weekly (user_id, guild_id, weekday, local_time, timezone, "
            "next_due_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
            "guild_id = excluded.guild_id, weekday = excluded.weekday, local_time = excluded.local_time, "
            "timezone = excluded.timezone, next_due_at = excluded.next_due_at, "
            f"updated_at = excluded.updated_at RETURNING {_REMINDER}",
            (user_id, guild_id, weekday, local_time, timezone, next_due_at, now),
        )
        assert row is not None
        return _reminder(row)

    async def turn_off(self, user_id: int, now: int) -> bool:
        """Off, keeping the day and time; False when it was not on."""
        value = await self._db.fetchval(
            "UPDATE appreciations_weekly SET next_due_at = NULL, updated_at = ? "
            "WHERE user_id = ? AND next_due_at IS NOT NULL RETURNING user_id",
            (now, user_id),
        )
        return value is not None

    async def due_reminders(self, now: int, limit: int) -> list[Reminder]:
        rows = await self._db.fetchall(
            f"SELECT {_REMINDER} FROM appreciations_weekly WHERE next_due_at IS NOT NULL "
            "AND next_due_at <= ? ORDER BY next_due_at LIMIT ?",
            (now, limit),
        )
        return [_reminder(row) for row in rows]

    # -- offers --------------------------------------------------------------------------------

    async def next_to_offer(self, user_id: int) -> Appreciation | None:
        """A kept (never shared) appreciation, the one offered longest ago (never offered first)."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM appreciations WHERE user_id = ? AND shared_at IS NULL "
            "ORDER BY last_offered_at IS NOT NULL, last_offered_at, created_at, id LIMIT 1",
            (user_id,),
        )
        return None if row is None else self._appreciation(row)

    async def record_offer(
        self,
        reminder: Reminder,
        next_due_at: int,
        *,
        timezone: str,
        status: str,
        appreciation_id: int | None,
        now: int,
    ) -> bool:
        """Record this week's offer and move the reminder on, together; False if another run did it
        (or the person changed or turned off the reminder meanwhile)."""
        async with self._db.transaction() as tx:
            moved = await tx.execute(
                "UPDATE appreciations_weekly SET next_due_at = ?, timezone = ? "
                "WHERE user_id = ? AND next_due_at = ?",
                (next_due_at, timezone, reminder.user_id, reminder.next_due_at),
            )
            if moved == 0:
                return False
            await tx.execute(
                "INSERT INTO appreciations_weekly_offers (user_id, due_at, status, appreciation_id, guild_id, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (user_id, due_at) DO NOTHING",
                (reminder.user_id, reminder.next_due_at, status, appreciation_id, reminder.guild_id, now),
            )
            if appreciation_id is not None:
                await tx.execute(
                    "UPDATE appreciations SET last_offered_at = ? WHERE id = ? AND user_id = ?",
                    (now, appreciation_id, reminder.user_id),
                )
        return True

    async def claim_pending_offers(self, limit: int) -> list[Offer]:
        """Mark pending offers 'sending' before sending them: a crash never sends one twice."""
        rows = await self._db.fetchall(
            "UPDATE appreciations_weekly_offers SET status = 'sending' WHERE id IN "
            "(SELECT id FROM appreciations_weekly_offers WHERE status = 'pending' ORDER BY id LIMIT ?) "
            "RETURNING id, user_id, due_at, appreciation_id, guild_id",
            (limit,),
        )
        return [
            Offer(
                id=int(row["id"]),
                user_id=int(row["user_id"]),
                due_at=int(row["due_at"]),
                appreciation_id=row["appreciation_id"],
                guild_id=row["guild_id"],
            )
            for row in rows
        ]

    async def finish_offer(
        self, offer_id: int, status: str, channel_id: int | None, message_id: int | None, now: int
    ) -> None:
        await self._db.execute(
            "UPDATE appreciations_weekly_offers SET status = ?, channel_id = ?, message_id = ?, sent_at = ? "
            "WHERE id = ? AND status = 'sending'",
            (status, channel_id, message_id, now if status == "sent" else None, offer_id),
        )

    async def offer(self, offer_id: int, user_id: int) -> Offer | None:
        row = await self._db.fetchone(
            "SELECT id, user_id, due_at, appreciation_id, guild_id FROM appreciations_weekly_offers "
            "WHERE id = ? AND user_id = ?",
            (offer_id, user_id),
        )
        if row is None:
            return None
        return Offer(
            id=int(row["id"]),
            user_id=int(row["user_id"]),
            due_at=int(row["due_at"]),
            appreciation_id=row["appreciation_id"],
            guild_id=row["guild_id"],
        )

    async def answer_offer(self, offer_id: int, user_id: int, answer: str) -> None:
        await self._db.execute(
            "UPDATE appreciations_weekly_offers SET answer = ? WHERE id = ? AND user_id = ?",
            (answer, offer_id, user_id),
        )

    def _appreciation(self, row: Row) -> Appreciation:
        return Appreciation(
            id=row["id"],
            user_id=row["user_id"],
            guild_id=row["guild_id"],
            what=self._cipher.open(bytes(row["what_sealed"]), column=WHAT_COLUMN),
            meaning=self._cipher.open(bytes(row["meaning_sealed"]), column=MEANING_COLUMN),
            created_at=row["created_at"],
            shared_at=row["shared_at"],
        )


def _reminder(row: Row) -> Reminder:
    return Reminder(
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        weekday=row["weekday"],
        local_time=row["local_time"],
        timezone=row["timezone"],
        next_due_at=row["next_due_at"],
    )
