from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.content import Track
from cogs.exercises.render import list_embed
from cogs.exercises.views import render_ending, render_step
from cogs.resources.render import truncate

Interaction = discord.Interaction[AttuneBot]

TRACK_CHOICES = [app_commands.Choice(name=track.display_name, value=track.value) for track in Track]


class ExercisesCog(commands.Cog):
    exercise = app_commands.Group(name="exercise", description="Guided exercises, one step at a time")

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @exercise.command(name="list", description="The exercises, by track, and how far you've come")
    @app_commands.describe(track="Only show one track")
    @app_commands.choices(track=TRACK_CHOICES)
    async def list_(self, interaction: Interaction, track: app_commands.Choice[str] | None = None) -> None:
        progress = await self.bot.services.exercises.progress(interaction.user.id)
        chosen = Track(track.value) if track is not None else None
        await interaction.response.send_message(
            embed=list_embed(self.bot.content, progress, chosen), ephemeral=True
        )

    @exercise.command(name="start", description="Begin a guided exercise (or continue one you started)")
    @app_commands.describe(exercise="Start typing to find one")
    async def start(self, interaction: Interaction, exercise: str) -> None:
        service = self.bot.services.exercises
        found = service.find(exercise)
        started = await service.start(interaction.user.id, found.id, interaction.guild_id)
        note = None if started.new else "Picking up where you left off."
        embed, view = await render_step(self.bot, started.run, note=note)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @start.autocomplete("exercise")
    async def start_autocomplete(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=truncate(e.title, 100), value=e.id)
            for e in self.bot.services.exercises.search(current)
        ]

    @exercise.command(name="resume", description="Continue the exercise you were last working on")
    async def resume(self, interaction: Interaction) -> None:
        run = await self.bot.services.exercises.resume(interaction.user.id)
        embed, view = await render_step(self.bot, run, note="Welcome back. Here's where you stopped.")
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)


__all__ = ["ExercisesCog", "render_ending"]
