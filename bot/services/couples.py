"""Couples: each server's setup, pairing invitations, and the couples themselves.

The rules live here; Discord calls (threads, messages) live in the cog and in CoupleThreads.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, unix
from bot.errors import NotFound, UserFacingError
from bot.records.couples import CheckinScheduleInfo, Couple, GuildSettings, Invitation
from bot.repositories.couples import CouplesRepository
from bot.repositories.invitations import AlreadyPaired
from bot.repositories.people import PeopleRepository
from bot.repositories.thread_health import ThreadHealthRepository
from bot.timeparse import first_known_zone, parse_zone

INVITATION_LIFETIME = timedelta(days=7)
RESOURCES_MAX = 1500

NOT_SET_UP = (
    "Attune isn't set up on this server yet, so pairing can't start just now. "
    "Someone with the Manage Server permission can run /setup to choose the channel "
    "where couples' private threads live. Once that's done, try again."
)
NOT_FOR_YOU = "This invitation isn't for you, so nothing happened."
PAUSED_WHILE_AWAY = (
    "Your pairing is paused for now, because your partner isn't in this server at the moment. "
    "Nothing is lost: everything picks up again as soon as they're back."
)
NOT_YOUR_COUPLE = "This button isn't for you, so nothing happened."

CLOSED_REASONS = {
    "accepted": "This invitation was already accepted.",
    "declined": "This invitation was declined.",
    "cancelled": "This invitation was withdrawn, so it can't be answered any more.",
    "expired": "This invitation has expired. Invitations stay open for 7 days; ask for a new one anytime.",
    "replaced": "A newer invitation replaced this one, so it can't be answered any more.",
}


class InvitationClosed(UserFacingError):
    """The invitation can no longer be answered; `invitation` says why (its status)."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__(CLOSED_REASONS.get(invitation.status, "This invitation is no longer open."))
        self.invitation = invitation


class CouplePaused(UserFacingError):
    """The person's couple is paused: a partner is not in the server right now."""

    def __init__(self, couple: Couple) -> None:
        super().__init__(PAUSED_WHILE_AWAY)
        self.couple = couple


@dataclass(frozen=True)
class Accepted:
    invitation: Invitation
    couple: Couple
    closed: list[Invitation]  # the partners' other pending invitations, cancelled by this one


@dataclass(frozen=True)
class MembershipChanges:
    paused: list[Couple]  # a partner is no longer in the server
    resumed: list[Couple]  # both partners are in the server again


@dataclass(frozen=True)
class NewInvitation:
    invitation: Invitation
    replaced: list[Invitation]


@dataclass(frozen=True)
class Candidate:
    """Who someone wants to invite, as Discord described them."""

    user_id: int
    is_bot: bool
    in_guild: bool


