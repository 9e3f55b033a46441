"""Server setup, pairing invitations, couples and their members: every query the couples feature runs."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import dataclass
from sqlite3 import Row

from bot.db import Database
from bot.db.database import Transaction


@dataclass(frozen=True)
class GuildSettings:
    guild_id: int
    channel_id: int
    timezone: str
    resources_text: str | None
    updated_by: int
    updated_at: int


@dataclass(frozen=True)
class Invitation:
    id: int
    guild_id: int
    inviter_id: int
    invitee_id: int
    status: str  # 'pending' | 'accepted' | 'declined' | 'cancelled' | 'expired' | 'replaced'
    channel_id: int | None
    message_id: int | None
    dm_channel_id: int | None
    dm_message_id: int | None
    created_at: int
    expires_at: int
    closed_at: int | None


@dataclass(frozen=True)
class Couple:
    id: int
    guild_id: int
    status: str  # 'active' | 'paused' | 'ended'
    thread_id: int | None
    partner_ids: tuple[int, int]
    created_at: int
    ended_at: int | None = None
    thread_problem: str | None = None  # 'forbidden' or 'missing' while Attune can't post there

    def partner_of(self, user_id: int) -> int:
        first, second = self.partner_ids
        if user_id == first:
            return second
        if user_id == second:
            return first
        raise ValueError("that person is not part of this couple")

    def includes(self, user_id: int) -> bool:
        return user_id in self.partner_ids


@dataclass(frozen=True)
class CheckinScheduleInfo:
    """The couple's check-in schedule as /pair status shows it (table owned by the check-ins feature)."""

    local_time: str
    weekdays: int
    timezone: str
    paused_until: str | None


class AlreadyPaired(Exception):
    """One of the two is already in a current couple in this server (the partial unique index said so)."""


_SETTINGS = "guild_id, channel_id, timezone, resources_text, updated_by, updated_at"
_INVITATION = (
    "id, guild_id, inviter_id, invitee_id, status, channel_id, message_id, dm_channel_id, dm_message_id, "
    "created_at, expires_at, closed_at"
)
# One row per couple with its two members in join order (user ids ascending within the couple).
_COUPLE = (
    "c.id, c.guild_id, c.status, c.thread_id, c.created_at, c.ended_at, c.thread_problem, "
    "(SELECT min(user_id) FROM couple_members m WHERE m.couple_id = c.id) AS first_id, "
    "(SELECT max(user_id) FROM couple_members m WHERE m.couple_id = c.id) AS second_id"
)


