"""/setup for moderators and /pair for couples (membership events: cogs/couples/members.py)."""

from __future__ import annotations

import logging

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.clock import unix
from bot.cooldowns import limit
from bot.errors import UserFacingError
from bot.permissions import missing_permissions
from bot.records.couples import Couple, Invitation
from bot.services.couples import Candidate
from bot.timeparse import describe_days, zone_choices
from bot.tree import GIVE_BACK
from cogs.couples.views import invitation_view, leave_view, refresh_invitation_messages

log = logging.getLogger(__name__)

DM_CLOSED = 50007


def _one_mention(user_id: int) -> discord.AllowedMentions:
    return discord.AllowedMentions(
        users=[discord.Object(id=user_id)], everyone=False, roles=False, replied_user=False
    )


class SetupCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="setup",
        description="Choose where couples' private threads live (moderators)",
        # Prose typed into an option: if /setup can't save it, it comes back (bot/tree.py).
        extras={GIVE_BACK: {"resources": "Your server's support text"}},
    )
    @app_commands.describe(
        channel="The channel under which each couple's private thread is created",
        timezone="The server's default time zone, for people who haven't set their own",
        resources="Your server's own support text (local hotlines) for /resources",
    )
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    async def setup(
        self,
        interaction: discord.Interaction[AttuneBot],
        channel: discord.TextChannel,
        timezone: str | None = None,
        resources: app_commands.Range[str, 1, 1500] | None = None,
    ) -> None:
        guild = interaction.guild
        if guild is None or interaction.guild_id is None:
            raise UserFacingError("/setup works inside a server.")
        if not interaction.permissions.manage_guild:
            raise UserFacingError(
                "Only someone with the Manage Server permission can set Attune up. "
                "Ask one of your server's moderators."
            )
        missing = missing_permissions(channel.permissions_for(guild.me))
        if missing:
            lines = "\n".join(f"• **{needed.label}**: to {needed.why}" for needed in missing)
            raise UserFacingError(
                f"Attune needs a few more permissions in {channel.mention} before it can look after "
                f"couples there:\n{lines}\n\nGrant them to Attune's role (server or channel settings), "
                "then run /setup again. Nothing was saved yet."
            )
        settings = await self.bot.services.couples.configure(
            interaction.guild_id,
            channel.id,
            timezone=timezone,
            resources_text=resources,
            updated_by=interaction.user.id,
        )
        resources_line = (
            "Your server's support text is saved; /resources shows it."
            if settings.resources_text
            else "No server support text yet: to add one, run /setup again with the same channel and "
            "`resources:` (your local hotlines, say)."
        )
        await interaction.response.send_message(
            f"Attune is set up. 💛\n• Couples' private threads will live under {channel.mention}.\n"
            f"• Default time zone: **{settings.timezone}**\n• {resources_line}\n\n"
            "Members can now pair with /pair invite.",
            ephemeral=True,
        )

    @setup.autocomplete("timezone")
    async def _timezone_choices(
        self, interaction: discord.Interaction[AttuneBot], current: str
    ) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=zone, value=zone) for zone in zone_choices(current)]


