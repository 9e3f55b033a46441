"""The check-in forms. Their submissions are answered through bot.modals by the answer flow
(cogs/checkins/answers.py, registered by this extension), so an answer typed across a restart is
still kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.modals import PersistentModal, Values, choice_values, headings
from bot.ui import mood_select

if TYPE_CHECKING:
    from bot.records.checkins import Answer, Round

# What comes back to the person if a submission fails or is refused (bot/modals.py).
ANSWER_GIVEN_BACK = headings(answer="Your answer")


class AnswerModal(PersistentModal, route="checkin:modal:{round_id}"):
    """A partner's answer to a couple round; answered by CheckinAnswers.answer_submitted."""

    given_back = ANSWER_GIVEN_BACK

    def __init__(self, round_: Round, prompt: str, earlier: Answer | None) -> None:
        super().__init__(title="Your check-in", custom_id=self.custom_id_for(round_id=round_.id))
        self.add_item(
            discord.ui.TextDisplay(f"**{prompt}**\nYour partner sees this only once you've both answered.")
        )
        self.mood = mood_select(earlier.mood if earlier else None, required=True)
        self.add_item(discord.ui.Label(text="How are you feeling?", component=self.mood))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=2000,
            default=earlier.body if earlier else None,
            placeholder="Whatever is true for you right now.",
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.body))


class PersonalModal(PersistentModal, route="checkin:personal-modal:{round_id}"):
    """A personal check-in's answer, kept in the person's journal; answered by
    CheckinAnswers.personal_submitted."""

    given_back = ANSWER_GIVEN_BACK

    def __init__(self, round_: Round, prompt: str) -> None:
        super().__init__(title="Your check-in", custom_id=self.custom_id_for(round_id=round_.id))
        self.add_item(discord.ui.TextDisplay(f"**{prompt}**\nThis goes to your private journal only."))
        self.mood = mood_select(required=True)
        self.add_item(discord.ui.Label(text="How are you feeling?", component=self.mood))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=4000,
            placeholder="Whatever is true for you right now. Only you will read this.",
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.body))


def mood_of(values: Values) -> int:
    """The picked mood, or 0 (which the service refuses kindly) when the value is not 1 to 5."""
    picked = choice_values(values, "mood")
    return int(picked[0]) if picked and picked[0] in {"1", "2", "3", "4", "5"} else 0
