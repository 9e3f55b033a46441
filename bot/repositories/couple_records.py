"""The couples feature's records (server settings, invitations, couples) and how a couple row is read."""

from __future__ import annotations

from sqlite3 import Row

from bot.db.database import Transaction
from bot.records.couples import Couple

# One row per couple with its two members in join order (user ids ascending within the couple).
COUPLE_COLUMNS = (
    "c.id, c.guild_id, c.status, c.thread_id, c.created_at, c.ended_at, c.thread_problem, "
    "(SELECT min(user_id) FROM couple_members m WHERE m.couple_id = c.id) AS first_id, "
    "(SELECT max(user_id) FROM couple_members m WHERE m.couple_id = c.id) AS second_id"
)


async def couple_in(tx: Transaction, couple_id: int) -> Couple | None:
    row = await tx.fetchone(f"SELECT {COUPLE_COLUMNS} FROM couples c WHERE c.id = ?", (couple_id,))
    return None if row is None else couple_from_row(row)


def couple_from_row(row: Row) -> Couple:
    return Couple(
        id=row["id"],
        guild_id=row["guild_id"],
        status=row["status"],
        thread_id=row["thread_id"],
        partner_ids=(int(row["first_id"]), int(row["second_id"])),
        created_at=row["created_at"],
        ended_at=row["ended_at"],
        thread_problem=row["thread_problem"],
    )
