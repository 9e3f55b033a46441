"""Invitations that run out: expired when their 7 days are up, whether or not anyone presses a
button, and their messages closed like any other ending (bot.services.couples holds the rule).

One APScheduler job, every few minutes; tests call `tick()` after moving the FakeClock. A tick is
idempotent: an invitation is expired once, and a public copy that could not be deleted yet (Discord
failing for a moment) is tried again on the next tick until it is gone. A cog of its own: installed
when the extension loads, stopped when it unloads.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from bot.jobs import JobCog
from cogs.couples.views import refresh_invitation_messages, remove_public_copy

if TYPE_CHECKING:
    from bot.client import AttuneBot

JOB_ID = "attune:couples:invitations"
INTERVAL_SECONDS = 120


class InvitationSweeper(JobCog):
    job_id = JOB_ID
    interval_seconds = INTERVAL_SECONDS
    failed_note = "Expiring invitations failed; it runs again shortly"
    stopped_note = "Invitation sweep stopped for shutdown"

    def __init__(self, bot: AttuneBot) -> None:
        super().__init__(bot)
        self._lock = asyncio.Lock()

    async def tick(self) -> None:
        """Expire what is due and close its messages; take down public copies still left up."""
        couples = self.bot.services.couples
        async with self._lock:
            for invitation in await couples.expire_due():
                await refresh_invitation_messages(self.bot, invitation)
            for invitation in await couples.closed_with_public_copy():
                await remove_public_copy(self.bot, invitation)
