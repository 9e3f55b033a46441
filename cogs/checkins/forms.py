"""The check-in forms. Their submissions are answered by bot.modals (registered by this
extension, see answering.py), so an answer typed across a restart is still kept."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.modals import PersistentModal, Values, choice_values

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Answer, Round

ANSWER_MODAL = r"attune:checkin:modal:(?P<round_id>[0-9]{1,20})"
PERSONAL_MODAL = r"attune:checkin:personal-modal:(?P<round_id>[0-9]{1,20})"
# What comes back to the person if a submission fails or is refused (bot/modals.py).
ANSWER_GIVEN_BACK = {"answer": "Your answer"}

MOODS = (
    ("1", "1 · really hard"),
    ("2", "2 · low"),
    ("3", "3 · okay"),
    ("4", "4 · good"),
    ("5", "5 · really good"),
)


def mood_select(default: int | None = None) -> discord.ui.Select[Any]:
    return discord.ui.Select(
        custom_id="mood",
        options=[
            discord.SelectOption(
                label=label, value=value, default=default is not None and int(value) == default
            )
            for value, label in MOODS
        ],
        min_values=1,
        max_values=1,
    )


class AnswerModal(PersistentModal):
    """A partner's answer to a couple round; answered by answering.answer_submitted."""

    def __init__(self, bot: AttuneBot, round_: Round, prompt: str, earlier: Answer | None) -> None:
        super().__init__(title="Your check-in", custom_id=f"attune:checkin:modal:{round_.id}")
        self.bot = bot
        self.round = round_
        self.add_item(
            discord.ui.TextDisplay(f"**{prompt}**\nYour partner sees this only once you've both answered.")
        )
        self.mood = mood_select(earlier.mood if earlier else None)
        self.add_item(discord.ui.Label(text="How are you feeling?", component=self.mood))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=2000,
            default=earlier.body if earlier else None,
            placeholder="Whatever is true for you right now.",
        )
        self.add_item(discord.ui.Label(text="Your answer", component=self.body))


class PersonalModal(PersistentModal):
    """A personal check-in's answer; answered by answering.personal_submitted."""

    def __init__(self, bot: AttuneBot, round_: Round, prompt: str) -> None:
        super().__init__(title="Your check-in", custom_id=f"attune:checkin:personal-modal:{round_.id}")
        self.bot = bot
        self.round = round_
        self.add_item(discord.ui.TextDisplay(f"**{prompt}**\nThis goes to your private journal only."))
        self.mood = mood_select()
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
