"""/progress: streaks, a mood chart, the weekly summary's settings, and the private checkup."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.clock import from_unix
from bot.errors import UserFacingError
from bot.records.couples import Couple
from bot.services.progress import (
    DAYS_DEFAULT,
    DAYS_MAX,
    DAYS_MIN,
    WEEKDAY_NAMES,
    WEEKDAYS,
    Overview,
    ProgressService,
)
from bot.sharing import PREVIEW_TEXT
from bot.ui import ATTUNE_COLOUR
from cogs.progress.dispatch import streak_text
from cogs.progress.views import (
    CHART_FILE,
    CheckupModal,
    Drawn,
    chart_embed,
    couple_chart,
    own_chart,
    share_view,
)

NOT_PAIRED = (
    "You're not paired with anyone here right now, so there's no thread to share to. "
    "When you're ready, /pair invite asks your partner to join you."
)
IN_SERVER = "This lives in the server where you and your partner are paired. Please use it there."
DAY_CHOICES = [
    app_commands.Choice(name=name, value=key) for key, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True)
]
DAY_CHOICES.append(app_commands.Choice(name="Off", value="off"))
CHECKUPS_SHOWN = 6
# /progress show and /progress share look back over the same span, described the same way.
Days = app_commands.Range[int, DAYS_MIN, DAYS_MAX]
DAYS_DESCRIBE = f"How far back to look, {DAYS_MIN} to {DAYS_MAX} days ({DAYS_DEFAULT} by default)"


class ProgressCog(commands.Cog):
    progress = app_commands.Group(
        name="progress", description="Progress you can see: streaks, moods, your week"
    )

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @property
    def service(self) -> ProgressService:
        return self.bot.services.progress

    async def _active_couple(self, interaction: discord.Interaction[AttuneBot]) -> Couple:
        if interaction.guild_id is None:
            raise UserFacingError(IN_SERVER)
        couple = await self.bot.services.couples.active_couple_for(interaction.guild_id, interaction.user.id)
        if couple is None:
            raise UserFacingError(NOT_PAIRED)
        return couple

    # -- /progress show --------------------------------------------------------------------------

    @progress.command(name="show", description="Your streaks, check-ins together and a mood chart (private)")
    @app_commands.describe(days=DAYS_DESCRIBE)
    async def show(self, interaction: discord.Interaction[AttuneBot], days: Days = DAYS_DEFAULT) -> None:
        self.service.check_days(days)
        await interaction.response.defer(ephemeral=True, thinking=True)
        overview = await self.service.overview(interaction.user.id, interaction.guild_id, days)
        couple = overview.couple
        in_thread = couple is not None and interaction.channel_id == couple.thread_id
        if in_thread and couple is not None:
            chart = await couple_chart(self.bot, couple, overview.days)
        else:
            chart = await own_chart(self.bot, interaction.user.id, interaction.guild_id, overview.days)
        embed = self._overview_embed(overview, in_thread, chart)
        if chart.file is None:
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        embed.set_image(url=f"attachment://{CHART_FILE}")
        await interaction.followup.send(embed=embed, file=chart.file, ephemeral=True)

    def _overview_embed(self, overview: Overview, in_thread: bool, chart: Drawn) -> discord.Embed:
        """The couple's shared progress and the viewer's own; never the partner's own tally."""
        couple = overview.couple
        title = "Your progress together" if in_thread else "Your progress"
        embed = discord.Embed(title=title, colour=ATTUNE_COLOUR)
        lines: list[str] = []
        if couple is not None and overview.couple_streak is not None:
            lines.append(f"**Together:** {streak_text(overview.couple_streak.current)}")
            if overview.couple_streak.best > overview.couple_streak.current:
                lines.append(f"Your longest so far: {overview.couple_streak.best}.")
            streak = overview.couple_streak.current
            if not overview.rounds_together == overview.rounds_posted == streak:
                # Only when it adds something: "3 in a row" and "3 of 3" say the same thing twice.
                lines.append(
                    f"In the last {overview.days} days: {overview.rounds_together} of "
                    f"{overview.rounds_posted} check-ins answered by you both."
                )
        if lines:
            lines.append("")
        lines.append("**Just you**" + (" (your partner never sees this)" if couple is not None else ""))
        lines.extend(self._own_lines(overview))
        embed.description = "\n".join(lines)
        titles = overview.exercises
        value = (
            "\n".join(f"• {t}" for t in titles[:10])
            if titles
            else "No exercises in this time, and that's okay."
        )
        embed.add_field(name="Exercises you finished", value=value[:1024], inline=False)
        if chart.file is None:
            embed.add_field(name="Mood chart", value=chart.note or "", inline=False)
            embed.set_footer(text="Only you can see this.")
        else:
            chart_of = (
                "both of your moods from check-ins you both answered" if in_thread else "your own moods"
            )
            embed.set_footer(
                text=f"The chart shows {chart_of}: a dot for each day's average, a bar for its range. "
                "Only you can see this."
            )
        return embed

    @staticmethod
    def _own_lines(overview: Overview) -> list[str]:
        """The viewer's own tally, in words; what is zero is left out rather than counted against them."""
        entries, in_a_row = overview.journal_entries, overview.journal_streak
        personal, checkups = overview.personal_streak.current, overview.checkups
        lines: list[str] = []
        if entries:
            line = (
                f"• Journal: {entries} entr{'y' if entries == 1 else 'ies'} in the last {overview.days} days"
            )
            if in_a_row > 1:
                line += f" ({in_a_row} days in a row)"
            lines.append(line + ".")
        if personal:
            lines.append(f"• Personal check-ins: {personal} in a row.")
        if checkups:
            lines.append(f"• Check-ups: {checkups} in this time.")
        return lines or ["Nothing of your own in this time yet, and that's okay."]

    # -- /progress share -------------------------------------------------------------------------

    @progress.command(name="share", description="Preview your couple mood chart, then post it to your thread")
    @app_commands.describe(days=DAYS_DESCRIBE)
    async def share(self, interaction: discord.Interaction[AttuneBot], days: Days = DAYS_DEFAULT) -> None:
        couple = await self._active_couple(interaction)
        days = self.service.check_days(days)
        await interaction.response.defer(ephemeral=True, thinking=True)
        chart = await couple_chart(self.bot, couple, days)
        if chart.file is None:
            await interaction.followup.send(f"{chart.note} Nothing was posted.", ephemeral=True)
            return
        share = await self.service.start_share(couple, interaction.user.id, days)
        embed = chart_embed(share.days, interaction.user.display_name)
        await interaction.followup.send(
            PREVIEW_TEXT, embed=embed, file=chart.file, view=share_view(share.id), ephemeral=True
        )

    # -- /progress summary -----------------------------------------------------------------------

    @progress.command(name="summary", description="Choose when your weekly summary arrives, or turn it off")
    @app_commands.describe(day="The day it arrives, or off", time="Local time, like 19:00 or 7pm")
    @app_commands.choices(day=DAY_CHOICES)
    async def summary(
        self,
        interaction: discord.Interaction[AttuneBot],
        day: app_commands.Choice[str],
        time: app_commands.Range[str, 1, 20] | None = None,
    ) -> None:
        couple = await self._active_couple(interaction)
        saved = await self.service.set_summary(couple, interaction.user.id, day.value, time)
        described = self.service.describe_summary(saved)
        if saved.enabled:
            text = f"Your weekly summary: {described}."
        else:
            text = "Weekly summaries are off. `/progress summary` turns them back on."
        await interaction.response.send_message(text, ephemeral=True)
        try:
            thread = await self.bot.threads.ensure_thread(couple)
            note = (
                f"{interaction.user.display_name} set your weekly summary for {described}."
                if saved.enabled
                else f"{interaction.user.display_name} turned your weekly summary off."
            )
            await thread.send(note, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            pass  # saved; telling the partner is best effort

    # -- /progress checkup -----------------------------------------------------------------------

    @progress.command(name="checkup", description="A private 'where I stand' check-in, just for you")
    async def checkup(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.send_modal(CheckupModal(self.bot.content.checkup))

    @progress.command(name="checkups", description="Your own past 'where I stand' check-ins (private)")
    async def checkups(self, interaction: discord.Interaction[AttuneBot]) -> None:
        records = await self.service.checkups(interaction.user.id, limit=CHECKUPS_SHOWN)
        zone = await self.bot.services.couples.timezone_for(interaction.user.id, interaction.guild_id)
        embed = discord.Embed(title="Where you've stood", colour=ATTUNE_COLOUR)
        if not records:
            embed.description = "Nothing here yet. `/progress checkup` takes a few quiet minutes."
        else:
            embed.description = "Only you can see these. Snapshots, not verdicts."
            for record in records:
                lines = self.service.describe_checkup(record.answers)
                value = "\n".join(f"**{q}** {a}" for q, a in lines) or "—"
                day = from_unix(record.created_at).astimezone(zone)  # the person's own date
                embed.add_field(
                    name=f"{day.day} {day:%B %Y}",
                    value=value[:1021] + ("..." if len(value) > 1021 else ""),
                    inline=False,
                )
        await interaction.response.send_message(embed=embed, ephemeral=True)
