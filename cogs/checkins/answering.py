"""Answering a check-in: the form, the save, and a reply that says only what has happened."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotFound, UserFacingError
from bot.modals import PersistentModal, Values, choice_values, headings, text_value
from bot.ui import mood_select
from cogs.resources.safety import asks_about_safety, send_safety

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Answer, Round
    from cogs.checkins.dispatch import CheckinDispatcher

# What comes back to the person if a submission fails or is refused (bot/modals.py).
ANSWER_GIVEN_BACK = headings(answer="Your answer")
NOT_YOURS = "That check-in isn't one of yours, so I can't open it."

REVEALED_NOW = "Saved. You've both answered, so your answers are in your thread now."
REVEAL_IN_FLIGHT = "Saved. You've both answered; your answers are being posted in your thread right now."
REVEAL_LATER = (
    "Saved. You've both answered, but I couldn't post your answers in your thread just now. "
    "I'll keep trying, and /checkin history shows them meanwhile."
)


async def open_answer(
    dispatcher: CheckinDispatcher, interaction: discord.Interaction[AttuneBot], round_id: int
) -> None:
    # One query: the round, whether the presser is one of its partners (NotFound if not), and
    # their earlier answer to prefill.
    service = dispatcher.service
    round_, earlier = await service.round_for_partner(round_id, interaction.user.id)
    if round_.status != "open":
        raise UserFacingError("This check-in has closed. You can still write privately with /journal write.")
    await interaction.response.send_modal(AnswerModal(round_, service.prompt_text(round_.prompt_id), earlier))


async def personal_round(bot: AttuneBot, round_id: int, user_id: int) -> Round:
    """The personal round, when it is this person's; NotFound for anyone else."""
    round_ = await bot.services.checkins.repo.round(round_id)
    if round_ is None or round_.user_id != user_id:
        raise NotFound(NOT_YOURS)
    return round_


async def open_personal(bot: AttuneBot, interaction: discord.Interaction[AttuneBot], round_id: int) -> None:
    round_ = await personal_round(bot, round_id, interaction.user.id)
    prompt = bot.services.checkins.prompt_text(round_.prompt_id)
    await interaction.response.send_modal(PersonalModal(round_, prompt))


async def answer_submitted(
    interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
) -> None:
    bot = interaction.client
    assert bot.checkin_dispatcher is not None
    # One query: the round and whether the submitter is one of its partners (NotFound if not).
    round_, _ = await bot.services.checkins.round_for_partner(int(match["round_id"]), interaction.user.id)
    await submit_answer(
        bot.checkin_dispatcher, interaction, round_, mood_of(values), text_value(values, "answer")
    )


async def personal_submitted(
    interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
) -> None:
    bot = interaction.client
    assert bot.checkin_dispatcher is not None
    round_ = await personal_round(bot, int(match["round_id"]), interaction.user.id)
    mood, body = mood_of(values), text_value(values, "answer")
    await submit_personal(bot.checkin_dispatcher, interaction, round_, mood, body)


async def submit_answer(
    dispatcher: CheckinDispatcher,
    interaction: discord.Interaction[AttuneBot],
    round_: Round,
    mood: int,
    body: str,
) -> None:
    # Saved (committed) before the modal is acknowledged: an acknowledged answer is never lost.
    result = await dispatcher.service.answer(round_, interaction.user.id, mood, body)
    if not result.ready_to_reveal:
        note = (
            "Updated. Your partner will see it once they've answered too."
            if result.edited
            else "Saved, privately. Your partner will see it once they've answered too."
        )
        await interaction.response.send_message(note, ephemeral=True)
        fresh = await dispatcher.repo.round(round_.id)
        if fresh is not None and fresh.status == "open":
            await dispatcher.refresh_round_message(fresh, status="open")
        return
    # The reply waits for the reveal's outcome, so it says what really happened.
    await interaction.response.defer(ephemeral=True, thinking=True)
    fresh = await dispatcher.repo.round(round_.id)
    if fresh is not None:
        await dispatcher.reveal(fresh)
    after = await dispatcher.repo.round(round_.id)
    if after is not None and after.reveal_message_id is not None:
        note = REVEALED_NOW
    elif after is not None and after.claimed_by == dispatcher.run_id:
        note = REVEAL_IN_FLIGHT
    else:
        note = REVEAL_LATER
    await interaction.followup.send(note, ephemeral=True)


async def submit_personal(
    dispatcher: CheckinDispatcher,
    interaction: discord.Interaction[AttuneBot],
    round_: Round,
    mood: int,
    body: str,
) -> None:
    journal = dispatcher.bot.services.journal
    # The words are committed (in the journal) before the acknowledgement; marking the round
    # answered is bookkeeping the person does not wait for.
    entry = await journal.save_checkin_answer(
        user_id=interaction.user.id, body=body, mood=mood, prompt_id=round_.prompt_id, round_id=round_.id
    )
    await interaction.response.send_message(
        f"Saved to your private journal as entry {entry.number}. Thank you for checking in with yourself.",
        ephemeral=True,
    )
    bot = dispatcher.bot
    if asks_about_safety(bot.content.prompt(round_.prompt_id)):  # "Do I feel safe with my partner?"
        await send_safety(bot, interaction, bot.content.safety.asked_lead)
    await dispatcher.repo.mark_personal_answered(round_.id, interaction.user.id)


class AnswerModal(PersistentModal, route="checkin:modal:{round_id}"):
    """A partner's answer to a couple round."""

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

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        await answer_submitted(interaction, match, values)


class PersonalModal(PersistentModal, route="checkin:personal-modal:{round_id}"):
    """A personal check-in's answer, kept in the person's journal."""

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

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        await personal_submitted(interaction, match, values)


def mood_of(values: Values) -> int:
    """The picked mood, or 0 (which the service refuses kindly) when the value is not 1 to 5."""
    picked = choice_values(values, "mood")
    return int(picked[0]) if picked and picked[0] in {"1", "2", "3", "4", "5"} else 0
