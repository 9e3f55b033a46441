"""Shared look: colours and small embed helpers used by every cog."""

from __future__ import annotations

from typing import Any

import discord

from bot.services.journal import MOODS

# A warm, muted teal that reads well on Discord's dark and light themes.
ATTUNE_COLOUR = discord.Colour(0x3AA8A0)
GENTLE_WARNING_COLOUR = discord.Colour(0xE0A458)


def cached_display_name(client: discord.Client, guild_id: int, user_id: int) -> str:
    """A person's name as the server shows it, from the cache only (no request): for rendering."""
    guild = client.get_guild(guild_id)
    member = guild.get_member(user_id) if guild else None
    if member is not None:
        return member.display_name
    user = client.get_user(user_id)
    return user.display_name if user else "your partner"


def quiet_embed(title: str, description: str) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=ATTUNE_COLOUR)


def mood_select(default: int | None = None, *, required: bool) -> discord.ui.Select[Any]:
    """The one mood picker of every form (journal, check-ins): 1 to 5, named the same way."""
    return discord.ui.Select(
        custom_id="mood",
        placeholder=None if required else "Optional: how are you feeling?",
        options=[
            discord.SelectOption(label=f"{value} · {name}", value=str(value), default=value == default)
            for value, name in MOODS.items()
        ],
        min_values=1 if required else 0,
        max_values=1,
        required=required,
    )
