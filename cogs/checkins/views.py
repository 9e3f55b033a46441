"""Check-in buttons and modals. Buttons are DynamicItems: they survive restarts and reload the
round from the database; only the round's partners (or its person) can use them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.components import AttuneButton, persistent_items, persistent_view
from bot.ui import ATTUNE_COLOUR
from cogs.checkins.answering import open_answer, open_personal, personal_round

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Answer, Round


class AnswerButton(AttuneButton, route="checkin:answer:{round_id}"):
    """Only the round's two partners may answer it."""

    label = "Answer"
    style = discord.ButtonStyle.primary
    round_id: int

    found: tuple[Round, Answer | None] | None = None

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        # NotFound for anyone else, exactly like a round that does not exist. The one query also
        # reads what the form needs: kept, so opening it asks nothing again.
        self.found = await interaction.client.services.checkins.round_for_partner(
            self.round_id, interaction.user.id
        )
        return True

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await open_answer(interaction, self.round_id, self.found)


class WriteButton(AttuneButton, route="checkin:write:{round_id}"):
    """A personal check-in's Write: only its person may press it."""

    label = "Write"
    style = discord.ButtonStyle.primary
    round_id: int

    found: Round | None = None

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        self.found = await personal_round(interaction.client, self.round_id, interaction.user.id)
        return True

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await open_personal(interaction.client, interaction, self.round_id, self.found)


def round_view(round_id: int) -> discord.ui.View:
    return persistent_view(AnswerButton(round_id=round_id))


def write_view(round_id: int) -> discord.ui.View:
    return persistent_view(WriteButton(round_id=round_id))


def round_embed(prompt: str, partners: list[tuple[str, bool]], status: str = "open") -> discord.Embed:
    embed = discord.Embed(title="Today's check-in", description=f"**{prompt}**", colour=ATTUNE_COLOUR)
    answered = "\n".join(f"{'✅' if done else '⏳'} {name}" for name, done in partners)
    embed.add_field(name="Answered", value=answered or "Nobody yet", inline=False)
    if status == "open":
        embed.set_footer(
            text="Press Answer to reply privately. Answers are shown here once you've both replied."
        )
    elif status == "closed":
        embed.set_footer(text="This check-in has closed. Any answer given stays private with its author.")
    else:
        embed.set_footer(text="You both answered: your answers are just below.")
    return embed


def reveal_embeds(prompt: str, answers: list[tuple[str, int, str]]) -> list[discord.Embed]:
    embeds = []
    for name, mood, body in answers:
        embed = discord.Embed(title=f"{name} · mood {mood}/5", description=body, colour=ATTUNE_COLOUR)
        embeds.append(embed)
    if embeds:
        embeds[0].set_author(name=prompt[:256])
    return embeds


DYNAMIC_ITEMS = persistent_items(AnswerButton, WriteButton)
