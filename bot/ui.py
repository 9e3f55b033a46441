"""Shared look: colours and small embed helpers used by every cog."""

from __future__ import annotations

import discord

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
