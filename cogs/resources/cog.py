from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from cogs.resources.render import resources_messages


async def server_resources_text(bot: AttuneBot, guild_id: int | None) -> str | None:
    """The server's own resources text when it set one; None in DMs or before setup."""
    if guild_id is None:
        return None
    couples = getattr(bot.services, "couples", None)  # tolerate a build without the couples feature
    if couples is None:
        return None
    settings = await couples.guild_settings(guild_id)
    text = getattr(settings, "resources_text", None) if settings is not None else None
    return str(text) if text else None


async def send_resources(bot: AttuneBot, interaction: discord.Interaction[AttuneBot]) -> None:
    """Every resources message, privately: the first as the answer (or a followup), the rest after."""
    messages = resources_messages(bot.content, await server_resources_text(bot, interaction.guild_id))
    for embeds in messages:
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)


class ResourcesCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @app_commands.command(
        name="resources", description="Where to find real help: safety, hotlines, counselling"
    )
    async def resources(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await send_resources(self.bot, interaction)
