"""CoupleThreads: each couple's one private thread, kept alive (unarchived, recreated when deleted).

Discord glue, not a service: it talks to Discord through the few client calls in ThreadClient and
keeps the couple's record right through the couples service it is given."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable, Iterable
from typing import Literal, Protocol

import discord

from bot.errors import ThreadUnreachable, UserFacingError
from bot.records.couples import Couple
from bot.services.couples import CouplesService

log = logging.getLogger(__name__)

UNKNOWN_CHANNEL = 10003
THREAD_NAME_MAX = 100
WEEK_IN_MINUTES: Literal[10080] = 10080

THREAD_PROBLEM = (
    "I couldn't open your private thread just now. Please check that Attune can create private "
    "threads and manage threads in the channel chosen in /setup, then try again."
)
SETUP_CHANNEL_GONE = (
    "Your private thread can't be reached: the channel chosen in /setup is no longer there. "
    "Someone with Manage Server can run /setup again with a channel, and then your thread is made "
    "again. Everything you wrote is still kept."
)


def thread_name(first: str, second: str) -> str:
    """'Alice & Bob', shortened to Discord's 100 characters without cutting one name out entirely."""
    name = f"{first} & {second}"
    if len(name) <= THREAD_NAME_MAX:
        return name
    half = (THREAD_NAME_MAX - 3) // 2
    return f"{first[:half].rstrip()} & {second[: THREAD_NAME_MAX - 3 - half].rstrip()}"[:THREAD_NAME_MAX]


def welcome_text(first_id: int, second_id: int) -> str:
    """Short and warm, about the first thing to do together (/help has the rest)."""
    return (
        f"Welcome, <@{first_id}> and <@{second_id}> 💛 "
        "This thread is just for the two of you (and Attune).\n\n"
        "A good first step together: pick a time for a short check-in with `/checkin schedule`. "
        "You each answer privately, and both answers appear here once you've both replied.\n\n"
        "Your journal stays private. Attune isn't therapy: `/resources` has real help."
    )


def new_thread_text(first_id: int, second_id: int) -> str:
    return (
        f"Hello again, <@{first_id}> and <@{second_id}>. Your previous thread was no longer there, "
        "so this is your new private thread. Nothing you wrote with Attune was lost: your journals "
        "and shared history are still kept safely."
    )


class ThreadClient(Protocol):
    """What CoupleThreads needs from the Discord client (discord.Client has all three)."""

    def get_channel(
        self, id: int, /
    ) -> discord.abc.GuildChannel | discord.Thread | discord.abc.PrivateChannel | None: ...

    async def fetch_channel(
        self, channel_id: int, /
    ) -> discord.abc.GuildChannel | discord.abc.PrivateChannel | discord.Thread: ...

    def get_guild(self, id: int, /) -> discord.Guild | None: ...


