"""Everything Attune keeps about one person, across every table: read it all (export), erase it all.

This is the one repository that reads other features' tables, on purpose: a person's right to see
and erase their data must not depend on each feature remembering to offer it. Sealed columns are
opened here with the column name they were sealed under, so the export is plain text.

Tables added later (the progress feature's, for example) are found by their `user_id` column and
exported and erased too, so a new feature cannot silently fall outside /privacy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.crypto import Cipher, DecryptionError
from bot.db import Database, Transaction

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


@dataclass(frozen=True)
class MessageRef:
    """A message Attune posted for this person alone: taken down after the erase."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class RevealLeft:
    """A revealed couple round that keeps only the partner's answer after the erase."""

    round_id: int
    channel_id: int
    message_id: int
    prompt_id: str
    remaining: tuple[tuple[int, int, str], ...]  # (user_id, mood, body) of whoever is left


@dataclass(frozen=True)
class Erasure:
    rows: dict[str, int]
    messages: tuple[MessageRef, ...]
    reveals: tuple[RevealLeft, ...]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class PersonData:
    """Plain values only (ints, strings, None, lists, dicts): ready for JSON."""

    user_id: int
    settings: dict[str, Any] | None = None
    journal: list[dict[str, Any]] = field(default_factory=list)
    journal_last_number: int | None = None  # numbers are never reused: the last one given out
    exercises: list[dict[str, Any]] = field(default_factory=list)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    checkin_answers: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    couples: list[dict[str, Any]] = field(default_factory=list)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    other: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(
            (
                self.settings,
                self.journal,
                self.journal_last_number,
                self.exercises,
                self.boundaries,
                self.checkin_answers,
                self.schedules,
                self.couples,
                self.invitations,
                any(self.other.values()),
            )
        )


class PrivacyRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- recording what was posted ------------------------------------------------------------

    async def record_post(self, user_id: int, channel_id: int, message_id: int, kind: str, now: int) -> None:
        await self._db.execute(
            "INSERT INTO posted_messages (user_id, channel_id, message_id, kind, posted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, message_id) DO NOTHING",
            (user_id, channel_id, message_id, kind, now),
        )

    async def forget_post(self, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "DELETE FROM posted_messages WHERE channel_id = ? AND message_id = ?", (channel_id, message_id)
        )

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
            for table in await _other_tables(tx):
                rows = await tx.fetchall(f'SELECT * FROM "{table}" WHERE user_id = ?', (user_id,))
                if rows:
                    data.other[table] = [self._plain_row(table, dict(row)) for row in rows]
        return data

    # -- erase --------------------------------------------------------------------------------

    async def erase(self, user_id: int) -> Erasure:
        """Delete everything of this person in ONE transaction; return what Discord still holds.

        Couple rounds keep the partner's side: only this person's answers go, and a revealed
        round's message is re-rendered from what is left. The record that a couple existed stays
        while it is shared history with the partner (it holds nothing either of them wrote).
        """
        rows: dict[str, int] = {}
        messages: list[MessageRef] = []
        reveals: list[RevealLeft] = []
        async with self._db.transaction() as tx:
            for row in await tx.fetchall(
                "SELECT shared_channel_id, shared_message_id FROM journal_entries "
                "WHERE user_id = ? AND shared_message_id IS NOT NULL",
                (user_id,),
            ):
                messages.append(MessageRef(row[0], row[1]))
            for row in await tx.fetchall(
                "SELECT channel_id, message_id FROM posted_messages WHERE user_id = ?", (user_id,)
            ):
                messages.append(MessageRef(row[0], row[1]))
            # Their personal check-ins arrived by DM; invitations they received came by DM; an
            # invitation they sent or received may have a copy in the setup channel (the invitee's
            # DMs were closed), naming them both.
            for row in await tx.fetchall(
                "SELECT channel_id, message_id FROM checkin_rounds WHERE kind = 'personal' AND user_id = ? "
                "AND message_id IS NOT NULL",
                (user_id,),
            ):
                messages.append(MessageRef(row[0], row[1]))
            for row in await tx.fetchall(
                "SELECT dm_channel_id, dm_message_id FROM invitations WHERE invitee_id = ? AND dm_message_id IS NOT NULL "
                "UNION ALL SELECT channel_id, message_id FROM invitations WHERE inviter_id = ? "
                "AND message_id IS NOT NULL "
                "UNION ALL SELECT channel_id, message_id FROM invitations WHERE invitee_id = ? "
                "AND message_id IS NOT NULL",
                (user_id, user_id, user_id),
            ):
                messages.append(MessageRef(row[0], row[1]))

            if "progress_shares" in await _other_tables(tx):  # charts they posted to the thread
                for row in await tx.fetchall(
                    "SELECT c.thread_id, p.message_id FROM progress_shares p JOIN couples c ON c.id = p.couple_id "
                    "WHERE p.user_id = ? AND p.message_id IS NOT NULL AND c.thread_id IS NOT NULL",
                    (user_id,),
                ):
                    messages.append(MessageRef(row[0], row[1]))

            revealed = await tx.fetchall(
                "SELECT r.id, r.channel_id, r.reveal_message_id, r.prompt_id FROM checkin_answers a "
                "JOIN checkin_rounds r ON r.id = a.round_id WHERE a.user_id = ? AND r.status = 'revealed' "
                "AND r.reveal_message_id IS NOT NULL AND r.channel_id IS NOT NULL",
                (user_id,),
            )
            rows["checkin_answers"] = await tx.execute(
                "DELETE FROM checkin_answers WHERE user_id = ?", (user_id,)
            )
            for round_row in revealed:
                left = await tx.fetchall(
                    "SELECT user_id, mood, body_sealed FROM checkin_answers WHERE round_id = ? ORDER BY answered_at",
                    (round_row["id"],),
                )
                reveals.append(
                    RevealLeft(
                        round_id=round_row["id"],
                        channel_id=round_row["channel_id"],
                        message_id=round_row["reveal_message_id"],
                        prompt_id=round_row["prompt_id"],
                        remaining=tuple(
                            (
                                int(a["user_id"]),
                                int(a["mood"]),
                                self._open(a["body_sealed"], "checkin_answers.body_sealed") or "",
                            )
                            for a in left
                        ),
                    )
                )

            # That they started a live round or completed one (kept only until the partner is told).
            await tx.execute(
                "UPDATE checkin_rounds SET "
                "started_by = CASE WHEN started_by = ? THEN NULL ELSE started_by END, "
                "revealed_by = CASE WHEN revealed_by = ? THEN NULL ELSE revealed_by END "
                "WHERE couple_id IN (SELECT couple_id FROM couple_members WHERE user_id = ?) "
                "AND status IN ('pending', 'open', 'revealed')",
                (user_id, user_id, user_id),
            )
            personal_rounds = "SELECT id FROM checkin_rounds WHERE kind = 'personal' AND user_id = ?"
            await tx.execute(f"DELETE FROM checkin_answers WHERE round_id IN ({personal_rounds})", (user_id,))
            rows["checkin_rounds"] = await tx.execute(
                "DELETE FROM checkin_rounds WHERE kind = 'personal' AND user_id = ?", (user_id,)
            )
            rows["checkin_schedules"] = await tx.execute(
                "DELETE FROM checkin_schedules WHERE user_id = ?", (user_id,)
            )
            rows["prompt_usage"] = await tx.execute(
                "DELETE FROM prompt_usage WHERE owner = ?", (f"person:{user_id}",)
            )
            rows["journal_entries"] = await tx.execute(
                "DELETE FROM journal_entries WHERE user_id = ?", (user_id,)
            )
            # The numbering goes with the entries: a journal started afresh begins at 1.
            await tx.execute("DELETE FROM journal_numbers WHERE user_id = ?", (user_id,))
            rows["exercise_reflections"] = await tx.execute(
                "DELETE FROM exercise_reflections WHERE run_id IN (SELECT id FROM exercise_runs WHERE user_id = ?)",
                (user_id,),
            )
            rows["exercise_runs"] = await tx.execute(
                "DELETE FROM exercise_runs WHERE user_id = ?", (user_id,)
            )
            rows["boundaries"] = await tx.execute("DELETE FROM boundaries WHERE user_id = ?", (user_id,))
            rows["invitations"] = await tx.execute(
                "DELETE FROM invitations WHERE inviter_id = ? OR invitee_id = ?",
                (user_id, user_id),
            )
            for table in await _other_tables(tx):
                rows[table] = await tx.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (user_id,))
            rows["posted_messages"] = await tx.execute(
                "DELETE FROM posted_messages WHERE user_id = ?", (user_id,)
            )
            rows["people"] = await tx.execute("DELETE FROM people WHERE user_id = ?", (user_id,))
        unique = tuple(dict.fromkeys(m for m in messages if m.channel_id and m.message_id))
        return Erasure(rows={k: v for k, v in rows.items() if v}, messages=unique, reveals=tuple(reveals))

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


async def _other_tables(tx: Transaction) -> list[str]:
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
