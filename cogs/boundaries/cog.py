from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.cooldowns import limit
from bot.sharing import PREVIEW_TEXT
from cogs.boundaries.views import (
    CONSEQUENCE_NAME,
    BoundaryModal,
    boundary_embed,
    remove_view,
    share_view,
    shared_boundary_embed,
)
from cogs.exercises.share import require_active_couple
from cogs.resources.render import Section, pack_messages, section_embeds, truncate

Interaction = discord.Interaction[AttuneBot]


def _entry(boundary: str, consequence: str) -> str:
    """Both parts in one field (1,024 characters): each keeps a fair share of the room."""
    label = f"\n**{CONSEQUENCE_NAME}:** "
    room = 1024 - len(label)
    first = truncate(boundary, room - min(len(consequence.strip()), room // 2))
    return first + label + truncate(consequence, room - len(first))


class BoundariesCog(commands.Cog):
    boundary = app_commands.Group(name="boundary", description="Boundaries you keep, private unless shared")

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @boundary.command(name="add", description="Write down a boundary and what you'll do if it's crossed")
    @limit("boundary add")
    async def add(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(BoundaryModal())

    @boundary.command(name="list", description="Your boundaries (only you can see them)")
    async def list_(self, interaction: Interaction) -> None:
        own = await self.bot.services.boundaries.list_for(interaction.user.id)
        if not own:
            await interaction.response.send_message(
                "You haven't written any boundaries yet. `/boundary add` is a gentle place to start.",
                ephemeral=True,
            )
            return
        entries = tuple(
            (
                f"{index}." + (" (shared)" if b.shared_at is not None else ""),
                _entry(b.boundary, b.consequence),
            )
            for index, b in enumerate(own, start=1)
        )
        section = Section("Your boundaries", "Private to you unless you share one.", entries=entries)
        for embeds in pack_messages(section_embeds(section)):
            if interaction.response.is_done():
                await interaction.followup.send(embeds=embeds, ephemeral=True)
            else:
                await interaction.response.send_message(embeds=embeds, ephemeral=True)

    @boundary.command(name="remove", description="Remove one of your boundaries")
    @app_commands.describe(boundary="Start typing to find one of yours")
    async def remove(self, interaction: Interaction, boundary: str) -> None:
        found = await self.bot.services.boundaries.get_by_text(boundary, interaction.user.id)
        await interaction.response.send_message(
            "Remove this boundary? This can't be undone.",
            embed=boundary_embed(found),
            view=remove_view(found.id),
            ephemeral=True,
        )

    @boundary.command(name="share", description="Share one of your boundaries in your couple's thread")
    @app_commands.describe(boundary="Start typing to find one of yours")
    async def share(self, interaction: Interaction, boundary: str) -> None:
        service = self.bot.services.boundaries
        found = await service.get_by_text(boundary, interaction.user.id)
        await require_active_couple(self.bot, interaction.guild_id, interaction.user.id)
        await interaction.response.send_message(
            PREVIEW_TEXT,
            embed=shared_boundary_embed(found, interaction.user.display_name),
            view=share_view(found.id, service.now()),
            ephemeral=True,
        )

    @remove.autocomplete("boundary")
    @share.autocomplete("boundary")
    async def own_boundaries(self, interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
        found = await self.bot.services.boundaries.search(interaction.user.id, current)
        return [app_commands.Choice(name=truncate(b.boundary, 100), value=str(b.id)) for b in found]
