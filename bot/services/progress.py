"""Progress a couple can see: streaks over their rounds, mood trends, weekly summaries, shared charts."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.clock import Clock, from_unix, unix
from bot.content import ContentLibrary
from bot.errors import NotFound, UserFacingError
from bot.records.couples import Couple
from bot.records.progress import MoodPoint, OpenRound, Share, SummaryPost, SummarySettings
from bot.repositories.progress import ProgressRepository
from bot.services.checkins import CheckinService
from bot.services.checkups import CheckupService
from bot.services.couples import CouplesService
from bot.services.exercises import ExercisesService
from bot.services.streaks import (
    COUNTED_COUPLE,
    COUNTED_PERSONAL,
    HEADS_UP_HOURS,
    Mark,
    Streak,
    day_streak,
    heads_up_due,
    streak,
)
from bot.timeparse import next_occurrence, parse_time

DAYS_MIN, DAYS_MAX, DAYS_DEFAULT = 7, 365, 30
SUMMARY_DEFAULT_WEEKDAY = 6  # Sunday
SUMMARY_DEFAULT_TIME = "19:00"
SUMMARY_LATE_LIMIT = timedelta(hours=12)  # after a long downtime, a stale summary is not posted
SETTINGS_BACKFILL_BATCH = 200  # couples given their default weekly-summary row per run
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

REFLECTION_PROMPTS = (
    "What is one small thing your partner did this week that felt like a step towards you?",
    "When did you feel a little closer this week, even for a moment?",
    "What did one of you say out loud this week that would have stayed unsaid a while ago?",
    "Which moment this week would you like more of next week?",
    "What is one sign of progress you noticed in yourself this week?",
    "When did a hard moment this week stay open instead of shutting down?",
    "What helped you reach for each other this week, and how could you make room for it again?",
)

# -- the service ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Overview:
    """What one person sees in /progress show: what the couple did together, and the person's own
    progress. Never the partner's own progress: nobody keeps score of the other."""

    days: int
    start: datetime
    end: datetime
    couple: Couple | None
    couple_streak: Streak | None
    rounds_posted: int
    rounds_together: int
    journal_streak: int
    journal_entries: int  # the person's own entries in the window
    checkups: int  # the person's own check-ups in the window
    personal_streak: Streak
    exercises: list[str]  # titles of the exercises the person finished in the window


@dataclass(frozen=True)
class ChartSeries:
    """One person's moods, with the zone that turns them into that person's own dates."""

    user_id: int
    points: tuple[MoodPoint, ...]
    zone: zoneinfo.ZoneInfo


@dataclass(frozen=True)
class WeeklySummary:
    """The week of a couple, posted in their thread: only what they did together."""

    couple: Couple
    start: datetime
    end: datetime
    rounds_posted: int
    rounds_together: int
    streak: Streak
    prompt: str


