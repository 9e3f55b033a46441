"""/bid note, /bid week and /bid share: the person's own notes of bids for connection."""

from __future__ import annotations

import zoneinfo

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.clock import from_unix
from bot.cooldowns import limit
from bot.records.bids import Bid
from bot.services.bids import BID_LINE_MAX, KIND_LABELS
from bot.sharing import PREVIEW_TEXT
from bot.tree import GIVE_BACK
from cogs.bids.views import EXERCISE_ID, noted_reply, share_view, shared_bid_embed, week_section
from cogs.exercises.share import require_active_couple
from cogs.journal.sharing import zone_for
from cogs.resources.render import pack_messages, section_embeds, truncate

Interaction = discord.Interaction[AttuneBot]

KIND_CHOICES = [app_commands.Choice(name=label, value=kind.value) for kind, label in KIND_LABELS.items()]


class BidsCog(commands.Cog):
    bid = app_commands.Group(name="bid", description="Notice small reaches for connection, privately")

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @bid.command(
        name="note",
        description="Note a bid for connection you noticed, made, missed or turned toward (private)",
        # The line is prose: if it can't be saved or is refused, it comes back (bot/tree.py).
        extras={GIVE_BACK: {"line": "Your line"}},
    )
    @limit("bid note")
    @app_commands.describe(
        kind="What happened with the bid", line="One line about it, if you like (only you see it)"
    )
    @app_commands.choices(kind=KIND_CHOICES)
    async def note(
        self,
        interaction: Interaction,
        kind: str,
        line: app_commands.Range[str, 1, BID_LINE_MAX] | None = None,
    ) -> None:
        saved = await self.bot.services.bids.note(interaction.user.id, kind, line)
        await interaction.response.send_message(
            noted_reply(saved), ephemeral=True, allowed_mentions=discord.AllowedMentions.none()
        )

    @bid.command(name="week", description="Your own bids of the last 7 days, and what you noticed (private)")
    async def week(self, interaction: Interaction) -> None:
        found = await self.bot.services.bids.week(interaction.user.id)
        section = week_section(found, self.bot.content.exercise(EXERCISE_ID))
        for embeds in pack_messages(section_embeds(section)):
            if interaction.response.is_done():
                await interaction.followup.send(embeds=embeds, ephemeral=True)
            else:
                await interaction.response.send_message(embeds=embeds, ephemeral=True)

    @bid.command(name="share", description="Share one of your bid notes in your thread, after a preview")
    @app_commands.describe(note="Start typing to find one of your notes")
    async def share(self, interaction: Interaction, note: str) -> None:
        service = self.bot.services.bids
        found = await service.get_by_text(note, interaction.user.id)
        await require_active_couple(self.bot, interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            PREVIEW_TEXT,
            embed=shared_bid_embed(found, interaction.user.display_name),
            view=share_view(found.id, service.now()),
            ephemeral=True,
        )

    @share.autocomplete("note")
    async def own_notes(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.bot.services.bids.search(interaction.user.id, current)
        zone = await zone_for(self.bot, interaction.user.id, interaction.guild_id)
        return [app_commands.Choice(name=_choice_name(b, zone), value=str(b.id)) for b in found]


def _choice_name(bid: Bid, zone: zoneinfo.ZoneInfo) -> str:
    """'I noticed one · Tue 3 Mar: the line', on the person's own calendar (a choice can't show a
    Discord timestamp)."""
    moment = from_unix(bid.noted_at).astimezone(zone)
    name = f"{KIND_LABELS[bid.kind]} · {moment:%a} {moment.day} {moment:%b}"
    return truncate(f"{name}: {bid.line}" if bid.line else name, 100)
