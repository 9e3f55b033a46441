"""The erase confirmation: a modal where the person types a phrase. Answered through bot.modals,
so it works the same before and after a restart; a wrong phrase changes nothing."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.errors import UserFacingError
from bot.modals import PersistentModal, Values, headings, text_value
from bot.records.privacy import Erasure, RevealLeft
from bot.services.privacy import CONFIRM_PHRASE, WRONG_PHRASE, phrase_matches
from cogs.checkins.views import reveal_embeds

if TYPE_CHECKING:
    from bot.client import AttuneBot

log = logging.getLogger(__name__)

WARNING = (
    "This erases **everything** Attune keeps about you, in every server: your journal, reflections, "
    "exercise notes, boundaries, check-in answers, settings and schedules, and takes down what "
    "Attune posted for you alone. In check-ins you shared, your partner keeps their own answers. "
    "It can't be undone: /privacy export first if you'd like a copy."
)


class DeleteModal(PersistentModal, route="privacy:delete"):
    given_back = headings()  # a confirmation phrase, not anyone's words

    def __init__(self) -> None:
        super().__init__(title="Erase everything Attune keeps", custom_id=self.custom_id_for())
        self.add_item(discord.ui.TextDisplay(WARNING))
        self.phrase: discord.ui.TextInput[DeleteModal] = discord.ui.TextInput(
            custom_id="phrase", max_length=100, placeholder=CONFIRM_PHRASE
        )
        self.add_item(discord.ui.Label(text=f"Type “{CONFIRM_PHRASE}” to confirm", component=self.phrase))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        typed = text_value(values, "phrase")
        if not phrase_matches(typed):
            raise UserFacingError(WRONG_PHRASE)
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = interaction.client
        erasure = await bot.services.privacy.erase(interaction.user.id, typed)  # one transaction
        removed = await take_down(bot, erasure)  # Discord, best effort, after the database
        await interaction.followup.send(summary(erasure, removed), ephemeral=True)


def summary(erasure: Erasure, removed: int) -> str:
    if erasure.total == 0 and not erasure.messages:
        return "Done. Attune had nothing about you to erase, and keeps nothing now."
    posts = (
        f" I took down {removed} message{'s' if removed != 1 else ''} Attune had posted for you."
        if removed
        else ""
    )
    missed = len(erasure.messages) - removed
    left = (
        f" {missed} message{'s' if missed != 1 else ''} couldn't be reached (the thread may be closed "
        "to me); you or a moderator can delete those by hand."
        if missed > 0
        else ""
    )
    return f"Done. Everything Attune kept about you is erased.{posts}{left}"


async def take_down(bot: AttuneBot, erasure: Erasure) -> int:
    """Delete the person's own posts and DMs, and leave revealed rounds with the partner's side only."""
    removed = 0
    for ref in erasure.messages:
        try:
            await bot.get_partial_messageable(ref.channel_id).get_partial_message(ref.message_id).delete()
            removed += 1
        except discord.NotFound:
            removed += 1  # already gone is what was wanted
        except discord.HTTPException:
            log.info("Could not delete message %s in channel %s", ref.message_id, ref.channel_id)
    for reveal in erasure.reveals:
        message = bot.get_partial_messageable(reveal.channel_id).get_partial_message(reveal.message_id)
        try:
            if not reveal.remaining:
                await message.delete()
                continue
            await message.edit(content=None, embeds=await _partner_side(bot, reveal.channel_id, reveal))
        except discord.HTTPException:
            log.info("Could not update the revealed check-in %s", reveal.round_id)
    return removed


async def _partner_side(bot: AttuneBot, channel_id: int, reveal: RevealLeft) -> list[discord.Embed]:
    channel = bot.get_channel(channel_id)
    guild = getattr(channel, "guild", None)

    def name(user_id: int) -> str:
        member = guild.get_member(user_id) if guild is not None else None
        user = member or bot.get_user(user_id)
        return user.display_name if user is not None else "your partner"

    prompt = await bot.services.checkins.prompt_text(reveal.prompt_id)
    return reveal_embeds(prompt, [(name(user_id), mood, body) for user_id, mood, body in reveal.remaining])
