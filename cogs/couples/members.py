"""Membership events that pause and resume couples, and the checks that catch up on what happened
while Attune was away.

Nobody tells Attune who left or came back while it was away (or while its gateway session was
lost), so each server is checked whenever Discord sends it: GUILD_CREATE, at start and after every
re-identify (never on a RESUME, which replays the events instead). A server's whole check asks a
page of 100 people at a time, paced so that it never takes the whole gateway budget: the check-in
dispatcher asks about the partners of the rounds it is about to post meanwhile (`verify`, through
bot/membership.py), so a round due at start is not held back by a large server's check.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict
from collections.abc import Collection, Iterable

import discord
from discord.ext import commands

from bot.client import AttuneBot
from cogs.couples.membership import QUERY_BATCH, Presence, look_up

log = logging.getLogger(__name__)

# A server's whole check: its first requests at once (a server of up to 1,000 couples is done in
# one go), then one every 2 s. discord.py lets a client send 110 gateway requests a minute: this
# leaves 60 free in the first minute and 80 in each after it for the check-in dispatcher's own
# checks, which need 48 a minute while a burst of rounds goes out at 40 a second (80 partners a
# second, 100 a request). Measured: with 40 at once and one every 1.5 s, a burst due in the first
# minutes of a 20,000-member server ran out of gateway budget and stopped for 32 s (benchmark 3).
CHECK_BURST = 20
CHECK_RATE = 1 / 2.0
VERIFY_PATIENCE = 10.0  # seconds for Discord's answer about the partners of due rounds


class Allowance:
    """Up to `burst` takes at once, then `rate` a second; unused time fills it up again."""

    def __init__(self, burst: int, rate: float) -> None:
        self._burst = float(burst)
        self._rate = rate
        self._left = float(burst)
        self._at = time.monotonic()
        self._lock = asyncio.Lock()

    async def take(self) -> None:
        async with self._lock:  # waiters queue up in order
            now = time.monotonic()
            self._left = min(self._burst, self._left + (now - self._at) * self._rate)
            self._at = now
            if self._left < 1:
                await asyncio.sleep((1 - self._left) / self._rate)
                self._left, self._at = 1.0, time.monotonic()
            self._left -= 1


class MembershipCog(commands.Cog):
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        # One server's membership changes are applied one at a time, in the order Discord sent them.
        self._locks: defaultdict[int, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._allowance = Allowance(CHECK_BURST, CHECK_RATE)

    async def cog_load(self) -> None:
        self.bot.membership.verifier = self.verify

    async def cog_unload(self) -> None:
        self.bot.membership.verifier = None

    @commands.Cog.listener()
    async def on_raw_member_remove(self, payload: discord.RawMemberRemoveEvent) -> None:
        if self.bot.user is not None and payload.user.id == self.bot.user.id:
            return
        async with self._locks[payload.guild_id]:
            paused = await self.bot.services.couples.member_left(payload.guild_id, payload.user.id)
        for couple in paused:
            log.info("Couple %s is paused: a partner left the server", couple.id)

    @commands.Cog.listener()
    async def on_member_join(self, member: discord.Member) -> None:
        async with self._locks[member.guild.id]:
            resumed = await self.bot.services.couples.member_returned(member.guild.id, member.id)
        for couple in resumed:
            log.info("Couple %s resumes: both partners are in the server again", couple.id)
            await self.bot.threads.add_back(couple, couple.partner_ids)

    # A new session's servers are marked unchecked as READY is parsed (AttuneBot, bot/membership.py).

    @commands.Cog.listener()
    async def on_guild_available(self, guild: discord.Guild) -> None:
        await self.check_members(guild)

    @commands.Cog.listener()
    async def on_guild_join(self, guild: discord.Guild) -> None:
        await self.check_members(guild)

    async def check_members(self, guild: discord.Guild) -> None:
        """Pause the server's couples whose partner is gone, resume those whose partners are back:
        a page of people at a time, in user id order, so memory stays flat whatever its size."""
        self.bot.membership.expect([guild.id])  # before any await, so the dispatcher waits for it
        after = 0
        try:
            while page := await self.bot.services.couples.members_to_verify(guild.id, after, QUERY_BATCH):
                after = page[-1]
                await self._allowance.take()
                await self._check(guild, page)
                if len(page) < QUERY_BATCH:
                    break
        finally:
            self.bot.membership.done(guild.id)

    async def verify(self, guild_id: int, user_ids: Collection[int]) -> Collection[int]:
        """Check just these people in the server now (the partners of rounds about to be posted);
        whose presence Discord confirmed."""
        guild = self.bot.get_guild(guild_id)
        if guild is None:
            return ()  # not among this session's servers: nothing to ask, what was known stands
        if guild.unavailable:  # READY listed it, its GUILD_CREATE has not come yet
            try:
                await self.bot.wait_for(
                    "guild_available", check=lambda g: g.id == guild_id, timeout=VERIFY_PATIENCE
                )
            except TimeoutError:
                self.bot.membership.give_up(guild_id)
                return ()
        presence = await self._check(guild, user_ids, per_request=VERIFY_PATIENCE)
        return presence.checked

    async def _check(
        self, guild: discord.Guild, user_ids: Collection[int], per_request: float | None = None
    ) -> Presence:
        couples = self.bot.services.couples
        async with self._locks[guild.id]:
            presence = await look_up(guild, user_ids, per_request=per_request)
            changes = await couples.reconcile_members(
                guild.id, checked=presence.checked, present=presence.present
            )
        for couple in changes.paused:
            log.info("Couple %s is paused: a partner left the server while Attune was away", couple.id)
        for couple in changes.resumed:
            log.info("Couple %s resumes: both partners are in the server again", couple.id)
            await self.bot.threads.add_back(couple, couple.partner_ids)
        resumed = {couple.id for couple in changes.resumed}
        await self._add_back_rejoined(guild, presence.present, skip=resumed)
        return presence

    async def _add_back_rejoined(self, guild: discord.Guild, present: Iterable[int], skip: set[int]) -> None:
        """Someone who left and came back while Attune was away was taken out of their private
        thread by Discord, though their couple never paused here: their join time changed."""
        joined = {
            member.id: int(member.joined_at.timestamp() * 1000)
            for user_id in present
            if (member := guild.get_member(user_id)) is not None and member.joined_at is not None
        }
        for couple, user_id in await self.bot.services.couples.rejoined_partners(guild.id, joined):
            if couple.id not in skip:
                log.info("A partner of couple %s rejoined the server while Attune was away", couple.id)
                await self.bot.threads.add_back(couple, [user_id])
