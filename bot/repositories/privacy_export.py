"""Reading everything Attune keeps about one person, across every table, as plain values for the export."""

from __future__ import annotations

from typing import Any

from bot.crypto import Cipher, DecryptionError
from bot.db import Database, Transaction
from bot.records.privacy import PersonData

# Tables handled one by one below; any other table with a user_id column is handled generically.
_KNOWN = {
    "people",
    "journal_entries",
    "journal_numbers",
    "exercise_runs",
    "exercise_reflections",
    "boundaries",
    "checkin_answers",
    "checkin_rounds",
    "checkin_schedules",
    "prompt_usage",
    "invitations",
    "couple_members",
    "couples",
    "posted_messages",
    "guild_settings",
    "meta",
}


class ExportRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- export -------------------------------------------------------------------------------

    async def collect(self, user_id: int) -> PersonData:
        """One consistent snapshot: every read inside one transaction."""
        data = PersonData(user_id=user_id)
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                "SELECT timezone, dm_nudges, dm_reachable, created_at FROM people WHERE user_id = ?",
                (user_id,),
            )
            if row is not None:
                data.settings = {
                    "timezone": row["timezone"],
                    "dm_nudges": bool(row["dm_nudges"]),
                    "dms_reachable": bool(row["dm_reachable"]),
                    "first_seen_at": row["created_at"],
                }
            for row in await tx.fetchall(
                "SELECT id, number, guild_id, kind, title_sealed, body_sealed, mood, prompt_id, round_id, "
                "created_at, updated_at, shared_at FROM journal_entries WHERE user_id = ? ORDER BY created_at, id",
                (user_id,),
            ):
                data.journal.append(
                    {
                        "id": row["id"],
                        "number": row["number"],
                        "kind": row["kind"],
                        "title": self._open(row["title_sealed"], "journal_entries.title_sealed"),
                        "body": self._open(row["body_sealed"], "journal_entries.body_sealed"),
                        "mood": row["mood"],
                        "prompt_id": row["prompt_id"],
                        "checkin_round_id": row["round_id"],
                        "server_id": row["guild_id"],
                        "created_at": row["created_at"],
                        "updated_at": row["updated_at"],
                        "shared_at": row["shared_at"],
                    }
                )
            data.journal_last_number = await tx.fetchval(
                "SELECT last_number FROM journal_numbers WHERE user_id = ?", (user_id,)
            )
            runs = await tx.fetchall(
                "SELECT id, exercise_id, step, status, started_at, finished_at, shared_step "
                "FROM exercise_runs WHERE user_id = ? ORDER BY started_at, id",
                (user_id,),
            )
            for run in runs:
                reflections = await tx.fetchall(
                    "SELECT step, body_sealed, written_at FROM exercise_reflections WHERE run_id = ? ORDER BY step",
                    (run["id"],),
                )
                data.exercises.append(
                    {
                        "run_id": run["id"],
                        "exercise_id": run["exercise_id"],
                        "status": run["status"],
                        "step": run["step"],
                        "started_at": run["started_at"],
                        "finished_at": run["finished_at"],
                        "shared_step": run["shared_step"],
                        "reflections": [
                            {
                                "step": r["step"],
                                "text": self._open(r["body_sealed"], "exercise_reflections.body_sealed"),
                                "written_at": r["written_at"],
                            }
                            for r in reflections
                        ],
                    }
                )
            for row in await tx.fetchall(
                "SELECT id, boundary_sealed, consequence_sealed, created_at, shared_at FROM boundaries "
                "WHERE user_id = ? ORDER BY id",
                (user_id,),
            ):
                data.boundaries.append(
                    {
                        "id": row["id"],
                        "boundary": self._open(row["boundary_sealed"], "boundaries.boundary_sealed"),
                        "if_crossed": self._open(row["consequence_sealed"], "boundaries.consequence_sealed"),
                        "created_at": row["created_at"],
                        "shared_at": row["shared_at"],
                    }
                )
            for row in await tx.fetchall(
                "SELECT a.round_id, r.kind, r.couple_id, r.prompt_id, r.status, a.mood, a.body_sealed, "
                "a.answered_at, a.edited_at FROM checkin_answers a JOIN checkin_rounds r ON r.id = a.round_id "
                "WHERE a.user_id = ? ORDER BY a.answered_at, a.round_id",
                (user_id,),
            ):
                data.checkin_answers.append(
                    {
                        "round_id": row["round_id"],
                        "kind": row["kind"],
                        "couple_id": row["couple_id"],
                        "prompt_id": row["prompt_id"],
                        "round_status": row["status"],
                        "mood": row["mood"],
                        "answer": self._open(row["body_sealed"], "checkin_answers.body_sealed"),
                        "answered_at": row["answered_at"],
                        "edited_at": row["edited_at"],
                    }
                )
            for row in await tx.fetchall(
                "SELECT id, kind, couple_id, local_time, weekdays, timezone, paused_until, skip_next, "
                "reminder_minutes, updated_at FROM checkin_schedules WHERE user_id = ? OR couple_id IN "
                "(SELECT couple_id FROM couple_members WHERE user_id = ?) ORDER BY id",
                (user_id, user_id),
            ):
                data.schedules.append(
                    {
                        "kind": row["kind"],
                        "couple_id": row["couple_id"],
                        "local_time": row["local_time"],
                        "weekdays": _weekday_names(int(row["weekdays"])),
                        "timezone": row["timezone"],
                        "paused_until": row["paused_until"],
                        "skip_next": bool(row["skip_next"]),
                        "reminder_minutes": row["reminder_minutes"],
                        "updated_at": row["updated_at"],
                    }
                )
            for row in await tx.fetchall(
                "SELECT c.id, c.guild_id, c.status, c.created_at, c.ended_at, m.current, "
                "(SELECT group_concat(o.user_id) FROM couple_members o WHERE o.couple_id = c.id AND o.user_id != ?) "
                "AS partner FROM couple_members m JOIN couples c ON c.id = m.couple_id WHERE m.user_id = ? ORDER BY c.id",
                (user_id, user_id),
            ):
                data.couples.append(
                    {
                        "couple_id": row["id"],
                        "server_id": row["guild_id"],
                        "status": row["status"],
                        "partner_id": int(row["partner"]) if row["partner"] else None,
                        "created_at": row["created_at"],
                        "ended_at": row["ended_at"],
                    }
                )
            for row in await tx.fetchall(
                "SELECT id, guild_id, inviter_id, invitee_id, status, created_at, closed_at FROM invitations "
                "WHERE inviter_id = ? OR invitee_id = ? ORDER BY id",
                (user_id, user_id),
            ):
                data.invitations.append(
                    {
                        "id": row["id"],
                        "server_id": row["guild_id"],
                        "direction": "sent" if row["inviter_id"] == user_id else "received",
                        "other_person_id": row["invitee_id"]
                        if row["inviter_id"] == user_id
                        else row["inviter_id"],
                        "status": row["status"],
                        "created_at": row["created_at"],
                        "closed_at": row["closed_at"],
                    }
                )
            for table in await other_tables(tx):
                rows = await tx.fetchall(f'SELECT * FROM "{table}" WHERE user_id = ?', (user_id,))
                if rows:
                    data.other[table] = [self._plain_row(table, dict(row)) for row in rows]
        return data

    # -- helpers ------------------------------------------------------------------------------

    def _open(self, sealed: bytes | None, column: str) -> str | None:
        if sealed is None:
            return None
        try:
            return self._cipher.open(sealed, column=column)
        except DecryptionError:
            return "[this could not be decrypted]"

    def _plain_row(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        plain: dict[str, Any] = {}
        for key, value in row.items():
            if isinstance(value, bytes):
                name = key.removesuffix("_sealed")
                plain[name] = self._open(value, f"{table}.{key}")
            else:
                plain[key] = value
        return plain


async def other_tables(tx: Transaction) -> list[str]:
    """Tables of features added after this one that keep rows per person (a user_id column)."""
    names = [
        str(row[0])
        for row in await tx.fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    found = []
    for name in names:
        if name in _KNOWN:
            continue
        columns = {str(c[1]) for c in await tx.fetchall(f'PRAGMA table_info("{name}")')}
        if "user_id" in columns:
            found.append(name)
    return found


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _weekday_names(mask: int) -> list[str]:
    return [day for bit, day in enumerate(_WEEKDAYS) if mask & (1 << bit)]
