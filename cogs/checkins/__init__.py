"""Check-ins: partner rounds in the couple's thread, personal check-ins by DM, /timezone."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.checkins.answers import CheckinAnswers
from cogs.checkins.cog import CheckinCog
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.forms import ANSWER_GIVEN_BACK, ANSWER_MODAL, PERSONAL_MODAL
from cogs.checkins.posting import RoundPosting
from cogs.checkins.views import AnswerButton, HistoryPageButton, WriteButton


async def setup(bot: AttuneBot) -> None:
    # The job and the answer flow post alike: one pace, one poster id for claims.
    posting = RoundPosting(bot)
    dispatcher = CheckinDispatcher(posting)
    answers = CheckinAnswers(posting)
    bot.add_dynamic_items(AnswerButton, WriteButton, HistoryPageButton)
    bot.modals.register(ANSWER_MODAL, answers.answer_submitted, give_back=ANSWER_GIVEN_BACK)
    bot.modals.register(PERSONAL_MODAL, answers.personal_submitted, give_back=ANSWER_GIVEN_BACK)
    await bot.add_cog(CheckinCog(bot, dispatcher))
    await bot.add_cog(dispatcher)  # installs the job; unloading the extension stops it
