"""The check-in job: one APScheduler job wakes for the next due time (or every 30 s) and drives
everything from the database (posting due rounds, DM nudges, reveals to retry, reminders, closes),
so a restart never sends twice and never forgets what was due. A cog of its own: installed when
the extension loads, stopped (letting the sends in flight finish) when it unloads."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import discord

from bot.clock import from_unix, unix
from bot.jobs import JobCog
from bot.notify import mentioning, mentions
from bot.pacing import Pacer
from bot.services.checkin_rounds import TOO_LATE
from bot.services.notifications import DAILY_DM_FAILURE_CAP
from bot.ui import ATTUNE_COLOUR
from cogs.checkins.posting import RoundPosting, round_link
from cogs.checkins.reveals import post_reveal
from cogs.checkins.trouble import failure_code
from cogs.checkins.views import round_embed, round_view, write_view

if TYPE_CHECKING:
    from bot.records.checkins import Round
    from bot.records.couples import Couple

log = logging.getLogger(__name__)

JOB_ID = "attune:checkins:dispatch"
SAFETY_INTERVAL_SECONDS = 30
CONCURRENT_SENDS = 8
POST_BATCH = 500
# Each partner is told once per event (bot/services/notifications.py): by DM, or in the thread.
READY_DM = "Your check-in is ready, whenever you have a quiet minute: {link}"
READY_IN_THREAD = "Your check-in is ready, whenever you have a quiet minute."
REMINDER_DM = "A gentle reminder: today's check-in is still waiting for you, whenever you're ready. {link}"
REMINDER_IN_THREAD = "A gentle reminder: today's check-in is still waiting for you, whenever you're ready."
SHUTDOWN_GRACE_SECONDS = 10.0  # SIGTERM must end within 15 s in all
MEMBERSHIP_WAIT_SECONDS = 30.0  # at most, for the servers' membership checks after a (re)connect

RoundWork = Callable[["Round"], Awaitable[None]]


class CheckinDispatcher(JobCog):
    needs_guild_cache = False  # from READY: posting needs channel ids, and verified partners
    job_id = JOB_ID
    interval_seconds = SAFETY_INTERVAL_SECONDS
    failed_note = "Check-in dispatch failed; it will run again shortly"
    stopped_note = "Check-in dispatch stopped for shutdown; the rest resumes on next start"

    def __init__(self, posting: RoundPosting) -> None:
        super().__init__(posting.bot)
        self.posting = posting
        self.service = posting.service
        self._tick_lock = asyncio.Lock()
        self._stopping = False

    @property
    def pacer(self) -> Pacer:
        return self.posting.pacer

    @pacer.setter
    def pacer(self, pacer: Pacer) -> None:  # tests and benchmarks pace every send their own way
        self.posting.pacer = pacer

    # -- the job -------------------------------------------------------------------------------

    async def cog_unload(self) -> None:
        await self.shutdown()  # unlike the other jobs', the sends in flight may finish first

    async def run_ready(self) -> None:
        if self._stopping:
            return
        await super().run_ready()
        await self._schedule_next_wake()

    def wake(self) -> None:
        """Run the dispatch now (a schedule changed, or /checkin now)."""
        # APScheduler runs on real time, not on the (testable) domain clock.
        self.job.run_at(datetime.now(UTC))

    async def _schedule_next_wake(self) -> None:
        wake_at = await self.service.next_wake()
        if wake_at is None:
            return
        # From the exact time, not whole seconds: rounding now down would wake up to a second late.
        delay = max(0.0, wake_at - self.bot.clock.now().timestamp())
        if delay < SAFETY_INTERVAL_SECONDS:
            self.job.run_at(datetime.fromtimestamp(datetime.now(UTC).timestamp() + delay, UTC))

    async def shutdown(self) -> None:
        """Stop starting new runs and new sends, let the ones in flight finish, then return.

        Rounds not yet sent stay 'pending' in the database: the next start sends them (or, if a
        send was in flight when the process died, finds it in the thread instead of resending).
        """
        self.job.stop()
        self._stopping = True
        try:
            await asyncio.wait_for(self._tick_lock.acquire(), SHUTDOWN_GRACE_SECONDS)
        except TimeoutError:
            log.warning("Check-in dispatch outlived the shutdown grace; the rest resumes on next start")
        else:
            self._tick_lock.release()

    async def tick(self) -> None:
        """Record what is due and post it, then nudge, post reveals, remind, close. Safe to run at
        any time. Every round goes out before any DM nudge: a round reaches its thread first, and
        the partners it tells by DM (not mentioned in the post) hear of it just after.

        It starts at READY, before the servers' membership checks of a fresh gateway session
        (bot/membership.py) are done: whom it posts for or nudges, it has checked first (a couple
        whose partner left while Attune was away is paused before anything is posted for it); the
        rest waits for those checks, as it may need any couple's."""
        if self._stopping:
            return
        async with self._tick_lock:
            await self._record_and_post()
            await self._drain(self.service.rounds_to_nudge, self._nudge_round)
        await self.bot.membership.settled(MEMBERSHIP_WAIT_SECONDS)
        if self._stopping:
            return
        async with self._tick_lock:
            now = unix(self.bot.clock.now())
            run_id = self.posting.run_id
            await self._gather(self._post_reveal, await self.service.reveals_to_post(now, run_id, 1000))
            await self._gather(self._remind, await self.service.claim_reminders(now, limit=1000))
            await self._gather(self._close, await self.service.close_expired(now, limit=1000))

    async def _record_and_post(self) -> None:
        """Post the rounds of each recorded batch while the next batch is being recorded, so a
        burst starts going out at once and the sending never pauses for the bookkeeping."""
        recorded = asyncio.Event()

        async def record() -> None:
            try:
                async with contextlib.aclosing(self.service.record_due(self._verify_couples)) as batches:
                    async for batch in batches:
                        self._missed("downtime", batch.missed)
                        recorded.set()
                        if self._stopping:
                            break
            finally:
                recorded.set()

        recorder = asyncio.create_task(record())
        after = 0
        try:
            while not self._stopping:
                # Read before the query: a batch committed after this point is found next time round.
                recording_done = recorder.done()
                recorded.clear()
                now = unix(self.bot.clock.now())
                batch = await self.service.rounds_to_post(after, POST_BATCH, now, self.posting.run_id)
                if batch:
                    after = batch[-1].id
                    await self._verify_couples([r.couple_id for r in batch if r.couple_id is not None])
                    await self._gather(self._post_round, batch)
                elif recording_done:
                    break
                else:
                    await recorded.wait()
        finally:
            await recorder  # ends by itself within a batch; its error (if any) reaches run_job

    async def _verify_couples(self, couple_ids: list[int]) -> bool:
        """Before recording or posting a batch while servers are unchecked: ask about its
        partners, a server at a time (100 people a request), not a request for each round.
        True when one of their servers was unchecked (so what was read before may have changed)."""
        checks = self.bot.membership
        if not checks.unchecked or not couple_ids:
            return False
        asked = False
        for guild_id, user_ids in (await self.posting.couples.members_of(couple_ids)).items():
            if checks.needs_verifying(guild_id):
                asked = True
                await checks.verify(guild_id, user_ids, MEMBERSHIP_WAIT_SECONDS)
        return asked

    async def _couple(self, couple_id: int) -> Couple | None:
        """The couple as it stands once its partners' presence was checked this session."""
        couple = await self.posting.couples.couple_by_id(couple_id)
        if couple is None or not self.bot.membership.needs_verifying(couple.guild_id):
            return couple
        await self.bot.membership.verify(couple.guild_id, couple.partner_ids, MEMBERSHIP_WAIT_SECONDS)
        return await self.posting.couples.couple_by_id(couple_id)

    async def _drain(self, fetch: Callable[[int, int], Awaitable[list[Round]]], work: RoundWork) -> None:
        """Work through everything `fetch` returns, a batch at a time, each round once per tick."""
        after = 0
        while not self._stopping and (batch := await fetch(after, POST_BATCH)):
            after = batch[-1].id
            await self._gather(work, batch)

    async def _gather(self, work: RoundWork, items: list[Round]) -> None:
        if not items:
            return
        semaphore = asyncio.Semaphore(CONCURRENT_SENDS)

        async def one(item: Round) -> None:
            async with semaphore:
                if self._stopping:
                    return  # released: still pending in the database
                try:
                    await work(item)
                except Exception:
                    log.exception("Check-in round %s: %s failed; will retry", item.id, work.__name__)

        await asyncio.gather(*(one(item) for item in items))

    # -- posting -------------------------------------------------------------------------------

    async def _post_round(self, round_: Round) -> None:
        if round_.kind == "personal":
            await self._post_personal(round_)
            return
        assert round_.couple_id is not None
        posting = self.posting
        couple = await self._couple(round_.couple_id)
        if couple is None or couple.status != "active":
            reason = couple.status if couple else "ended"
            await self.service.mark_undeliverable(round_.id, reason)
            self._missed(reason)
            return
        attempt = await self.service.claim_post(round_, posting.run_id)
        if attempt == TOO_LATE:
            self._missed("late")
        if attempt <= 0:
            return
        try:
            async with posting.claim_released_on_error(round_.id):
                thread = await self.bot.threads.ensure_thread(couple)
                message = await self._find_posted(thread, round_.id) if attempt > 1 else None
                if message is None:
                    # Whoever ran /checkin now is told nothing; each other partner once: mentioned
                    # here, or by DM after every due round is up (then not mentioned here).
                    plan = await posting.notifications.plan(couple.partner_ids, round_.started_by)
                    await self.pacer.wait()
                    prompt = await self.service.prompt_text(round_.prompt_id)
                    names = [(posting.name(couple.guild_id, uid), False) for uid in couple.partner_ids]
                    message = await thread.send(
                        content=mentions(plan.mention) or None,
                        embed=round_embed(prompt, names),
                        view=round_view(round_.id),
                        allowed_mentions=mentioning(plan.mention),
                    )
                    nudge_to = plan.dm
                else:  # posted before a crash: whoever it did not mention is told by DM
                    nudge_to = posting.not_told(couple, message, round_.started_by)
                await posting.thread_works(couple)
                await self.service.mark_posted(
                    round_, channel_id=thread.id, message_id=message.id, nudge_to=nudge_to
                )
            self.bot.metrics.rounds_posted.labels("couple").inc()
        except Exception as error:
            self.bot.metrics.rounds_failed.labels(failure_code(error)).inc()
            if not await posting.thread_trouble(couple, error):
                raise

    async def post_now(self, round_id: int) -> Round | None:
        """Post one round at once (/checkin now) and tell the partner, then return it as it
        stands afterwards."""
        round_ = await self.service.round(round_id)
        if round_ is None:
            return None
        try:
            await self._post_round(round_)
        except Exception:
            log.exception("Check-in round %s: posting it now failed; will retry", round_id)
        posted = await self.service.round(round_id)
        if posted is not None and posted.status == "open":
            try:
                await self._nudge_round(posted)
            except Exception:
                log.exception("Check-in round %s: telling the partner failed", round_id)
        return posted

    async def _find_posted(self, channel: discord.abc.Messageable, round_id: int) -> discord.Message | None:
        """After a crash between recording and posting: did the post reach Discord? Look first."""
        wanted = f"attune:checkin:answer:{round_id}"

        def is_it(message: discord.Message) -> bool:
            return any(
                getattr(child, "custom_id", None) == wanted
                for row in message.components
                for child in getattr(row, "children", [])
            )

        return await self.posting.find_own(channel, is_it)

    async def _post_personal(self, round_: Round) -> None:
        assert round_.user_id is not None
        if not await self.posting.notifications.may_dm(round_.user_id):
            await self.service.mark_undeliverable(round_.id, "unreachable")
            self._missed("unreachable")
            return
        attempt = await self.service.claim_post(round_, self.posting.run_id)
        if attempt == TOO_LATE:
            self._missed("late")
        if attempt <= 0:
            return
        prompt = await self.service.prompt_text(round_.prompt_id)
        embed = discord.Embed(
            title="Your check-in",
            description=f"**{prompt}**\n\nPress Write when you have a quiet minute. "
            "It goes to your private journal.",
            colour=ATTUNE_COLOUR,
        )
        try:
            message = await self.posting.notifier.dm(round_.user_id, embed=embed, view=write_view(round_.id))
        except Exception as error:
            self.bot.metrics.rounds_failed.labels(failure_code(error)).inc()
            await self.service.release_claim(round_.id, self.posting.run_id)
            raise
        if message is None:
            await self.service.mark_undeliverable(round_.id, "unreachable")
            self._missed("unreachable")
            return
        await self.service.mark_posted(round_, channel_id=message.channel.id, message_id=message.id)
        self.bot.metrics.rounds_posted.labels("personal").inc()

    def _missed(self, reason: str, count: int = 1) -> None:
        """Rounds recorded as missed, never posted, for the metrics (never a label with an id)."""
        if count:
            self.bot.metrics.rounds_missed.labels(reason).inc(count)

    async def _post_reveal(self, round_: Round) -> None:
        await post_reveal(self.posting, round_)

    # -- after posting -------------------------------------------------------------------------

    async def _nudge_round(self, round_: Round) -> None:
        """The DM nudges of one posted round, at most once (claimed before sending), to the
        partners its post did not mention; one whose DM fails is mentioned in the thread instead."""
        if round_.couple_id is None or round_.channel_id is None or round_.message_id is None:
            return
        nudge_to = await self.service.claim_nudge(round_.id)
        if not nudge_to:
            return
        couple = await self._couple(round_.couple_id)
        if couple is None or couple.status != "active":
            return
        link = round_link(couple.guild_id, round_)
        missed = [uid for uid in nudge_to if uid in couple.partner_ids and not await self._nudge(uid, link)]
        await self.posting.notifier.mention_in_thread(
            missed, READY_IN_THREAD, channel_id=round_.channel_id, message_id=round_.message_id
        )

    async def _nudge(self, user_id: int, link: str) -> bool:
        """The DM that says a check-in is ready; False when it could not be delivered."""
        return await self.posting.notifier.dm(user_id, content=READY_DM.format(link=link)) is not None

    async def _remind(self, round_: Round) -> None:
        if round_.couple_id is None or round_.message_id is None:
            return
        couple = await self.posting.couples.couple_by_id(round_.couple_id)
        if couple is None or couple.status != "active":
            return
        answered = await self.service.answered_user_ids(round_.id)
        # Only who hasn't answered, each once: by DM, or mentioned in one reply to the round.
        waiting = [uid for uid in couple.partner_ids if uid not in answered]
        plan = await self.posting.notifications.plan(waiting, actor_id=None)
        assert round_.channel_id is not None
        notifier = self.posting.notifier
        await notifier.mention_in_thread(
            plan.mention, REMINDER_IN_THREAD, channel_id=round_.channel_id, message_id=round_.message_id
        )
        await notifier.tell(
            plan.dm,
            REMINDER_DM.format(link=round_link(couple.guild_id, round_)),
            channel_id=round_.channel_id,
            message_id=round_.message_id,
            thread_text=REMINDER_IN_THREAD,
        )

    async def _close(self, round_: Round) -> None:
        if round_.kind == "couple":
            await self.posting.refresh_round_message(round_, status="closed")


def due_time_text(seconds: int | None) -> str:
    return "not scheduled" if seconds is None else f"<t:{seconds}:f>"


__all__ = ["DAILY_DM_FAILURE_CAP", "JOB_ID", "CheckinDispatcher", "due_time_text", "from_unix"]
