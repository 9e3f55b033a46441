"""Posting one thing a person chose to share into their couple's private thread."""

from __future__ import annotations

import discord

from bot.client import AttuneBot
from bot.errors import UserFacingError

NOT_IN_SERVER = "Sharing happens in the server where you and your partner are paired. Please try it there."
NOT_PAIRED = (
    "You're not paired with anyone here right now, so there's no thread to share to. "
    "When you're ready, /pair invite asks your partner to join you."
)


async def require_active_couple(bot: AttuneBot, guild_id: int | None, user_id: int) -> None:
    """Refuse kindly, before any preview, when there is no thread to share to."""
    if guild_id is None:
        raise UserFacingError(NOT_IN_SERVER)
    if await bot.services.couples.active_couple_for(guild_id, user_id) is None:
        raise UserFacingError(NOT_PAIRED)


async def has_active_couple(bot: AttuneBot, guild_id: int | None, user_id: int) -> bool:
    if guild_id is None:
        return False
    return await bot.services.couples.active_couple_for(guild_id, user_id) is not None


async def post_to_couple_thread(
    bot: AttuneBot, guild_id: int | None, user_id: int, embed: discord.Embed
) -> discord.Thread:
    """Post to the couple's live thread (recreated or unarchived as needed); returns the thread."""
    if guild_id is None:
        raise UserFacingError(NOT_IN_SERVER)
    couple = await bot.services.couples.active_couple_for(guild_id, user_id)
    if couple is None:
        raise UserFacingError(NOT_PAIRED)
    thread = await bot.threads.ensure_thread(couple)
    message = await thread.send(embed=embed, allowed_mentions=discord.AllowedMentions.none())
    # Recorded so /privacy delete can take the post down with everything else of theirs.
    await bot.services.privacy.record_post(user_id, thread.id, message.id)
    return thread
