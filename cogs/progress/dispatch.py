"""Weekly summaries and streak heads-ups: ONE APScheduler job polls what is due in the database.

Everything is recorded before it is posted (a summary row is claimed 'posting', a heads-up row is
inserted), so a restart or a second tick never posts anything twice. Tests call `tick()` after
moving the FakeClock. A cog of its own: installed when the extension loads, stopped when it unloads.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.jobs import JobCog
from bot.notify import Notifier
from bot.ui import ATTUNE_COLOUR

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.progress import OpenRound, SummaryPost
    from bot.services.progress import WeeklySummary
    from bot.services.streaks import Streak

log = logging.getLogger(__name__)

JOB_ID = "attune:progress:weekly"
INTERVAL_SECONDS = 60
OWN_WEEK = (
    "What each of you does on your own (exercises, journal, check-ups) stays with you: "
    "`/progress show` shows you yours, privately."
)


def streak_text(current: int) -> str:
    if current == 0:
        return "A fresh start: the next check-in you both answer begins a new streak."
    plural = "check-in" if current == 1 else "check-ins in a row"
    return f"{current} {plural} answered together."


def summary_embed(summary: WeeklySummary) -> discord.Embed:
    """The week the couple shared, for their thread: only what they did together. What each of
    them did alone (exercises, journal, check-ups) is theirs, in /progress show, never set side by side."""
    lines = [
        f"Check-ins this week: {summary.rounds_posted} posted, "
        f"{summary.rounds_together} answered by you both.",
        f"Your streak: {streak_text(summary.streak.current)}",
    ]
    if summary.streak.forgiveness_used:
        lines.append("One missed check-in this week was forgiven. Life happens.")
    embed = discord.Embed(title="Your week together", description="\n".join(lines), colour=ATTUNE_COLOUR)
    embed.add_field(name="Something to talk about", value=summary.prompt, inline=False)
    embed.add_field(
        name="Your own week",
        value=OWN_WEEK,
        inline=False,
    )
    embed.set_footer(text="Change the day or turn this off with /progress summary.")
    return embed


class ProgressDispatcher(JobCog):
    job_id = JOB_ID
    interval_seconds = INTERVAL_SECONDS
    failed_note = "Progress dispatch failed; it will run again shortly"
    stopped_note = "Progress dispatch stopped for shutdown; the rest resumes on next start"

    def __init__(self, bot: AttuneBot) -> None:
        super().__init__(bot)
        self.service = bot.services.progress
        self._tick_lock = asyncio.Lock()

    async def tick(self) -> None:
        """Record due summaries, post them, send heads-ups. Safe to run at any time."""
        async with self._tick_lock:
            await self.service.record_due_summaries()
            for post in await self.service.claim_pending_summaries(limit=500):
                try:
                    await self._post_summary(post)
                except Exception:
                    log.exception("Weekly summary %s could not be posted; will retry", post.id)
                    await self.service.release_summary(post.id)
            for open_round, streak in await self.service.heads_up_rounds():
                try:
                    await self._heads_up(open_round, streak)
                except Exception:
                    log.exception("Heads-up for round %s failed", open_round.round_id)
            for user_id in await self.service.checkup_offers_due():
                try:
                    await self._offer_checkup(user_id)
                except Exception:
                    log.exception("A checkup offer failed")

    # -- weekly summary ------------------------------------------------------------------------

    async def _post_summary(self, post: SummaryPost) -> None:
        couple = await self.bot.services.couples.couple_by_id(post.couple_id)
        if couple is None or couple.status != "active":
            await self.service.skip_summary(post.id)
            return
        summary = await self.service.weekly_summary(couple, post.due_at)
        thread = await self.bot.threads.ensure_thread(couple)
        message = await thread.send(
            embed=summary_embed(summary), allowed_mentions=discord.AllowedMentions.none()
        )
        await self.service.finish_summary(post.id, thread.id, message.id)

    # -- the one heads-up ----------------------------------------------------------------------

    async def _heads_up(self, open_round: OpenRound, streak: Streak) -> None:
        couple = await self.bot.services.couples.couple_by_id(open_round.couple_id)
        if couple is None or couple.status != "active":
            return
        if not await self.service.claim_heads_up(open_round.round_id, couple.id):
            return  # already sent (or being sent): once, ever
        message_id: int | None = None
        try:
            thread = await self.bot.threads.ensure_thread(couple)
            message = await thread.send(
                f"A gentle heads-up: today's check-in closes <t:{open_round.closes_at}:R>. You've answered "
                f"{streak.current} together in a row, and this one would be the second missed this week. "
                "If you each have a quiet minute, it's still waiting. If not, that's okay too.",
                allowed_mentions=discord.AllowedMentions.none(),
            )
            message_id = message.id
        finally:
            await self.service.finish_heads_up(open_round.round_id, message_id)

    # -- the monthly checkup offer -------------------------------------------------------------

    async def _offer_checkup(self, user_id: int) -> None:
        """A gentle private note by DM, once a month from the end of the couple's first month on
        (who is due, and when, is the service's rule: `checkup_offers_due`)."""
        if not await self.service.claim_monthly_offer(user_id):
            return
        # Like every DM: straight to their kept DM channel, closed DMs recorded, and kept for
        # /privacy delete to take down.
        if (
            await Notifier(self.bot).dm(user_id, content=self.bot.content.checkup.monthly_nudge.strip())
            is None
        ):
            log.info("A checkup offer could not be delivered")
