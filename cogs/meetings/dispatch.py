"""The meeting job: one APScheduler job wakes for the next due time (or every 30 s) and drives
everything from the database: recording the meetings that fall due, posting them (claimed first,
so a restart never posts twice, and found in the thread after a crash mid-post), telling the
partners, reveals to retry, meetings whose day is over, and journal records still to write.
A cog of its own: installed when the extension loads, stopped when it unloads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, TypeVar

import discord

from bot.clock import unix
from bot.jobs import JobCog
from bot.notify import mentioning, mentions
from cogs.checkins.trouble import failure_code
from cogs.meetings.agenda import after_reveal, card, close
from cogs.meetings.posting import MeetingPosting, message_link
from cogs.meetings.reveals import post_reveal

if TYPE_CHECKING:
    from bot.records.meetings import Meeting, StepReveal

log = logging.getLogger(__name__)

JOB_ID = "attune:meetings:dispatch"
SAFETY_INTERVAL_SECONDS = 30
BATCH = 200
MEMBERSHIP_WAIT_SECONDS = 30.0  # at most, for the servers' membership checks after a (re)connect
READY_IN_THREAD = "It's time for your couple meeting, whenever you're both ready."

T = TypeVar("T")


class MeetingDispatcher(JobCog):
    job_id = JOB_ID
    interval_seconds = SAFETY_INTERVAL_SECONDS
    failed_note = "Meeting dispatch failed; it will run again shortly"
    stopped_note = "Meeting dispatch stopped for shutdown; the rest resumes on next start"

    def __init__(self, posting: MeetingPosting) -> None:
        super().__init__(posting.bot)
        self.posting = posting
        self.service = posting.service
        self._tick_lock = asyncio.Lock()

    async def run_ready(self) -> None:
        await super().run_ready()
        wake_at = await self.service.next_wake()
        if wake_at is not None:
            delay = max(0, wake_at - unix(self.bot.clock.now()))
            if delay < SAFETY_INTERVAL_SECONDS:  # APScheduler runs on real time, not the domain clock
                self.job.run_at(datetime.fromtimestamp(datetime.now(UTC).timestamp() + delay, UTC))

    def wake(self) -> None:
        """Run the dispatch now (the schedule changed, or /meeting now)."""
        self.job.run_at(datetime.now(UTC))

    async def tick(self) -> None:
        """Record what is due and post it, tell the partners, retry reveals, close what is over and
        write the records left to write. Safe to run at any time. A couple whose partner left while
        Attune was away is paused (bot/membership.py) before anything is posted for it."""
        await self.bot.membership.settled(MEMBERSHIP_WAIT_SECONDS)
        async with self._tick_lock:
            service, run_id = self.service, self.posting.run_id
            await service.record_due()
            await self._each(self._post_meeting, await service.meetings_to_post(run_id, BATCH))
            await self._each(self._nudge, await service.meetings_to_nudge(BATCH))
            await self._each(self._retry_reveal, await service.reveals_to_post(run_id, BATCH))
            await self._each(self._close, await service.close_due(BATCH))
            await self._each(self._record, await service.meetings_to_record(BATCH))

    async def _each(self, work: Callable[[T], Awaitable[None]], items: list[T]) -> None:
        for item in items:
            try:
                await work(item)
            except Exception:
                log.exception("Meeting job: %s failed; will retry", work.__name__)

    # -- posting a meeting -----------------------------------------------------------------------

    async def _post_meeting(self, meeting: Meeting) -> None:
        posting = self.posting
        couple = await posting.couples.couple_by_id(meeting.couple_id)
        if couple is None or couple.status != "active":
            await self.service.mark_missed(meeting.id, couple.status if couple else "ended")
            return
        attempt = await self.service.claim_post(meeting, posting.run_id)
        if attempt == 0:
            return
        try:
            thread = await self.bot.threads.ensure_thread(couple)
            message = await self._find_posted(thread, meeting.id) if attempt > 1 else None
            if message is None:
                # Whoever ran /meeting now is told nothing; each other partner once: mentioned
                # here, or by DM just after (then not mentioned here).
                plan = await posting.notifications.plan(couple.partner_ids, meeting.started_by)
                embed, view = await card(posting, meeting, couple)
                assert view is not None  # a pending meeting's card has its buttons
                await posting.pacer.wait()
                message = await thread.send(
                    content=mentions(plan.mention) or None,
                    embed=embed,
                    view=view,
                    allowed_mentions=mentioning(plan.mention),
                )
                nudge_to = plan.dm
            else:  # posted before a crash: whoever it did not mention is told by DM
                nudge_to = posting.rounds.not_told(couple, message, meeting.started_by)
            await posting.thread_works(couple)
            replaced = await self.service.mark_posted(
                meeting, channel_id=thread.id, message_id=message.id, nudge_to=nudge_to
            )
            self.bot.metrics.meetings_posted.inc()
        except Exception as error:
            self.bot.metrics.meetings_failed.labels(failure_code(error)).inc()
            with contextlib.suppress(Exception):
                await self.service.release_claim(meeting.id, posting.run_id)
            if not await posting.thread_trouble(couple, error):
                raise
            return
        for old_id in replaced:  # one meeting open at a time: the one before is over
            old = await self.service.meeting(old_id)
            if old is not None:
                await close(posting, old)

    async def post_now(self, meeting_id: int) -> Meeting | None:
        """Post one meeting at once (/meeting now) and tell the partner; the meeting as it stands."""
        meeting = await self.service.meeting(meeting_id)
        if meeting is None:
            return None
        try:
            await self._post_meeting(meeting)
        except Exception:
            log.exception("Meeting %s: posting it now failed; will retry", meeting_id)
        posted = await self.service.meeting(meeting_id)
        if posted is not None and posted.status == "open":
            try:
                await self._nudge(posted)
            except Exception:
                log.exception("Meeting %s: telling the partner failed", meeting_id)
        return posted

    async def _find_posted(self, channel: discord.abc.Messageable, meeting_id: int) -> discord.Message | None:
        """After a crash between recording and posting: did the card reach Discord? Look first."""
        wanted = f"attune:meeting:write:{meeting_id}"

        def is_it(message: discord.Message) -> bool:
            return any(
                getattr(child, "custom_id", None) == wanted
                for row in message.components
                for child in getattr(row, "children", [])
            )

        return await self.posting.rounds.find_own(channel, is_it)

    async def _nudge(self, meeting: Meeting) -> None:
        """The DMs that say a meeting has begun, at most once (claimed before sending), to the
        partners its card did not mention; one whose DM fails is mentioned in the thread instead."""
        if meeting.channel_id is None or meeting.message_id is None:
            return
        nudge_to = await self.service.claim_nudge(meeting.id)
        couple = await self.posting.couples.couple_by_id(meeting.couple_id)
        if not nudge_to or couple is None or couple.status != "active":
            return
        notifier = self.posting.notifier
        link = message_link(couple.guild_id, meeting.channel_id, meeting.message_id)
        ready = f"{self.bot.content.meeting.ready} {link}"
        missed = [
            uid
            for uid in nudge_to
            if uid in couple.partner_ids and await notifier.dm(uid, content=ready) is None
        ]
        await notifier.mention_in_thread(
            missed, READY_IN_THREAD, channel_id=meeting.channel_id, message_id=meeting.message_id
        )

    # -- after posting ---------------------------------------------------------------------------

    async def _retry_reveal(self, reveal: StepReveal) -> None:
        if await post_reveal(self.posting, reveal):
            await after_reveal(self.posting, reveal.meeting_id, reveal.step)

    async def _close(self, meeting: Meeting) -> None:
        await close(self.posting, meeting)

    async def _record(self, meeting: Meeting) -> None:
        couple = await self.posting.couples.couple_by_id(meeting.couple_id)
        if couple is not None:
            await self.service.write_records(meeting, couple)
