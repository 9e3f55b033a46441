"""Telling people on Discord, by the rule in bot/services/notifications.py: a thread post mentions
only the people to be told there, the others get one DM with a link to it, and a DM that can't be
delivered becomes a mention in the thread instead, so nobody is told twice or not at all."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

import discord
from discord.http import HTTPClient

from bot.clock import Clock, unix
from bot.metrics import Metrics
from bot.records.couples import Couple
from bot.services import Services
from bot.services.notifications import Plan
from bot.sharing import ShareKind, announcement

log = logging.getLogger(__name__)

DM_CLOSED = 50007
UNKNOWN_CHANNEL = 10003


class NotifyClient(Protocol):
    """What telling people needs from the bot: its services, clock and metrics, its HTTP client
    (to open a DM channel) and partial channels (to send to one by id)."""

    @property
    def services(self) -> Services: ...

    @property
    def clock(self) -> Clock: ...

    @property
    def metrics(self) -> Metrics: ...

    @property
    def http(self) -> HTTPClient: ...

    def get_partial_messageable(
        self, id: int, /, *, guild_id: int | None = None, type: discord.ChannelType | None = None
    ) -> discord.PartialMessageable: ...


def mentions(user_ids: Iterable[int]) -> str:
    return " ".join(f"<@{user_id}>" for user_id in user_ids)


def with_mentions(user_ids: Iterable[int], text: str) -> str:
    """`text`, led by the mentions of whoever is to be told in the thread."""
    lead = mentions(user_ids)
    return f"{lead} {text}" if lead else text


def mentioning(user_ids: Iterable[int]) -> discord.AllowedMentions:
    """Pings exactly these people and nobody else (never @everyone, a role, or a replied author)."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        users=[discord.Object(id=user_id) for user_id in user_ids],
        replied_user=False,
    )


@dataclass(frozen=True)
class Announcement:
    """A thread post's lead line and who it tells: the mentioned in the post, the rest by DM.
    `aside`, when given, is a line for whoever is told alone: beside their mention, or in their DM."""

    plan: Plan
    text: str
    aside: str | None = None

    @property
    def told_text(self) -> str:
        return f"{self.text}\n{self.aside}" if self.aside else self.text

    @property
    def content(self) -> str:
        return with_mentions(self.plan.mention, self.told_text if self.plan.mention else self.text)

    @property
    def allowed_mentions(self) -> discord.AllowedMentions:
        return mentioning(self.plan.mention)


async def share_announcement(
    bot: NotifyClient, couple: Couple, author: discord.abc.User, kind: ShareKind, *, aside: str | None = None
) -> Announcement:
    """How a share is announced: only the partner is told (the author shared it), once."""
    partner = couple.partner_of(author.id)
    plan = await bot.services.notifications.plan([partner], actor_id=author.id)
    return Announcement(plan, announcement(kind, author.display_name), aside)


class Notifier:
    """DMs (paced by `pace` when given) and their fallback mentions."""

    def __init__(self, bot: NotifyClient, pace: Callable[[], Awaitable[None]] | None = None) -> None:
        self.bot = bot
        self._pace = pace

    async def _wait(self) -> None:
        if self._pace is not None:
            await self._pace()

    async def dm(self, user_id: int, **kwargs: Any) -> discord.Message | None:
        """Send a DM unless DMs are known to be closed; a 50007 marks them closed (no retries).
        None when it was not delivered."""
        people = self.bot.services.people
        # If the person erases their data while this DM is on its way, nothing it learns is kept.
        mark = people.erasure_mark(user_id)
        route = await self.bot.services.notifications.dm_route(user_id)
        if route is None:
            return None
        try:
            message = await self._send_dm(user_id, route.channel_id, kwargs, mark)
        except discord.Forbidden as error:
            if error.code == DM_CLOSED:
                self.bot.metrics.dms_refused.inc()
                now = self.bot.clock.now()
                await people.record_dm_failure(user_id, now.date(), unix(now), mark=mark)
            return None
        except discord.HTTPException:
            log.info("A DM could not be delivered")
            return None
        # Recorded so /privacy delete can take down what Attune sent this person alone; sent to
        # someone who erased their data meanwhile, it is taken down now instead.
        if not await self.bot.services.privacy.record_post(
            user_id, message.channel.id, message.id, kind="dm", mark=mark
        ):
            with contextlib.suppress(discord.HTTPException):
                await message.delete()
        return message

    async def _send_dm(
        self, user_id: int, known: int | None, kwargs: dict[str, Any], mark: int
    ) -> discord.Message:
        """One request when the person's DM channel is known; otherwise it is opened (and kept)
        first. A known channel Discord no longer knows (10003) is forgotten, opened afresh, and
        the DM tried once more."""
        if known is not None:
            try:
                return await self._send_to(known, kwargs)
            except discord.NotFound as error:
                if error.code != UNKNOWN_CHANNEL:
                    raise
                log.info("A stored DM channel is unknown to Discord; opening a new one")
                await self.bot.services.people.forget_dm_channel(user_id, known)
        # Straight to the HTTP route, not discord.py's private-channel cache: the database is the
        # cache that outlives a restart, and the library's could hand back the channel just refused.
        # Each request is paced, not just the send: opening a DM channel counts toward Discord's
        # global limit too, and unpaced opens turned a burst into 429s.
        await self._wait()
        opened = await self.bot.http.start_private_message(user_id)
        channel_id = int(opened["id"])
        await self.bot.services.people.remember_dm_channel(
            user_id, channel_id, unix(self.bot.clock.now()), mark=mark
        )
        return await self._send_to(channel_id, kwargs)

    async def _send_to(self, channel_id: int, kwargs: dict[str, Any]) -> discord.Message:
        await self._wait()
        channel = self.bot.get_partial_messageable(channel_id, type=discord.ChannelType.private)
        return await channel.send(**kwargs)

    async def tell(
        self, user_ids: Iterable[int], dm_text: str, *, channel_id: int, message_id: int, thread_text: str
    ) -> None:
        """DM each person `dm_text`; whoever a DM can't reach is mentioned instead, all in one
        reply to the message (`thread_text`), so each of them is still told exactly once."""
        missed = [user_id for user_id in user_ids if await self.dm(user_id, content=dm_text) is None]
        if missed:
            await self.mention_in_thread(missed, thread_text, channel_id=channel_id, message_id=message_id)

    async def mention_in_thread(
        self, user_ids: Iterable[int], text: str, *, channel_id: int, message_id: int
    ) -> None:
        """A reply to the message that mentions (and pings) exactly `user_ids`. Best effort."""
        user_ids = list(user_ids)
        if not user_ids:
            return
        try:
            await self._wait()
            await self.bot.get_partial_messageable(channel_id).send(
                with_mentions(user_ids, text),
                reference=discord.MessageReference(
                    message_id=message_id, channel_id=channel_id, fail_if_not_exists=False
                ),
                allowed_mentions=mentioning(user_ids),
            )
        except discord.HTTPException:
            log.info("A mention in the thread (instead of a DM) could not be posted")

    async def follow_up(self, announced: Announcement, message: discord.Message) -> None:
        """After a share's post: the partner told by DM gets the announcement and a link to it."""
        aside = f"\n{announced.aside}" if announced.aside else ""
        await self.tell(
            announced.plan.dm,
            f"{announced.text} It's in your thread: {message.jump_url}{aside}",
            channel_id=message.channel.id,
            message_id=message.id,
            thread_text=announced.told_text,
        )
