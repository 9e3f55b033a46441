"""Check-ins: partner rounds in the couple's thread, personal check-ins by DM, /timezone."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.checkins.answering import AnswerModal, PersonalModal
from cogs.checkins.cog import CheckinCog
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.history import HistoryPageButton
from cogs.checkins.views import DYNAMIC_ITEMS


async def setup(bot: AttuneBot) -> None:
    bot.checkin_dispatcher = CheckinDispatcher(bot)
    bot.add_dynamic_items(*DYNAMIC_ITEMS, HistoryPageButton)
    bot.modals.add(AnswerModal, PersonalModal)
    await bot.add_cog(CheckinCog(bot))
    bot.checkin_dispatcher.install()


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(AnswerModal, PersonalModal)
