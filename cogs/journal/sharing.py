"""The Discord side of sharing: posting an entry to the couple's thread and taking it back.

The service keeps the record straight (claim, record, release, clear); this module makes the
Discord calls in between, in an order that never leaves a post the author cannot take back.
"""

from __future__ import annotations

import logging
import zoneinfo
from typing import TYPE_CHECKING

import discord

from bot.errors import NotFound, UserFacingError
from bot.notify import Notifier, share_announcement
from bot.records.journal import Entry
from bot.sharing import ShareKind
from cogs.exercises.share import ERASED_MEANWHILE, take_down
from cogs.journal.render import shared_embed

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.couples import Couple

log = logging.getLogger(__name__)

OUTSIDE_GUILD = (
    "Sharing goes to the private thread you share with your partner, so please use this in your server."
)
NO_COUPLE = (
    "Sharing goes to the private thread you share with your partner, and you don't have an active "
    "pairing on this server right now. When you're ready, /pair invite starts one."
)


async def zone_for(bot: AttuneBot, user_id: int, guild_id: int | None) -> zoneinfo.ZoneInfo:
    return await bot.services.journal.timezone_for(user_id, guild_id, bot.services.couples)


async def active_couple(bot: AttuneBot, guild_id: int | None, user_id: int) -> Couple:
    if guild_id is None:
        raise UserFacingError(OUTSIDE_GUILD)
    couple = await bot.services.couples.active_couple_for(guild_id, user_id)
    if couple is None:
        raise UserFacingError(NO_COUPLE)
    return couple


async def post_entry(
    bot: AttuneBot, author: discord.abc.User, guild_id: int | None, entry_id: int
) -> tuple[Entry, discord.Thread]:
    """Post the author's entry to their couple's thread, once, and mark it shared; the partner is
    told once (mentioned in the post, or by DM), the author not at all."""
    journal = bot.services.journal
    await journal.shareable(author.id, entry_id)
    couple = await active_couple(bot, guild_id, author.id)
    thread = await bot.threads.ensure_thread(couple)
    entry = await journal.begin_share(author.id, entry_id, thread.id)  # atomic: one post per entry
    try:
        zone = await zone_for(bot, author.id, guild_id)
        kind: ShareKind = "reflection" if entry.kind == "reflection" else "journal"
        announced = await share_announcement(bot, couple, author, kind)
        message = await thread.send(
            content=announced.content,
            embed=shared_embed(entry, author, zone),
            allowed_mentions=announced.allowed_mentions,
        )
    except Exception:
        await journal.abandon_share(author.id, entry_id)  # private again; Post can be tried again
        raise
    try:
        shared = await journal.finish_share(author.id, entry_id, thread.id, message.id)
    except NotFound:
        # Erased while the post was in flight: the erasure could not know of it, so take it down.
        await take_down(bot, message)
        raise UserFacingError(ERASED_MEANWHILE) from None
    await Notifier(bot).follow_up(announced, message)
    return shared, thread


async def remove_post(bot: AttuneBot, entry: Entry) -> None:
    """Delete the shared post; one that is already gone counts as removed."""
    if entry.shared_channel_id is None or entry.shared_message_id is None:
        return
    channel = bot.get_partial_messageable(entry.shared_channel_id)
    try:
        await channel.get_partial_message(entry.shared_message_id).delete()
    except discord.NotFound:
        log.info("Shared journal post for entry %s was already gone", entry.id)


async def refresh_post(bot: AttuneBot, entry: Entry, author: discord.abc.User, guild_id: int | None) -> bool:
    """After an edit, update the shared copy too. False when that did not work."""
    if entry.shared_channel_id is None or entry.shared_message_id is None:
        return True
    zone = await zone_for(bot, author.id, guild_id)
    channel = bot.get_partial_messageable(entry.shared_channel_id)
    try:
        await channel.get_partial_message(entry.shared_message_id).edit(
            embed=shared_embed(entry, author, zone)
        )
    except discord.HTTPException as exc:
        log.warning("Could not update the shared post for entry %s (HTTP %s)", entry.id, exc.status)
        return False
    return True
