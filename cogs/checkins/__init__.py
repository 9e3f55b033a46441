"""Check-ins: partner rounds in the couple's thread, personal check-ins by DM, /timezone."""

from __future__ import annotations

from bot.client import AttuneBot
from bot.components import persistent_items
from cogs.checkins.answers import CheckinAnswers
from cogs.checkins.cog import CheckinCog
from cogs.checkins.dispatch import CheckinDispatcher
from cogs.checkins.forms import AnswerModal, PersonalModal
from cogs.checkins.history import HistoryPageButton
from cogs.checkins.posting import RoundPosting
from cogs.checkins.themes import ThemeSelect
from cogs.checkins.views import DYNAMIC_ITEMS


async def setup(bot: AttuneBot) -> None:
    # The job and the answer flow post alike: one pace, one poster id for claims.
    posting = RoundPosting(bot)
    dispatcher = CheckinDispatcher(posting)
    answers = CheckinAnswers(posting)
    bot.add_dynamic_items(*DYNAMIC_ITEMS, HistoryPageButton, *persistent_items(ThemeSelect))
    bot.modals.add(AnswerModal, submitted=answers.answer_submitted)
    bot.modals.add(PersonalModal, submitted=answers.personal_submitted)
    await bot.add_cog(CheckinCog(bot, dispatcher))
    await bot.add_cog(dispatcher)  # installs the job; unloading the extension stops it


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(AnswerModal, PersonalModal)
