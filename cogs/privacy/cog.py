"""/privacy export and /privacy delete."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.cooldowns import limit
from cogs.privacy.views import DeleteModal

Interaction = discord.Interaction[AttuneBot]


class PrivacyCog(commands.Cog):
    privacy = app_commands.Group(
        name="privacy", description="See everything Attune keeps about you, or erase it"
    )

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @privacy.command(name="export", description="Everything Attune keeps about you, as files only you see")
    @limit("privacy export")
    async def export(self, interaction: Interaction) -> None:
        # Reading and decrypting everything can take longer than Discord's 3 seconds: answer first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        files = await self.bot.services.privacy.export(interaction.user.id)
        day = self.bot.clock.now().date().isoformat()
        note = (
            "Attune keeps nothing about you right now; the files say so too."
            if files.empty
            else "Here is everything Attune keeps that you wrote or chose: JSON (complete) and Markdown "
            "(readable). Only you can see this message; keep the files somewhere safe."
        )
        await interaction.followup.send(
            note,
            files=[
                discord.File(io.BytesIO(files.json_text.encode("utf-8")), filename=f"attune-data-{day}.json"),
                discord.File(
                    io.BytesIO(files.markdown_text.encode("utf-8")), filename=f"attune-data-{day}.md"
                ),
            ],
            ephemeral=True,
        )

    @privacy.command(
        name="delete", description="Erase everything Attune keeps about you (asks you to confirm)"
    )
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(DeleteModal())
