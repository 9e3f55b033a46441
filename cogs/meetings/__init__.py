"""The weekly couple meeting: a short guided agenda in the couple's thread, on a schedule or now."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.meetings.agenda import DYNAMIC_ITEMS, answer_submitted, topic_submitted
from cogs.meetings.cog import MeetingCog
from cogs.meetings.dispatch import MeetingDispatcher
from cogs.meetings.forms import AnswerModal, TopicModal
from cogs.meetings.posting import MeetingPosting


async def setup(bot: AttuneBot) -> None:
    # The job, the buttons and the forms post alike: one pace, one poster id for claims.
    posting = MeetingPosting(bot)
    dispatcher = MeetingDispatcher(posting)
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.add(AnswerModal, submitted=answer_submitted)
    bot.modals.add(TopicModal, submitted=topic_submitted)
    await bot.add_cog(posting)
    await bot.add_cog(MeetingCog(bot, dispatcher))
    await bot.add_cog(dispatcher)  # installs the job; unloading the extension stops it


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(AnswerModal, TopicModal)
