"""Posting check-ins: one APScheduler job wakes for the next due time (or every 30 s) and drives
everything from the database, so a restart never sends twice and never forgets what was due."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord

from bot.clock import from_unix, unix
from bot.jobs import install_interval_job
from bot.notify import Notifier, mentioning, mentions, with_mentions
from bot.pacing import Pacer
from bot.services.notifications import DAILY_DM_FAILURE_CAP
from bot.ui import ATTUNE_COLOUR, cached_display_name
from cogs.checkins.trouble import as_thread_trouble, trouble_notice
from cogs.checkins.views import reveal_embeds, round_embed, round_view, write_view

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.checkins import Answer, Round
    from bot.records.couples import Couple

log = logging.getLogger(__name__)

JOB_ID = "attune:checkins:dispatch"
SAFETY_INTERVAL_SECONDS = 30
SENDS_PER_SECOND = 40.0
CONCURRENT_SENDS = 8
POST_BATCH = 500
REVEAL_TEXT = "You've both answered. Here's what you each wrote:"
# Each partner is told once per event (bot/services/notifications.py): by DM, or in the thread.
READY_DM = "Your check-in is ready, whenever you have a quiet minute: {link}"
READY_IN_THREAD = "Your check-in is ready, whenever you have a quiet minute."
REVEAL_DM = "You've both answered today's check-in: your answers are side by side in your thread. {link}"
REVEAL_IN_THREAD = "You've both answered: your answers are just above."
REMINDER_DM = "A gentle reminder: today's check-in is still waiting for you, whenever you're ready. {link}"
REMINDER_IN_THREAD = "A gentle reminder: today's check-in is still waiting for you, whenever you're ready."
SHUTDOWN_GRACE_SECONDS = 10.0  # SIGTERM must end within 15 s in all
MEMBERSHIP_WAIT_SECONDS = 30.0  # at most, for the servers' membership checks after a (re)connect


class CheckinDispatcher:
    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot
        self.service = bot.services.checkins
        self.repo = bot.services.checkins.repo
        self.pacer = Pacer(SENDS_PER_SECOND)
        # Read at each send, so a pacer swapped in later (tests, benchmarks) paces the DMs too.
        self.notifier = Notifier(bot, pace=lambda: self.pacer.wait())
        self.notifications = bot.services.notifications
        self._tick_lock = asyncio.Lock()
        self._stopping = False
        # Claims on a post name the process holding them: one poster per round here, and after a
        # crash the next process takes the claim over (looking for the message before posting).
        self.run_id = secrets.token_hex(8)

    def _name(self, guild_id: int, user_id: int) -> str:
        return cached_display_name(self.bot, guild_id, user_id)

    # -- the job -------------------------------------------------------------------------------

    def install(self) -> None:
        install_interval_job(self.bot.scheduler, self.run_job, job_id=JOB_ID, seconds=SAFETY_INTERVAL_SECONDS)

    async def run_job(self) -> None:
        try:
            await self.bot.wait_until_ready()
            if self._stopping:
                return
            try:
                await self.tick()
            except Exception:
                log.exception("Check-in dispatch failed; it will run again shortly")
            await self._schedule_next_wake()
        except asyncio.CancelledError:
            # The scheduler cancels a run in flight when the bot shuts down: not an error, and
            # whatever was not sent is still pending in the database for the next start.
            log.info("Check-in dispatch stopped for shutdown; the rest resumes on next start")

    def wake(self) -> None:
        """Run the dispatch now (a schedule changed, or /checkin now)."""
        job = self.bot.scheduler.get_job(JOB_ID)
        if job is not None:
            # APScheduler runs on real time, not on the (testable) domain clock.
            job.modify(next_run_time=datetime.now(UTC))

    async def _schedule_next_wake(self) -> None:
        candidates = [t for t in (await self.repo.earliest_due(), await self.repo.earliest_timer()) if t]
        if not candidates:
            return
        delay = max(0, min(candidates) - unix(self.bot.clock.now()))
        if delay < SAFETY_INTERVAL_SECONDS:
            job = self.bot.scheduler.get_job(JOB_ID)
            if job is not None:
                job.modify(next_run_time=datetime.fromtimestamp(datetime.now(UTC).timestamp() + delay, UTC))

    async def shutdown(self) -> None:
        """Stop starting new sends, let the ones in flight finish, then return.

        Rounds not yet sent stay 'pending' in the database: the next start sends them (or, if a
        send was in flight when the process died, finds it in the thread instead of resending).
        """
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

        First it waits for the membership checks of a fresh gateway session (bot/membership.py):
        a couple whose partner left while Attune was away is paused before anything is posted."""
        if self._stopping:
            return
        await self.bot.membership.settled(MEMBERSHIP_WAIT_SECONDS)
        if self._stopping:
            return
        async with self._tick_lock:
            await self._record_and_post()
            await self._drain(self.repo.unnudged_rounds, self._nudge_round)
            now = unix(self.bot.clock.now())
            await self._gather(self._post_reveal, await self.repo.unposted_reveals(now, self.run_id, 1000))
            await self._gather(self._remind, await self.repo.claim_reminders(now, limit=1000))
            await self._gather(self._close, await self.repo.close_expired(now, limit=1000))

    async def _record_and_post(self) -> None:
        """Post the rounds of each recorded batch while the next batch is being recorded, so a
        burst starts going out at once and the sending never pauses for the bookkeeping."""
        recorded = asyncio.Event()

        async def record() -> None:
            try:
                async with contextlib.aclosing(self.service.record_due()) as batches:
                    async for _ in batches:
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
                batch = await self.repo.pending_rounds(after, POST_BATCH, now, self.run_id)
                if batch:
                    after = batch[-1].id
                    await self._gather(self._post_round, batch)
                elif recording_done:
                    break
                else:
                    await recorded.wait()
        finally:
            await recorder  # ends by itself within a batch; its error (if any) reaches run_job

    async def _drain(self, fetch: Callable[[int, int], Awaitable[list[Round]]], work: Any) -> None:
        """Work through everything `fetch` returns, a batch at a time, each round once per tick."""
        after = 0
        while not self._stopping and (batch := await fetch(after, POST_BATCH)):
            after = batch[-1].id
            await self._gather(work, batch)

    async def _gather(self, work: Any, items: list[Round]) -> None:
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
        couple = await self.bot.services.couples.couple_by_id(round_.couple_id)
        if couple is None or couple.status != "active":
            await self.repo.mark_undeliverable(round_.id, couple.status if couple else "ended")
            return
        attempt = await self._claim(round_)
        if attempt == 0:
            return
        try:
            async with self._claim_released_on_error(round_.id):
                thread = await self.bot.threads.ensure_thread(couple)
                message = await self._find_posted(thread, round_.id) if attempt > 1 else None
                if message is None:
                    # Whoever ran /checkin now is told nothing; each other partner once: mentioned
                    # here, or by DM after every due round is up (then not mentioned here).
                    plan = await self.notifications.plan(couple.partner_ids, round_.started_by)
                    await self.pacer.wait()
                    prompt = self.service.prompt_text(round_.prompt_id)
                    names = [(self._name(couple.guild_id, uid), False) for uid in couple.partner_ids]
                    message = await thread.send(
                        content=mentions(plan.mention) or None,
                        embed=round_embed(prompt, names),
                        view=round_view(round_.id),
                        allowed_mentions=mentioning(plan.mention),
                    )
                    nudge_to = plan.dm
                else:  # posted before a crash: whoever it did not mention is told by DM
                    nudge_to = self._not_told(couple, message, round_.started_by)
                await self._thread_works(couple)
                schedule = await self.repo.schedule_for_couple(couple.id)
                posted = self.bot.clock.now()
                reminder = schedule.reminder_minutes if schedule else 240
                remind_at, closes_at = self.service.timers_for(reminder, posted)
                await self.repo.mark_posted(
                    round_.id,
                    channel_id=thread.id,
                    message_id=message.id,
                    posted_at=unix(posted),
                    remind_at=remind_at,
                    closes_at=closes_at,
                    nudge_to=nudge_to,
                )
        except Exception as error:
            if not await self._thread_trouble(couple, error):
                raise

    @staticmethod
    def _not_told(couple: Couple, message: discord.Message, actor_id: int | None) -> tuple[int, ...]:
        """The partners a post found in the thread (after a crash) did not mention, but the actor."""
        return tuple(uid for uid in couple.partner_ids if uid != actor_id and uid not in message.raw_mentions)

    async def _claim(self, round_: Round) -> int:
        """Claim a round's post; which try this is, or 0 when it is not to be posted by us: too
        late (recorded as missed), posted already, or being posted here right now."""
        if self.service.too_late_to_post(round_):
            await self.repo.mark_undeliverable(round_.id, "late")
            return 0
        retry_at = self.service.retry_at(round_.post_attempts + 1)
        return await self.repo.claim_post(round_.id, self.run_id, retry_at)

    @contextlib.asynccontextmanager
    async def _claim_released_on_error(self, round_id: int) -> AsyncIterator[None]:
        """Any failure after a claim releases it, so the round is tried again at its retry time;
        a later try looks for the message first, so a post that did go out is never repeated."""
        try:
            yield
        except Exception:
            with contextlib.suppress(Exception):
                await self.repo.release_claim(round_id, self.run_id)
            raise

    async def post_now(self, round_id: int) -> Round | None:
        """Post one round at once (/checkin now) and tell the partner, then return it as it
        stands afterwards."""
        round_ = await self.repo.round(round_id)
        if round_ is None:
            return None
        try:
            await self._post_round(round_)
        except Exception:
            log.exception("Check-in round %s: posting it now failed; will retry", round_id)
        posted = await self.repo.round(round_id)
        if posted is not None and posted.status == "open":
            try:
                await self._nudge_round(posted)
            except Exception:
                log.exception("Check-in round %s: telling the partner failed", round_id)
        return posted

    # -- when the thread can't be posted in ------------------------------------------------------

    async def _thread_trouble(self, couple: Couple, error: Exception) -> bool:
        """Handle an error that means the couple's thread can't be posted in: noted once, logged
        once, the couple told once by DM (what is wrong, and what a moderator must do). False for
        any other error, which the caller lets through."""
        problem = as_thread_trouble(error)
        if problem is None:
            return False
        couples = self.bot.services.couples
        if await couples.thread_unreachable(couple.id, problem):
            log.warning(
                "Can't post in the thread of couple %s (%s); retrying with backoff, the couple is told once",
                couple.id,
                problem,
            )
        if await couples.claim_thread_notice(couple.id):
            notice = trouble_notice(self.bot, couple, problem)
            for user_id in couple.partner_ids:
                await self._dm(user_id, content=notice)
        return True

    async def _thread_works(self, couple: Couple) -> None:
        if couple.thread_problem is not None and await self.bot.services.couples.thread_reachable(couple.id):
            log.info("Posting in the thread of couple %s works again", couple.id)

    async def _nudge_round(self, round_: Round) -> None:
        """The DM nudges of one posted round, at most once (claimed before sending), to the
        partners its post did not mention; one whose DM fails is mentioned in the thread instead."""
        if round_.couple_id is None or round_.channel_id is None or round_.message_id is None:
            return
        nudge_to = await self.repo.claim_nudge(round_.id)
        if not nudge_to:
            return
        couple = await self.bot.services.couples.couple_by_id(round_.couple_id)
        if couple is None or couple.status != "active":
            return
        link = round_link(couple.guild_id, round_)
        missed = [uid for uid in nudge_to if uid in couple.partner_ids and not await self._nudge(uid, link)]
        await self.notifier.mention_in_thread(
            missed, READY_IN_THREAD, channel_id=round_.channel_id, message_id=round_.message_id
        )

    async def _find_posted(self, channel: discord.abc.Messageable, round_id: int) -> discord.Message | None:
        """After a crash between recording and posting: did the post reach Discord? Look first."""
        wanted = f"attune:checkin:answer:{round_id}"

        def is_it(message: discord.Message) -> bool:
            return any(
                getattr(child, "custom_id", None) == wanted
                for row in message.components
                for child in getattr(row, "children", [])
            )

        return await self._find_own(channel, is_it)

    async def _find_reveal(self, channel: discord.abc.Messageable, round_: Round) -> discord.Message | None:
        """After a crash mid-reveal: the reveal is the reply to its round's message."""

        def is_it(message: discord.Message) -> bool:
            reference = message.reference
            return reference is not None and reference.message_id == round_.message_id

        return await self._find_own(channel, is_it)

    async def _find_own(
        self, channel: discord.abc.Messageable, is_it: Callable[[discord.Message], bool]
    ) -> discord.Message | None:
        await self.pacer.wait()
        async for message in channel.history(limit=50):
            mine = self.bot.user is None or message.author.id == self.bot.user.id
            if mine and is_it(message):
                return message
        return None

    async def _post_personal(self, round_: Round) -> None:
        assert round_.user_id is not None
        if not await self._may_dm(round_.user_id):
            await self.repo.mark_undeliverable(round_.id, "unreachable")
            return
        if await self._claim(round_) == 0:
            return
        prompt = self.service.prompt_text(round_.prompt_id)
        embed = discord.Embed(
            title="Your check-in",
            description=f"**{prompt}**\n\nPress Write when you have a quiet minute. "
            "It goes to your private journal.",
            colour=ATTUNE_COLOUR,
        )
        try:
            message = await self._dm(round_.user_id, embed=embed, view=write_view(round_.id))
        except Exception:
            await self.repo.release_claim(round_.id, self.run_id)
            raise
        if message is None:
            await self.repo.mark_undeliverable(round_.id, "unreachable")
            return
        posted = self.bot.clock.now()
        _, closes_at = self.service.timers_for(None, posted)
        await self.repo.mark_posted(
            round_.id,
            channel_id=message.channel.id,
            message_id=message.id,
            posted_at=unix(posted),
            remind_at=None,
            closes_at=closes_at,
        )

    async def _post_reveal(self, round_: Round) -> None:
        """Post the answers of a round both partners answered: claimed first, so exactly one
        poster sends it; after a crash mid-post, the message is looked for before posting again."""
        assert round_.couple_id is not None
        couple = await self.bot.services.couples.couple_by_id(round_.couple_id)
        if couple is None or couple.status == "ended" or self.service.too_late_to_reveal(round_):
            await self.repo.drop_reveal(round_.id)  # the answers stay in /checkin history
            return
        attempt = await self.repo.claim_reveal_post(
            round_.id, self.run_id, self.service.retry_at(round_.reveal_attempts + 1)
        )
        if attempt == 0:
            return
        try:
            async with self._claim_released_on_error(round_.id):
                thread = await self.bot.threads.ensure_thread(couple)
                message = await self._find_reveal(thread, round_) if attempt > 1 else None
                shown: list[Answer] | None = None  # a message found, not posted now, is redrawn below
                if message is None:
                    await self.pacer.wait()
                    # Read at the last moment: an answer erased while this waited is not posted.
                    shown = await self.service.answers(round_.id)
                    if not shown:
                        await self.repo.drop_reveal(round_.id)
                        return
                    # Whose answer completed the round is told nothing; the other partner once.
                    plan = await self.notifications.plan(couple.partner_ids, round_.revealed_by)
                    message = await thread.send(
                        content=with_mentions(plan.mention, REVEAL_TEXT),
                        embeds=self._reveal_embeds(couple, round_, shown),
                        reference=self._round_reference(round_),
                        allowed_mentions=mentioning(plan.mention),
                    )
                    dm_to = plan.dm
                else:  # posted before a crash: whoever it did not mention is told by DM
                    dm_to = self._not_told(couple, message, round_.revealed_by)
                await self._thread_works(couple)
                await self.repo.mark_reveal_posted(round_.id, message.id)
        except Exception as error:
            if not await self._thread_trouble(couple, error):
                raise
            return
        if await self._redraw_if_erased(couple, round_, message, shown):
            await self.notifier.tell(
                dm_to,
                REVEAL_DM.format(link=message.jump_url),
                channel_id=message.channel.id,
                message_id=message.id,
                thread_text=REVEAL_IN_THREAD,
            )
        await self.refresh_round_message(round_, status="revealed")

    async def reveal(self, round_: Round) -> None:
        """Post a reveal now (the second answer just came in); errors are logged, not raised:
        the reveal stays due and the dispatcher tries again."""
        try:
            await self._post_reveal(round_)
        except Exception:
            log.exception("Check-in round %s: the reveal failed; will retry", round_.id)

    def _reveal_embeds(self, couple: Couple, round_: Round, answers: list[Answer]) -> list[discord.Embed]:
        rendered = [(self._name(couple.guild_id, a.user_id), a.mood, a.body) for a in answers]
        return reveal_embeds(self.service.prompt_text(round_.prompt_id), rendered)

    @staticmethod
    def _round_reference(round_: Round) -> discord.MessageReference:
        # A reply to the round it reveals: readers see which check-in it answers, and a crash
        # between posting and recording is recovered by finding this reply.
        assert round_.channel_id is not None and round_.message_id is not None  # revealed rounds were posted
        return discord.MessageReference(
            message_id=round_.message_id, channel_id=round_.channel_id, fail_if_not_exists=False
        )

    async def _redraw_if_erased(
        self, couple: Couple, round_: Round, message: discord.Message, shown: list[Answer] | None
    ) -> bool:
        """An erasure may have committed while the reveal was in flight (a 429 wait, say): it could
        not take down a post it did not know of yet. Now that the post is recorded, compare it with
        the answers still kept, and redraw it without what was erased (or take it down). False when
        nothing is left to show (taken down)."""
        kept = await self.service.answers(round_.id)
        if shown is not None and [(a.user_id, a.body) for a in kept] == [(a.user_id, a.body) for a in shown]:
            return True
        try:
            await self.pacer.wait()
            if not kept:
                await message.delete()
            else:  # the lead line (and who it mentioned) stays as it was
                await message.edit(embeds=self._reveal_embeds(couple, round_, kept))
        except discord.NotFound:
            pass  # already gone is what was wanted
        except discord.HTTPException:
            log.warning("Could not redraw the reveal of round %s after an erasure", round_.id)
        return bool(kept)

    async def _remind(self, round_: Round) -> None:
        if round_.couple_id is None or round_.message_id is None:
            return
        couple = await self.bot.services.couples.couple_by_id(round_.couple_id)
        if couple is None or couple.status != "active":
            return
        answered = await self.repo.answered_user_ids(round_.id)
        # Only who hasn't answered, each once: by DM, or mentioned in one reply to the round.
        waiting = [uid for uid in couple.partner_ids if uid not in answered]
        plan = await self.notifications.plan(waiting, actor_id=None)
        assert round_.channel_id is not None
        await self.notifier.mention_in_thread(
            plan.mention, REMINDER_IN_THREAD, channel_id=round_.channel_id, message_id=round_.message_id
        )
        await self.notifier.tell(
            plan.dm,
            REMINDER_DM.format(link=round_link(couple.guild_id, round_)),
            channel_id=round_.channel_id,
            message_id=round_.message_id,
            thread_text=REMINDER_IN_THREAD,
        )

    async def _close(self, round_: Round) -> None:
        if round_.kind == "couple":
            await self.refresh_round_message(round_, status="closed")

    async def refresh_round_message(self, round_: Round, status: str) -> None:
        if round_.couple_id is None or round_.channel_id is None or round_.message_id is None:
            return
        couple = await self.bot.services.couples.couple_by_id(round_.couple_id)
        if couple is None:
            return
        answered = await self.repo.answered_user_ids(round_.id)
        names = [(self._name(couple.guild_id, uid), uid in answered) for uid in couple.partner_ids]
        embed = round_embed(self.service.prompt_text(round_.prompt_id), names, status)
        try:
            # A partial message needs no channel lookup (no extra request for an uncached thread).
            message = self.bot.get_partial_messageable(round_.channel_id).get_partial_message(
                round_.message_id
            )
            view = round_view(round_.id) if status == "open" else None
            await self.pacer.wait()  # a day's rounds all close together: the edits are a burst too
            await message.edit(embed=embed, view=view)
        except discord.HTTPException:
            log.info("Could not update the message of check-in round %s", round_.id)

    # -- DMs -----------------------------------------------------------------------------------

    async def _may_dm(self, user_id: int) -> bool:
        return await self.notifications.may_dm(user_id)

    async def _nudge(self, user_id: int, link: str) -> bool:
        """The DM that says a check-in is ready; False when it could not be delivered."""
        return await self._dm(user_id, content=READY_DM.format(link=link)) is not None

    async def _dm(self, user_id: int, **kwargs: Any) -> discord.Message | None:
        """Send a DM unless DMs are known to be closed; a 50007 marks them closed (no retries)."""
        return await self.notifier.dm(user_id, **kwargs)


def round_link(guild_id: int, round_: Round) -> str:
    return f"https://discord.com/channels/{guild_id}/{round_.channel_id}/{round_.message_id}"


def due_time_text(seconds: int | None) -> str:
    return "not scheduled" if seconds is None else f"<t:{seconds}:f>"


__all__ = ["DAILY_DM_FAILURE_CAP", "JOB_ID", "CheckinDispatcher", "due_time_text", "from_unix"]