class ProgressService(CheckupService):
    """Progress over the couples, check-in, journal and exercise records; the person's own check-ups
    come from the check-up service it extends."""

    def __init__(
        self,
        repo: ProgressRepository,
        content: ContentLibrary,
        clock: Clock,
        couples: CouplesService,
        exercises: ExercisesService,
        checkins: CheckinService,
    ) -> None:
        super().__init__(repo, content, clock, couples)
        self._exercises = exercises
        self._checkins = checkins

    # -- streaks -----------------------------------------------------------------------------

    async def couple_marks(self, couple_id: int) -> list[Mark]:
        return [
            Mark(from_unix(r.due_at), r.status, r.missed_reason)
            for r in await self._repo.couple_rounds(couple_id)
        ]

    async def couple_streak(self, couple_id: int) -> Streak:
        return streak(await self.couple_marks(couple_id), COUNTED_COUPLE)

    async def personal_streak(self, user_id: int) -> Streak:
        marks = [
            Mark(from_unix(r.due_at), r.status, r.missed_reason)
            for r in await self._repo.personal_rounds(user_id)
        ]
        return streak(marks, COUNTED_PERSONAL)

    async def journal_streak(self, user_id: int, zone: zoneinfo.ZoneInfo) -> int:
        since = self.now() - timedelta(days=DAYS_MAX + 2)
        days = {
            from_unix(t).astimezone(zone).date() for t in await self._repo.journal_times(user_id, unix(since))
        }
        return day_streak(days, self.now().astimezone(zone).date())

    # -- /progress -----------------------------------------------------------------------------

    @staticmethod
    def check_days(days: int | None) -> int:
        value = DAYS_DEFAULT if days is None else days
        if not DAYS_MIN <= value <= DAYS_MAX:
            raise UserFacingError(f"Please choose between {DAYS_MIN} and {DAYS_MAX} days.")
        return value

    async def overview(self, user_id: int, guild_id: int | None, days: int | None) -> Overview:
        span = self.check_days(days)
        end = self.now()
        start = end - timedelta(days=span)
        couple = await self._couples.current_couple_for(guild_id, user_id) if guild_id is not None else None
        zone = await self._couples.timezone_for(user_id, guild_id)
        posted = together = 0
        couple_streak = None
        if couple is not None:
            couple_streak = await self.couple_streak(couple.id)
            posted, together = await self._repo.round_counts(couple.id, unix(start), unix(end))
        return Overview(
            days=span,
            start=start,
            end=end,
            couple=couple,
            couple_streak=couple_streak,
            rounds_posted=posted,
            rounds_together=together,
            journal_streak=await self.journal_streak(user_id, zone),
            journal_entries=await self._repo.journal_count(user_id, unix(start), unix(end)),
            checkups=await self._repo.checkup_count(user_id, unix(start), unix(end)),
            personal_streak=await self.personal_streak(user_id),
            exercises=await self.exercise_titles(user_id, start, end + timedelta(seconds=1)),  # up to now
        )

    async def exercise_titles(self, user_id: int, start: datetime, end: datetime) -> list[str]:
        titles: list[str] = []
        for exercise_id, _ in await self._exercises.finished_between(user_id, start, end):
            exercise = self._content.exercise(exercise_id)
            titles.append(exercise.title if exercise is not None else exercise_id)
        return titles

    async def couple_series(self, couple: Couple, days: int) -> list[ChartSeries]:
        """Both partners' moods from rounds they both answered (revealed), and nobody else's: the same
        rounds for each, so the chart never sets one partner's activity against the other's."""
        since = unix(self.now() - timedelta(days=days))
        points = await self._repo.couple_moods(couple.id, couple.partner_ids, since)
        return [
            ChartSeries(
                uid,
                tuple(p for p in points if p.user_id == uid),
                await self._couples.timezone_for(uid, couple.guild_id),
            )
            for uid in couple.partner_ids
        ]

    async def own_series(self, user_id: int, guild_id: int | None, days: int) -> list[ChartSeries]:
        """A person's own moods: their check-in answers and their journal."""
        since = unix(self.now() - timedelta(days=days))
        zone = await self._couples.timezone_for(user_id, guild_id)
        return [ChartSeries(user_id, tuple(await self._repo.own_moods(user_id, since)), zone)]

    async def today_for(self, user_id: int, guild_id: int | None) -> date:
        """The person's own date today: the last day of their charts."""
        return self.now().astimezone(await self._couples.timezone_for(user_id, guild_id)).date()

    # -- sharing the couple chart -------------------------------------------------------------

    async def start_share(self, couple: Couple, user_id: int, days: int) -> Share:
        return await self._repo.create_share(user_id, couple.id, self.check_days(days), unix(self.now()))

    async def share_for(self, share_id: int, user_id: int) -> Share:
        share = await self._repo.share(share_id)
        if share is None or share.user_id != user_id:
            raise NotFound("This preview isn't yours, so there's nothing for you to post here.")
        return share

    async def claim_share(self, share_id: int, user_id: int) -> Share:
        claimed = await self._repo.claim_share(share_id, user_id)
        if claimed is None:
            await self.share_for(share_id, user_id)  # someone else's: NotFound
            raise UserFacingError("This chart has already been posted, or the preview was cancelled.")
        return claimed

    async def finish_share(self, share_id: int, message_id: int | None) -> None:
        await self._repo.finish_share(share_id, message_id, unix(self.now()))

    async def cancel_share(self, share_id: int, user_id: int) -> bool:
        await self.share_for(share_id, user_id)
        return await self._repo.cancel_share(share_id, user_id)

    # -- weekly summaries ------------------------------------------------------------------------

    async def couple_zone(self, couple: Couple) -> zoneinfo.ZoneInfo:
        schedule = await self._checkins.schedule_for_couple(couple.id)
        if schedule is not None:
            try:
                return zoneinfo.ZoneInfo(schedule.timezone)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                pass
        return await self._couples.timezone_for(couple.partner_ids[0], couple.guild_id)

    @staticmethod
    def next_summary(after: datetime, weekday: int, local_time: str, zone: zoneinfo.ZoneInfo) -> datetime:
        return next_occurrence(after, parse_time(local_time), 1 << weekday, zone)

    async def summary_settings(self, couple: Couple) -> SummarySettings:
        found = await self._repo.summary_settings(couple.id)
        if found is not None:
            return found
        return await self._default_settings(couple)

    async def _default_settings(self, couple: Couple) -> SummarySettings:
        zone = await self.couple_zone(couple)
        now = self.now()
        due = self.next_summary(now, SUMMARY_DEFAULT_WEEKDAY, SUMMARY_DEFAULT_TIME, zone)
        return await self._repo.ensure_summary_settings(
            couple.id, SUMMARY_DEFAULT_WEEKDAY, SUMMARY_DEFAULT_TIME, zone.key, unix(due), unix(now)
        )

    async def set_summary(
        self, couple: Couple, user_id: int, day: str, time_text: str | None
    ) -> SummarySettings:
        now = self.now()
        current = await self.summary_settings(couple)
        if day == "off":
            return await self._repo.save_summary_settings(
                couple.id,
                current.weekday,
                current.local_time,
                current.timezone,
                False,
                None,
                user_id,
                unix(now),
            )
        if day not in WEEKDAYS:
            raise UserFacingError("Please pick a day from Monday to Sunday, or off.")
        weekday = WEEKDAYS.index(day)
        at = parse_time(time_text) if time_text else parse_time(current.local_time)
        local_time = at.strftime("%H:%M")
        zone = await self.couple_zone(couple)
        due = self.next_summary(now, weekday, local_time, zone)
        return await self._repo.save_summary_settings(
            couple.id, weekday, local_time, zone.key, True, unix(due), user_id, unix(now)
        )

    @staticmethod
    def describe_summary(settings: SummarySettings) -> str:
        if not settings.enabled:
            return "off"
        text = f"{WEEKDAY_NAMES[settings.weekday]}s at {settings.local_time} ({settings.timezone})"
        if settings.next_due_at is not None:
            text += f"; next <t:{settings.next_due_at}:R>"
        return text

    async def record_due_summaries(self) -> None:
        """Give every active couple its default row, then record every summary that is due now.

        Never replays a backlog: after downtime, the next one is the first after now, and a summary
        more than SUMMARY_LATE_LIMIT late is recorded as missed instead of posted."""
        # Only the couples still without a row, and a bounded number a run: after an upgrade with
        # many couples the backfill spreads over a few runs instead of holding the one connection.
        for couple_id in await self._repo.active_couples_without_summary_settings(SETTINGS_BACKFILL_BATCH):
            couple = await self._couples.couple_by_id(couple_id)
            if couple is not None:
                await self._default_settings(couple)
        now = self.now()
        for due in await self._repo.due_summaries(unix(now), limit=500):
            settings = due.settings
            assert settings.next_due_at is not None
            zone = zoneinfo.ZoneInfo(settings.timezone)
            was_due = from_unix(settings.next_due_at)
            following: datetime | None = self.next_summary(
                max(now, was_due), settings.weekday, settings.local_time, zone
            )
            status = "pending"
            if due.couple_status == "ended":
                following, status = None, "missed"
            elif due.couple_status != "active" or now - was_due > SUMMARY_LATE_LIMIT:
                status = "missed"
            await self._repo.record_summary(
                settings.couple_id,
                settings.next_due_at,
                None if following is None else unix(following),
                status,
            )

    async def weekly_summary(self, couple: Couple, due_at: int) -> WeeklySummary:
        end = from_unix(due_at)
        start = end - timedelta(days=7)
        posted, together = await self._repo.round_counts(couple.id, unix(start), unix(end))
        week_number = end.isocalendar().week
        return WeeklySummary(
            couple=couple,
            start=start,
            end=end,
            rounds_posted=posted,
            rounds_together=together,
            streak=await self.couple_streak(couple.id),
            prompt=REFLECTION_PROMPTS[(week_number + couple.id) % len(REFLECTION_PROMPTS)],
        )

    async def claim_pending_summaries(self, limit: int) -> list[SummaryPost]:
        return await self._repo.claim_pending_summaries(limit=limit)

    async def release_summary(self, post_id: int) -> None:
        await self._repo.release_summary(post_id)

    async def skip_summary(self, post_id: int) -> None:
        await self._repo.skip_summary(post_id)

    async def finish_summary(self, post_id: int, channel_id: int, message_id: int) -> None:
        await self._repo.finish_summary(post_id, channel_id, message_id, unix(self.now()))

    # -- heads-up ----------------------------------------------------------------------------------

    async def heads_up_rounds(self) -> list[tuple[OpenRound, Streak]]:
        """Open rounds that deserve a heads-up now and have not had one, with the streak at stake."""
        now = self.now()
        found: list[tuple[OpenRound, Streak]] = []
        horizon = unix(now + timedelta(hours=HEADS_UP_HOURS))
        for open_round in await self._repo.open_couple_rounds_closing_by(horizon):
            if await self._repo.has_heads_up(open_round.round_id):
                continue
            if len(await self._repo.round_answered_by(open_round.round_id)) >= 2:
                continue
            due_at = from_unix(open_round.due_at)
            history = [m for m in await self.couple_marks(open_round.couple_id) if m.due_at != due_at]
            if heads_up_due(history, due_at, from_unix(open_round.closes_at), now):
                found.append((open_round, streak(history)))
        return found

    async def claim_heads_up(self, round_id: int, couple_id: int) -> bool:
        return await self._repo.claim_heads_up(round_id, couple_id, unix(self.now()))

    async def finish_heads_up(self, round_id: int, message_id: int | None) -> None:
        await self._repo.finish_heads_up(round_id, message_id)
