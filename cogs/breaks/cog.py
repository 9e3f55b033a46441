"""/break start and /break end: a pause when a talk gets too heated, with a time to come back."""

from __future__ import annotations

import contextlib

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.cooldowns import limit
from bot.errors import UserFacingError
from bot.services.breaks import DEFAULT_MINUTES, LINE_MAX, AlreadyOnBreak, describe_minutes, minutes_for
from bot.sharing import PREVIEW_TEXT
from bot.tree import GIVE_BACK
from cogs.breaks.views import back_at, back_reply, note_embed, preview_view, running_view, say_back

Interaction = discord.Interaction[AttuneBot]

# Offered as the person types; anything else they type is read too ("45m", "1h30", "2 hours").
SUGGESTED = ("20m", "30m", "45m", "1h", "1h30", "2h", "3h", "12h", "24h")


async def duration_autocomplete(interaction: Interaction, current: str) -> list[app_commands.Choice[str]]:
    typed = current.strip()
    choices: list[app_commands.Choice[str]] = []
    if typed:
        # Unreadable, or out of range: said kindly, with how to write it, when the command is sent.
        with contextlib.suppress(UserFacingError):
            choices.append(app_commands.Choice(name=describe_minutes(minutes_for(typed)), value=typed[:40]))
    for value in SUGGESTED:
        if value not in {c.value for c in choices} and (not typed or value.startswith(typed[:1])):
            choices.append(app_commands.Choice(name=describe_minutes(minutes_for(value)), value=value))
    return choices[:25]


class BreakCog(commands.Cog):
    break_ = app_commands.Group(
        name="break", description="A pause when a talk gets too heated, with a time to come back"
    )

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @break_.command(
        name="start",
        description="Take a pause from a heated talk, with a time to come back (/resources is always there)",
        # Their line is prose: if it's refused, it comes back (bot/tree.py).
        extras={GIVE_BACK: {"line": "Your line"}},
    )
    @limit("break start")
    @app_commands.describe(
        duration=f"20 minutes to 24 hours, like 45m, 1h30 or 2 hours ({DEFAULT_MINUTES} minutes if empty)",
        line="A short line of your own for your partner, if you like",
    )
    @app_commands.autocomplete(duration=duration_autocomplete)
    async def start(
        self,
        interaction: Interaction,
        duration: app_commands.Range[str, 1, 40] | None = None,
        line: app_commands.Range[str, 1, LINE_MAX] | None = None,
    ) -> None:
        service = self.bot.services.breaks
        texts = self.bot.content.breaks
        try:
            preview = await service.preview(interaction.user.id, interaction.guild_id, duration, line)
        except AlreadyOnBreak as running:
            view = running_view(interaction.user.id, running.existing.id) if running.own else None
            when = running.existing.return_at
            lead = f"{running.message} Back at {back_at(when)}." if running.own and when else running.message
            await interaction.response.send_message(
                f"{lead}\n\n{texts.safety}", view=view or discord.utils.MISSING, ephemeral=True
            )
            return
        back = service.now() + preview.minutes * 60
        await interaction.response.send_message(
            f"{PREVIEW_TEXT}\n{texts.safety}",
            embed=note_embed(interaction.user.display_name, back, preview.line, texts),
            view=preview_view(interaction.user.id, preview.id),
            ephemeral=True,
        )

    @break_.command(name="end", description="End your pause early and let your partner know you're back")
    async def end(self, interaction: Interaction) -> None:
        ended = await self.bot.services.breaks.end_current(interaction.user.id, interaction.guild_id)
        await interaction.response.defer(ephemeral=True)
        told = await say_back(self.bot, ended, interaction.user)
        await interaction.followup.send(back_reply(told), ephemeral=True)
