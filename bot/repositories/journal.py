"""The private journal's storage: every query is scoped to the entry's author.

Title and body are sealed here on the way in and opened on the way out, so nothing above this layer
sees ciphertext and nothing below it sees plaintext. Every lookup takes the author's user_id with the
entry id (or the author's own entry number): someone else's entry finds nothing, exactly like one
that does not exist.

People see and type their own numbers (1, 2, 3... per person, never reused after a delete); the id
is the database's own and never leaves the bot. Each INSERT takes the next number from
journal_numbers in the same statement, and a trigger (migration 010) moves the counter on.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.journal import Entry

TITLE_COLUMN = "journal_entries.title_sealed"
BODY_COLUMN = "journal_entries.body_sealed"

KINDS = ("entry", "reflection", "checkin", "exercise", "meeting")


_COLUMNS = (
    "id, number, user_id, guild_id, kind, title_sealed, body_sealed, mood, prompt_id, round_id, created_at, "
    "updated_at, shared_channel_id, shared_message_id, shared_at"
)
# The author's next number, inside the INSERT that uses it (so two writes can never share one).
_NEXT_NUMBER = "(SELECT coalesce(max(last_number), 0) + 1 FROM journal_numbers WHERE user_id = ?)"


class JournalRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- writing -----------------------------------------------------------------------------

    async def insert(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        kind: str,
        title: str | None,
        body: str,
        mood: int | None,
        prompt_id: str | None,
        now: int,
    ) -> tuple[Entry, tuple[str | None, str | None]]:
        """Insert (committed when this returns) and, in the same statement, read the author's own
        timezone and their server's (None when unset): one round trip to SQLite, not three."""
        row = await self._db.fetchone(
            "INSERT INTO journal_entries (user_id, guild_id, kind, title_sealed, body_sealed, mood, "
            f"prompt_id, created_at, updated_at, number) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, {_NEXT_NUMBER}) "
            f"RETURNING {_COLUMNS}, "
            "(SELECT timezone FROM people WHERE user_id = ?) AS person_timezone, "
            "(SELECT timezone FROM guild_settings WHERE guild_id = ?) AS server_timezone",
            (
                user_id,
                guild_id,
                kind,
                self._cipher.seal_optional(title, column=TITLE_COLUMN),
                self._cipher.seal(body, column=BODY_COLUMN),
                mood,
                prompt_id,
                now,
                now,
                user_id,
                user_id,
                guild_id,
            ),
        )
        assert row is not None
        return self._entry(row), (row["person_timezone"], row["server_timezone"])

    async def upsert_checkin(
        self, *, user_id: int, round_id: int, body: str, mood: int | None, prompt_id: str | None, now: int
    ) -> Entry:
        """One entry per (person, round): answering again updates it instead of adding another."""
        row = await self._db.fetchone(
            "INSERT INTO journal_entries (user_id, kind, body_sealed, mood, prompt_id, round_id, "
            f"created_at, updated_at, number) VALUES (?, 'checkin', ?, ?, ?, ?, ?, ?, {_NEXT_NUMBER}) "
            "ON CONFLICT (user_id, round_id) WHERE round_id IS NOT NULL DO UPDATE SET "
            "body_sealed = excluded.body_sealed, mood = excluded.mood, prompt_id = excluded.prompt_id, "
            f"updated_at = excluded.updated_at RETURNING {_COLUMNS}",
            (
                user_id,
                self._cipher.seal(body, column=BODY_COLUMN),
                mood,
                prompt_id,
                round_id,
                now,
                now,
                user_id,
            ),
        )
        assert row is not None
        return self._entry(row)

    async def insert_meeting_record(
        self, *, user_id: int, meeting_id: int, guild_id: int | None, title: str, body: str, now: int
    ) -> Entry | None:
        """A couple meeting's record in one partner's journal, once per meeting (None when it is
        there already: a retry after a crash writes nothing twice)."""
        row = await self._db.fetchone(
            "INSERT INTO journal_entries (user_id, guild_id, kind, title_sealed, body_sealed, meeting_id, "
            f"created_at, updated_at, number) VALUES (?, ?, 'meeting', ?, ?, ?, ?, ?, {_NEXT_NUMBER}) "
            "ON CONFLICT (user_id, meeting_id) WHERE meeting_id IS NOT NULL DO NOTHING "
            f"RETURNING {_COLUMNS}",
            (
                user_id,
                guild_id,
                self._cipher.seal(title, column=TITLE_COLUMN),
                self._cipher.seal(body, column=BODY_COLUMN),
                meeting_id,
                now,
                now,
                user_id,
            ),
        )
        return None if row is None else self._entry(row)

    async def update(
        self, *, user_id: int, entry_id: int, title: str | None, body: str, mood: int | None, now: int
    ) -> Entry | None:
        row = await self._db.fetchone(
            "UPDATE journal_entries SET title_sealed = ?, body_sealed = ?, mood = ?, updated_at = ? "
            f"WHERE id = ? AND user_id = ? RETURNING {_COLUMNS}",
            (
                self._cipher.seal_optional(title, column=TITLE_COLUMN),
                self._cipher.seal(body, column=BODY_COLUMN),
                mood,
                now,
                entry_id,
                user_id,
            ),
        )
        return None if row is None else self._entry(row)

    async def delete(self, *, user_id: int, entry_id: int) -> Entry | None:
        row = await self._db.fetchone(
            f"DELETE FROM journal_entries WHERE id = ? AND user_id = ? RETURNING {_COLUMNS}",
            (entry_id, user_id),
        )
        return None if row is None else self._entry(row)

    # -- sharing -----------------------------------------------------------------------------

    async def claim_share(self, *, user_id: int, entry_id: int, channel_id: int, now: int) -> Entry | None:
        """Mark the entry as being shared, only if it is not shared already (one post, ever)."""
        row = await self._db.fetchone(
            "UPDATE journal_entries SET shared_channel_id = ?, shared_message_id = NULL, shared_at = ? "
            f"WHERE id = ? AND user_id = ? AND shared_channel_id IS NULL RETURNING {_COLUMNS}",
            (channel_id, now, entry_id, user_id),
        )
        return None if row is None else self._entry(row)

    async def record_share(
        self, *, user_id: int, entry_id: int, channel_id: int, message_id: int
    ) -> Entry | None:
        row = await self._db.fetchone(
            "UPDATE journal_entries SET shared_message_id = ? "
            f"WHERE id = ? AND user_id = ? AND shared_channel_id = ? RETURNING {_COLUMNS}",
            (message_id, entry_id, user_id, channel_id),
        )
        return None if row is None else self._entry(row)

    async def clear_share(self, *, user_id: int, entry_id: int, message_id: int | None) -> Entry | None:
        """Forget the share, but only the one that was seen (a newer share is left alone)."""
        row = await self._db.fetchone(
            "UPDATE journal_entries SET shared_channel_id = NULL, shared_message_id = NULL, shared_at = NULL "
            "WHERE id = ? AND user_id = ? AND shared_message_id IS ? "
            f"RETURNING {_COLUMNS}",
            (entry_id, user_id, message_id),
        )
        return None if row is None else self._entry(row)

    # -- reading -----------------------------------------------------------------------------

    async def get(self, *, user_id: int, entry_id: int) -> Entry | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE id = ? AND user_id = ?", (entry_id, user_id)
        )
        return None if row is None else self._entry(row)

    async def get_by_number(self, *, user_id: int, number: int) -> Entry | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE user_id = ? AND number = ?", (user_id, number)
        )
        return None if row is None else self._entry(row)

    async def count(self, user_id: int) -> int:
        value = await self._db.fetchval("SELECT count(*) FROM journal_entries WHERE user_id = ?", (user_id,))
        return int(value or 0)

    async def page(self, user_id: int, *, limit: int, offset: int) -> list[Entry]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
            (user_id, limit, offset),
        )
        return [self._entry(row) for row in rows]

    async def all_for(self, user_id: int) -> list[Entry]:
        """The author's whole journal, newest first (search, autocomplete, export)."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM journal_entries WHERE user_id = ? ORDER BY created_at DESC, id DESC",
            (user_id,),
        )
        return [self._entry(row) for row in rows]

    async def prompt_ids_used(self, user_id: int) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT prompt_id FROM journal_entries WHERE user_id = ? AND prompt_id IS NOT NULL",
            (user_id,),
        )
        return {str(row[0]) for row in rows}

    async def server_timezone(self, guild_id: int) -> str | None:
        """The server's timezone from its setup (the couples feature's table), if it was set up."""
        value = await self._db.fetchval("SELECT timezone FROM guild_settings WHERE guild_id = ?", (guild_id,))
        return None if value is None else str(value)

    def _entry(self, row: Row) -> Entry:
        return Entry(
            id=row["id"],
            number=row["number"],
            user_id=row["user_id"],
            guild_id=row["guild_id"],
            kind=row["kind"],
            title=self._cipher.open_optional(row["title_sealed"], column=TITLE_COLUMN),
            body=self._cipher.open(row["body_sealed"], column=BODY_COLUMN),
            mood=row["mood"],
            prompt_id=row["prompt_id"],
            round_id=row["round_id"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            shared_channel_id=row["shared_channel_id"],
            shared_message_id=row["shared_message_id"],
            shared_at=row["shared_at"],
        )
