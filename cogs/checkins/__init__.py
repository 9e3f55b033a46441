"""Check-ins: partner rounds in the couple's thread, personal check-ins by DM, /timezone."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.checkins.cog import CheckinCog
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.views import AnswerButton, HistoryPageButton, WriteButton


async def setup(bot: AttuneBot) -> None:
    bot.checkin_dispatcher = CheckinDispatcher(bot)
    bot.add_dynamic_items(AnswerButton, WriteButton, HistoryPageButton)
    await bot.add_cog(CheckinCog(bot))
    bot.checkin_dispatcher.install()
