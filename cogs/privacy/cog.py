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
        zone = await self.bot.services.couples.timezone_for(interaction.user.id, interaction.guild_id)
        files = await self.bot.services.privacy.export(interaction.user.id, zone=zone, names=self._name_of)
        day = self.bot.clock.now().astimezone(zone).date().isoformat()
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

    async def _name_of(self, guild_id: int | None, user_id: int) -> str | None:
        """The name the server shows for someone (their partner, who they invited): from the cache,
        else asked of Discord; None when they can't be found (the file then says "your partner")."""
        guild = self.bot.get_guild(guild_id) if guild_id is not None else None
        if guild is not None:
            member = guild.get_member(user_id)
            if member is None:
                try:
                    member = await guild.fetch_member(user_id)
                except discord.HTTPException:
                    member = None
            if member is not None:
                return member.display_name
        user = self.bot.get_user(user_id)
        if user is None:
            try:
                user = await self.bot.fetch_user(user_id)
            except discord.HTTPException:
                return None
        return user.display_name

    @privacy.command(
        name="delete", description="Erase everything Attune keeps about you (asks you to confirm)"
    )
    async def delete(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(DeleteModal())
