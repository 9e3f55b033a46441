"""The boundary modal, and persistent buttons for removing and sharing one.

custom_ids: attune:bd:remove:<id>, attune:bd:keep:<id>, attune:bd:post:<id>:<previewed_at>,
attune:bd:cancel:<id>. Someone else's boundary id answers exactly like one that does not exist.
"""

from __future__ import annotations

import re
from typing import Any, Self

import discord

from bot.client import AttuneBot
from bot.modals import PersistentModal, Values, text_value
from bot.records.boundaries import Boundary
from bot.services.boundaries import BOUNDARY_MAX, CONSEQUENCE_MAX
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, post_button
from bot.tree import friendly_errors
from bot.ui import ATTUNE_COLOUR
from cogs.exercises.share import post_to_couple_thread, require_active_couple
from cogs.resources.render import AUTHOR_MAX, DESCRIPTION_MAX, FIELD_VALUE_MAX, truncate

Interaction = discord.Interaction[AttuneBot]

GUIDANCE = (
    "A boundary is about what **you** will do, not about controlling your partner. "
    "Try the shape “I need…, and if that doesn't happen, I will…”. "
    "Choose a follow-through you can actually keep: a boundary without one is a wish."
)
CONSEQUENCE_NAME = "And if it's crossed"


def boundary_embed(
    boundary: Boundary, *, author: str | None = None, title: str | None = None
) -> discord.Embed:
    embed = discord.Embed(
        title=title, description=truncate(boundary.boundary, DESCRIPTION_MAX), colour=ATTUNE_COLOUR
    )
    if author:
        embed.set_author(name=truncate(author, AUTHOR_MAX))
    embed.add_field(
        name=CONSEQUENCE_NAME, value=truncate(boundary.consequence, FIELD_VALUE_MAX), inline=False
    )
    return embed


def shared_boundary_embed(boundary: Boundary, author: str) -> discord.Embed:
    return boundary_embed(boundary, author=author)  # who shared what: the line above it


class BoundaryModal(PersistentModal, title="A boundary you'll keep"):
    """Answered by `on_boundary_submit` through bot.modals, so a restart never loses it."""

    def __init__(self) -> None:
        super().__init__(custom_id=BOUNDARY_MODAL)
        self.add_item(discord.ui.TextDisplay(GUIDANCE))
        self.boundary: discord.ui.TextInput[BoundaryModal] = discord.ui.TextInput(
            custom_id="boundary",
            style=discord.TextStyle.paragraph,
            max_length=BOUNDARY_MAX,
            placeholder="I need us to talk about hard things without being shut down.",
        )
        self.consequence: discord.ui.TextInput[BoundaryModal] = discord.ui.TextInput(
            custom_id="consequence",
            style=discord.TextStyle.paragraph,
            max_length=CONSEQUENCE_MAX,
            placeholder="If a talk gets cut off, I'll take a break and come back to it tomorrow.",
        )
        self.add_item(discord.ui.Label(text="Your boundary", component=self.boundary))
        self.add_item(discord.ui.Label(text="What you'll do if it's crossed", component=self.consequence))


BOUNDARY_MODAL = "attune:bd:add"
# What comes back to the person, privately, if the boundary can't be saved (bot/modals.py).
BOUNDARY_GIVEN_BACK = {"boundary": "Your boundary", "consequence": "What you'll do if it's crossed"}


async def on_boundary_submit(interaction: Interaction, match: re.Match[str], values: Values) -> None:
    saved = await interaction.client.services.boundaries.add(
        interaction.user.id, text_value(values, "boundary"), text_value(values, "consequence")
    )
    await interaction.response.send_message(
        "Saved. It stays private unless you share it with `/boundary share`.",
        embed=boundary_embed(saved, title="Your boundary"),
        ephemeral=True,
    )


class _BoundaryButton(discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"$^"):
    """Common parsing: every boundary button carries the boundary id first."""

    def __init__(self, custom_id: str, label: str, style: discord.ButtonStyle, boundary_id: int) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=custom_id))
        self.boundary_id = boundary_id

    async def own(self, interaction: Interaction) -> Boundary:
        return await interaction.client.services.boundaries.get(self.boundary_id, interaction.user.id)


class RemoveButton(_BoundaryButton, template=r"attune:bd:remove:(?P<id>[0-9]+)"):
    def __init__(self, boundary_id: int) -> None:
        super().__init__(
            f"attune:bd:remove:{boundary_id}", "Remove it", discord.ButtonStyle.danger, boundary_id
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            await interaction.client.services.boundaries.remove(self.boundary_id, interaction.user.id)
            await interaction.response.edit_message(
                content="Removed. It's gone for good.", embed=None, view=None
            )


class KeepButton(_BoundaryButton, template=r"attune:bd:keep:(?P<id>[0-9]+)"):
    def __init__(self, boundary_id: int) -> None:
        super().__init__(
            f"attune:bd:keep:{boundary_id}", "Keep it", discord.ButtonStyle.secondary, boundary_id
        )

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            await self.own(interaction)
            await interaction.response.edit_message(content="Kept. Nothing changed.", embed=None, view=None)


class PostButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=r"attune:bd:post:(?P<id>[0-9]+):(?P<at>[0-9]+)",
):
    def __init__(self, boundary_id: int, previewed_at: int) -> None:
        super().__init__(post_button(f"attune:bd:post:{boundary_id}:{previewed_at}"))
        self.boundary_id = boundary_id
        self.previewed_at = previewed_at

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["id"]), int(match["at"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            bot = interaction.client
            service = bot.services.boundaries
            user_id = interaction.user.id
            await service.get(self.boundary_id, user_id)  # a stranger stops here, before anything
            await require_active_couple(bot, interaction.guild_id, user_id)
            await interaction.response.defer()
            boundary, claimed_at = await service.claim_share(self.boundary_id, user_id, self.previewed_at)
            embed = shared_boundary_embed(boundary, interaction.user.display_name)
            try:
                thread = await post_to_couple_thread(
                    bot,
                    interaction.guild_id,
                    interaction.user,
                    "boundary",
                    embed,
                    lambda: service.get(self.boundary_id, user_id),
                )
            except BaseException:
                await service.release_share(self.boundary_id, user_id, claimed_at)
                raise
            await interaction.edit_original_response(
                content=f"Posted in {thread.mention}.", embed=boundary_embed(boundary), view=None
            )


class CancelButton(_BoundaryButton, template=r"attune:bd:cancel:(?P<id>[0-9]+)"):
    def __init__(self, boundary_id: int) -> None:
        super().__init__(f"attune:bd:cancel:{boundary_id}", CANCEL_LABEL, CANCEL_STYLE, boundary_id)

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls(int(match["id"]))

    async def callback(self, interaction: Interaction) -> None:  # type: ignore[override]
        async with friendly_errors(interaction):
            await self.own(interaction)
            await interaction.response.edit_message(content="Nothing was posted.", embed=None, view=None)


def remove_view(boundary_id: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(RemoveButton(boundary_id))
    view.add_item(KeepButton(boundary_id))
    return view


def share_view(boundary_id: int, previewed_at: int) -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(PostButton(boundary_id, previewed_at))
    view.add_item(CancelButton(boundary_id))
    return view


DYNAMIC_ITEMS = (RemoveButton, KeepButton, PostButton, CancelButton)
