"""Server setup and pairing invitations, up to the couple an accepted one makes."""

from __future__ import annotations

import sqlite3
from sqlite3 import Row

from bot.db import Database
from bot.records.couples import Couple, GuildSettings, Invitation
from bot.repositories.couple_records import couple_in


class AlreadyPaired(Exception):
    """One of the two is already in a current couple in this server (the partial unique index said so)."""


_SETTINGS = "guild_id, channel_id, timezone, resources_text, updated_by, updated_at"
_INVITATION = (
    "id, guild_id, inviter_id, invitee_id, status, channel_id, message_id, dm_channel_id, dm_message_id, "
    "created_at, expires_at, closed_at"
)


class InvitationsRepository:
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
                couple = await couple_in(tx, int(couple_id))
        except sqlite3.IntegrityError as exc:
            if "couple_members" in str(exc):
                raise AlreadyPaired() from None
            raise
        assert couple is not None
        return invitation, couple, sorted((_invitation(r) for r in closed), key=lambda i: i.id)


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
