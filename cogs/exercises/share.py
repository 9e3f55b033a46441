"""Posting one thing a person chose to share into their couple's private thread."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import discord

from bot.client import AttuneBot
from bot.errors import NotFound, UserFacingError
from bot.notify import Notifier, share_announcement
from bot.sharing import ShareKind

log = logging.getLogger(__name__)

NOT_IN_SERVER = "Sharing happens in the server where you and your partner are paired. Please try it there."
ERASED_MEANWHILE = (
    "What you were sharing was erased while it was being posted, so I took the post down again. "
    "Nothing of it stays in your thread."
)
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
    interaction: discord.Interaction[AttuneBot],
    kind: ShareKind,
    embed: discord.Embed,
    *,
    still_kept: Callable[[], Awaitable[object]],
    release: Callable[[], Awaitable[object]],
    guild_id: int | None = None,
    aside: str | None = None,
) -> discord.Thread:
    """Post what the presser claimed to share (one post per preview) to their couple's live thread
    (recreated or unarchived as needed); returns the thread. The post is announced like every share
    (bot/sharing.py): the partner is told once, mentioned in it or by DM, and the author not at all.

    `still_kept` raises NotFound when the shared words no longer exist: checked after the post is
    recorded, so an erasure that ran while the post was in flight cannot leave it behind.
    `release` gives the claim back when the post fails, however it fails, so Post can be pressed again.
    `guild_id` names the couple's server when the button was pressed elsewhere (a DM); `aside` is a
    line for the partner alone, beside their mention or in their DM (bot/notify.py)."""
    try:
        return await _post(
            interaction.client,
            guild_id or interaction.guild_id,
            interaction.user,
            kind,
            embed,
            still_kept,
            aside,
        )
    except BaseException:
        await release()
        raise


async def _post(
    bot: AttuneBot,
    guild_id: int | None,
    author: discord.abc.User,
    kind: ShareKind,
    embed: discord.Embed,
    still_kept: Callable[[], Awaitable[object]],
    aside: str | None = None,
) -> discord.Thread:
    if guild_id is None:
        raise UserFacingError(NOT_IN_SERVER)
    couple = await bot.services.couples.active_couple_for(guild_id, author.id)
    if couple is None:
        raise UserFacingError(NOT_PAIRED)
    thread = await bot.threads.ensure_thread(couple)
    announced = await share_announcement(bot, couple, author, kind, aside=aside)
    message = await thread.send(
        content=announced.content, embed=embed, allowed_mentions=announced.allowed_mentions
    )
    # Recorded so /privacy delete can take the post down with everything else of theirs.
    await bot.services.privacy.record_post(author.id, thread.id, message.id)
    try:
        await still_kept()
    except NotFound:
        await take_down(bot, message)
        raise UserFacingError(ERASED_MEANWHILE) from None
    await Notifier(bot).follow_up(announced, message)
    return thread


async def take_down(bot: AttuneBot, message: discord.Message | discord.PartialMessage) -> None:
    """Delete a post whose words were erased meanwhile, and forget it."""
    try:
        await message.delete()
    except discord.NotFound:
        pass
    except discord.HTTPException as exc:
        log.warning("Could not take down a post whose words were erased (HTTP %s)", exc.status)
        return
    await bot.services.privacy.forget_post(message.channel.id, message.id)
