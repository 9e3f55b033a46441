"""/checkin and /timezone: schedules, /checkin now, history and how each person is told."""

from __future__ import annotations

import contextlib
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.clock import unix
from bot.cooldowns import limit
from bot.errors import UserFacingError
from bot.records.checkins import Schedule
from bot.records.couples import Couple
from bot.services.checkins import CheckinService
from bot.timeparse import parse_zone, zone_choices
from bot.tree import GIVE_BACK
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.history import render_history
from cogs.checkins.own_prompts import add_own_prompt, list_own_prompts, own_prompt_choices, remove_own_prompt
from cogs.checkins.posting import round_link
from cogs.checkins.themes import tell_thread, themes_message
from cogs.checkins.trouble import trouble_notice

REMINDER_CHOICES = [
    app_commands.Choice(name="off", value=0),
    app_commands.Choice(name="after 1 hour", value=60),
    app_commands.Choice(name="after 2 hours", value=120),
    app_commands.Choice(name="after 4 hours (default)", value=240),
    app_commands.Choice(name="after 8 hours", value=480),
    app_commands.Choice(name="after 12 hours", value=720),
]
# How the person is told that something waits for them (bot/services/notifications.py).
NUDGES_DESCRIPTION = "How you hear that something waits: by DM (on) or a mention in your thread (off)"
NUDGES_ON = (
    "I'll tell you by DM when something is waiting for you: a check-in, your answers side by side, "
    "something your partner shared. Your thread won't ping you as well."
)
NUDGES_OFF = (
    "I'll tell you with a mention in your thread instead of a DM. "
    "If your DMs are closed, that's how I reach you anyway."
)
NOT_IN_A_COUPLE = "You're not paired with anyone in this server yet. `/pair invite` is where it starts."


async def zone_autocomplete(
    interaction: discord.Interaction[AttuneBot], current: str
) -> list[app_commands.Choice[str]]:
    return [app_commands.Choice(name=zone, value=zone) for zone in zone_choices(current)]


