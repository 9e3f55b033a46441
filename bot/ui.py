"""Shared look: colours and small embed helpers used by every cog."""

from __future__ import annotations

import discord

# A warm, muted teal that reads well on Discord's dark and light themes.
ATTUNE_COLOUR = discord.Colour(0x3AA8A0)
GENTLE_WARNING_COLOUR = discord.Colour(0xE0A458)


def quiet_embed(title: str, description: str) -> discord.Embed:
    return discord.Embed(title=title, description=description, colour=ATTUNE_COLOUR)
