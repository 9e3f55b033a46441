"""Couple records: a server's settings, invitations, couples and their check-in schedule."""

from __future__ import annotations

from dataclasses import dataclass


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
