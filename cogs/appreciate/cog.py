"""/appreciate: write down what your partner did and what it meant, keep it or share it, look back
over your log, and (if you like) get one you kept offered back to you once a week by DM."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.cooldowns import limit
from bot.errors import UserFacingError
from bot.services.appreciations import WEEKDAY_NAMES
from bot.timeparse import DAY_NAMES
from bot.ui import ATTUNE_COLOUR
from cogs.appreciate.views import AppreciationModal, log_page

Interaction = discord.Interaction[AttuneBot]

DAY_CHOICES = [
    app_commands.Choice(name=name, value=key) for key, name in zip(DAY_NAMES, WEEKDAY_NAMES, strict=True)
]
DMS_CLOSED = (
    "Right now my DMs don't reach you, so the offer can't arrive: allow direct messages from this "
    "server's members, and it will come."
)


class AppreciateCog(commands.Cog):
    appreciate = app_commands.Group(
        name="appreciate", description="Appreciations: what your partner did, and what it meant to you"
    )
    reminder = app_commands.Group(
        name="reminder", description="A private weekly DM offering one you kept", parent=appreciate
    )

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @appreciate.command(name="add", description="Note something your partner did and what it meant to you")
    @limit("appreciate add")
    async def add(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(AppreciationModal(self.bot.content.appreciations))

    @appreciate.command(name="list", description="Your appreciation log, newest first (only you see it)")
    async def list_(self, interaction: Interaction) -> None:
        embed, view = await log_page(self.bot, interaction.user.id, interaction.guild_id, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @reminder.command(name="on", description="Once a week, a private DM offering one you kept to send")
    @app_commands.describe(
        day="The day it comes (Sunday unless you chose another before)",
        time="Your own local time, like 19:00 or 7pm (19:00 unless you chose another before)",
    )
    @app_commands.choices(day=DAY_CHOICES)
    async def reminder_on(
        self,
        interaction: Interaction,
        day: app_commands.Choice[str] | None = None,
        time: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        service = self.bot.services.appreciations
        user_id = interaction.user.id
        saved = await service.turn_on(user_id, interaction.guild_id, day.value if day else None, time)
        texts = self.bot.content.appreciations
        first = f"<t:{saved.next_due_at}:F>"  # each person's own local time, as Discord shows it
        lines = [texts.reminder_on, "", f"**When:** {service.describe(saved)}, the first on {first}."]
        if not await self.bot.services.notifications.may_dm(user_id):
            lines += ["", DMS_CLOSED]
        lines += ["`/appreciate reminder off` stops it whenever you like."]
        why = discord.Embed(title="Why appreciations", description=texts.why, colour=ATTUNE_COLOUR)
        await interaction.response.send_message("\n".join(lines), embed=why, ephemeral=True)

    @reminder.command(name="off", description="Stop the weekly DM (your log stays as it is)")
    async def reminder_off(self, interaction: Interaction) -> None:
        if not await self.bot.services.appreciations.turn_off(interaction.user.id):
            raise UserFacingError("The weekly appreciation DM isn't on, so there's nothing to turn off.")
        await interaction.response.send_message(
            "The weekly appreciation DM is off. Your log stays as it is; "
            "`/appreciate reminder on` brings the DM back.",
            ephemeral=True,
        )
