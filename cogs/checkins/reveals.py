"""Posting a reveal, the answers side by side once both partners answered: one piece of code for
the answer flow (the second answer just came in) and the job (retrying one that failed)."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from bot.notify import mentioning, with_mentions
from cogs.checkins.views import reveal_embeds

if TYPE_CHECKING:
    from bot.records.checkins import Answer, Round
    from bot.records.couples import Couple
    from cogs.checkins.posting import RoundPosting

log = logging.getLogger(__name__)

REVEAL_TEXT = "You've both answered. Here's what you each wrote:"
# Each partner is told once per event (bot/services/notifications.py): by DM, or in the thread.
REVEAL_DM = "You've both answered today's check-in: your answers are side by side in your thread. {link}"
REVEAL_IN_THREAD = "You've both answered: your answers are just above."


async def reveal(posting: RoundPosting, round_: Round) -> None:
    """Post a reveal now (the second answer just came in); errors are logged, not raised:
    the reveal stays due and the job tries again."""
    try:
        await post_reveal(posting, round_)
    except Exception:
        log.exception("Check-in round %s: the reveal failed; will retry", round_.id)


async def post_reveal(posting: RoundPosting, round_: Round) -> None:
    """Post the answers of a round both partners answered: claimed first, so exactly one
    poster sends it; after a crash mid-post, the message is looked for before posting again."""
    assert round_.couple_id is not None
    service = posting.service
    couple = await posting.couples.couple_by_id(round_.couple_id)
    if couple is None or couple.status == "ended" or service.too_late_to_reveal(round_):
        await service.drop_reveal(round_.id)  # the answers stay in /checkin history
        return
    attempt = await service.claim_reveal_post(round_, posting.run_id)
    if attempt == 0:
        return
    try:
        async with posting.claim_released_on_error(round_.id):
            thread = await posting.bot.threads.ensure_thread(couple)
            message = await _find_reveal(posting, thread, round_) if attempt > 1 else None
            shown: list[Answer] | None = None  # a message found, not posted now, is redrawn below
            if message is None:
                await posting.pacer.wait()
                # Read at the last moment: an answer erased while this waited is not posted.
                shown = await service.answers(round_.id)
                if not shown:
                    await service.drop_reveal(round_.id)
                    return
                # Whose answer completed the round is told nothing; the other partner once.
                plan = await posting.notifications.plan(couple.partner_ids, round_.revealed_by)
                message = await thread.send(
                    content=with_mentions(plan.mention, REVEAL_TEXT),
                    embeds=await _reveal_embeds(posting, couple, round_, shown),
                    reference=_round_reference(round_),
                    allowed_mentions=mentioning(plan.mention),
                )
                dm_to = plan.dm
            else:  # posted before a crash: whoever it did not mention is told by DM
                dm_to = posting.not_told(couple, message, round_.revealed_by)
            await posting.thread_works(couple)
            await service.mark_reveal_posted(round_.id, message.id)
    except Exception as error:
        if not await posting.thread_trouble(couple, error):
            raise
        return
    if await _redraw_if_erased(posting, couple, round_, message, shown):
        await posting.notifier.tell(
            dm_to,
            REVEAL_DM.format(link=message.jump_url),
            channel_id=message.channel.id,
            message_id=message.id,
            thread_text=REVEAL_IN_THREAD,
        )
    await posting.refresh_round_message(round_, status="revealed")


async def _find_reveal(
    posting: RoundPosting, channel: discord.abc.Messageable, round_: Round
) -> discord.Message | None:
    """After a crash mid-reveal: the reveal is the reply to its round's message."""

    def is_it(message: discord.Message) -> bool:
        reference = message.reference
        return reference is not None and reference.message_id == round_.message_id

    return await posting.find_own(channel, is_it)


async def _reveal_embeds(
    posting: RoundPosting, couple: Couple, round_: Round, answers: list[Answer]
) -> list[discord.Embed]:
    rendered = [(posting.name(couple.guild_id, a.user_id), a.mood, a.body) for a in answers]
    return reveal_embeds(await posting.service.prompt_text(round_.prompt_id), rendered)


def _round_reference(round_: Round) -> discord.MessageReference:
    # A reply to the round it reveals: readers see which check-in it answers, and a crash
    # between posting and recording is recovered by finding this reply.
    assert round_.channel_id is not None and round_.message_id is not None  # revealed rounds were posted
    return discord.MessageReference(
        message_id=round_.message_id, channel_id=round_.channel_id, fail_if_not_exists=False
    )


async def _redraw_if_erased(
    posting: RoundPosting, couple: Couple, round_: Round, message: discord.Message, shown: list[Answer] | None
) -> bool:
    """An erasure may have committed while the reveal was in flight (a 429 wait, say): it could
    not take down a post it did not know of yet. Now that the post is recorded, compare it with
    the answers still kept, and redraw it without what was erased (or take it down). False when
    nothing is left to show (taken down)."""
    kept = await posting.service.answers(round_.id)
    if shown is not None and [(a.user_id, a.body) for a in kept] == [(a.user_id, a.body) for a in shown]:
        return True
    try:
        await posting.pacer.wait()
        if not kept:
            await message.delete()
        else:  # the lead line (and who it mentioned) stays as it was
            await message.edit(embeds=await _reveal_embeds(posting, couple, round_, kept))
    except discord.NotFound:
        pass  # already gone is what was wanted
    except discord.HTTPException:
        log.warning("Could not redraw the reveal of round %s after an erasure", round_.id)
    return bool(kept)