class CouplesRepository:
    def __init__(self, db: Database) -> None:
        self._db = db

    # -- guild settings ------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings | None:
        row = await self._db.fetchone(
            f"SELECT {_SETTINGS} FROM guild_settings WHERE guild_id = ?", (guild_id,)
        )
        return None if row is None else _settings(row)

    async def save_guild_settings(
        self,
        guild_id: int,
        channel_id: int,
        timezone: str | None,
        resources_text: str | None,
        updated_by: int,
        now: int,
    ) -> GuildSettings:
        """Insert or update; a None timezone or resources text keeps what was stored before."""
        row = await self._db.fetchone(
            "INSERT INTO guild_settings (guild_id, channel_id, timezone, resources_text, updated_by, "
            "updated_at) VALUES (?, ?, coalesce(?, 'UTC'), ?, ?, ?) "
            "ON CONFLICT (guild_id) DO UPDATE SET channel_id = excluded.channel_id, "
            "timezone = coalesce(?, guild_settings.timezone), "
            "resources_text = coalesce(?, guild_settings.resources_text), "
            "updated_by = excluded.updated_by, updated_at = excluded.updated_at "
            f"RETURNING {_SETTINGS}",
            (guild_id, channel_id, timezone, resources_text, updated_by, now, timezone, resources_text),
        )
        assert row is not None
        return _settings(row)

    # -- invitations ---------------------------------------------------------------------------

    async def create_invitation(
        self, guild_id: int, inviter_id: int, invitee_id: int, now: int, expires_at: int
    ) -> tuple[Invitation, list[Invitation]]:
        """A new pending invitation; the inviter's earlier pending one (if any) becomes 'replaced'."""
        async with self._db.transaction() as tx:
            replaced = await tx.fetchall(
                "UPDATE invitations SET status = 'replaced', closed_at = ? "
                "WHERE guild_id = ? AND inviter_id = ? AND status = 'pending' "
                f"RETURNING {_INVITATION}",
                (now, guild_id, inviter_id),
            )
            row = await tx.fetchone(
                "INSERT INTO invitations (guild_id, inviter_id, invitee_id, created_at, expires_at) "
                f"VALUES (?, ?, ?, ?, ?) RETURNING {_INVITATION}",
                (guild_id, inviter_id, invitee_id, now, expires_at),
            )
        assert row is not None
        return _invitation(row), [_invitation(r) for r in replaced]

    async def invitation(self, invitation_id: int) -> Invitation | None:
        row = await self._db.fetchone(f"SELECT {_INVITATION} FROM invitations WHERE id = ?", (invitation_id,))
        return None if row is None else _invitation(row)

    async def pending_invitation_from(self, guild_id: int, inviter_id: int) -> Invitation | None:
        row = await self._db.fetchone(
            f"SELECT {_INVITATION} FROM invitations "
            "WHERE guild_id = ? AND inviter_id = ? AND status = 'pending'",
            (guild_id, inviter_id),
        )
        return None if row is None else _invitation(row)

    async def set_invitation_messages(
        self,
        invitation_id: int,
        *,
        channel_id: int | None,
        message_id: int | None,
        dm_channel_id: int | None,
        dm_message_id: int | None,
    ) -> Invitation | None:
        """Record where the invitation was delivered; returns it as it is now (it may have been
        answered meanwhile, so its copies need closing at once)."""
        row = await self._db.fetchone(
            "UPDATE invitations SET channel_id = coalesce(?, channel_id), "
            "message_id = coalesce(?, message_id), dm_channel_id = coalesce(?, dm_channel_id), "
            f"dm_message_id = coalesce(?, dm_message_id) WHERE id = ? RETURNING {_INVITATION}",
            (channel_id, message_id, dm_channel_id, dm_message_id, invitation_id),
        )
        return None if row is None else _invitation(row)

    async def expire_due(self, now: int, limit: int) -> list[Invitation]:
        """Pending invitations whose time is up become 'expired' (each once: the next call finds
        only newer ones)."""
        rows = await self._db.fetchall(
            "UPDATE invitations SET status = 'expired', closed_at = ? WHERE id IN "
            "(SELECT id FROM invitations WHERE status = 'pending' AND expires_at <= ? "
            f"ORDER BY expires_at LIMIT ?) RETURNING {_INVITATION}",
            (now, now, limit),
        )
        return sorted((_invitation(r) for r in rows), key=lambda i: i.id)

    async def closed_with_public_copy(self, limit: int) -> list[Invitation]:
        """Closed invitations whose copy in the setup channel is still recorded as up."""
        rows = await self._db.fetchall(
            f"SELECT {_INVITATION} FROM invitations WHERE status != 'pending' AND message_id IS NOT NULL "
            "ORDER BY id LIMIT ?",
            (limit,),
        )
        return [_invitation(r) for r in rows]

    async def forget_public_copy(self, invitation_id: int, message_id: int) -> None:
        """The public copy is gone (deleted, or out of reach for good): nothing left to take down."""
        await self._db.execute(
            "UPDATE invitations SET channel_id = NULL, message_id = NULL WHERE id = ? AND message_id = ?",
            (invitation_id, message_id),
        )

    async def close_invitation(self, invitation_id: int, status: str, now: int) -> Invitation | None:
        """Move a pending invitation to `status`; None when it was no longer pending."""
        row = await self._db.fetchone(
            "UPDATE invitations SET status = ?, closed_at = ? WHERE id = ? AND status = 'pending' "
            f"RETURNING {_INVITATION}",
            (status, now, invitation_id),
        )
        return None if row is None else _invitation(row)

    async def accept_invitation(
        self, invitation_id: int, now: int
    ) -> tuple[Invitation, Couple, list[Invitation]] | None:
        """In one transaction: mark the invitation accepted, record the couple and both members.

        None when the invitation was no longer pending or had expired. Raises AlreadyPaired when
        either person is already in a current couple in the server (nothing is changed then).
        Other pending invitations from or to either partner in this server are cancelled, and
        returned (third), so their messages can be closed too.
        """
        try:
            async with self._db.transaction() as tx:
                row = await tx.fetchone(
                    "UPDATE invitations SET status = 'accepted', closed_at = ? "
                    "WHERE id = ? AND status = 'pending' AND expires_at > ? "
                    f"RETURNING {_INVITATION}",
                    (now, invitation_id, now),
                )
                if row is None:
                    return None
                invitation = _invitation(row)
                couple_id = await tx.fetchval(
                    "INSERT INTO couples (guild_id, status, created_at) VALUES (?, 'active', ?) RETURNING id",
                    (invitation.guild_id, now),
                )
                await tx.executemany(
                    "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (?, ?, ?)",
                    [
                        (couple_id, invitation.inviter_id, invitation.guild_id),
                        (couple_id, invitation.invitee_id, invitation.guild_id),
                    ],
                )
                closed = await tx.fetchall(
                    "UPDATE invitations SET status = 'cancelled', closed_at = ? "
                    "WHERE guild_id = ? AND status = 'pending' AND id != ? "
                    "AND (inviter_id IN (?, ?) OR invitee_id IN (?, ?)) "
                    f"RETURNING {_INVITATION}",
                    (
                        now,
                        invitation.guild_id,
                        invitation.id,
                        invitation.inviter_id,
                        invitation.invitee_id,
                        invitation.inviter_id,
                        invitation.invitee_id,
                    ),
                )
                couple = await _couple_in(tx, int(couple_id))
        except sqlite3.IntegrityError as exc:
            if "couple_members" in str(exc):
                raise AlreadyPaired() from None
            raise
        assert couple is not None
        return invitation, couple, sorted((_invitation(r) for r in closed), key=lambda i: i.id)

    # -- couples -------------------------------------------------------------------------------

    async def couple_by_id(self, couple_id: int) -> Couple | None:
        row = await self._db.fetchone(f"SELECT {_COUPLE} FROM couples c WHERE c.id = ?", (couple_id,))
        return None if row is None else _couple(row)

    async def couple_by_thread(self, thread_id: int) -> Couple | None:
        row = await self._db.fetchone(
            f"SELECT {_COUPLE} FROM couples c WHERE c.thread_id = ? ORDER BY c.id DESC LIMIT 1", (thread_id,)
        )
        return None if row is None else _couple(row)

    async def current_couple_for(self, guild_id: int, user_id: int) -> Couple | None:
        """The couple this person currently belongs to in the server (active or paused)."""
        row = await self._db.fetchone(
            f"SELECT {_COUPLE} FROM couple_members cm JOIN couples c ON c.id = cm.couple_id "
            "WHERE cm.guild_id = ? AND cm.user_id = ? AND cm.current = 1",
            (guild_id, user_id),
        )
        return None if row is None else _couple(row)

    async def current_couples_of(self, user_id: int) -> list[Couple]:
        rows = await self._db.fetchall(
            f"SELECT {_COUPLE} FROM couple_members cm JOIN couples c ON c.id = cm.couple_id "
            "WHERE cm.user_id = ? AND cm.current = 1 ORDER BY c.id",
            (user_id,),
        )
        return [_couple(r) for r in rows]

    async def replace_thread(self, couple_id: int, old_thread_id: int | None, new_thread_id: int) -> bool:
        """Point the couple at a new thread, only if it still points at `old_thread_id`."""
        row = await self._db.fetchone(
            "UPDATE couples SET thread_id = ? WHERE id = ? AND thread_id IS ? RETURNING id",
            (new_thread_id, couple_id, old_thread_id),
        )
        return row is not None

    async def end_couple(self, couple_id: int, now: int) -> Couple | None:
        """End a couple that has not ended yet; members stop being current. None if already ended."""
        async with self._db.transaction() as tx:
            ended = await tx.fetchval(
                "UPDATE couples SET status = 'ended', ended_at = ? "
                "WHERE id = ? AND status != 'ended' RETURNING id",
                (now, couple_id),
            )
            if ended is None:
                return None
            await tx.execute("UPDATE couple_members SET current = 0 WHERE couple_id = ?", (couple_id,))
            # Nothing of an ended couple is posted or answered any more: open rounds close, rounds
            # not posted yet are missed, reveals not posted yet are dropped (both answers stay in
            # each partner's export), and the schedule falls silent.
            await tx.execute(
                "UPDATE checkin_rounds SET status = CASE status WHEN 'pending' THEN 'missed' ELSE 'closed' END, "
                "missed_reason = CASE status WHEN 'pending' THEN 'ended' ELSE missed_reason END, claimed_by = NULL "
                "WHERE couple_id = ? AND status IN ('pending', 'open')",
                (couple_id,),
            )
            await tx.execute(
                "UPDATE checkin_rounds SET reveal_dropped = 1, claimed_by = NULL WHERE couple_id = ? "
                "AND status = 'revealed' AND reveal_message_id IS NULL",
                (couple_id,),
            )
            await tx.execute(
                "UPDATE checkin_schedules SET next_due_at = NULL WHERE couple_id = ?", (couple_id,)
            )
            return await _couple_in(tx, couple_id)

    async def member_left(self, guild_id: int, user_id: int) -> list[Couple]:
        """Mark the person out of the server; their current couple there is paused. Returns it."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE couple_members SET in_guild = 0 "
                "WHERE guild_id = ? AND user_id = ? AND current = 1 RETURNING couple_id",
                (guild_id, user_id),
            )
            paused: list[Couple] = []
            for row in rows:
                await tx.execute(
                    "UPDATE couples SET status = 'paused' WHERE id = ? AND status = 'active'", (row[0],)
                )
                couple = await _couple_in(tx, int(row[0]))
                if couple is not None:
                    paused.append(couple)
            return paused

    async def member_joined(self, guild_id: int, user_id: int) -> list[Couple]:
        """Mark the person back in the server; a paused couple whose partners are both here resumes."""
        async with self._db.transaction() as tx:
            rows = await tx.fetchall(
                "UPDATE couple_members SET in_guild = 1 "
                "WHERE guild_id = ? AND user_id = ? AND current = 1 RETURNING couple_id",
                (guild_id, user_id),
            )
            resumed: list[Couple] = []
            for row in rows:
                changed = await tx.fetchval(
                    "UPDATE couples SET status = 'active' WHERE id = ? AND status = 'paused' "
                    "AND NOT EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id "
                    "AND m.in_guild = 0) RETURNING id",
                    (row[0],),
                )
                if changed is not None:
                    couple = await _couple_in(tx, int(row[0]))
                    if couple is not None:
                        resumed.append(couple)
            return resumed

    async def current_member_ids(self, guild_id: int) -> list[int]:
        """Everyone in an active or paused couple in the server (members of ended couples are not current)."""
        rows = await self._db.fetchall(
            "SELECT user_id FROM couple_members WHERE guild_id = ? AND current = 1 ORDER BY user_id",
            (guild_id,),
        )
        return [int(row[0]) for row in rows]

    async def reconcile_members(
        self, guild_id: int, away: Collection[int], here: Collection[int]
    ) -> tuple[list[Couple], list[Couple]]:
        """In one transaction, for the whole server: mark `away` out of it and `here` back in it,
        pause every active couple with a partner out, resume every paused couple whose partners
        are all in. Returns (paused, resumed): only the couples whose status changed just now.

        The id lists go in as one JSON array each (json_each), so a server with many couples is
        a handful of statements, whatever its size, and never hits SQLite's variable limit.
        """
        async with self._db.transaction() as tx:
            await tx.execute(
                "UPDATE couple_members SET in_guild = 0 WHERE guild_id = ? AND current = 1 AND in_guild = 1 "
                "AND user_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(sorted(away))),
            )
            await tx.execute(
                "UPDATE couple_members SET in_guild = 1 WHERE guild_id = ? AND current = 1 AND in_guild = 0 "
                "AND user_id IN (SELECT value FROM json_each(?))",
                (guild_id, json.dumps(sorted(here))),
            )
            paused = await tx.fetchall(
                "UPDATE couples SET status = 'paused' WHERE guild_id = ? AND status = 'active' "
                "AND EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id AND m.in_guild = 0) "
                "RETURNING id",
                (guild_id,),
            )
            resumed = await tx.fetchall(
                "UPDATE couples SET status = 'active' WHERE guild_id = ? AND status = 'paused' "
                "AND NOT EXISTS (SELECT 1 FROM couple_members m WHERE m.couple_id = couples.id AND m.in_guild = 0) "
                "RETURNING id",
                (guild_id,),
            )
            changed = [int(r[0]) for r in paused] + [int(r[0]) for r in resumed]
            if not changed:
                return [], []
            rows = await tx.fetchall(
                f"SELECT {_COUPLE} FROM couples c WHERE c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id",
                (json.dumps(changed),),
            )
        couples = [_couple(r) for r in rows]
        paused_ids = {int(r[0]) for r in paused}
        return [c for c in couples if c.id in paused_ids], [c for c in couples if c.id not in paused_ids]

    async def checkin_schedule(self, couple_id: int) -> CheckinScheduleInfo | None:
        try:
            row = await self._db.fetchone(
                "SELECT local_time, weekdays, timezone, paused_until FROM checkin_schedules "
                "WHERE couple_id = ?",
                (couple_id,),
            )
        except sqlite3.OperationalError:  # the check-ins feature's table is not there (yet)
            return None
        if row is None:
            return None
        return CheckinScheduleInfo(
            local_time=str(row["local_time"]),
            weekdays=int(row["weekdays"]),
            timezone=str(row["timezone"]),
            paused_until=row["paused_until"],
        )


async def _couple_in(tx: Transaction, couple_id: int) -> Couple | None:
    row = await tx.fetchone(f"SELECT {_COUPLE} FROM couples c WHERE c.id = ?", (couple_id,))
    return None if row is None else _couple(row)


def _settings(row: Row) -> GuildSettings:
    return GuildSettings(
        guild_id=row["guild_id"],
        channel_id=row["channel_id"],
        timezone=row["timezone"],
        resources_text=row["resources_text"],
        updated_by=row["updated_by"],
        updated_at=row["updated_at"],
    )


def _invitation(row: Row) -> Invitation:
    return Invitation(
        id=row["id"],
        guild_id=row["guild_id"],
        inviter_id=row["inviter_id"],
        invitee_id=row["invitee_id"],
        status=row["status"],
        channel_id=row["channel_id"],
        message_id=row["message_id"],
        dm_channel_id=row["dm_channel_id"],
        dm_message_id=row["dm_message_id"],
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        closed_at=row["closed_at"],
    )


def _couple(row: Row) -> Couple:
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
