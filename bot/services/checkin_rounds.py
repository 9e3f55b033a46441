"""The record of posting check-in rounds: what is due to be posted, nudged, reminded, closed or
revealed, and the claims that let exactly one poster send each, retried with a backoff.
The sending itself is the check-in job's and the answer flow's (cogs/checkins); this keeps the books."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import Clock, from_unix, unix
from bot.records.checkins import Round
from bot.repositories.checkins import CheckinRepository

ROUND_OPEN_HOURS = 24
DEFAULT_REMINDER_MINUTES = 240  # a couple round without a schedule (/checkin now before any)
# A post that failed is tried again after 1, 2, 4... minutes, at most an hour apart; a round is
# never posted past the missed-round grace, and a reveal not past a day.
RETRY_FIRST_SECONDS = 60
RETRY_MAX_SECONDS = 3600
REVEAL_GIVE_UP = timedelta(hours=24)
TOO_LATE = -1  # claim_post: the round was due too long ago, and is now recorded as missed


class CheckinRounds:
    """The posting side of the check-in service (its base): claims, retries, timers and reveals."""

    def __init__(self, repo: CheckinRepository, clock: Clock, grace_minutes: int) -> None:
        self._repo = repo
        self._clock = clock
        self._grace = timedelta(minutes=grace_minutes)

    async def round(self, round_id: int) -> Round | None:
        return await self._repo.round(round_id)

    async def next_wake(self) -> int | None:
        """The earliest moment something falls due: a schedule, a reminder or a round closing."""
        candidates = [t for t in (await self._repo.earliest_due(), await self._repo.earliest_timer()) if t]
        return min(candidates) if candidates else None

    # -- posting rounds --------------------------------------------------------------------------

    async def rounds_to_post(self, after_id: int, limit: int, now: int, run_id: str) -> list[Round]:
        return await self._repo.pending_rounds(after_id, limit, now, run_id)

    def too_late_to_post(self, round_: Round) -> bool:
        """A round older than the grace is missed, never posted: after an outage, a thread gets
        today's check-in, not a flood of stale ones hours late."""
        return self._clock.now() - from_unix(round_.due_at) > self._grace

    def retry_at(self, attempt: int) -> int:
        """When to try again if try number `attempt` fails."""
        delay: int = min(RETRY_FIRST_SECONDS * 2 ** max(0, attempt - 1), RETRY_MAX_SECONDS)
        return unix(self._clock.now()) + delay

    def timers_for(self, schedule_reminder: int | None, posted_at: datetime) -> tuple[int | None, int]:
        remind = None if schedule_reminder is None else unix(posted_at + timedelta(minutes=schedule_reminder))
        return remind, unix(posted_at + timedelta(hours=ROUND_OPEN_HOURS))

    async def claim_post(self, round_: Round, run_id: str) -> int:
        """Claim a round's post for the poster `run_id`; which try this is, or 0 or less when it is
        not to be posted by it: TOO_LATE (recorded as missed just now), 0 when posted already or
        being posted right now."""
        if self.too_late_to_post(round_):
            await self._repo.mark_undeliverable(round_.id, "late")
            return TOO_LATE
        return await self._repo.claim_post(round_.id, run_id, self.retry_at(round_.post_attempts + 1))

    async def release_claim(self, round_id: int, run_id: str) -> None:
        await self._repo.release_claim(round_id, run_id)

    async def mark_undeliverable(self, round_id: int, reason: str) -> None:
        await self._repo.mark_undeliverable(round_id, reason)

    async def mark_posted(
        self, round_: Round, *, channel_id: int, message_id: int, nudge_to: Sequence[int] = ()
    ) -> None:
        """The round is up, from now: a couple round reminds after its schedule's reminder (4 hours
        without a schedule; never when turned off), a personal one never; both close a day later."""
        reminder: int | None = None
        if round_.couple_id is not None:
            schedule = await self._repo.schedule_for_couple(round_.couple_id)
            reminder = schedule.reminder_minutes if schedule else DEFAULT_REMINDER_MINUTES
        posted = self._clock.now()
        remind_at, closes_at = self.timers_for(reminder, posted)
        await self._repo.mark_posted(
            round_.id,
            channel_id=channel_id,
            message_id=message_id,
            posted_at=unix(posted),
            remind_at=remind_at,
            closes_at=closes_at,
            nudge_to=nudge_to,
        )

    # -- after posting: nudges, reminders, closing -----------------------------------------------

    async def rounds_to_nudge(self, after_id: int, limit: int) -> list[Round]:
        return await self._repo.unnudged_rounds(after_id, limit)

    async def claim_nudge(self, round_id: int) -> tuple[int, ...]:
        return await self._repo.claim_nudge(round_id)

    async def claim_reminders(self, now: int, limit: int) -> list[Round]:
        return await self._repo.claim_reminders(now, limit)

    async def close_expired(self, now: int, limit: int) -> list[Round]:
        return await self._repo.close_expired(now, limit)

    async def answered_user_ids(self, round_id: int) -> set[int]:
        return await self._repo.answered_user_ids(round_id)

    async def mark_personal_answered(self, round_id: int, user_id: int) -> bool:
        return await self._repo.mark_personal_answered(round_id, user_id)

    # -- reveals ---------------------------------------------------------------------------------

    async def reveals_to_post(self, now: int, run_id: str, limit: int) -> list[Round]:
        return await self._repo.unposted_reveals(now, run_id, limit)

    def too_late_to_reveal(self, round_: Round) -> bool:
        revealed = round_.revealed_at if round_.revealed_at is not None else round_.due_at
        return self._clock.now() - from_unix(revealed) > REVEAL_GIVE_UP

    async def claim_reveal_post(self, round_: Round, run_id: str) -> int:
        """Claim the posting of a reveal for the poster `run_id`; which try this is, or 0."""
        return await self._repo.claim_reveal_post(
            round_.id, run_id, self.retry_at(round_.reveal_attempts + 1)
        )

    async def mark_reveal_posted(self, round_id: int, message_id: int) -> None:
        await self._repo.mark_reveal_posted(round_id, message_id)

    async def drop_reveal(self, round_id: int) -> None:
        """Stop trying to post this reveal; the answers stay in /checkin history."""
        await self._repo.drop_reveal(round_id)
