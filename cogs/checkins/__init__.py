"""Check-ins: partner rounds in the couple's thread, personal check-ins by DM, /timezone."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.checkins.answering import answer_submitted, personal_submitted
from cogs.checkins.cog import CheckinCog
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.forms import ANSWER_GIVEN_BACK, ANSWER_MODAL, PERSONAL_MODAL
from cogs.checkins.views import AnswerButton, HistoryPageButton, WriteButton


async def setup(bot: AttuneBot) -> None:
    bot.checkin_dispatcher = CheckinDispatcher(bot)
    bot.add_dynamic_items(AnswerButton, WriteButton, HistoryPageButton)
    bot.modals.register(ANSWER_MODAL, answer_submitted, give_back=ANSWER_GIVEN_BACK)
    bot.modals.register(PERSONAL_MODAL, personal_submitted, give_back=ANSWER_GIVEN_BACK)
    await bot.add_cog(CheckinCog(bot))
    bot.checkin_dispatcher.install()
