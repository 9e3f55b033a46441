"""Whether each server's couples have been checked against who is really in it, since Discord last
(re)sent that server (GUILD_CREATE, on start and after every re-identify).

While Attune is away, nobody tells it that a partner left or came back. So the couples feature checks
each server as it becomes available, and work that acts for couples waits for those checks first: a
partner who left meanwhile is not pinged before their couple is paused.

A whole server's check can take long (Discord answers at most 100 people a request, and a client may
send about two requests a second), so the check-in dispatcher does not wait for it: it asks, through
the `verifier` the couples feature registers, about just the partners of the rounds it is about to
post (`verify`), and posts for the couples still active afterwards.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Collection, Iterable

log = logging.getLogger(__name__)

# Checks these people in this server now and pauses or resumes their couples to match; returns
# whose presence Discord confirmed (an unanswered request confirms nobody).
Verifier = Callable[[int, Collection[int]], Awaitable[Collection[int]]]


class MembershipChecks:
    def __init__(self) -> None:
        self._pending: set[int] = set()  # what settled() still waits for (patience may drop some)
        self._unchecked: set[int] = set()  # servers whose whole check has not finished this session
        self._verified: dict[int, set[int]] = {}  # people checked one by one in an unchecked server
        self._settled = asyncio.Event()
        self._settled.set()
        self.verifier: Verifier | None = None  # the couples feature's, when it is loaded

    def begin_session(self, guild_ids: Iterable[int]) -> None:
        """A new gateway session (READY): every server it lists is sent again, so each is
        unchecked until its check finishes. Called as READY is parsed, before anything can run."""
        self._verified.clear()
        self._unchecked.clear()
        self.expect(guild_ids)

    def expect(self, guild_ids: Iterable[int]) -> None:
        """These servers are about to be checked (their GUILD_CREATE is coming or has come)."""
        ids = set(guild_ids)
        self._pending.update(ids)
        self._unchecked.update(ids)
        if self._pending:
            self._settled.clear()

    def done(self, guild_id: int) -> None:
        """This server's check finished (or failed: then what was known before still stands)."""
        self._pending.discard(guild_id)
        self._unchecked.discard(guild_id)
        self._verified.pop(guild_id, None)
        if not self._pending:
            self._settled.set()

    @property
    def pending(self) -> frozenset[int]:
        return frozenset(self._pending)

    def give_up(self, guild_id: int) -> None:
        """This server did not arrive in time (an outage): stop asking about its people one by
        one, and let what was known of them stand, as `settled` does after its patience. Its
        whole check still runs when its GUILD_CREATE arrives (`expect` marks it unchecked again)."""
        log.warning("Gave up waiting for server %s; its members are checked when it arrives", guild_id)
        self._unchecked.discard(guild_id)
        self._verified.pop(guild_id, None)

    @property
    def unchecked(self) -> frozenset[int]:
        """The servers whose whole check has not finished this session."""
        return frozenset(self._unchecked)

    def needs_verifying(self, guild_id: int) -> bool:
        return guild_id in self._unchecked

    async def verify(self, guild_id: int, user_ids: Collection[int], patience: float) -> None:
        """Make sure these people's presence in the server was checked this session before
        anything is sent for their couples: at once when the server's whole check is done, else by
        asking about just them (each person once a session; someone Discord did not answer about
        is asked about again next time, and meanwhile what was known of them stands). Without a
        verifier, waits for every server's check instead (`settled`)."""
        if guild_id not in self._unchecked:
            return
        if self.verifier is None:
            await self.settled(patience)
            return
        verified = self._verified.setdefault(guild_id, set())
        wanted = [user_id for user_id in user_ids if user_id not in verified]
        if not wanted:
            return
        checked = await self.verifier(guild_id, wanted)
        if guild_id in self._unchecked:  # the whole check may have finished meanwhile
            self._verified.setdefault(guild_id, set()).update(checked)

    async def settled(self, patience: float) -> bool:
        """Wait until no check is pending. After `patience` seconds (a server stays unavailable),
        stop waiting for the stragglers, so they hold nothing back again; their check still runs
        when their GUILD_CREATE arrives. True when everything was checked in time."""
        try:
            await asyncio.wait_for(self._settled.wait(), patience)
        except TimeoutError:
            log.warning("Gave up waiting for the membership check of %d server(s)", len(self._pending))
            self._pending.clear()
            self._settled.set()
            return False
        return True
