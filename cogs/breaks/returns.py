"""The return of a break: ONE APScheduler job polls the database for breaks whose time is up and
reminds both partners in their thread, with a gentle restart prompt and three buttons.

The database is the source of truth: each reminder is claimed (for this process) before it is
posted, and recorded once posted, so a second run or a restart never posts it twice; a reminder a
stopped process had claimed is looked for in the thread before it is posted again. One that falls
due while Attune is away is posted up to the service's grace late, and never later: the break is
closed quietly instead. Each partner is told once (bot/services/notifications.py): mentioned in the
reminder, or by DM with a link. Tests call `tick()` after moving the FakeClock.

custom_ids: attune:break:ready:<break> and attune:break:another:<break> (either partner of the
break's couple may press them, nobody else), and "I need a bit longer" (the person who asked only:
cogs/breaks/views.py).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from typing import TYPE_CHECKING

import discord

from bot.components import AttuneButton, persistent_view
from bot.jobs import JobCog
from bot.notify import Notifier, mentioning, with_mentions
from bot.records.breaks import BreakStatus
from bot.ui import ATTUNE_COLOUR
from cogs.breaks.views import MoreButton, name_of, tell_partner

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.content import Breaks
    from bot.records.breaks import DueReturn

log = logging.getLogger(__name__)

JOB_ID = "attune:breaks:returns"
INTERVAL_SECONDS = 30
HISTORY_LOOKED_AT = 50  # recent messages searched for a reminder posted before a stop

RETURN_TEXT = "The pause is over: time to come back together, whenever you're both ready."
NOT_OURS = "This is for the two of you in this thread, so it does nothing for you. Nothing was changed."

Interaction = discord.Interaction["AttuneBot"]


def reminder_embed(texts: Breaks) -> discord.Embed:
    embed = discord.Embed(title="Coming back together", description=texts.return_prompt, colour=ATTUNE_COLOUR)
    embed.set_footer(text=texts.safety)
    return embed


class BreakReturns(JobCog):
    job_id = JOB_ID
    interval_seconds = INTERVAL_SECONDS
    failed_note = "Break returns failed; they run again shortly"
    stopped_note = "Break returns stopped for shutdown; what is due stays due"

    def __init__(self, bot: AttuneBot) -> None:
        super().__init__(bot)
        self._lock = asyncio.Lock()
        # Claims name the process holding them: after a stop, the next process takes them over.
        self.run_id = secrets.token_hex(8)

    async def tick(self) -> None:
        """Close what fell due too long ago, then remind each couple whose break is up. Safe to run
        at any time."""
        service = self.bot.services.breaks
        async with self._lock:
            for due in await service.claim_due(self.run_id):
                try:
                    await self._remind(due)
                except Exception as error:
                    # Tried again next run, within the grace; never posted late after it.
                    log.warning(
                        "The return reminder of break %s failed (%s)", due.break_.id, type(error).__name__
                    )
                    await service.release_reminder(due.break_.id, self.run_id)

    async def _remind(self, due: DueReturn) -> None:
        bot = self.bot
        service = bot.services.breaks
        break_ = due.break_
        couple = await bot.services.couples.couple_by_id(break_.couple_id)
        if couple is None or couple.status != "active":
            await service.close_quietly(break_.id)
            return
        thread = await bot.threads.ensure_thread(couple)
        if due.attempt > 1 and (found := await self._posted_before(thread, break_.id)) is not None:
            await service.reminded(break_.id, self.run_id, thread.id, found.id)
            return
        # Nobody acted (the time came): each partner told once, here or by DM.
        plan = await bot.services.notifications.plan(couple.partner_ids, actor_id=None)
        message = await thread.send(
            content=with_mentions(plan.mention, RETURN_TEXT),
            embed=reminder_embed(bot.content.breaks),
            view=reminder_view(break_.user_id, break_.id),
            allowed_mentions=mentioning(plan.mention),
        )
        if not await service.reminded(break_.id, self.run_id, thread.id, message.id):
            await _quietly_delete(message)  # ended meanwhile: nothing to come back from
            return
        await bot.services.privacy.record_post(break_.user_id, thread.id, message.id)
        await Notifier(bot).tell(
            plan.dm,
            f"{RETURN_TEXT} It's in your thread: {message.jump_url}",
            channel_id=thread.id,
            message_id=message.id,
            thread_text=RETURN_TEXT,
        )

    async def _posted_before(self, thread: discord.Thread, break_id: int) -> discord.Message | None:
        """A reminder a stopped process posted but could not record: found by its button."""
        wanted = ReadyButton.custom_id_for(break_id=break_id)
        async for message in thread.history(limit=HISTORY_LOOKED_AT):
            mine = self.bot.user is None or message.author.id == self.bot.user.id
            ids = {
                getattr(c, "custom_id", None)
                for row in message.components
                for c in getattr(row, "children", [])
            }
            if mine and wanted in ids:
                return message
        return None


async def _quietly_delete(message: discord.Message) -> None:
    try:
        await message.delete()
    except discord.HTTPException:
        log.info("Could not take down a return reminder of a break that had ended")


class _AnswerButton(AttuneButton):
    """Either partner of the break's couple may press it, nobody else."""

    break_id: int
    refusal = NOT_OURS

    async def may_press(self, interaction: Interaction) -> bool:
        return await interaction.client.services.breaks.may_answer(self.break_id, interaction.user.id)


class ReadyButton(_AnswerButton, route="break:ready:{break_id}"):
    label = "I'm ready to talk"
    style = discord.ButtonStyle.success

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        _, couple = await bot.services.breaks.answer(self.break_id, interaction.user.id, BreakStatus.READY)
        await interaction.response.edit_message(view=None)
        name = name_of(interaction.user.display_name)
        await tell_partner(bot, couple, interaction.user, f"{name} is ready to talk when you are.")


class AnotherTimeButton(_AnswerButton, route="break:another:{break_id}"):
    label = "Let's pick another time"

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        answer = BreakStatus.ANOTHER_TIME
        _, couple = await bot.services.breaks.answer(self.break_id, interaction.user.id, answer)
        await interaction.response.edit_message(view=None)
        agree = discord.Embed(description=bot.content.breaks.another_time, colour=ATTUNE_COLOUR)
        name = name_of(interaction.user.display_name)
        await tell_partner(
            bot, couple, interaction.user, f"{name} would like to pick another time to talk.", embed=agree
        )


def reminder_view(owner_id: int, break_id: int) -> discord.ui.View:
    return persistent_view(
        ReadyButton(break_id=break_id),
        MoreButton(owner_id=owner_id, break_id=break_id),
        AnotherTimeButton(break_id=break_id),
    )
