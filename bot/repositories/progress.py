"""Progress's own tables: heads-ups, weekly summaries, chart shares and the private check-ups.

Nothing here writes to another feature's tables (the reads over them are in the base class). Every
state change is one atomic statement (or one transaction), so two ticks or two presses can never
send the same thing twice. A check-up's answers are sealed here on the way in and opened on the way
out, so nothing above this layer sees ciphertext.
"""

from __future__ import annotations

import json
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.progress import CheckupRecord, DueSummary, Share, SummaryPost, SummarySettings
from bot.repositories.progress_reads import ProgressReadsRepository

CHECKUP_COLUMN = "progress_checkups.answers_sealed"
_SETTINGS = "couple_id, weekday, local_time, timezone, enabled, next_due_at"
_SHARE = "id, user_id, couple_id, days, status"
MAX_SUMMARY_ATTEMPTS = 3


class ProgressRepository(ProgressReadsRepository):
    """Every query the progress feature runs: the reads over other features (its base), then its own."""

    def __init__(self, db: Database, cipher: Cipher) -> None:
        super().__init__(db)
        self._cipher = cipher

    # -- heads-ups ---------------------------------------------------------------------------------

    async def has_heads_up(self, round_id: int) -> bool:
        value = await self._db.fetchval("SELECT 1 FROM progress_headsups WHERE round_id = ?", (round_id,))
        return value is not None

    async def claim_heads_up(self, round_id: int, couple_id: int, now: int) -> bool:
        """Record the heads-up before sending it: only the first claim wins, ever."""
        row = await self._db.fetchone(
            "INSERT INTO progress_headsups (round_id, couple_id, created_at) VALUES (?, ?, ?) "
            "ON CONFLICT (round_id) DO NOTHING RETURNING round_id",
            (round_id, couple_id, now),
        )
        return row is not None

    async def finish_heads_up(self, round_id: int, message_id: int | None) -> None:
        await self._db.execute(
            "UPDATE progress_headsups SET status = ?, message_id = ? WHERE round_id = ?",
            ("sent" if message_id is not None else "failed", message_id, round_id),
        )

    # -- weekly summary settings -------------------------------------------------------------------

    async def active_couples_without_summary_settings(self, limit: int) -> list[int]:
        """Active couples the weekly summary has not been set up for yet (new since the last run)."""
        rows = await self._db.fetchall(
            "SELECT c.id FROM couples c WHERE c.status = 'active' AND NOT EXISTS "
            "(SELECT 1 FROM progress_summary_settings s WHERE s.couple_id = c.id) ORDER BY c.id LIMIT ?",
            (limit,),
        )
        return [int(r[0]) for r in rows]

    async def summary_settings(self, couple_id: int) -> SummarySettings | None:
        row = await self._db.fetchone(
            f"SELECT {_SETTINGS} FROM progress_summary_settings WHERE couple_id = ?", (couple_id,)
        )
        return None if row is None else _settings(row)

    async def ensure_summary_settings(
        self, couple_id: int, weekday: int, local_time: str, timezone: str, next_due_at: int, now: int
    ) -> SummarySettings:
        async with self._db.transaction() as tx:
            await tx.execute(
                "INSERT INTO progress_summary_settings (couple_id, weekday, local_time, timezone, next_due_at, "
                "updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (couple_id) DO NOTHING",
                (couple_id, weekday, local_time, timezone, next_due_at, now),
            )
            row = await tx.fetchone(
                f"SELECT {_SETTINGS} FROM progress_summary_settings WHERE couple_id = ?", (couple_id,)
            )
        assert row is not None
        return _settings(row)

    async def save_summary_settings(
        self,
        couple_id: int,
        weekday: int,
        local_time: str,
        timezone: str,
        enabled: bool,
        next_due_at: int | None,
        by: int,
        now: int,
    ) -> SummarySettings:
        row = await self._db.fetchone(
            "INSERT INTO progress_summary_settings (couple_id, weekday, local_time, timezone, enabled, "
            "next_due_at, updated_by, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            "ON CONFLICT (couple_id) DO UPDATE SET weekday = excluded.weekday, local_time = excluded.local_time, "
            "timezone = excluded.timezone, enabled = excluded.enabled, next_due_at = excluded.next_due_at, "
            f"updated_by = excluded.updated_by, updated_at = excluded.updated_at RETURNING {_SETTINGS}",
            (couple_id, weekday, local_time, timezone, int(enabled), next_due_at, by, now),
        )
        assert row is not None
        return _settings(row)

    async def due_summaries(self, now: int, limit: int) -> list[DueSummary]:
        rows = await self._db.fetchall(
            f"SELECT s.{_SETTINGS.replace(', ', ', s.')}, c.status AS couple_status "
            "FROM progress_summary_settings s JOIN couples c ON c.id = s.couple_id "
            "WHERE s.next_due_at IS NOT NULL AND s.next_due_at <= ? ORDER BY s.next_due_at LIMIT ?",
            (now, limit),
        )
        return [DueSummary(_settings(r), str(r["couple_status"])) for r in rows]

    async def record_summary(self, couple_id: int, was_due: int, next_due: int | None, status: str) -> bool:
        """Record one occurrence and move the schedule on, together; False if another tick did it."""
        async with self._db.transaction() as tx:
            moved = await tx.execute(
                "UPDATE progress_summary_settings SET next_due_at = ?, enabled = ? "
                "WHERE couple_id = ? AND next_due_at = ?",
                (next_due, int(next_due is not None), couple_id, was_due),
            )
            if moved == 0:
                return False
            await tx.execute(
                "INSERT INTO progress_summaries (couple_id, due_at, status) VALUES (?, ?, ?) "
                "ON CONFLICT (couple_id, due_at) DO NOTHING",
                (couple_id, was_due, status),
            )
        return True

    async def claim_pending_summaries(self, limit: int) -> list[SummaryPost]:
        """Mark pending summaries 'posting' before posting them: a crash never posts one twice."""
        rows = await self._db.fetchall(
            "UPDATE progress_summaries SET status = 'posting', attempts = attempts + 1 WHERE id IN "
            "(SELECT id FROM progress_summaries WHERE status = 'pending' ORDER BY id LIMIT ?) "
            "RETURNING id, couple_id, due_at, attempts",
            (limit,),
        )
        return [SummaryPost(int(r[0]), int(r[1]), int(r[2]), int(r[3])) for r in rows]

    async def finish_summary(self, post_id: int, channel_id: int, message_id: int, now: int) -> None:
        await self._db.execute(
            "UPDATE progress_summaries SET status = 'posted', channel_id = ?, message_id = ?, posted_at = ? "
            "WHERE id = ?",
            (channel_id, message_id, now, post_id),
        )

    async def release_summary(self, post_id: int) -> None:
        """Discord refused the post (nothing was posted): try again on a later tick, a few times."""
        await self._db.execute(
            "UPDATE progress_summaries SET status = CASE WHEN attempts >= ? THEN 'failed' ELSE 'pending' END "
            "WHERE id = ? AND status = 'posting'",
            (MAX_SUMMARY_ATTEMPTS, post_id),
        )

    async def skip_summary(self, post_id: int) -> None:
        await self._db.execute("UPDATE progress_summaries SET status = 'missed' WHERE id = ?", (post_id,))

    async def earliest_summary_due(self) -> int | None:
        value = await self._db.fetchval(
            "SELECT min(next_due_at) FROM progress_summary_settings WHERE next_due_at IS NOT NULL"
        )
        return None if value is None else int(value)

    # -- shares ------------------------------------------------------------------------------------

    async def create_share(self, user_id: int, couple_id: int, days: int, now: int) -> Share:
        row = await self._db.fetchone(
            f"INSERT INTO progress_shares (user_id, couple_id, days, created_at) VALUES (?, ?, ?, ?) RETURNING {_SHARE}",
            (user_id, couple_id, days, now),
        )
        assert row is not None
        return _share(row)

    async def share(self, share_id: int) -> Share | None:
        row = await self._db.fetchone(f"SELECT {_SHARE} FROM progress_shares WHERE id = ?", (share_id,))
        return None if row is None else _share(row)

    async def claim_share(self, share_id: int, user_id: int) -> Share | None:
        row = await self._db.fetchone(
            "UPDATE progress_shares SET status = 'posting' WHERE id = ? AND user_id = ? AND status = 'preview' "
            f"RETURNING {_SHARE}",
            (share_id, user_id),
        )
        return None if row is None else _share(row)

    async def finish_share(self, share_id: int, message_id: int | None, now: int) -> None:
        if message_id is None:  # the post failed: the preview can be posted again
            await self._db.execute(
                "UPDATE progress_shares SET status = 'preview' WHERE id = ? AND status = 'posting'",
                (share_id,),
            )
            return
        await self._db.execute(
            "UPDATE progress_shares SET status = 'posted', message_id = ?, posted_at = ? WHERE id = ?",
            (message_id, now, share_id),
        )

    async def cancel_share(self, share_id: int, user_id: int) -> bool:
        row = await self._db.fetchone(
            "UPDATE progress_shares SET status = 'cancelled' WHERE id = ? AND user_id = ? AND status = 'preview' "
            "RETURNING id",
            (share_id, user_id),
        )
        return row is not None

    # -- checkups ----------------------------------------------------------------------------------

    async def add_checkup(self, user_id: int, answers: dict[str, list[str]], now: int) -> int:
        sealed = self._cipher.seal(json.dumps(answers, sort_keys=True), column=CHECKUP_COLUMN)
        row = await self._db.fetchone(
            "INSERT INTO progress_checkups (user_id, answers_sealed, created_at) VALUES (?, ?, ?) RETURNING id",
            (user_id, sealed, now),
        )
        assert row is not None
        return int(row[0])

    async def checkups(self, user_id: int, limit: int) -> list[CheckupRecord]:
        """The person's own check-ups, newest first, opened."""
        rows = await self._db.fetchall(
            "SELECT id, user_id, answers_sealed, created_at FROM progress_checkups WHERE user_id = ? "
            "ORDER BY created_at DESC, id DESC LIMIT ?",
            (user_id, limit),
        )
        return [
            CheckupRecord(
                id=int(r[0]),
                user_id=int(r[1]),
                created_at=int(r[3]),
                answers=json.loads(self._cipher.open(bytes(r[2]), column=CHECKUP_COLUMN)),
            )
            for r in rows
        ]

    async def claim_offer(self, user_id: int, month: str, now: int, min_gap: int) -> bool:
        """At most one checkup offer a month: True only when the last one is at least min_gap old."""
        row = await self._db.fetchone(
            "INSERT INTO progress_checkup_offers (user_id, month, offered_at) VALUES (?, ?, ?) "
            "ON CONFLICT (user_id) DO UPDATE SET month = excluded.month, offered_at = excluded.offered_at "
            "WHERE excluded.offered_at - progress_checkup_offers.offered_at >= ? RETURNING user_id",
            (user_id, month, now, min_gap),
        )
        return row is not None

    async def checkup_offer_candidates(
        self, *, paired_before: int, offered_after: int, checked_up_since: int, limit: int
    ) -> list[tuple[int, int]]:
        """(user id, guild id) of partners in active couples created at or before `paired_before`,
        whom DMs reach and who keep nudges on, with no offer after `offered_after` and no checkup
        since `checked_up_since`."""
        rows = await self._db.fetchall(
            "SELECT m.user_id, c.guild_id FROM couples c "
            "JOIN couple_members m ON m.couple_id = c.id AND m.current = 1 AND m.in_guild = 1 "
            "LEFT JOIN people p ON p.user_id = m.user_id "
            "WHERE c.status = 'active' AND c.created_at <= ? "
            "AND coalesce(p.dm_reachable, 1) = 1 AND coalesce(p.dm_nudges, 1) = 1 "
            "AND NOT EXISTS (SELECT 1 FROM progress_checkup_offers o "
            "WHERE o.user_id = m.user_id AND o.offered_at > ?) "
            "AND NOT EXISTS (SELECT 1 FROM progress_checkups k "
            "WHERE k.user_id = m.user_id AND k.created_at >= ?) "
            "ORDER BY c.id, m.user_id LIMIT ?",
            (paired_before, offered_after, checked_up_since, limit),
        )
        return [(int(r[0]), int(r[1])) for r in rows]


def _settings(row: Row) -> SummarySettings:
    return SummarySettings(
        couple_id=int(row[0]),
        weekday=int(row[1]),
        local_time=str(row[2]),
        timezone=str(row[3]),
        enabled=bool(row[4]),
        next_due_at=None if row[5] is None else int(row[5]),
    )


def _share(row: Row) -> Share:
    return Share(int(row[0]), int(row[1]), int(row[2]), int(row[3]), str(row[4]))
