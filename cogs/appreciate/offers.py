"""The weekly appreciation offer: ONE APScheduler job polls what is due in the database and sends
each person who opted in a private DM with one appreciation they kept, to Post or leave for now.

The database is the source of truth: each week's offer is recorded (and the reminder moved on) in
one transaction before anything is sent, and claimed 'sending' before its DM goes, so a restart or
a second run never sends it twice. One that could not go out on time is sent up to the service's
grace late, never later. Closed DMs are recorded ('undelivered') and nothing is said in the
thread: the offer is the person's own, private. Tests call `tick()` after moving the FakeClock.

custom_ids: attune:appreciate:offer-post:<owner>:<offer> and attune:appreciate:offer-skip:<owner>:<offer>.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot.components import AttuneButton, persistent_view
from bot.errors import NotFound
from bot.jobs import JobCog
from bot.notify import Notifier
from bot.services.appreciations import NOT_FOUND
from bot.sharing import CANCEL_STYLE, POST_LABEL, POST_STYLE
from cogs.appreciate.views import NOT_YOURS, author_name, post_appreciation, shared_embed

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.appreciations import Appreciation, Offer

log = logging.getLogger(__name__)

JOB_ID = "attune:appreciate:offers"
INTERVAL_SECONDS = 60

Interaction = discord.Interaction["AttuneBot"]


class AppreciationOffers(JobCog):
    job_id = JOB_ID
    interval_seconds = INTERVAL_SECONDS
    failed_note = "Weekly appreciation offers failed; they run again shortly"
    stopped_note = "Weekly appreciation offers stopped for shutdown; what is due stays due"

    def __init__(self, bot: AttuneBot) -> None:
        super().__init__(bot)
        self._lock = asyncio.Lock()

    async def tick(self) -> None:
        """Record the offers due now, then send each one claimed. Safe to run at any time."""
        service = self.bot.services.appreciations
        async with self._lock:
            await service.record_due_offers()
            for offer, appreciation in await service.claim_offers():
                try:
                    await self._send(offer, appreciation)
                except Exception:
                    log.exception("A weekly appreciation offer could not be sent")
                    await service.finish_offer(offer.id, "failed")

    async def _send(self, offer: Offer, appreciation: Appreciation) -> None:
        """The private DM: the lead, the appreciation exactly as the partner would see it, Post and
        Not now. DMs that can't reach the person are recorded, and nothing goes to the thread."""
        author = await author_name(self.bot, offer.guild_id, offer.user_id)
        message = await Notifier(self.bot).dm(
            offer.user_id,
            content=self.bot.content.appreciations.offer,
            embed=shared_embed(appreciation, author),
            view=offer_view(offer.user_id, offer.id),
        )
        service = self.bot.services.appreciations
        if message is None:
            await service.finish_offer(offer.id, "undelivered")
            return
        await service.finish_offer(offer.id, "sent", message.channel.id, message.id)


class _OfferButton(AttuneButton):
    """Only the person the offer was sent to may press it; the offer is looked up among theirs."""

    owner_id: int
    offer_id: int
    refusal = NOT_YOURS


class OfferPostButton(_OfferButton, route="appreciate:offer-post:{owner_id}:{offer_id}"):
    label = POST_LABEL
    style = POST_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        service = interaction.client.services.appreciations
        offer = await service.offer(self.offer_id, self.owner_id)
        if offer.appreciation_id is None:  # erased since the offer was sent
            raise NotFound(NOT_FOUND)
        thread = await post_appreciation(
            interaction, self.owner_id, offer.appreciation_id, guild_id=offer.guild_id
        )
        await service.answer_offer(offer.id, self.owner_id, "posted")
        await interaction.edit_original_response(content=f"Posted in {thread.mention}.", view=None)


class OfferSkipButton(_OfferButton, route="appreciate:offer-skip:{owner_id}:{offer_id}"):
    label = "Not now"
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        service = interaction.client.services.appreciations
        offer = await service.offer(self.offer_id, self.owner_id)
        await service.answer_offer(offer.id, self.owner_id, "not-now")
        await interaction.response.edit_message(
            content=interaction.client.content.appreciations.not_now, embed=None, view=None
        )


def offer_view(owner_id: int, offer_id: int) -> discord.ui.View:
    return persistent_view(
        OfferPostButton(owner_id=owner_id, offer_id=offer_id),
        OfferSkipButton(owner_id=owner_id, offer_id=offer_id),
    )