class CoupleThreads:
    """Built once in AttuneBot.__init__; every feature reaches a couple's thread through it."""

    def __init__(self, client: ThreadClient, couples: CouplesService) -> None:
        self._client = client
        self._couples = couples
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def ensure_thread(self, couple: Couple) -> discord.Thread:
        """The couple's live private thread: unarchived when archived, recreated when deleted.

        Serialised per couple (a lock), and the record is swapped atomically (UPDATE ... WHERE
        thread_id = old), so concurrent callers never create two threads.
        """
        async with self._locks[couple.id]:
            latest = await self._couples.couple_by_id(couple.id) or couple
            if latest.status == "ended":
                raise UserFacingError("This pairing has ended, so its thread is closed.")
            if latest.thread_id is not None:
                thread = await self._existing(latest.thread_id)
                if thread is not None:
                    if thread.archived:
                        thread = await thread.edit(archived=False)
                    return thread
            return await self._create(latest)

    async def _existing(self, thread_id: int) -> discord.Thread | None:
        """The thread, or None when Discord says it no longer exists."""
        cached = self._client.get_channel(thread_id)
        if isinstance(cached, discord.Thread):
            return cached
        try:
            fetched = await self._client.fetch_channel(thread_id)
        except discord.NotFound as exc:
            if exc.code == UNKNOWN_CHANNEL:
                return None
            raise
        except discord.Forbidden:
            raise ThreadUnreachable("forbidden", THREAD_PROBLEM) from None
        if not isinstance(fetched, discord.Thread):
            return None
        return fetched

    async def _create(self, couple: Couple) -> discord.Thread:
        settings = await self._couples.guild_settings(couple.guild_id)
        guild = self._client.get_guild(couple.guild_id)
        parent = guild.get_channel(settings.channel_id) if guild is not None and settings else None
        if guild is None or not isinstance(parent, discord.TextChannel):
            # Recorded once: the dispatcher stops trying every run and tells the couple what to do.
            await self._couples.thread_unreachable(couple.id, "missing")
            raise ThreadUnreachable("missing", SETUP_CHANNEL_GONE)
        first, second = couple.partner_ids
        name = thread_name(await self._display_name(guild, first), await self._display_name(guild, second))
        try:
            thread = await parent.create_thread(
                name=name,
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=WEEK_IN_MINUTES,
                reason="Attune: a couple's private thread",
            )
        except discord.Forbidden:
            raise ThreadUnreachable("forbidden", THREAD_PROBLEM) from None
        old = couple.thread_id
        if not await self._couples.replace_thread(couple.id, old, thread.id):
            # Someone (another process) got there first: keep theirs, drop ours.
            log.warning("Couple %s got a thread concurrently; removing the extra one", couple.id)
            await _quietly(thread.delete())
            latest = await self._couples.couple_by_id(couple.id)
            if latest is None or latest.thread_id is None:
                raise UserFacingError(THREAD_PROBLEM)
            existing = await self._existing(latest.thread_id)
            if existing is None:
                raise UserFacingError(THREAD_PROBLEM)
            return existing
        text = welcome_text(first, second) if old is None else new_thread_text(first, second)
        partners = discord.AllowedMentions(
            users=[discord.Object(id=first), discord.Object(id=second)], everyone=False, roles=False
        )
        await _quietly(thread.send(text, allowed_mentions=partners))
        # Both at once; a partner away from the server cannot be added and is added back on return.
        await asyncio.gather(
            *(_quietly(thread.add_user(discord.Object(id=user_id))) for user_id in couple.partner_ids)
        )
        log.info("Created the private thread for couple %s", couple.id)
        return thread

    async def _display_name(self, guild: discord.Guild, user_id: int) -> str:
        member = guild.get_member(user_id)
        if member is None:
            try:
                member = await guild.fetch_member(user_id)
            except discord.HTTPException:
                return "partner"
        return member.display_name

    async def close(self, couple: Couple, message: str, notify_user_id: int | None) -> bool:
        """Tell the thread `message`, then archive and lock it. False when there was no thread."""
        if couple.thread_id is None:
            return False
        async with self._locks[couple.id]:
            try:
                thread = await self._existing(couple.thread_id)
            except UserFacingError:
                return False
            if thread is None:
                return False
            mentions = discord.AllowedMentions(
                users=[discord.Object(id=notify_user_id)] if notify_user_id else False,
                everyone=False,
                roles=False,
            )
            await _quietly(thread.send(message, allowed_mentions=mentions))
            await _quietly(thread.edit(archived=True, locked=True))
            return True

    async def add_back(self, couple: Couple, user_ids: Iterable[int]) -> None:
        """Add partners back to the couple's thread when their couple resumes (best effort).

        Discord takes a departed member out of the server's threads; adding someone who is already
        a member changes nothing, so a resumed couple simply has both partners added."""
        try:
            thread = await self.ensure_thread(couple)
        except (UserFacingError, discord.HTTPException):
            log.info("Could not reopen the thread of couple %s for a returning partner", couple.id)
            return
        for user_id in user_ids:
            await _quietly(thread.add_user(discord.Object(id=user_id)))


async def _quietly(action: Awaitable[object]) -> None:
    """Best effort: a Discord error is logged (without content) and otherwise ignored."""
    try:
        await action
    except discord.HTTPException as exc:
        log.warning("A best-effort Discord call failed: %s %s", exc.status, exc.code)
