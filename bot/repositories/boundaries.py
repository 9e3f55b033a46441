"""A person's boundaries: every query is scoped to their owner.

The boundary and its consequence are sealed here on the way in and opened on the way out, so nothing
above this layer sees ciphertext.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.boundaries import Boundary

BOUNDARY_COLUMN = "boundaries.boundary_sealed"
CONSEQUENCE_COLUMN = "boundaries.consequence_sealed"

_COLUMNS = "id, user_id, boundary_sealed, consequence_sealed, created_at, shared_at"


class BoundariesRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    async def add(
        self, user_id: int, boundary: str, consequence: str, now: int, limit: int
    ) -> Boundary | None:
        """Insert unless the person already keeps `limit` boundaries (one atomic statement)."""
        row = await self._db.fetchone(
            f"INSERT INTO boundaries (user_id, boundary_sealed, consequence_sealed, created_at) "
            f"SELECT ?, ?, ?, ? WHERE (SELECT count(*) FROM boundaries WHERE user_id = ?) < ? "
            f"RETURNING {_COLUMNS}",
            (
                user_id,
                self._cipher.seal(boundary, column=BOUNDARY_COLUMN),
                self._cipher.seal(consequence, column=CONSEQUENCE_COLUMN),
                now,
                user_id,
                limit,
            ),
        )
        return None if row is None else self._boundary(row)

    async def get(self, boundary_id: int, user_id: int) -> Boundary | None:
        """Someone else's boundary is None, exactly like one that does not exist."""
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM boundaries WHERE id = ? AND user_id = ?", (boundary_id, user_id)
        )
        return None if row is None else self._boundary(row)

    async def list_for(self, user_id: int) -> list[Boundary]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM boundaries WHERE user_id = ? ORDER BY id", (user_id,)
        )
        return [self._boundary(row) for row in rows]

    async def remove(self, boundary_id: int, user_id: int) -> bool:
        value = await self._db.fetchval(
            "DELETE FROM boundaries WHERE id = ? AND user_id = ? RETURNING id", (boundary_id, user_id)
        )
        return value is not None

    async def claim_share(self, boundary_id: int, user_id: int, previewed_at: int, now: int) -> bool:
        """Claim one post for a preview shown at `previewed_at`: a second press of it finds it taken."""
        value = await self._db.fetchval(
            "UPDATE boundaries SET shared_at = ? WHERE id = ? AND user_id = ? "
            "AND (shared_at IS NULL OR shared_at < ?) RETURNING id",
            (now, boundary_id, user_id, previewed_at),
        )
        return value is not None

    async def release_share(self, boundary_id: int, user_id: int, claimed_at: int) -> None:
        """Undo a claim whose post failed, so the person can try again."""
        await self._db.execute(
            "UPDATE boundaries SET shared_at = NULL WHERE id = ? AND user_id = ? AND shared_at = ?",
            (boundary_id, user_id, claimed_at),
        )

    def _boundary(self, row: Row) -> Boundary:
        return Boundary(
            id=row["id"],
            user_id=row["user_id"],
            boundary=self._cipher.open(bytes(row["boundary_sealed"]), column=BOUNDARY_COLUMN),
            consequence=self._cipher.open(bytes(row["consequence_sealed"]), column=CONSEQUENCE_COLUMN),
            created_at=row["created_at"],
            shared_at=row["shared_at"],
        )
