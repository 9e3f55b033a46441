"""The command tree: one place that turns failures into a kind, private answer."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import discord
from discord import app_commands

from bot.errors import UserFacingError

log = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = (
    "Something went wrong on my side, sorry. Nothing you wrote was lost. Please try again in a moment."
)

NOTHING_THERE = "I couldn't find that. It may have been removed, or it isn't yours, so nothing changed."


async def reply_privately(interaction: discord.Interaction[Any], message: str) -> None:
    """Answer ephemerally whether or not the interaction was already acknowledged."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True)
        else:
            await interaction.response.send_message(message, ephemeral=True)
    except discord.HTTPException:
        log.warning("Could not deliver an error message for interaction %s", interaction.id)


async def handle_interaction_error(interaction: discord.Interaction[Any], error: BaseException) -> None:
    """The one place a failure becomes a reply: kind, private, and never quoting what was typed."""
    original = getattr(error, "original", error)
    if isinstance(original, UserFacingError):
        await reply_privately(interaction, original.message)
        return
    if isinstance(original, OverflowError):
        # A number no stored thing can have (a crafted custom_id or option): like an id that doesn't exist.
        log.info("Interaction %s named an out-of-range id", interaction.id)
        await reply_privately(interaction, NOTHING_THERE)
        return
    # Only the type: an exception message could quote what the person wrote.
    log.error("Interaction %s failed with %s", interaction.id, type(original).__name__, exc_info=original)
    await reply_privately(interaction, SOMETHING_WENT_WRONG)


@asynccontextmanager
async def friendly_errors(interaction: discord.Interaction[Any]) -> AsyncIterator[None]:
    """Wrap a button or select callback: DynamicItem errors otherwise only reach a log line."""
    try:
        yield
    except Exception as error:
        await handle_interaction_error(interaction, error)


class AttuneModal(discord.ui.Modal):
    """Base for every modal: errors get the same kind, private answer as commands."""

    async def on_error(self, interaction: discord.Interaction[Any], error: Exception, /) -> None:  # type: ignore[override]
        await handle_interaction_error(interaction, error)


class AttuneTree(app_commands.CommandTree[Any]):
    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        original = getattr(error, "original", error)
        if isinstance(original, UserFacingError):
            await reply_privately(interaction, original.message)
            return
        if isinstance(error, app_commands.CommandOnCooldown):
            await reply_privately(
                interaction,
                f"Let's slow down a little: you can do that again in {error.retry_after:.0f} seconds.",
            )
            return
        if isinstance(error, app_commands.CheckFailure | app_commands.TransformerError):
            await reply_privately(interaction, str(error) or SOMETHING_WENT_WRONG)
            return
        await handle_interaction_error(interaction, original)
