"""Whether each server's couples have been checked against who is really in it, since Discord last
(re)sent that server (GUILD_CREATE, on start and after every re-identify).

While Attune is away, nobody tells it that a partner left or came back. So the couples feature checks
each server as it becomes available, and work that acts for couples (the check-in dispatcher) waits
for those checks first: a partner who left meanwhile is not pinged before their couple is paused.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

log = logging.getLogger(__name__)


class MembershipChecks:
    def __init__(self) -> None:
        self._pending: set[int] = set()
        self._settled = asyncio.Event()
        self._settled.set()

    def expect(self, guild_ids: Iterable[int]) -> None:
        """These servers are about to be checked (their GUILD_CREATE is coming or has come)."""
        self._pending.update(guild_ids)
        if self._pending:
            self._settled.clear()

    def done(self, guild_id: int) -> None:
        """This server's check finished (or failed: then what was known before still stands)."""
        self._pending.discard(guild_id)
        if not self._pending:
            self._settled.set()

    @property
    def pending(self) -> frozenset[int]:
        return frozenset(self._pending)

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
