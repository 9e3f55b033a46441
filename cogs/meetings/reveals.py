"""Revealing one step of a couple meeting: a lead line (a reply to the agenda card), then each
partner's words in a message of their own. One piece of code for the agenda flow (the second answer
just came in) and the job (retrying one that failed).

The reveal is claimed first, so exactly one poster sends it; each answer is read again at the last
moment before it is sent, and checked once more after its post is recorded, so words erased while
the reveal was in flight are never left up. Each post is recorded for its author
(posted_messages), so /privacy delete takes down that partner's words and leaves the other's.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import discord

from bot.notify import mentioning, with_mentions
from cogs.meetings.posting import MeetingPosting
from cogs.meetings.render import answer_embed

if TYPE_CHECKING:
    from bot.records.couples import Couple
    from bot.records.meetings import Meeting, MeetingAnswer, StepReveal

log = logging.getLogger(__name__)

REVEALED_IN_THREAD = "What you wrote is just above, for you both to read."


async def post_reveal(posting: MeetingPosting, reveal: StepReveal) -> bool:
    """Post a claimed step; True once it is up (or nothing of it was left to show). Errors are
    the caller's to log: the claim is released and the job tries again later."""
    service = posting.service
    meeting = await service.meeting(reveal.meeting_id)
    couple = await posting.couples.couple_by_id(meeting.couple_id) if meeting is not None else None
    if meeting is None or couple is None or couple.status == "ended" or service.too_late_to_reveal(reveal):
        await service.drop_reveal(reveal)  # the words stay with their authors (export, journal)
        return False
    attempt = await service.claim_reveal_post(reveal, posting.run_id)
    if attempt == 0:
        return False
    try:
        thread = await posting.bot.threads.ensure_thread(couple)
        # Whose action revealed the step is told nothing; the other partner once, when words of
        # theirs are among those shown (a topic shown with only one chosen tells only its author).
        written = await service.written_by(meeting.id, reveal.step)
        audience = [user_id for user_id in couple.partner_ids if user_id in written]
        plan = await posting.notifications.plan(audience, reveal.revealed_by)
        lead_id = reveal.lead_message_id
        if lead_id is None:
            lead = await _find_lead(posting, thread, meeting, reveal) if attempt > 1 else None
            if lead is None:
                await posting.pacer.wait()
                if not await service.answers(meeting.id, reveal.step):  # erased while it waited
                    await service.drop_reveal(reveal)
                    return True
                lead = await thread.send(
                    content=with_mentions(plan.mention, service.step_words(reveal.step).reveal),
                    reference=_card_reference(meeting),
                    allowed_mentions=mentioning(plan.mention),
                )
            lead_id = lead.id
            await service.record_lead(reveal, lead_id)
        up = await _post_answers(posting, thread, couple, reveal, attempt)
        await posting.thread_works(couple)
        if up:
            await service.finish_reveal(reveal)
        else:  # every answer was erased on the way: nothing of the step is left to show
            await service.drop_reveal(reveal)
            with contextlib.suppress(discord.HTTPException):
                await thread.get_partial_message(lead_id).delete()
            return True
    except Exception as error:
        with contextlib.suppress(Exception):
            await service.release_reveal_claim(reveal, posting.run_id)
        if not await posting.thread_trouble(couple, error):
            raise
        return False
    # Told that the words are side by side: whoever is to be told by DM and has words up.
    await posting.notifier.tell(
        [user_id for user_id in plan.dm if user_id in up],
        f"{posting.bot.content.meeting.revealed} {_link(couple, thread.id, lead_id)}",
        channel_id=thread.id,
        message_id=lead_id,
        thread_text=REVEALED_IN_THREAD,
    )
    return True


async def _post_answers(
    posting: MeetingPosting, thread: discord.Thread, couple: Couple, reveal: StepReveal, attempt: int
) -> set[int]:
    """Each partner's words, in the couple's order; whose words are up now."""
    service = posting.service
    title = service.step_words(reveal.step).title
    up: set[int] = set()
    taken: set[int] = set()  # posts already matched to an answer (two partners may write alike)
    for user_id in couple.partner_ids:
        answer = await service.answer_of(reveal.meeting_id, reveal.step, user_id)
        if answer is None:
            continue
        if answer.message_id is not None:
            taken.add(answer.message_id)
            up.add(user_id)
            continue
        message = await _find_answer(posting, thread, answer, taken) if attempt > 1 else None
        if message is None:
            await posting.pacer.wait()
            # Read at the last moment: words erased while this waited are not posted.
            answer = await service.answer_of(reveal.meeting_id, reveal.step, user_id)
            if answer is None:
                continue
            name = posting.name(couple.guild_id, user_id)
            message = await thread.send(
                embed=answer_embed(title, name, answer.body), allowed_mentions=discord.AllowedMentions.none()
            )
        taken.add(message.id)
        await posting.bot.services.privacy.record_post(user_id, thread.id, message.id)
        if await service.record_answer_post(answer, message.id):
            up.add(user_id)
            continue
        # Erased after it was read and before its post was recorded: the erase could not know of
        # this post, so it comes down here.
        with contextlib.suppress(discord.NotFound):
            await message.delete()
        await posting.bot.services.privacy.forget_post(thread.id, message.id)
    return up


async def _find_lead(
    posting: MeetingPosting, thread: discord.Thread, meeting: Meeting, reveal: StepReveal
) -> discord.Message | None:
    """After a crash mid-reveal: the lead is the reply to the card carrying this step's line."""
    line = posting.service.step_words(reveal.step).reveal

    def is_it(message: discord.Message) -> bool:
        reference = message.reference
        return (
            reference is not None and reference.message_id == meeting.message_id and line in message.content
        )

    return await posting.rounds.find_own(thread, is_it)


async def _find_answer(
    posting: MeetingPosting, thread: discord.Thread, answer: MeetingAnswer, taken: set[int]
) -> discord.Message | None:
    """After a crash mid-reveal: an answer's post is the one carrying exactly its words."""

    def is_it(message: discord.Message) -> bool:
        return message.id not in taken and any(embed.description == answer.body for embed in message.embeds)

    return await posting.rounds.find_own(thread, is_it)


def _card_reference(meeting: Meeting) -> discord.MessageReference:
    assert meeting.channel_id is not None and meeting.message_id is not None  # revealed meetings were posted
    return discord.MessageReference(
        message_id=meeting.message_id, channel_id=meeting.channel_id, fail_if_not_exists=False
    )


def _link(couple: Couple, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{couple.guild_id}/{channel_id}/{message_id}"
