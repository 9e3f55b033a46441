"""Opening the check-in forms from their buttons: only the round's partners (or its person) may."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import NotFound, UserFacingError
from cogs.checkins.forms import AnswerModal, PersonalModal

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Answer, Round

NOT_YOURS = "That check-in isn't one of yours, so I can't open it."


async def open_answer(
    interaction: discord.Interaction[AttuneBot],
    round_id: int,
    found: tuple[Round, Answer | None] | None = None,
) -> None:
    # One query: the round, whether the presser is one of its partners (NotFound if not), and
    # their earlier answer to prefill. `found`: that query's answer, when the button already asked.
    bot = interaction.client
    service = bot.services.checkins
    round_, earlier = found or await service.round_for_partner(round_id, interaction.user.id)
    if round_.status != "open":
        raise UserFacingError("This check-in has closed. You can still write privately with /journal write.")
    prompt = await service.prompt_text(round_.prompt_id)
    await interaction.response.send_modal(AnswerModal(round_, prompt, earlier))


async def open_personal(
    bot: AttuneBot,
    interaction: discord.Interaction[AttuneBot],
    round_id: int,
    found: Round | None = None,
) -> None:
    round_ = found or await personal_round(bot, round_id, interaction.user.id)
    prompt = await bot.services.checkins.prompt_text(round_.prompt_id)
    await interaction.response.send_modal(PersonalModal(round_, prompt))


async def personal_round(bot: AttuneBot, round_id: int, user_id: int) -> Round:
    """A personal round of this person; anyone else's behaves like one that does not exist."""
    round_ = await bot.services.checkins.round(round_id)
    if round_ is None or round_.user_id != user_id:
        raise NotFound(NOT_YOURS)
    return round_
