"""Pairing buttons: DynamicItems that survive restarts and reload their invitation or couple from
the database. Only the invitee can answer an invitation; only a partner can confirm leaving."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.components import AttuneButton, persistent_items, persistent_view
from bot.errors import UserFacingError
from bot.services.couples import InvitationClosed
from cogs.couples.membership import look_up

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.couples import Invitation

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
LOOKUP_TIMEOUT = 1.5  # seconds to ask Discord whether both are in the server, within the 3 s to answer


def invitation_view(invitation_id: int) -> discord.ui.View:
    return persistent_view(
        AcceptButton(invitation_id=invitation_id), DeclineButton(invitation_id=invitation_id)
    )


def leave_view(couple_id: int) -> discord.ui.View:
    return persistent_view(LeaveConfirmButton(couple_id=couple_id), LeaveCancelButton(couple_id=couple_id))


# For an invitation closed because one of its two people paired with someone: no story to tell.
CLOSED_MEANWHILE = "This invitation is closed now."


def closed_invitation_text(invitation: Invitation) -> str:
    return {
        "accepted": "💛 This invitation was accepted.",
        "declined": "This invitation is closed.",
        "cancelled": "This invitation was withdrawn.",
        "expired": "This invitation has expired.",
        "replaced": "This invitation was replaced by a newer one.",
    }.get(invitation.status, "This invitation is closed.")


async def refresh_invitation_messages(
    bot: AttuneBot, invitation: Invitation, text: str | None = None
) -> None:
    """Once an invitation is closed, however it closed: its public copy in the setup channel (posted
    only when the invitee's DMs were closed) is deleted, so no names or outcome stay in the server,
    and the invitee's private DM copy says how it ended (or `text`), without buttons. Best effort:
    a public copy that could not be deleted yet is tried again by the invitation sweeper."""
    if invitation.status == "pending":
        return
    await remove_public_copy(bot, invitation)
    if invitation.dm_channel_id is None or invitation.dm_message_id is None:
        return
    message = bot.get_partial_messageable(invitation.dm_channel_id).get_partial_message(
        invitation.dm_message_id
    )
    try:
        await message.edit(
            content=text or closed_invitation_text(invitation),
            embed=None,
            view=None,
            allowed_mentions=NO_MENTIONS,
        )
    except discord.HTTPException as exc:
        log.info("Could not update invitation %s's DM (%s)", invitation.id, exc.code)


async def remove_public_copy(bot: AttuneBot, invitation: Invitation) -> None:
    """Delete the invitation's message in the setup channel, if it has one. Gone already, or out of
    Attune's reach for good (no access to the channel any more): forgotten. Anything else (Discord
    failing for a moment): kept on record, so the sweeper tries again."""
    if invitation.channel_id is None or invitation.message_id is None:
        return
    message = bot.get_partial_messageable(invitation.channel_id).get_partial_message(invitation.message_id)
    try:
        await message.delete()
    except (discord.NotFound, discord.Forbidden) as exc:
        log.info(
            "Invitation %s's public message could not be deleted (%s); forgetting it", invitation.id, exc.code
        )
    except discord.HTTPException as exc:
        log.info("Could not delete invitation %s's public message yet (%s)", invitation.id, exc.code)
        return
    await bot.services.couples.forget_public_copy(invitation)


class _InvitationButton(AttuneButton):
    """Accept and Decline: only the person invited may press them (anyone else gets the service's
    NotFound, exactly like an invitation that does not exist)."""

    invitation_id: int

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        await interaction.client.services.couples.invitation_for_invitee(
            self.invitation_id, interaction.user.id
        )
        return True


class AcceptButton(_InvitationButton, route="pair:accept:{invitation_id}"):
    label = "Accept"
    style = discord.ButtonStyle.success

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        couples = bot.services.couples
        invitation = await couples.invitation_for_invitee(self.invitation_id, interaction.user.id)
        guild = bot.get_guild(invitation.guild_id)
        if guild is None:
            raise UserFacingError(
                "Attune can't reach the server of this invitation right now, so it can't be "
                "accepted yet. Nothing was changed; please try again in a little while."
            )
        # The member cache holds only who Discord has mentioned since start: ask for the rest,
        # briefly (the answer is due within 3 seconds). Unanswered counts as "still there".
        people = (invitation.inviter_id, invitation.invitee_id)
        presence = await look_up(guild, people, trust_cache=True, per_request=LOOKUP_TIMEOUT)
        gone = presence.checked - presence.present
        if invitation.inviter_id in gone:
            raise UserFacingError(
                "The person who invited you isn't in that server any more, so this invitation "
                "can't be accepted. Nothing was changed."
            )
        if invitation.invitee_id in gone:
            raise UserFacingError("You'd need to be a member of that server to accept this invitation.")
        try:
            accepted = await couples.accept(self.invitation_id, interaction.user.id)
        except InvitationClosed as closed:
            await refresh_invitation_messages(bot, closed.invitation)
            raise
        invitation, couple = accepted.invitation, accepted.couple
        await interaction.response.send_message(
            f"You're now paired with <@{invitation.inviter_id}>. 💛 I'm opening your private thread…",
            ephemeral=True,
            allowed_mentions=NO_MENTIONS,
        )
        await refresh_invitation_messages(bot, invitation)
        # Their other invitations (sent or received) closed with this one: no live Accept left.
        for other in accepted.closed:
            await refresh_invitation_messages(bot, other, CLOSED_MEANWHILE)
        try:
            thread = await bot.threads.ensure_thread(couple)
        except UserFacingError as problem:
            await interaction.followup.send(problem.message, ephemeral=True)
            return
        await interaction.followup.send(
            f"Your private thread is ready: {thread.mention}. Only the two of you (and Attune) can see it.",
            ephemeral=True,
        )


class DeclineButton(_InvitationButton, route="pair:decline:{invitation_id}"):
    label = "Decline"

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        try:
            invitation = await bot.services.couples.decline(self.invitation_id, interaction.user.id)
        except InvitationClosed as closed:
            await refresh_invitation_messages(bot, closed.invitation)
            raise
        await interaction.response.send_message(
            "Okay, you declined the invitation. That's completely fine; nothing else changes.",
            ephemeral=True,
        )
        await refresh_invitation_messages(bot, invitation)


class _LeaveButton(AttuneButton):
    """The confirmation of /pair leave: only a partner of the couple may press it."""

    couple_id: int

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        await interaction.client.services.couples.check_can_leave(self.couple_id, interaction.user.id)
        return True


class LeaveConfirmButton(_LeaveButton, route="pair:leave:{couple_id}"):
    label = "Yes, end our pairing"
    style = discord.ButtonStyle.danger

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        couple = await bot.services.couples.leave(self.couple_id, interaction.user.id)
        await interaction.response.edit_message(
            content=(
                "Your pairing has ended. Your journal and everything you wrote stay with you, and "
                "your shared history is kept for export. Take good care of yourself. 💛"
            ),
            view=None,
        )
        partner_id = couple.partner_of(interaction.user.id)
        name = getattr(interaction.user, "display_name", None) or interaction.user.name
        await bot.threads.close(
            couple,
            (
                f"<@{partner_id}>, {name} has ended your pairing on Attune. This thread is now "
                "closed and kept as it was; nothing either of you wrote has been deleted, and your "
                "journals stay with each of you. Go gently. If you'd like support, /resources "
                "lists places to turn to."
            ),
            notify_user_id=partner_id,
        )


class LeaveCancelButton(_LeaveButton, route="pair:stay:{couple_id}"):
    label = "Cancel"

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.edit_message(content="Okay, nothing changed. 💛", view=None)


DYNAMIC_ITEMS = persistent_items(AcceptButton, DeclineButton, LeaveConfirmButton, LeaveCancelButton)
