"""The answer flow: saving a submitted answer, and posting the reveal when both partners have
answered; the reply says only what has happened. Its handlers answer the check-in forms
(registered by this extension with bot.modals), so an answer typed across a restart is kept."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import discord

from bot.modals import Values, text_value
from cogs.checkins.answering import personal_round
from cogs.checkins.forms import mood_of
from cogs.checkins.reveals import reveal
from cogs.resources.safety import asks_about_safety, send_safety

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Round
    from cogs.checkins.posting import RoundPosting

REVEALED_NOW = "Saved. You've both answered, so your answers are in your thread now."
REVEAL_IN_FLIGHT = "Saved. You've both answered; your answers are being posted in your thread right now."
REVEAL_LATER = (
    "Saved. You've both answered, but I couldn't post your answers in your thread just now. "
    "I'll keep trying, and /checkin history shows them meanwhile."
)


class CheckinAnswers:
    def __init__(self, posting: RoundPosting) -> None:
        self.posting = posting
        self.bot = posting.bot
        self.service = posting.service

    async def answer_submitted(
        self, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        # The save itself checks that the submitter is one of the round's partners: no read first.
        round_id = int(match["round_id"])
        await self.submit_answer(interaction, round_id, mood_of(values), text_value(values, "answer"))

    async def personal_submitted(
        self, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        round_ = await personal_round(self.bot, int(match["round_id"]), interaction.user.id)
        mood, body = mood_of(values), text_value(values, "answer")
        await self.submit_personal(interaction, round_, mood, body)

    async def submit_answer(
        self, interaction: discord.Interaction[AttuneBot], round_id: int, mood: int, body: str
    ) -> None:
        # Saved (committed) before the modal is acknowledged: an acknowledged answer is never lost.
        result = await self.service.answer_round(round_id, interaction.user.id, mood, body)
        if not result.ready_to_reveal:
            note = (
                "Updated. Your partner will see it once they've answered too."
                if result.edited
                else "Saved, privately. Your partner will see it once they've answered too."
            )
            await interaction.response.send_message(note, ephemeral=True)
            if result.edited:
                return  # who has answered is unchanged: the round's message already shows it
            fresh = await self.service.round(round_id)
            if fresh is not None and fresh.status == "open":
                await self.posting.refresh_round_message(fresh, status="open")
            return
        # The reply waits for the reveal's outcome, so it says what really happened.
        await interaction.response.defer(ephemeral=True, thinking=True)
        fresh = await self.service.round(round_id)
        if fresh is not None:
            await reveal(self.posting, fresh)
        after = await self.service.round(round_id)
        if after is not None and after.reveal_message_id is not None:
            note = REVEALED_NOW
        elif after is not None and after.claimed_by == self.posting.run_id:
            note = REVEAL_IN_FLIGHT
        else:
            note = REVEAL_LATER
        await interaction.followup.send(note, ephemeral=True)

    async def submit_personal(
        self, interaction: discord.Interaction[AttuneBot], round_: Round, mood: int, body: str
    ) -> None:
        # The words are committed (in the journal) before the acknowledgement; marking the round
        # answered is bookkeeping the person does not wait for.
        entry = await self.bot.services.journal.save_checkin_answer(
            user_id=interaction.user.id, body=body, mood=mood, prompt_id=round_.prompt_id, round_id=round_.id
        )
        await interaction.response.send_message(
            f"Saved to your private journal as entry {entry.number}. "
            "Thank you for checking in with yourself.",
            ephemeral=True,
        )
        bot = self.bot
        if asks_about_safety(bot.content.prompt(round_.prompt_id)):  # "Do I feel safe with my partner?"
            await send_safety(bot, interaction, bot.content.safety.asked_lead)
        await self.service.mark_personal_answered(round_.id, interaction.user.id)
