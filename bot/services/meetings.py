"""The rules of the weekly couple meeting's schedule: one weekday and local time in the couple's
time zone, what falls due (recorded once, never replayed late), and the bookkeeping of posting a
meeting. The agenda itself (answers, reveals, ending, the journal record) is its base, MeetingAgenda.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.clock import from_unix, unix
from bot.errors import UserFacingError
from bot.records.meetings import DueMeeting, Meeting, MeetingOccurrence, MeetingSchedule
from bot.services.meeting_agenda import MeetingAgenda
from bot.timeparse import InputError, next_occurrence, parse_time, parse_zone

MEETING_OPEN_HOURS = 24  # a meeting stays open for a day, or until the next one begins
DUE_BATCH = 500
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NOTHING_TO_SKIP = "There's no meeting coming up to skip. `/meeting schedule` sets one."
TRY_AGAIN = "A meeting was started this very moment. Please try again in a second."


class MeetingService(MeetingAgenda):
    # -- the schedule ----------------------------------------------------------------------------

    async def schedule(
        self, *, couple_id: int, weekday: int, time_text: str, zone_name: str
    ) -> MeetingSchedule:
        """Parse everything first: a bad value changes nothing."""
        if not 0 <= weekday <= 6:
            raise InputError("Please pick a day of the week from the list.")
        at = parse_time(time_text)
        zone = parse_zone(zone_name)
        first = next_occurrence(self._clock.now(), at, 1 << weekday, zone)
        return await self._repo.save_schedule(
            couple_id=couple_id,
            weekday=weekday,
            local_time=at.strftime("%H:%M"),
            timezone=zone.key,
            next_due_at=unix(first),
            now=self.now(),
        )

    async def schedule_for_couple(self, couple_id: int) -> MeetingSchedule | None:
        return await self._repo.schedule_for_couple(couple_id)

    async def skip_next(self, schedule: MeetingSchedule) -> datetime:
        if schedule.next_due_at is None:
            raise UserFacingError(NOTHING_TO_SKIP)
        await self._repo.set_skip_next(schedule.id, self.now())
        return from_unix(schedule.next_due_at)

    async def turn_off(self, schedule: MeetingSchedule) -> None:
        await self._repo.delete_schedule(schedule.id)

    @staticmethod
    def describe(schedule: MeetingSchedule) -> str:
        """'Sundays at 19:00 (Europe/London); next <t:…:f>' (each partner sees their own time)."""
        text = f"{WEEKDAY_NAMES[schedule.weekday]}s at {schedule.local_time} ({schedule.timezone})"
        if schedule.next_due_at is not None:
            text += f"; next <t:{schedule.next_due_at}:f>"
            if schedule.skip_next:
                text += " (that one will be skipped; the one after comes as usual)"
        return text

    # -- what falls due --------------------------------------------------------------------------

    async def next_wake(self) -> int | None:
        """The earliest moment something falls due: a meeting to post, or one whose day is over."""
        candidates = [t for t in (await self._repo.earliest_due(), await self._repo.earliest_close()) if t]
        return min(candidates) if candidates else None

    async def record_due(self) -> list[int]:
        """Record every occurrence due now, a batch (one transaction) at a time; the new pending ids."""
        now = self._clock.now()
        created: list[int] = []
        while due := await self._repo.due_schedules(unix(now), DUE_BATCH):
            created += await self._repo.apply([self._plan(item, now) for item in due])
            if len(due) < DUE_BATCH:
                break
        return created

    def _plan(self, due: DueMeeting, now: datetime) -> MeetingOccurrence:
        """In the couple's zone, so the meeting keeps its local time across a DST change. A couple
        paused (a partner left the server) gets nothing; one that ended gets no more."""
        schedule = due.schedule
        assert schedule.next_due_at is not None
        was_due = from_unix(schedule.next_due_at)
        zone = zoneinfo.ZoneInfo(schedule.timezone)
        # Never replay a backlog: the next occurrence is the first one after now.
        next_due: datetime | None = next_occurrence(
            max(now, was_due), parse_time(schedule.local_time), 1 << schedule.weekday, zone
        )
        status: str | None
        reason: str | None = None
        if due.couple_status in (None, "ended"):
            status, next_due = None, None
        elif due.couple_status == "paused":
            status = None
        elif schedule.skip_next:
            status = "skipped"
        elif now - was_due > self._grace:
            status, reason = "missed", "downtime"
        else:
            status = "pending"
        return MeetingOccurrence(
            schedule_id=schedule.id,
            couple_id=schedule.couple_id,
            was_due_at=schedule.next_due_at,
            next_due_at=None if next_due is None else unix(next_due),
            clear_skip=status == "skipped",
            status=status,
            missed_reason=reason,
        )

    async def start_now(self, couple_id: int, user_id: int) -> int:
        """A meeting posted at once (/meeting now); whoever asked is told nothing about it."""
        meeting_id = await self._repo.create_now(couple_id, self.now(), user_id)
        if meeting_id is None:
            raise UserFacingError(TRY_AGAIN)
        return meeting_id

    # -- posting ---------------------------------------------------------------------------------

    async def meetings_to_post(self, run_id: str, limit: int) -> list[Meeting]:
        return await self._repo.pending_meetings(self.now(), run_id, limit)

    def too_late_to_post(self, meeting: Meeting) -> bool:
        """Past the grace a meeting is missed, never posted late."""
        return self._clock.now() - from_unix(meeting.due_at) > self._grace

    async def claim_post(self, meeting: Meeting, run_id: str) -> int:
        """Claim a meeting's post for `run_id`: which try this is, or 0 when it is not to be posted
        by it (too late: recorded as missed; posted already; being posted right now)."""
        if self.too_late_to_post(meeting):
            await self._repo.mark_missed(meeting.id, "late")
            return 0
        return await self._repo.claim_post(meeting.id, run_id, self.retry_at(meeting.post_attempts + 1))

    async def release_claim(self, meeting_id: int, run_id: str) -> None:
        await self._repo.release_claim(meeting_id, run_id)

    async def mark_missed(self, meeting_id: int, reason: str) -> None:
        await self._repo.mark_missed(meeting_id, reason)

    async def mark_posted(
        self, meeting: Meeting, *, channel_id: int, message_id: int, nudge_to: Sequence[int]
    ) -> list[int]:
        """The meeting is open for a day; the ids of an earlier meeting it replaced (ended now)."""
        posted = self._clock.now()
        return await self._repo.mark_posted(
            meeting.id,
            channel_id=channel_id,
            message_id=message_id,
            posted_at=unix(posted),
            closes_at=unix(posted + timedelta(hours=MEETING_OPEN_HOURS)),
            nudge_to=nudge_to,
        )

    async def meetings_to_nudge(self, limit: int) -> list[Meeting]:
        return await self._repo.unnudged(limit)

    async def claim_nudge(self, meeting_id: int) -> tuple[int, ...]:
        return await self._repo.claim_nudge(meeting_id)

    async def close_due(self, limit: int) -> list[Meeting]:
        """End open meetings whose day is over, or whose couple ended."""
        return await self._repo.close_due(self.now(), limit)