class CheckinCog(commands.Cog):
    checkin = app_commands.Group(name="checkin", description="Check-ins: a gentle daily rhythm together")
    personal = app_commands.Group(name="personal", description="Your own check-ins by DM", parent=checkin)
    prompts = app_commands.Group(
        name="prompts", description="Questions of your own, mixed into your check-ins", parent=checkin
    )

    def __init__(self, bot: AttuneBot, dispatcher: CheckinDispatcher) -> None:
        self.bot = bot
        self.dispatcher = dispatcher  # the check-in job: /checkin now posts through it

    @property
    def service(self) -> CheckinService:
        return self.bot.services.checkins

    async def _couple(self, interaction: discord.Interaction[AttuneBot]) -> Couple:
        if interaction.guild_id is None:
            raise UserFacingError("Couple check-ins live in your server: please use this there.")
        # Paused (a partner isn't in the server right now) says so, and that it picks up on return.
        return await self.bot.services.couples.require_active_couple(
            interaction.guild_id, interaction.user.id, not_paired=NOT_IN_A_COUPLE
        )

    async def _couple_schedule(self, interaction: discord.Interaction[AttuneBot]) -> tuple[Couple, Schedule]:
        couple = await self._couple(interaction)
        schedule = await self.service.schedule_for_couple(couple.id)
        if schedule is None:
            raise UserFacingError(
                "You don't have check-ins scheduled yet. `/checkin schedule time:21:00` sets them up."
            )
        return couple, schedule

    async def _zone_name(self, interaction: discord.Interaction[AttuneBot], given: str | None) -> str:
        if given:
            return parse_zone(given).key
        zone = await self.bot.services.couples.timezone_for(interaction.user.id, interaction.guild_id)
        return str(zone.key)

    async def _tell_thread(self, couple: Couple, text: str) -> None:
        await tell_thread(self.bot, couple, text)  # the change is saved; telling is best effort

    @checkin.command(name="schedule", description="Set when your couple check-in arrives in your thread")
    @app_commands.describe(
        time="Local time, like 21:00 or 9pm",
        days="daily, weekdays, weekends, or a list like mon,wed,fri",
        timezone="Your time zone, like Europe/London",
        reminder="A gentle reminder if one of you hasn't answered",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    @app_commands.choices(reminder=REMINDER_CHOICES)
    async def schedule(
        self,
        interaction: discord.Interaction[AttuneBot],
        time: app_commands.Range[str, 1, 20],
        days: app_commands.Range[str, 1, 60] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
        reminder: app_commands.Choice[int] | None = None,
    ) -> None:
        couple = await self._couple(interaction)
        zone_name = await self._zone_name(interaction, timezone)
        minutes = 240 if reminder is None else (reminder.value or None)
        saved = await self.service.schedule(
            couple_id=couple.id,
            user_id=interaction.user.id,
            time_text=time,
            days_text=days,
            zone_name=zone_name,
            reminder_minutes=minutes,
        )
        described = self.service.describe(saved)
        await interaction.response.send_message(f"Check-ins set: {described}.", ephemeral=True)
        await self._tell_thread(
            couple, f"{interaction.user.display_name} set your check-ins for {described}."
        )
        self._wake()

    @checkin.command(name="show", description="See your check-in schedule")
    async def show(self, interaction: discord.Interaction[AttuneBot]) -> None:
        _, schedule = await self._couple_schedule(interaction)
        await interaction.response.send_message(
            f"Your check-ins: {self.service.describe(schedule)}.", ephemeral=True
        )

    @checkin.command(name="pause", description="Pause check-ins, until a date or until you resume")
    @app_commands.describe(until="The date they start again, like 2026-12-24 (leave empty: until you resume)")
    async def pause(
        self, interaction: discord.Interaction[AttuneBot], until: app_commands.Range[str, 1, 20] | None = None
    ) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        resumes = await self.service.pause(schedule, until)
        when = f"until {resumes.isoformat()}" if resumes else "until one of you resumes them"
        await interaction.response.send_message(
            f"Check-ins paused {when}. Take the time you need.", ephemeral=True
        )
        await self._tell_thread(couple, f"{interaction.user.display_name} paused your check-ins {when}.")

    @checkin.command(name="resume", description="Start paused check-ins again")
    async def resume(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        next_due = await self.service.resume(schedule)
        await interaction.response.send_message(
            f"Welcome back. Next check-in: <t:{unix(next_due)}:f>.", ephemeral=True
        )
        await self._tell_thread(couple, f"{interaction.user.display_name} resumed your check-ins.")
        self._wake()

    @checkin.command(name="skip", description="Skip the next check-in only")
    async def skip(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        skipped = await self.service.skip_next(schedule)
        await interaction.response.send_message(
            f"The check-in of <t:{unix(skipped)}:f> will be skipped. The one after comes as usual.",
            ephemeral=True,
        )
        await self._tell_thread(couple, f"{interaction.user.display_name} skipped your next check-in.")

    @checkin.command(name="now", description="Start a check-in right now")
    @limit("checkin now")
    async def now(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple = await self._couple(interaction)
        await interaction.response.defer(ephemeral=True, thinking=True)
        # Reachable first (recreated if deleted): a check-in is promised only where it can arrive.
        await self.bot.threads.ensure_thread(couple)
        round_id = await self.service.start_now(
            couple_id=couple.id, user_id=None, started_by=interaction.user.id
        )
        posted = await self.dispatcher.post_now(round_id)
        if posted is not None and posted.status == "open" and posted.message_id is not None:
            text = f"Your check-in is in your thread now: {round_link(couple.guild_id, posted)}"
        else:
            latest = await self.bot.services.couples.couple_by_id(couple.id) or couple
            problem = latest.thread_problem
            reason = (
                trouble_notice(self.bot, latest, problem) if problem else "Discord didn't take it just now."
            )
            text = f"I couldn't post your check-in yet. {reason} I'll keep trying for a little while."
        await interaction.followup.send(text, ephemeral=True)
        self._wake()  # anything not sent yet (a retry) goes out with the next dispatch

    @checkin.command(name="off", description="Stop scheduled check-ins (your history stays)")
    async def off(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple, schedule = await self._couple_schedule(interaction)
        await self.service.turn_off(schedule)
        await interaction.response.send_message(
            "Scheduled check-ins are off. Your history stays.", ephemeral=True
        )
        await self._tell_thread(couple, f"{interaction.user.display_name} turned scheduled check-ins off.")

    @checkin.command(name="history", description="Your revealed check-ins, newest first")
    async def history(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple = await self._couple(interaction)
        embed, view = await render_history(self.bot, couple, 0)
        if view is None:
            await interaction.response.send_message(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @checkin.command(name="themes", description="Choose the themes your check-in questions come from")
    async def themes(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple = await self._couple(interaction)
        embed, view = await themes_message(self.bot, couple)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @prompts.command(
        name="add",
        description="Add a question of your own to your check-ins",
        extras={GIVE_BACK: {"question": "Your question"}},
    )
    @app_commands.describe(question="Your question, in 5 to 100 characters")
    @limit("checkin prompts add")
    async def prompts_add(
        self, interaction: discord.Interaction[AttuneBot], question: app_commands.Range[str, 1, 300]
    ) -> None:
        await add_own_prompt(interaction, await self._couple(interaction), question)

    @prompts.command(name="list", description="The questions you added (only the two of you see them)")
    async def prompts_list(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await list_own_prompts(interaction, await self._couple(interaction))

    @prompts.command(name="remove", description="Remove one of your own questions")
    @app_commands.describe(question="Start typing to find one of yours")
    async def prompts_remove(
        self, interaction: discord.Interaction[AttuneBot], question: app_commands.Range[str, 1, 100]
    ) -> None:
        await remove_own_prompt(interaction, await self._couple(interaction), question)

    @prompts_remove.autocomplete("question")
    async def own_questions(
        self, interaction: discord.Interaction[AttuneBot], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            couple = await self._couple(interaction)
        except UserFacingError:
            return []
        return await own_prompt_choices(interaction, couple, current)

    @checkin.command(name="nudges", description=NUDGES_DESCRIPTION)
    @app_commands.describe(enabled="True: tell me by DM. False: mention me in our thread instead")
    async def nudges(self, interaction: discord.Interaction[AttuneBot], enabled: bool) -> None:
        now = unix(self.bot.clock.now())
        await self.bot.services.people.set_dm_nudges(interaction.user.id, enabled, now)
        await interaction.response.send_message(NUDGES_ON if enabled else NUDGES_OFF, ephemeral=True)

    @personal.command(name="set", description="A private check-in by DM at your own time")
    @app_commands.describe(
        time="Local time, like 21:00 or 9pm",
        days="daily, weekdays, weekends, or mon,wed,fri",
        timezone="Your time zone, like Europe/London (default: your /timezone, else the server's)",
    )
    @app_commands.autocomplete(timezone=zone_autocomplete)
    async def personal_set(
        self,
        interaction: discord.Interaction[AttuneBot],
        time: app_commands.Range[str, 1, 20],
        days: app_commands.Range[str, 1, 60] | None = None,
        timezone: app_commands.Range[str, 1, 64] | None = None,
    ) -> None:
        zone_name = await self._zone_name(interaction, timezone)
        saved = await self.service.schedule(
            couple_id=None,
            user_id=interaction.user.id,
            time_text=time,
            days_text=days,
            zone_name=zone_name,
            reminder_minutes=None,
        )
        await interaction.response.send_message(
            f"Your personal check-ins: {self.service.describe(saved)}. They arrive by DM, so keep DMs open "
            "for this server.",
            ephemeral=True,
        )
        self._wake()

    @personal.command(name="off", description="Stop your personal check-ins")
    async def personal_off(self, interaction: discord.Interaction[AttuneBot]) -> None:
        schedule = await self.service.schedule_for_person(interaction.user.id)
        if schedule is None:
            raise UserFacingError("You don't have personal check-ins set up, so there's nothing to turn off.")
        await self.service.turn_off(schedule)
        await interaction.response.send_message(
            "Personal check-ins are off. Your journal keeps every answer.", ephemeral=True
        )

    @app_commands.command(name="timezone", description="Set your own time zone")
    @app_commands.describe(zone="Where you are, like Europe/London or America/New_York (type to search)")
    @app_commands.autocomplete(zone=zone_autocomplete)
    async def timezone(
        self, interaction: discord.Interaction[AttuneBot], zone: app_commands.Range[str, 1, 64]
    ) -> None:
        parsed = parse_zone(zone)
        await self.bot.services.people.set_timezone(
            interaction.user.id, parsed.key, unix(self.bot.clock.now())
        )
        await interaction.response.send_message(f"Your time zone is now {parsed.key}.", ephemeral=True)

    def _wake(self) -> None:
        self.dispatcher.wake()

    @commands.Cog.listener()
    async def on_app_command_completion(
        self,
        interaction: discord.Interaction[AttuneBot],
        command: app_commands.Command[Any, ..., Any] | app_commands.ContextMenu,
    ) -> None:
        # DMs had failed: now that the person is here, tell them once, privately, and try DMs again.
        if await self.bot.services.people.take_unreachable_notice(interaction.user.id):
            with contextlib.suppress(discord.HTTPException):
                await interaction.followup.send(
                    "I couldn't reach you by DM lately, so check-in notes didn't arrive. If you'd like them, "
                    "allow DMs from this server's members (Privacy Settings).",
                    ephemeral=True,
                )
