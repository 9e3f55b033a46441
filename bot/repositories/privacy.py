"""Everything Attune keeps about one person, across every table: read it all (export), erase it all.

This is the one repository that reads other features' tables, on purpose: a person's right to see
and erase their data must not depend on each feature remembering to offer it. Sealed columns are
opened here with the column name they were sealed under, so the export is plain text.

Tables added later (the progress feature's, for example) are found by their `user_id` column and
exported and erased too, so a new feature cannot silently fall outside /privacy.
"""

from __future__ import annotations

from collections.abc import Callable

from bot.db import Transaction
from bot.records.privacy import Erasure, MessageRef, RevealLeft
from bot.repositories.privacy_export import ExportRepository, other_tables


class PrivacyRepository(ExportRepository):
    """Recording what was posted for a person, the export (its base), and the erase."""

    # -- recording what was posted ------------------------------------------------------------

    async def record_post(
        self,
        user_id: int,
        channel_id: int,
        message_id: int,
        kind: str,
        now: int,
        still_wanted: Callable[[], bool],
    ) -> None:
        await self._db.fetchone_if(
            still_wanted,
            "INSERT INTO posted_messages (user_id, channel_id, message_id, kind, posted_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (channel_id, message_id) DO NOTHING",
            (user_id, channel_id, message_id, kind, now),
        )

    async def forget_post(self, channel_id: int, message_id: int) -> None:
        await self._db.execute(
            "DELETE FROM posted_messages WHERE channel_id = ? AND message_id = ?", (channel_id, message_id)
        )

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
            messages += await _message_refs(
                tx,
                "SELECT shared_channel_id, shared_message_id FROM journal_entries "
                "WHERE user_id = ? AND shared_message_id IS NOT NULL",
                (user_id,),
            )
            messages += await _message_refs(
                tx, "SELECT channel_id, message_id FROM posted_messages WHERE user_id = ?", (user_id,)
            )
            # Their personal check-ins arrived by DM; invitations they received came by DM; an
            # invitation they sent or received may have a copy in the setup channel (the invitee's
            # DMs were closed), naming them both.
            messages += await _message_refs(
                tx,
                "SELECT channel_id, message_id FROM checkin_rounds WHERE kind = 'personal' AND user_id = ? "
                "AND message_id IS NOT NULL",
                (user_id,),
            )
            messages += await _message_refs(
                tx,
                "SELECT dm_channel_id, dm_message_id FROM invitations WHERE invitee_id = ? AND dm_message_id IS NOT NULL "
                "UNION ALL SELECT channel_id, message_id FROM invitations WHERE inviter_id = ? "
                "AND message_id IS NOT NULL "
                "UNION ALL SELECT channel_id, message_id FROM invitations WHERE invitee_id = ? "
                "AND message_id IS NOT NULL",
                (user_id, user_id, user_id),
            )

            if "progress_shares" in await other_tables(tx):  # charts they posted to the thread
                messages += await _message_refs(
                    tx,
                    "SELECT c.thread_id, p.message_id FROM progress_shares p JOIN couples c ON c.id = p.couple_id "
                    "WHERE p.user_id = ? AND p.message_id IS NOT NULL AND c.thread_id IS NOT NULL",
                    (user_id,),
                )

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
            for table in await other_tables(tx):
                rows[table] = await tx.execute(f'DELETE FROM "{table}" WHERE user_id = ?', (user_id,))
            rows["posted_messages"] = await tx.execute(
                "DELETE FROM posted_messages WHERE user_id = ?", (user_id,)
            )
            rows["people"] = await tx.execute("DELETE FROM people WHERE user_id = ?", (user_id,))
        unique = tuple(dict.fromkeys(m for m in messages if m.channel_id and m.message_id))
        return Erasure(rows={k: v for k, v in rows.items() if v}, messages=unique, reveals=tuple(reveals))


async def _message_refs(tx: Transaction, sql: str, params: tuple[int, ...]) -> list[MessageRef]:
    """The messages a query names, as (channel id, message id) rows: each is taken down after the erase."""
    return [MessageRef(row[0], row[1]) for row in await tx.fetchall(sql, params)]
