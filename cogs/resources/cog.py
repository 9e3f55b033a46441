"""/resources: where to find real help, privately; its replies are built once, not per interaction."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from cogs.resources.render import resources_messages

KEPT_SERVER_TEXTS = 16  # built replies kept for servers' own resources texts (plus the default)


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
    server_text = await server_resources_text(bot, interaction.guild_id)
    cog = bot.get_cog(ResourcesCog.__cog_name__)
    if isinstance(cog, ResourcesCog):
        messages = cog.messages(server_text)
    else:
        messages = resources_messages(bot.content, server_text)
    for embeds in messages:
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)


class ResourcesCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        # Built once, not per interaction: the content does not change while the bot runs, and a
        # server's own text changes rarely (the last few seen are kept, keyed by the text itself).
        self._built: dict[str | None, list[list[discord.Embed]]] = {
            None: resources_messages(bot.content, None)
        }

    def messages(self, server_text: str | None) -> list[list[discord.Embed]]:
        """The resources messages with this server text (None: none set), built once each."""
        built = self._built.get(server_text)
        if built is None:
            if len(self._built) >= KEPT_SERVER_TEXTS:
                del self._built[next(key for key in self._built if key is not None)]
            built = self._built[server_text] = resources_messages(self.bot.content, server_text)
        return built

    @app_commands.command(
        name="resources", description="Where to find real help: safety, hotlines, counselling"
    )
    async def resources(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await send_resources(self.bot, interaction)