class PairCog(commands.Cog):
    pair = app_commands.Group(
        name="pair", description="Pair with your partner on this server", guild_only=True
    )

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    # -- /pair invite --------------------------------------------------------------------------

    @pair.command(name="invite", description="Invite your partner to pair with you")
    @limit("pair invite")
    @app_commands.describe(partner="The person you'd like to pair with")
    async def invite(
        self, interaction: discord.Interaction[AttuneBot], partner: discord.Member | discord.User
    ) -> None:
        guild = interaction.guild
        if guild is None or interaction.guild_id is None:
            raise UserFacingError("Pairing happens inside a server. Please use this command there.")
        couples = self.bot.services.couples
        member = partner if isinstance(partner, discord.Member) else guild.get_member(partner.id)
        candidate = Candidate(user_id=partner.id, is_bot=partner.bot, in_guild=member is not None)
        created = await couples.invite(interaction.guild_id, interaction.user.id, candidate)
        invitation = created.invitation
        await interaction.response.defer(ephemeral=True, thinking=True)
        for old in created.replaced:
            await refresh_invitation_messages(self.bot, old)

        settings = await couples.require_setup(interaction.guild_id)
        inviter_name = getattr(interaction.user, "display_name", interaction.user.name)
        # By DM first: an invitation is between two people, and nothing of it stays in the server.
        dm, dms_closed = await self._send_by_dm(partner, invitation, inviter_name, guild.name)
        posted: discord.Message | None = None
        if dm is None:  # only then, in the setup channel, mentioning only them; deleted once closed
            posted = await self._post_in_channel(
                guild, settings.channel_id, partner, invitation, inviter_name
            )

        now_known = await couples.record_invitation_messages(
            invitation.id,
            channel_id=posted.channel.id if posted else None,
            message_id=posted.id if posted else None,
            dm_channel_id=dm.channel.id if dm else None,
            dm_message_id=dm.id if dm else None,
        )
        if now_known is not None and now_known.status != "pending":  # answered already, or withdrawn
            await refresh_invitation_messages(self.bot, now_known)
        if posted is None and dm is None:
            await couples.cancel(interaction.guild_id, interaction.user.id)
            raise UserFacingError(
                "I couldn't deliver your invitation: Attune can't reach them by DM, and the setup "
                "channel isn't reachable either. Please ask someone with Manage Server to check "
                "/setup, then try again."
            )
        if posted is None:
            sent = (
                f"Invitation sent to {partner.mention} by DM: only they can see it, and nothing about "
                "it is posted in the server."
            )
        else:
            why = "Their DMs are closed to Attune" if dms_closed else "I couldn't reach them by DM just now"
            sent = (
                f"{why}, so your invitation to {partner.mention} is posted in <#{posted.channel.id}>, "
                "mentioning only them. That post is deleted once they answer, or when the invitation "
                "is withdrawn or runs out."
            )
        replaced = " Your earlier invitation was replaced by this one." if created.replaced else ""
        await interaction.followup.send(
            f"{sent} It stays open for 7 days; /pair cancel withdraws it.{replaced}",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    async def _send_by_dm(
        self, partner: discord.Member | discord.User, invitation: Invitation, inviter_name: str, server: str
    ) -> tuple[discord.Message | None, bool]:
        """The invitation, privately. (message, DMs known closed)."""
        text = (
            f"**{inviter_name}** invited you to pair with them on Attune in **{server}**: a quiet, "
            "private space for the two of you. Only you can answer, and only you can see this. "
            f"This invitation is open until <t:{invitation.expires_at}:f>."
        )
        mark = self.bot.services.people.erasure_mark(partner.id)  # nothing kept if they erase meanwhile
        try:
            return await partner.send(text, view=invitation_view(invitation.id)), False
        except discord.Forbidden as exc:
            if exc.code == DM_CLOSED:
                self.bot.metrics.dms_refused.inc()
                now = self.bot.clock.now()
                await self.bot.services.people.record_dm_failure(partner.id, now.date(), unix(now), mark=mark)
                return None, True
            log.info("Could not DM invitation %s (%s)", invitation.id, exc.code)
        except discord.HTTPException as exc:
            log.info("Could not DM invitation %s (%s)", invitation.id, exc.code)
        return None, False

    async def _post_in_channel(
        self,
        guild: discord.Guild,
        channel_id: int,
        partner: discord.Member | discord.User,
        invitation: Invitation,
        inviter_name: str,
    ) -> discord.Message | None:
        """The fallback when DMs can't reach them: in the setup channel, pinging only them."""
        channel = guild.get_channel(channel_id)
        if not isinstance(channel, discord.TextChannel):
            return None
        text = (
            f"{partner.mention}, **{inviter_name}** would like to pair with you on Attune: a quiet, "
            "private space for the two of you to practise being there for each other.\n"
            f"Only you can answer. This invitation is open until <t:{invitation.expires_at}:f>. "
            "(It is here because Attune can't send you DMs; it goes away once it's answered.)"
        )
        try:
            return await channel.send(
                text, view=invitation_view(invitation.id), allowed_mentions=_one_mention(partner.id)
            )
        except discord.HTTPException as exc:
            log.warning("Could not post invitation %s in the setup channel (%s)", invitation.id, exc.code)
            return None

    # -- /pair cancel --------------------------------------------------------------------------

    @pair.command(name="cancel", description="Withdraw the invitation you sent")
    async def cancel(self, interaction: discord.Interaction[AttuneBot]) -> None:
        invitation = await self.bot.services.couples.cancel(interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            f"Your invitation to <@{invitation.invitee_id}> is withdrawn. You can send a new one anytime.",
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await refresh_invitation_messages(self.bot, invitation)

    # -- /pair status --------------------------------------------------------------------------

    @pair.command(name="status", description="Who you're paired with, your thread and your check-ins")
    async def status(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couples = self.bot.services.couples
        couple = await couples.require_couple(interaction.guild_id, interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)
        lines = [
            f"You're paired with <@{couple.partner_of(interaction.user.id)}>, "
            f"since <t:{couple.created_at}:D> (<t:{couple.created_at}:R>)."
        ]
        thread_id, problem = await self._thread(couple)
        if thread_id is not None:
            lines.append(f"Your private thread: <#{thread_id}>")
        elif problem is not None:
            lines.append(problem)
        if couple.status == "paused":
            lines.append(
                "Your pairing is paused because one of you isn't in this server right now. "
                "Nothing is lost; it picks up again when you're both here."
            )
        schedule = await couples.checkin_schedule(couple.id)
        if schedule is None:
            lines.append("Check-ins: none scheduled yet (`/checkin schedule` sets them up).")
        else:
            days = describe_days(schedule.weekdays)
            line = f"Check-ins: {days} at {schedule.local_time} ({schedule.timezone})"
            if schedule.paused_until == "9999-12-31":
                line += ", paused until you resume them"
            elif schedule.paused_until:
                line += f", paused until {schedule.paused_until}"
            lines.append(line + ".")
        await interaction.followup.send(
            "\n".join(lines), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    async def _thread(self, couple: Couple) -> tuple[int | None, str | None]:
        """The thread to link, or what is wrong with it: a dead thread is never linked."""
        if couple.status != "active":
            return couple.thread_id, None
        try:
            return (await self.bot.threads.ensure_thread(couple)).id, None
        except UserFacingError as problem:
            return None, problem.message
        except discord.HTTPException:
            return None, "I couldn't reach your private thread just now; please try again in a moment."

    # -- /pair leave ---------------------------------------------------------------------------

    @pair.command(name="leave", description="End your pairing (asks you to confirm first)")
    async def leave(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple = await self.bot.services.couples.require_couple(interaction.guild_id, interaction.user.id)
        partner_id = couple.partner_of(interaction.user.id)
        await interaction.response.send_message(
            f"Do you want to end your pairing with <@{partner_id}>?\n\n"
            "Your shared thread will be closed (kept, not deleted) and your partner will be told there. "
            "Your journal and private reflections stay with you, and your shared history is kept for export.",
            view=leave_view(couple.id),
            ephemeral=True,
            allowed_mentions=discord.AllowedMentions.none(),
        )

    @commands.Cog.listener()
    async def on_raw_thread_delete(self, payload: discord.RawThreadDeleteEvent) -> None:
        # Lazily handled: the record keeps the old id, and ensure_thread recreates it when needed.
        couple = await self.bot.services.couples.couple_by_thread(payload.thread_id)
        if couple is not None:
            log.info("The thread of couple %s was deleted; it is recreated when next needed", couple.id)
