"""/meeting: a weekly couple meeting in the thread. Either partner sets its day and time (in the
couple's time zone), looks at it, skips the next one, turns it off, starts one now, or chooses a
topic ahead; a change to the schedule is told in the thread in one short line that pings nobody."""

from __future__ import annotations

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.clock import unix
from bot.cooldowns import per_person
from bot.errors import UserFacingError
from bot.records.couples import Couple
from bot.records.meetings import TOPIC_STEP, MeetingSchedule
from bot.services.meetings import WEEKDAY_NAMES, MeetingService
from bot.timeparse import parse_zone
from cogs.checkins.cog import NOT_IN_A_COUPLE, zone_autocomplete
from cogs.checkins.trouble import trouble_notice
from cogs.meetings.dispatch import MeetingDispatcher
from cogs.meetings.forms import TopicModal
from cogs.meetings.posting import message_link

Interaction = discord.Interaction[AttuneBot]

DAYS = [app_commands.Choice(name=name, value=index) for index, name in enumerate(WEEKDAY_NAMES)]
NO_SCHEDULE = "You don't have a weekly meeting set yet. `/meeting schedule` sets one."


class MeetingCog(commands.Cog):
    meeting = app_commands.Group(name="meeting", description="A weekly couple meeting in your thread")

    def __init__(self, bot: AttuneBot, dispatcher: MeetingDispatcher) -> None:
        self.bot = bot
        self.dispatcher = dispatcher  # the meeting job: /meeting now posts through it

    @property
    def service(self) -> MeetingService:
        return self.bot.services.meetings

    async def _couple(self, interaction: Interaction) -> Couple:
        if interaction.guild_id is None:
            raise UserFacingError("Couple meetings live in your server: please use this there.")
        # Paused (a partner isn't in the server right now) says so, and that it picks up on return.
        return await self.bot.services.couples.require_active_couple(
            interaction.guild_id, interaction.user.id, not_paired=NOT_IN_A_COUPLE
        )

    async def _couple_schedule(self, interaction: Interaction) -> tuple[Couple, MeetingSchedule]:
        couple = await self._couple(interaction)
        schedule = await self.service.schedule_for_couple(couple.id)
        if schedule is None:
            raise UserFacingError(NO_SCHEDULE)
        return couple, schedule

    async def _tell_thread(self, couple: Couple, text: str) -> None:
        """Both partners see a change in their thread, in one line that pings nobody."""
        try:
            thread = await self.bot.threads.ensure_thread(couple)
            await thread.send(text, allowed_mentions=discord.AllowedMentions.none())
        except discord.HTTPException:
            pass  # the change is saved; telling the thread is best effort

    @meeting.command(name="schedule", description="Choose the day and time of your weekly couple meeting")
    @app_commands.describe(
        day="The day of the week it falls on",
        time="Local time, like 19:00 or 7pm",
        timezone="Your time zone, like Europe/London (default: your /timezone, else the server's)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    @app_commands.choices(day=DAYS)
    async def schedule(
        self,
        interaction: Interaction,
        day: app_commands.Choice[int],
        time: app_commands.Range[str, 1, 20],
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        couple = await self._couple(interaction)
        if timezone:
            zone_name = parse_zone(timezone).key
        else:
            zone_name = (
                await self.bot.services.couples.timezone_for(interaction.user.id, interaction.guild_id)
            ).key
        saved = await self.service.schedule(
            couple_id=couple.id, weekday=day.value, time_text=time, zone_name=zone_name
        )
        described = self.service.describe(saved)
        await interaction.response.send_message(f"Your couple meeting is set: {described}.", ephemeral=True)
        await self._tell_thread(
            couple, f"{interaction.user.display_name} set your couple meeting: {described}."
        )
        self.dispatcher.wake()

    @meeting.command(name="show", description="See when your couple meeting is, and if one is open")
    async def show(self, interaction: Interaction) -> None:
        couple = await self._couple(interaction)
        schedule = await self.service.schedule_for_couple(couple.id)
        lines = [f"Your couple meeting: {self.service.describe(schedule)}." if schedule else NO_SCHEDULE]
        open_now = await self.service.open_meeting(couple.id)
        if open_now is not None:
            link = message_link(couple.guild_id, open_now.channel_id, open_now.message_id)
            lines.append(f"A meeting is open in your thread right now: {link}")
        if await self.service.topic_ahead(couple.id, interaction.user.id) is not None:
            lines.append("You've chosen a topic for your next meeting; nobody sees it before then.")
        await interaction.response.send_message("\n".join(lines), ephemeral=True)

    @meeting.command(name="skip", description="Skip the next couple meeting only")
    async def skip(self, interaction: Interaction) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        skipped = await self.service.skip_next(schedule)
        await interaction.response.send_message(
            f"The meeting of <t:{unix(skipped)}:f> will be skipped. The one after comes as usual.",
            ephemeral=True,
        )
        await self._tell_thread(couple, f"{interaction.user.display_name} skipped your next couple meeting.")

    @meeting.command(name="off", description="Stop the weekly couple meeting (what you shared stays)")
    async def off(self, interaction: Interaction) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        await self.service.turn_off(schedule)
        await interaction.response.send_message(
            "The weekly meeting is off. What you each shared stays in your journals; "
            "`/meeting now` still starts one whenever you like.",
            ephemeral=True,
        )
        await self._tell_thread(
            couple, f"{interaction.user.display_name} turned your weekly couple meeting off."
        )

    @meeting.command(name="now", description="Start a couple meeting in your thread right now")
    @per_person(3, 60.0)  # like /checkin now: generous for people, tight for scripts
    async def now(self, interaction: Interaction) -> None:
        couple = await self._couple(interaction)
        already = await self.service.open_meeting(couple.id)
        if already is not None:
            link = message_link(couple.guild_id, already.channel_id, already.message_id)
            raise UserFacingError(f"Your meeting is already open in your thread: {link}")
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Reachable first (recreated if deleted): a meeting is promised only where it can arrive.
        await self.bot.threads.ensure_thread(couple)
        meeting_id = await self.service.start_now(couple.id, interaction.user.id)
        posted = await self.dispatcher.post_now(meeting_id)
        if posted is not None and posted.status == "open":
            link = message_link(couple.guild_id, posted.channel_id, posted.message_id)
            text = f"Your couple meeting is in your thread now: {link}"
        else:
            latest = await self.bot.services.couples.couple_by_id(couple.id) or couple
            problem = latest.thread_problem
            reason = (
                trouble_notice(self.bot, latest, problem) if problem else "Discord didn't take it just now."
            )
            text = f"I couldn't post your meeting yet. {reason} I'll keep trying for a little while."
        await interaction.followup.send(text, ephemeral=True)
        self.dispatcher.wake()

    @meeting.command(name="topic", description="Choose, privately, one thing to talk about at your meeting")
    async def topic(self, interaction: Interaction) -> None:
        couple = await self._couple(interaction)
        service = self.service
        open_now = await service.open_meeting(couple.id)
        if open_now is not None and open_now.step <= TOPIC_STEP:
            earlier = await service.answer_of(open_now.id, TOPIC_STEP, interaction.user.id)
            chosen = earlier.body if earlier else None
        else:
            chosen = await service.topic_ahead(couple.id, interaction.user.id)
        words = self.bot.content.meeting
        await interaction.response.send_modal(
            TopicModal(couple.id, service.step_words(TOPIC_STEP), words.topic_note, chosen)
        )