class CouplesService:
    def __init__(
        self,
        repository: CouplesRepository,
        people: PeopleRepository,
        clock: Clock,
        thread_health: ThreadHealthRepository,
    ) -> None:
        self._repo = repository
        self._people = people
        self._clock = clock
        self._health = thread_health

    def _now(self) -> int:
        return unix(self._clock.now())

    # -- server setup --------------------------------------------------------------------------

    async def guild_settings(self, guild_id: int) -> GuildSettings | None:
        return await self._repo.guild_settings(guild_id)

    async def require_setup(self, guild_id: int | None) -> GuildSettings:
        if guild_id is None:
            raise UserFacingError("Pairing happens inside a server. Please use this command there.")
        settings = await self._repo.guild_settings(guild_id)
        if settings is None:
            raise UserFacingError(NOT_SET_UP)
        return settings

    async def configure(
        self,
        guild_id: int,
        channel_id: int,
        *,
        timezone: str | None,
        resources_text: str | None,
        updated_by: int,
    ) -> GuildSettings:
        zone = parse_zone(timezone).key if timezone else None
        text = resources_text.strip() if resources_text else None
        if text is not None and len(text) > RESOURCES_MAX:
            raise UserFacingError(
                f"The resources text is a little long: please keep it under {RESOURCES_MAX} characters."
            )
        saved = await self._repo.save_guild_settings(
            guild_id, channel_id, zone, text or None, updated_by, self._now()
        )
        # A new channel: couples whose thread was gone with the old one can have it made again.
        await self._health.clear_missing_in_guild(guild_id)
        return saved

    async def timezone_for(self, user_id: int, guild_id: int | None) -> zoneinfo.ZoneInfo:
        """The person's own timezone, else their server's, else UTC."""
        person = await self._people.get(user_id)
        names = [person.timezone if person else None]
        if guild_id is not None:
            settings = await self._repo.guild_settings(guild_id)
            names.append(settings.timezone if settings else None)
        return first_known_zone(names)

    # -- couples -------------------------------------------------------------------------------

    async def active_couple_for(self, guild_id: int, user_id: int) -> Couple | None:
        """The person's couple in this server when it is active (not paused, not ended)."""
        couple = await self._repo.current_couple_for(guild_id, user_id)
        return couple if couple is not None and couple.status == "active" else None

    async def current_couple_for(self, guild_id: int, user_id: int) -> Couple | None:
        """The person's couple in this server, active or paused (paused while a partner is away)."""
        return await self._repo.current_couple_for(guild_id, user_id)

    async def require_active_couple(self, guild_id: int, user_id: int, *, not_paired: str) -> Couple:
        """The person's active couple. Not paired: UserFacingError(`not_paired`); paired but paused
        because a partner is away from the server: CouplePaused, which says so (not "not paired")."""
        couple = await self._repo.current_couple_for(guild_id, user_id)
        if couple is None:
            raise UserFacingError(not_paired)
        if couple.status == "paused":
            raise CouplePaused(couple)
        return couple

    async def couple_by_id(self, couple_id: int) -> Couple | None:
        return await self._repo.couple_by_id(couple_id)

    async def couple_by_thread(self, thread_id: int) -> Couple | None:
        return await self._repo.couple_by_thread(thread_id)

    async def require_couple(self, guild_id: int | None, user_id: int) -> Couple:
        if guild_id is None:
            raise UserFacingError("Couples live inside a server. Please use this command there.")
        await self.require_setup(guild_id)
        couple = await self._repo.current_couple_for(guild_id, user_id)
        if couple is None:
            raise NotFound(
                "You're not paired with anyone on this server yet. "
                "When you're ready, /pair invite asks your partner to join you."
            )
        return couple

    async def replace_thread(self, couple_id: int, old_thread_id: int | None, new_thread_id: int) -> bool:
        """Record a couple's new thread, only if the record still names `old_thread_id` (atomic)."""
        return await self._repo.replace_thread(couple_id, old_thread_id, new_thread_id)

    # -- whether the couple's thread can be posted in -------------------------------------------

    async def thread_unreachable(self, couple_id: int, problem: str) -> bool:
        """Note that the couple's thread can't be posted in; True the first time in an outage."""
        return await self._health.note_problem(couple_id, problem, self._now())

    async def claim_thread_notice(self, couple_id: int) -> bool:
        """True once per outage, for whoever then tells the couple what is wrong."""
        return await self._health.claim_notice(couple_id)

    async def thread_reachable(self, couple_id: int) -> bool:
        """A post went through; True when this ended an outage."""
        return await self._health.clear(couple_id)

    async def rejoined_partners(self, guild_id: int, joined: Mapping[int, int]) -> list[tuple[Couple, int]]:
        """Partners of active couples whose server join time differs from the one last seen (they
        left and came back while Attune was away), with their couple; all join times recorded."""
        back = await self._health.note_join_times(guild_id, joined)
        found: list[tuple[Couple, int]] = []
        for couple_id, user_id in back:
            couple = await self._repo.couple_by_id(couple_id)
            if couple is not None:
                found.append((couple, user_id))
        return found

    async def checkin_schedule(self, couple_id: int) -> CheckinScheduleInfo | None:
        return await self._repo.checkin_schedule(couple_id)

    # -- invitations ---------------------------------------------------------------------------

    async def invite(self, guild_id: int, inviter_id: int, candidate: Candidate) -> NewInvitation:
        await self.require_setup(guild_id)
        if candidate.is_bot:
            raise UserFacingError("Bots can't be partners on Attune. Please invite the person you're with.")
        if candidate.user_id == inviter_id:
            raise UserFacingError(
                "You can't pair with yourself here. For time with your own thoughts, try /journal."
            )
        if not candidate.in_guild:
            raise UserFacingError(
                "That person isn't a member of this server, so I can't invite them. "
                "Once they've joined, try again."
            )
        if await self._repo.current_couple_for(guild_id, inviter_id) is not None:
            raise UserFacingError(
                "You're already paired on this server. To pair with someone else, /pair leave first."
            )
        if await self._repo.current_couple_for(guild_id, candidate.user_id) is not None:
            raise UserFacingError(
                "That person is already paired with someone on this server, so I can't send an invitation."
            )
        now = self._now()
        expires_at = now + int(INVITATION_LIFETIME.total_seconds())
        invitation, replaced = await self._repo.create_invitation(
            guild_id, inviter_id, candidate.user_id, now, expires_at
        )
        return NewInvitation(invitation, replaced)

    async def record_invitation_messages(
        self,
        invitation_id: int,
        *,
        channel_id: int | None = None,
        message_id: int | None = None,
        dm_channel_id: int | None = None,
        dm_message_id: int | None = None,
    ) -> Invitation | None:
        """Where the invitation went; returns it as it is now (answered meanwhile, perhaps)."""
        return await self._repo.set_invitation_messages(
            invitation_id,
            channel_id=channel_id,
            message_id=message_id,
            dm_channel_id=dm_channel_id,
            dm_message_id=dm_message_id,
        )

    async def expire_due(self, limit: int = 100) -> list[Invitation]:
        """Expire the pending invitations whose 7 days are up, when they are up (not only when
        someone presses a button); each is returned once, so its messages are closed once."""
        return await self._repo.expire_due(self._now(), limit)

    async def closed_with_public_copy(self, limit: int = 50) -> list[Invitation]:
        """Closed invitations whose public copy (in the setup channel) is still up: to take down."""
        return await self._repo.closed_with_public_copy(limit)

    async def forget_public_copy(self, invitation: Invitation) -> None:
        if invitation.message_id is not None:
            await self._repo.forget_public_copy(invitation.id, invitation.message_id)

    async def invitation_for_invitee(self, invitation_id: int, user_id: int) -> Invitation:
        """The invitation, if it is addressed to this person; anything else looks like it isn't there."""
        invitation = await self._repo.invitation(invitation_id)
        if invitation is None or invitation.invitee_id != user_id:
            raise NotFound(NOT_FOR_YOU)
        return invitation

    async def _open_invitation(self, invitation_id: int, user_id: int) -> Invitation:
        invitation = await self.invitation_for_invitee(invitation_id, user_id)
        if invitation.status == "pending" and invitation.expires_at <= self._now():
            expired = await self._repo.close_invitation(invitation.id, "expired", self._now())
            invitation = expired or (await self._repo.invitation(invitation.id)) or invitation
        if invitation.status != "pending":
            raise InvitationClosed(invitation)
        return invitation

    async def accept(self, invitation_id: int, user_id: int) -> Accepted:
        """Accept an invitation addressed to `user_id`: the couple and both members, in one transaction.
        Every other pending invitation from or to either partner in the server closes with it."""
        invitation = await self._open_invitation(invitation_id, user_id)
        try:
            result = await self._repo.accept_invitation(invitation.id, self._now())
        except AlreadyPaired:
            raise UserFacingError(
                "One of you is already paired on this server, so this invitation can't start a new couple. "
                "Nothing was changed."
            ) from None
        if result is None:  # answered or expired meanwhile
            latest = await self._repo.invitation(invitation.id)
            raise InvitationClosed(latest or invitation)
        accepted, couple, closed = result
        return Accepted(accepted, couple, closed)

    async def decline(self, invitation_id: int, user_id: int) -> Invitation:
        invitation = await self._open_invitation(invitation_id, user_id)
        declined = await self._repo.close_invitation(invitation.id, "declined", self._now())
        if declined is None:
            latest = await self._repo.invitation(invitation.id)
            raise InvitationClosed(latest or invitation)
        return declined

    async def expire(self, invitation_id: int) -> Invitation | None:
        """Expire a pending invitation now (used when it is answered too late)."""
        return await self._repo.close_invitation(invitation_id, "expired", self._now())

    async def cancel(self, guild_id: int | None, inviter_id: int) -> Invitation:
        if guild_id is None:
            raise UserFacingError("Invitations live inside a server. Please use this command there.")
        await self.require_setup(guild_id)
        pending = await self._repo.pending_invitation_from(guild_id, inviter_id)
        if pending is None:
            raise NotFound("You have no open invitation on this server, so there's nothing to cancel.")
        cancelled = await self._repo.close_invitation(pending.id, "cancelled", self._now())
        if cancelled is None:
            raise UserFacingError("That invitation was answered just now, so it can't be cancelled.")
        return cancelled

    # -- leaving and membership ----------------------------------------------------------------

    async def check_can_leave(self, couple_id: int, user_id: int) -> Couple:
        couple = await self._repo.couple_by_id(couple_id)
        if couple is None or not couple.includes(user_id):
            raise NotFound(NOT_YOUR_COUPLE)
        if couple.status == "ended":
            raise UserFacingError("This pairing has already ended. Nothing else to do.")
        return couple

    async def leave(self, couple_id: int, user_id: int) -> Couple:
        """End the couple. Nothing personal is deleted; shared history stays for export."""
        await self.check_can_leave(couple_id, user_id)
        ended = await self._repo.end_couple(couple_id, self._now())
        if ended is None:
            raise UserFacingError("This pairing has already ended. Nothing else to do.")
        return ended

    async def member_left(self, guild_id: int, user_id: int) -> list[Couple]:
        return await self._repo.member_left(guild_id, user_id)

    async def member_returned(self, guild_id: int, user_id: int) -> list[Couple]:
        return await self._repo.member_joined(guild_id, user_id)

    async def members_to_verify(self, guild_id: int, after: int = 0, limit: int = -1) -> list[int]:
        """Whose presence in the server matters: every partner of an active or paused couple there,
        in user id order, a page at a time (those after `after`, at most `limit`; -1: all)."""
        return await self._repo.current_member_ids(guild_id, after, limit)

    async def members_of(self, couple_ids: Collection[int]) -> dict[int, list[int]]:
        """The current partners of these couples, by server."""
        by_guild: dict[int, list[int]] = {}
        for guild_id, user_id in await self._repo.current_members_of(couple_ids):
            by_guild.setdefault(guild_id, []).append(user_id)
        return by_guild

    async def reconcile_members(
        self, guild_id: int, *, checked: Collection[int], present: Collection[int]
    ) -> MembershipChanges:
        """Bring the server's couples in line with who is really in it (after Attune was away).

        `checked`: the people whose presence was just confirmed; of them, `present` are in the server
        and the others are not. Anyone not checked keeps what was known of them. Couples with a
        partner away are paused; paused couples whose partners are all back resume. Idempotent:
        running it again with the same answer changes nothing.
        """
        here = set(present)
        asked = set(checked)
        paused, resumed = await self._repo.reconcile_members(guild_id, away=asked - here, here=asked & here)
        return MembershipChanges(paused=paused, resumed=resumed)
