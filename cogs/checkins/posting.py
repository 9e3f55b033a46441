"""What the check-in job and the answer flow share when they post: one pace for every send, one
poster id for claims, the couple's thread health, and redrawing a round's message."""

from __future__ import annotations

import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING

import discord

from bot.notify import Notifier
from bot.pacing import Pacer
from bot.ui import cached_display_name
from cogs.checkins.trouble import as_thread_trouble, trouble_notice
from cogs.checkins.views import round_embed, round_view

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Round
    from bot.records.couples import Couple

log = logging.getLogger(__name__)

SENDS_PER_SECOND = 40.0


class RoundPosting:
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        self.service = bot.services.checkins
        self.couples = bot.services.couples
        self.notifications = bot.services.notifications
        self.pacer = Pacer(SENDS_PER_SECOND)
        # Read at each send, so a pacer swapped in later (tests, benchmarks) paces the DMs too.
        self.notifier = Notifier(bot, pace=lambda: self.pacer.wait())
        # Claims on a post name the process holding them: one poster per round here, and after a
        # crash the next process takes the claim over (looking for the message before posting).
        self.run_id = secrets.token_hex(8)

    def name(self, guild_id: int, user_id: int) -> str:
        return cached_display_name(self.bot, guild_id, user_id)

    @staticmethod
    def not_told(couple: Couple, message: discord.Message, actor_id: int | None) -> tuple[int, ...]:
        """The partners a post found in the thread (after a crash) did not mention, but the actor."""
        return tuple(uid for uid in couple.partner_ids if uid != actor_id and uid not in message.raw_mentions)

    @contextlib.asynccontextmanager
    async def claim_released_on_error(self, round_id: int) -> AsyncIterator[None]:
        """Any failure after a claim releases it, so the round is tried again at its retry time;
        a later try looks for the message first, so a post that did go out is never repeated."""
        try:
            yield
        except Exception:
            with contextlib.suppress(Exception):
                await self.service.release_claim(round_id, self.run_id)
            raise

    async def find_own(
        self, channel: discord.abc.Messageable, is_it: Callable[[discord.Message], bool]
    ) -> discord.Message | None:
        """A recent message of Attune's in `channel` that `is_it` recognises (after a crash mid-post)."""
        await self.pacer.wait()
        async for message in channel.history(limit=50):
            mine = self.bot.user is None or message.author.id == self.bot.user.id
            if mine and is_it(message):
                return message
        return None

    # -- when the thread can't be posted in ------------------------------------------------------

    async def thread_trouble(self, couple: Couple, error: Exception) -> bool:
        """Handle an error that means the couple's thread can't be posted in: noted once, logged
        once, the couple told once by DM (what is wrong, and what a moderator must do). False for
        any other error, which the caller lets through."""
        problem = as_thread_trouble(error)
        if problem is None:
            return False
        if await self.couples.thread_unreachable(couple.id, problem):
            log.warning(
                "Can't post in the thread of couple %s (%s); retrying with backoff, the couple is told once",
                couple.id,
                problem,
            )
        if await self.couples.claim_thread_notice(couple.id):
            notice = trouble_notice(self.bot, couple, problem)
            for user_id in couple.partner_ids:
                await self.notifier.dm(user_id, content=notice)
        return True

    async def thread_works(self, couple: Couple) -> None:
        if couple.thread_problem is not None and await self.couples.thread_reachable(couple.id):
            log.info("Posting in the thread of couple %s works again", couple.id)

    # -- the round's own message -----------------------------------------------------------------

    async def refresh_round_message(self, round_: Round, status: str) -> None:
        """Redraw the round's message: who has answered, and its Answer button while it is open."""
        if round_.couple_id is None or round_.channel_id is None or round_.message_id is None:
            return
        couple = await self.couples.couple_by_id(round_.couple_id)
        if couple is None:
            return
        answered = await self.service.answered_user_ids(round_.id)
        names = [(self.name(couple.guild_id, uid), uid in answered) for uid in couple.partner_ids]
        embed = round_embed(await self.service.prompt_text(round_.prompt_id), names, status)
        try:
            # A partial message needs no channel lookup (no extra request for an uncached thread).
            message = self.bot.get_partial_messageable(round_.channel_id).get_partial_message(
                round_.message_id
            )
            view = round_view(round_.id) if status == "open" else None
            await self.pacer.wait()  # a day's rounds all close together: the edits are a burst too
            await message.edit(embed=embed, view=view)
        except discord.HTTPException:
            log.info("Could not update the message of check-in round %s", round_.id)


def round_link(guild_id: int, round_: Round) -> str:
    return f"https://discord.com/channels/{guild_id}/{round_.channel_id}/{round_.message_id}"
