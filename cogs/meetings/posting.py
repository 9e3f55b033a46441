"""What the meetings feature shares when it posts, one per bot: the pace, the poster id for claims,
the thread's health and finding a post after a crash (all as check-ins do them, through a
RoundPosting of its own), and redrawing a meeting's agenda card. A cog without commands, so the
buttons and forms of the feature find it with `MeetingPosting.of(bot)`."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Self

import discord
from discord.ext import commands

from bot.notify import Notifier
from bot.pacing import Pacer
from cogs.checkins.posting import RoundPosting

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.couples import Couple

log = logging.getLogger(__name__)


class MeetingPosting(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        self.service = bot.services.meetings
        self.couples = bot.services.couples
        self.notifications = bot.services.notifications
        # One pace for every send, thread trouble told once, a crashed post found before a repost.
        self.rounds = RoundPosting(bot)

    @classmethod
    def of(cls, bot: commands.Bot) -> Self:
        cog = bot.get_cog(cls.__cog_name__)
        if not isinstance(cog, cls):
            raise LookupError("the meetings extension is not loaded")
        return cog

    @property
    def pacer(self) -> Pacer:
        return self.rounds.pacer

    @property
    def notifier(self) -> Notifier:
        return self.rounds.notifier

    @property
    def run_id(self) -> str:
        return self.rounds.run_id

    def name(self, guild_id: int, user_id: int) -> str:
        return self.rounds.name(guild_id, user_id)

    async def edit_card(
        self, channel_id: int, message_id: int, embed: discord.Embed, view: discord.ui.View | None
    ) -> None:
        """Redraw a meeting's card; best effort (the database is what counts)."""
        try:
            message = self.bot.get_partial_messageable(channel_id).get_partial_message(message_id)
            await self.pacer.wait()
            await message.edit(embed=embed, view=view)
        except discord.HTTPException:
            log.info("Could not update a meeting's card")

    async def thread_trouble(self, couple: Couple, error: Exception) -> bool:
        return await self.rounds.thread_trouble(couple, error)

    async def thread_works(self, couple: Couple) -> None:
        await self.rounds.thread_works(couple)


def message_link(guild_id: int, channel_id: int | None, message_id: int | None) -> str:
    return f"https://discord.com/channels/{guild_id}/{channel_id}/{message_id}"
