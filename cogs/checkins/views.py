"""Check-in buttons and modals. Buttons are DynamicItems: they survive restarts and reload the
round from the database; only the round's partners (or its person) can use them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import discord

from bot.errors import NotFound
from bot.tree import friendly_errors
from bot.ui import ATTUNE_COLOUR
from cogs.checkins.answering import open_answer, open_personal

if TYPE_CHECKING:
    from bot.client import AttuneBot


class AnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"attune:checkin:answer:(?P<round_id>[0-9]+)"
):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Answer",
                style=discord.ButtonStyle.primary,
                custom_id=f"attune:checkin:answer:{round_id}",
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> AnswerButton:
        return cls(int(match["round_id"]))

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            await open_answer(interaction, self.round_id)


class WriteButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"attune:checkin:write:(?P<round_id>[0-9]+)"
):
    def __init__(self, round_id: int) -> None:
        super().__init__(
            discord.ui.Button(
                label="Write", style=discord.ButtonStyle.primary, custom_id=f"attune:checkin:write:{round_id}"
            )
        )
        self.round_id = round_id

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> WriteButton:
        return cls(int(match["round_id"]))

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            await open_personal(interaction.client, interaction, self.round_id)


class HistoryPageButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=r"attune:checkin:history:(?P<couple_id>[0-9]+):(?P<page>[0-9]{1,6})",
):
    def __init__(self, couple_id: int, page: int, label: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=label,
                style=discord.ButtonStyle.secondary,
                custom_id=f"attune:checkin:history:{couple_id}:{page}",
            )
        )
        self.couple_id = couple_id
        self.page = page

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> HistoryPageButton:
        return cls(int(match["couple_id"]), int(match["page"]), "")

    async def callback(self, interaction: discord.Interaction[AttuneBot]) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            from cogs.checkins.cog import render_history

            couple = await interaction.client.services.couples.couple_by_id(self.couple_id)
            if couple is None or interaction.user.id not in couple.partner_ids:
                raise NotFound("That history isn't yours, so I can't show it.")
            embed, view = await render_history(interaction.client, couple, self.page)
            await interaction.response.edit_message(embed=embed, view=view)


def round_view(round_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(AnswerButton(round_id))
    return view


def write_view(round_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(WriteButton(round_id))
    return view


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
