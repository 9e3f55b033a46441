from __future__ import annotations

from collections import defaultdict

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot, describe_commands
from bot.ui import ATTUNE_COLOUR

INTRO = (
    "Attune is a quiet place for the two of you to practise being there for each other: "
    "short guided exercises, a private journal, gentle check-ins you answer side by side, "
    "and a way to see your progress over time.\n\n"
    "What you write is private unless you choose to share it."
)


def help_embed(bot: AttuneBot) -> discord.Embed:
    embed = discord.Embed(title="Attune", description=INTRO, colour=ATTUNE_COLOUR)
    groups: dict[str, list[str]] = defaultdict(list)
    for line in describe_commands(bot.tree):
        groups[line.split(" ", 1)[0].split(":", 1)[0].lstrip("/")].append(line)
    for name in sorted(groups):
        embed.add_field(name=f"/{name}", value="\n".join(groups[name])[:1024], inline=False)
    embed.add_field(name="This is not therapy", value=bot.content.safety.not_therapy[:1024], inline=False)
    embed.set_footer(text="Need support now? /resources lists places to turn to.")
    return embed


class HelpCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        # Built on first use, once every extension has added its commands: the tree and the
        # content do not change while the bot runs, so walking the tree again on every /help
        # would only cost time. discord.py serialises the embed afresh on each send.
        self._embed: discord.Embed | None = None

    def embed(self) -> discord.Embed:
        if self._embed is None:
            self._embed = help_embed(self.bot)
        return self._embed

    @app_commands.command(name="help", description="What Attune is, every command, and where to find help")
    async def help(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.send_message(embed=self.embed(), ephemeral=True)
