"""A person's notes of bids for connection: every query is scoped to their owner.

The line is sealed here on the way in and opened on the way out, so nothing above this layer sees
ciphertext.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.bids import Bid, BidKind

LINE_COLUMN = "bids.line_sealed"

_COLUMNS = "id, user_id, kind, line_sealed, noted_at, shared_at"


class BidsRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    async def add(self, user_id: int, kind: BidKind, line: str, now: int) -> Bid:
        row = await self._db.fetchone(
            f"INSERT INTO bids (user_id, kind, line_sealed, noted_at) VALUES (?, ?, ?, ?) RETURNING {_COLUMNS}",
            (user_id, kind.value, self._cipher.seal(line, column=LINE_COLUMN), now),
        )
        assert row is not None  # INSERT ... RETURNING always returns the row it inserted
        return self._bid(row)

    async def get(self, bid_id: int, user_id: int) -> Bid | None:
        """Someone else's note is None, exactly like one that does not exist."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM bids WHERE id = ? AND user_id = ?", (bid_id, user_id)
        )
        return None if row is None else self._bid(row)

    async def since(self, user_id: int, since: int, limit: int) -> list[Bid]:
        """The person's newest `limit` notes from `since` on, newest first."""
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM bids WHERE user_id = ? AND noted_at >= ? "
            "ORDER BY noted_at DESC, id DESC LIMIT ?",
            (user_id, since, limit),
        )
        return [self._bid(row) for row in rows]

    async def counts_since(self, user_id: int, since: int) -> dict[BidKind, int]:
        """How many notes of each kind the person kept from `since` on (nothing opened)."""
        rows = await self._db.fetchall(
            "SELECT kind, count(*) AS n FROM bids WHERE user_id = ? AND noted_at >= ? GROUP BY kind",
            (user_id, since),
        )
        return {BidKind(row["kind"]): int(row["n"]) for row in rows}

    async def newest(self, user_id: int, limit: int) -> list[Bid]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM bids WHERE user_id = ? ORDER BY noted_at DESC, id DESC LIMIT ?",
            (user_id, limit),
        )
        return [self._bid(row) for row in rows]

    async def claim_share(self, bid_id: int, user_id: int, previewed_at: int, now: int) -> bool:
        """Claim one post for a preview shown at `previewed_at`: a second press of it finds it taken."""
        value = await self._db.fetchval(
            "UPDATE bids SET shared_at = ? WHERE id = ? AND user_id = ? "
            "AND (shared_at IS NULL OR shared_at < ?) RETURNING id",
            (now, bid_id, user_id, previewed_at),
        )
        return value is not None

    async def release_share(self, bid_id: int, user_id: int, claimed_at: int) -> None:
        """Undo a claim whose post failed, so the person can try again."""
        await self._db.execute(
            "UPDATE bids SET shared_at = NULL WHERE id = ? AND user_id = ? AND shared_at = ?",
            (bid_id, user_id, claimed_at),
        )

    def _bid(self, row: Row) -> Bid:
        return Bid(
            id=row["id"],
            user_id=row["user_id"],
            kind=BidKind(row["kind"]),
            line=self._cipher.open(bytes(row["line_sealed"]), column=LINE_COLUMN),
            noted_at=row["noted_at"],
            shared_at=row["shared_at"],
        )
