"""The boundary modal, and persistent buttons for removing and sharing one.

custom_ids: attune:boundary:<remove|keep|cancel>:<id> and attune:boundary:post:<id>:<previewed_at>;
buttons posted under the older attune:bd: ids still answer. Someone else's boundary id answers
exactly like one that does not exist.
"""

from __future__ import annotations

import re

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton, persistent_items, persistent_view
from bot.modals import PersistentModal, Values, headings, text_value
from bot.records.boundaries import Boundary
from bot.services.boundaries import BOUNDARY_MAX, CONSEQUENCE_MAX
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE
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


class BoundaryModal(PersistentModal, title="A boundary you'll keep", route="boundary:add", legacy=["bd:add"]):
    """Answered through bot.modals, so a restart never loses it."""

    # What comes back to the person, privately, if the boundary can't be saved (bot/modals.py).
    given_back = headings(boundary="Your boundary", consequence="What you'll do if it's crossed")

    def __init__(self) -> None:
        super().__init__(custom_id=self.custom_id_for())
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

    @classmethod
    async def submitted(cls, interaction: Interaction, match: re.Match[str], values: Values) -> None:
        saved = await interaction.client.services.boundaries.add(
            interaction.user.id, text_value(values, "boundary"), text_value(values, "consequence")
        )
        await interaction.response.send_message(
            "Saved. It stays private unless you share it with `/boundary share`.",
            embed=boundary_embed(saved, title="Your boundary"),
            ephemeral=True,
        )


class _BoundaryButton(AttuneButton):
    """Every boundary button carries the boundary id; only its owner may press it. Someone else's
    id answers exactly like one that does not exist (the service's NotFound)."""

    boundary_id: int

    async def may_press(self, interaction: Interaction) -> bool:
        await interaction.client.services.boundaries.get(self.boundary_id, interaction.user.id)
        return True


class RemoveButton(
    _BoundaryButton, route="boundary:remove:{boundary_id}", legacy=["bd:remove:{boundary_id}"]
):
    label = "Remove it"
    style = discord.ButtonStyle.danger

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.client.services.boundaries.remove(self.boundary_id, interaction.user.id)
        await interaction.response.edit_message(content="Removed. It's gone for good.", embed=None, view=None)


class KeepButton(_BoundaryButton, route="boundary:keep:{boundary_id}", legacy=["bd:keep:{boundary_id}"]):
    label = "Keep it"

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.response.edit_message(content="Kept. Nothing changed.", embed=None, view=None)


class PostButton(
    _BoundaryButton,
    route="boundary:post:{boundary_id}:{previewed_at}",
    legacy=["bd:post:{boundary_id}:{previewed_at}"],
):
    label = POST_LABEL
    style = POST_STYLE
    previewed_at: int

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.boundaries
        user_id = interaction.user.id
        await require_active_couple(bot, interaction.guild_id, user_id)
        await interaction.response.defer()
        boundary, claimed_at = await service.claim_share(self.boundary_id, user_id, self.previewed_at)
        thread = await post_to_couple_thread(
            interaction,
            "boundary",
            shared_boundary_embed(boundary, interaction.user.display_name),
            still_kept=lambda: service.get(self.boundary_id, user_id),
            release=lambda: service.release_share(self.boundary_id, user_id, claimed_at),
        )
        await interaction.edit_original_response(
            content=f"Posted in {thread.mention}.", embed=boundary_embed(boundary), view=None
        )


class CancelButton(
    _BoundaryButton, route="boundary:cancel:{boundary_id}", legacy=["bd:cancel:{boundary_id}"]
):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.response.edit_message(content="Nothing was posted.", embed=None, view=None)


def remove_view(boundary_id: int) -> discord.ui.View:
    return persistent_view(RemoveButton(boundary_id=boundary_id), KeepButton(boundary_id=boundary_id))


def share_view(boundary_id: int, previewed_at: int) -> discord.ui.View:
    return persistent_view(
        PostButton(boundary_id=boundary_id, previewed_at=previewed_at), CancelButton(boundary_id=boundary_id)
    )


DYNAMIC_ITEMS = persistent_items(RemoveButton, KeepButton, PostButton, CancelButton)
