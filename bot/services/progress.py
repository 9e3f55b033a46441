"""Progress a couple can see: forgiving streaks, mood trends, weekly summaries, private checkups.

The streak rules are pure functions over hand-made histories of (due_at, status[, missed_reason]):

* a round both partners answered ('revealed'; 'answered' for a personal check-in) adds one;
* paused periods (no round recorded), skipped rounds, rounds lost to the bot being down ('missed',
  reason 'downtime') and rounds that could not be delivered never break it, nor do rounds still open;
* one missed round ('closed' without both answers) a week is forgiven; a second one within seven
  days of the forgiven one breaks the streak;
* before a streak would break, the couple gets one heads-up (see `heads_up_due`).
"""

from __future__ import annotations

import json
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import NamedTuple

from bot.clock import Clock, from_unix, unix
from bot.config import Settings
from bot.content import CheckupOption, ContentLibrary
from bot.crypto import Cipher
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.checkins import CheckinRepository
from bot.repositories.couples import Couple, CouplesRepository
from bot.repositories.exercises import ExercisesRepository
from bot.repositories.people import PeopleRepository
from bot.repositories.progress import (
    MoodPoint,
    OpenRound,
    ProgressRepository,
    Share,
    SummarySettings,
)
from bot.repositories.thread_health import ThreadHealthRepository
from bot.services.checkins import CheckinService
from bot.services.couples import CouplesService
from bot.services.exercises import ExercisesService
from bot.timeparse import next_occurrence, parse_time
from bot.timewords import TimeWords, time_words

FORGIVE_WINDOW = timedelta(days=7)
HEADS_UP_HOURS = 3
DAYS_MIN, DAYS_MAX, DAYS_DEFAULT = 7, 365, 30
SUMMARY_DEFAULT_WEEKDAY = 6  # Sunday
SUMMARY_DEFAULT_TIME = "19:00"
SUMMARY_LATE_LIMIT = timedelta(hours=12)  # after a long downtime, a stale summary is not posted
SETTINGS_BACKFILL_BATCH = 200  # couples given their default weekly-summary row per run
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
CHECKUP_COLUMN = "progress_checkups.answers_sealed"
CHECKUP_OFFER_GAP = timedelta(days=30)  # the monthly offer: never two within thirty days
CHECKUP_FIRST_MONTH = timedelta(days=30)  # no offer before a couple's first month is over
CHECKUP_RECENT = timedelta(days=28)  # nor to someone who checked up in the last four weeks
CHECKUP_OFFER_HOURS = range(10, 20)  # and only in the person's own daytime: 10:00 to 19:59
CHECKUP_OFFER_BATCH = 500

REFLECTION_PROMPTS = (
    "What is one small thing your partner did this week that felt like a step towards you?",
    "When did you feel a little closer this week, even for a moment?",
    "What did one of you say out loud this week that would have stayed unsaid a while ago?",
    "Which moment this week would you like more of next week?",
    "What is one sign of progress you noticed in yourself this week?",
    "When did a hard moment this week stay open instead of shutting down?",
    "What helped you reach for each other this week, and how could you make room for it again?",
)

COUNTED_COUPLE = frozenset({"revealed"})
COUNTED_PERSONAL = frozenset({"answered"})
MISSED = "closed"  # the round closed without being answered (by both, for a couple)


class Mark(NamedTuple):
    """One recorded round: when it was due, its status, and why it was missed (if it was)."""

    due_at: datetime
    status: str
    missed_reason: str | None = None


@dataclass(frozen=True)
class Streak:
    current: int
    best: int
    forgiven_at: datetime | None  # the forgiven miss in the current streak's last week, if any

    @property
    def forgiveness_used(self) -> bool:
        return self.forgiven_at is not None


def _as_mark(item: Mark | tuple[datetime, str] | tuple[datetime, str, str | None]) -> Mark:
    return item if isinstance(item, Mark) else Mark(*item)


def streak(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    counted: frozenset[str] = COUNTED_COUPLE,
) -> Streak:
    """The streak after these rounds (any order). Only counted rounds add; only unforgiven misses break."""
    marks = sorted((_as_mark(m) for m in history), key=lambda m: m.due_at)
    current = best = 0
    forgiven: datetime | None = None
    for mark in marks:
        if mark.status in counted:
            current += 1
            best = max(best, current)
        elif mark.status == MISSED:
            if forgiven is None or mark.due_at - forgiven >= FORGIVE_WINDOW:
                forgiven = mark.due_at  # one missed round a week is forgiven
            else:
                current, forgiven = 0, None  # the second in a week breaks it; a fresh start
        # skipped, missed (downtime / unreachable / paused), pending, open: neutral
    return Streak(current=current, best=best, forgiven_at=forgiven)


def miss_would_break(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    at: datetime,
    counted: frozenset[str] = COUNTED_COUPLE,
) -> bool:
    """Would a missed round due at `at` break a streak that is running now?"""
    marks = history_list(history)
    if streak(marks, counted).current == 0:
        return False
    after = streak([*marks, Mark(at, MISSED)], counted)
    return after.current == 0


def history_list(
    history: Iterable[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
) -> list[Mark]:
    return [_as_mark(m) for m in history]


def heads_up_due(
    history: Sequence[Mark | tuple[datetime, str] | tuple[datetime, str, str | None]],
    open_due_at: datetime,
    closes_at: datetime,
    now: datetime,
    hours: int = HEADS_UP_HOURS,
) -> bool:
    """True when an open round closes within `hours` and missing it would break the streak.

    `history` is the couple's rounds other than the open one. Sending it only once per round is
    the repository's job (a claim keyed by round).
    """
    if not closes_at - timedelta(hours=hours) <= now < closes_at:
        return False
    earlier = [m for m in history_list(history) if m.due_at < open_due_at]
    return miss_would_break(earlier, open_due_at)


def day_streak(days: Iterable[date], today: date) -> int:
    """Consecutive days with something written, ending today (or yesterday: today isn't over yet)."""
    have = set(days)
    day = today if today in have else today - timedelta(days=1)
    count = 0
    while day in have:
        count += 1
        day -= timedelta(days=1)
    return count


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


@dataclass(frozen=True)
class CheckupRecord:
    id: int
    user_id: int
    created_at: int
    answers: dict[str, list[str]]


@dataclass(frozen=True)
class CheckupResult:
    record: CheckupRecord
    flags_raised: bool
    flagged_twice: bool
    flagged: tuple[CheckupOption, ...]  # the red flags marked, in content order
    words: TimeWords  # "today", "tonight"... for the person's local time

    @property
    def unsafe(self) -> bool:
        """They marked feeling afraid or unsafe: the reply starts with the safety guidance."""
        return any(option.safety for option in self.flagged)


class ProgressService:
    def __init__(
        self,
        repo: ProgressRepository,
        cipher: Cipher,
        content: ContentLibrary,
        clock: Clock,
        couples: CouplesService,
        exercises: ExercisesService,
        checkins: CheckinService,
    ) -> None:
        self.repo = repo
        self._cipher = cipher
        self._content = content
        self._clock = clock
        self._couples = couples
        self._exercises = exercises
        self._checkins = checkins

    def now(self) -> datetime:
        return self._clock.now()

    # -- streaks -----------------------------------------------------------------------------

    async def couple_marks(self, couple_id: int) -> list[Mark]:
        return [
            Mark(from_unix(r.due_at), r.status, r.missed_reason)
            for r in await self.repo.couple_rounds(couple_id)
        ]

    async def couple_streak(self, couple_id: int) -> Streak:
        return streak(await self.couple_marks(couple_id), COUNTED_COUPLE)

    async def personal_streak(self, user_id: int) -> Streak:
        marks = [
            Mark(from_unix(r.due_at), r.status, r.missed_reason)
            for r in await self.repo.personal_rounds(user_id)
        ]
        return streak(marks, COUNTED_PERSONAL)

    async def journal_streak(self, user_id: int, zone: zoneinfo.ZoneInfo) -> int:
        since = self.now() - timedelta(days=DAYS_MAX + 2)
        days = {
            from_unix(t).astimezone(zone).date() for t in await self.repo.journal_times(user_id, unix(since))
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
            posted, together = await self.repo.round_counts(couple.id, unix(start), unix(end))
        return Overview(
            days=span,
            start=start,
            end=end,
            couple=couple,
            couple_streak=couple_streak,
            rounds_posted=posted,
            rounds_together=together,
            journal_streak=await self.journal_streak(user_id, zone),
            journal_entries=await self.repo.journal_count(user_id, unix(start), unix(end)),
            checkups=await self.repo.checkup_count(user_id, unix(start), unix(end)),
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
        points = await self.repo.couple_moods(couple.id, couple.partner_ids, since)
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
        return [ChartSeries(user_id, tuple(await self.repo.own_moods(user_id, since)), zone)]

    async def today_for(self, user_id: int, guild_id: int | None) -> date:
        """The person's own date today: the last day of their charts."""
        return self.now().astimezone(await self._couples.timezone_for(user_id, guild_id)).date()

    # -- sharing the couple chart -------------------------------------------------------------

    async def start_share(self, couple: Couple, user_id: int, days: int) -> Share:
        return await self.repo.create_share(user_id, couple.id, self.check_days(days), unix(self.now()))

    async def share_for(self, share_id: int, user_id: int) -> Share:
        share = await self.repo.share(share_id)
        if share is None or share.user_id != user_id:
            raise NotFound("This preview isn't yours, so there's nothing for you to post here.")
        return share

    async def claim_share(self, share_id: int, user_id: int) -> Share:
        claimed = await self.repo.claim_share(share_id, user_id)
        if claimed is None:
            await self.share_for(share_id, user_id)  # someone else's: NotFound
            raise UserFacingError("This chart has already been posted, or the preview was cancelled.")
        return claimed

    async def finish_share(self, share_id: int, message_id: int | None) -> None:
        await self.repo.finish_share(share_id, message_id, unix(self.now()))

    async def cancel_share(self, share_id: int, user_id: int) -> bool:
        await self.share_for(share_id, user_id)
        return await self.repo.cancel_share(share_id, user_id)

    # -- weekly summaries ------------------------------------------------------------------------

    async def couple_zone(self, couple: Couple) -> zoneinfo.ZoneInfo:
        schedule = await self._checkins.repo.schedule_for_couple(couple.id)
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
        found = await self.repo.summary_settings(couple.id)
        if found is not None:
            return found
        return await self._default_settings(couple)

    async def _default_settings(self, couple: Couple) -> SummarySettings:
        zone = await self.couple_zone(couple)
        now = self.now()
        due = self.next_summary(now, SUMMARY_DEFAULT_WEEKDAY, SUMMARY_DEFAULT_TIME, zone)
        return await self.repo.ensure_summary_settings(
            couple.id, SUMMARY_DEFAULT_WEEKDAY, SUMMARY_DEFAULT_TIME, zone.key, unix(due), unix(now)
        )

    async def set_summary(
        self, couple: Couple, user_id: int, day: str, time_text: str | None
    ) -> SummarySettings:
        now = self.now()
        current = await self.summary_settings(couple)
        if day == "off":
            return await self.repo.save_summary_settings(
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
        return await self.repo.save_summary_settings(
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
        for couple_id in await self.repo.active_couples_without_summary_settings(SETTINGS_BACKFILL_BATCH):
            couple = await self._couples.couple_by_id(couple_id)
            if couple is not None:
                await self._default_settings(couple)
        now = self.now()
        for due in await self.repo.due_summaries(unix(now), limit=500):
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
            await self.repo.record_summary(
                settings.couple_id,
                settings.next_due_at,
                None if following is None else unix(following),
                status,
            )

    async def weekly_summary(self, couple: Couple, due_at: int) -> WeeklySummary:
        end = from_unix(due_at)
        start = end - timedelta(days=7)
        posted, together = await self.repo.round_counts(couple.id, unix(start), unix(end))
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

    # -- heads-up ----------------------------------------------------------------------------------

    async def heads_up_rounds(self) -> list[tuple[OpenRound, Streak]]:
        """Open rounds that deserve a heads-up now and have not had one, with the streak at stake."""
        now = self.now()
        found: list[tuple[OpenRound, Streak]] = []
        horizon = unix(now + timedelta(hours=HEADS_UP_HOURS))
        for open_round in await self.repo.open_couple_rounds_closing_by(horizon):
            if await self.repo.has_heads_up(open_round.round_id):
                continue
            if len(await self.repo.round_answered_by(open_round.round_id)) >= 2:
                continue
            due_at = from_unix(open_round.due_at)
            history = [m for m in await self.couple_marks(open_round.couple_id) if m.due_at != due_at]
            if heads_up_due(history, due_at, from_unix(open_round.closes_at), now):
                found.append((open_round, streak(history)))
        return found

    # -- checkups --------------------------------------------------------------------------------

    def checkup_answers(self, picked: dict[str, list[str]]) -> dict[str, list[str]]:
        """Keep only known questions and options, in content order."""
        checkup = self._content.checkup
        clean: dict[str, list[str]] = {}
        for question in checkup.questions:
            values = [o.value for o in question.options if o.value in set(picked.get(question.id, ()))]
            if not question.multiple:
                values = values[:1]
            if values:
                clean[question.id] = values
        if not clean:
            raise UserFacingError(
                "Nothing was chosen, so I didn't save anything. Try again when you're ready."
            )
        return clean

    async def save_checkup(
        self, user_id: int, picked: dict[str, list[str]], guild_id: int | None = None
    ) -> CheckupResult:
        answers = self.checkup_answers(picked)
        sealed = self._cipher.seal(json.dumps(answers, sort_keys=True), column=CHECKUP_COLUMN)
        record_id = await self.repo.add_checkup(user_id, sealed, unix(self.now()))
        history = await self.checkups(user_id, limit=2)
        record = next(r for r in history if r.id == record_id)
        flagged = self._content.checkup.flags_marked(answers)
        twice = bool(flagged) and len(history) == 2 and self._content.checkup.flags_raised(history[1].answers)
        return CheckupResult(
            record=record,
            flags_raised=bool(flagged),
            flagged_twice=twice,
            flagged=flagged,
            words=await self.time_words_for(user_id, guild_id),
        )

    async def time_words_for(self, user_id: int, guild_id: int | None) -> TimeWords:
        """'today', 'tonight'... for the person's own clock: their zone, else the server's, else UTC."""
        zone = await self._couples.timezone_for(user_id, guild_id)
        return time_words(self.now().astimezone(zone))

    async def checkups(self, user_id: int, limit: int = 12) -> list[CheckupRecord]:
        """The person's own checkups, newest first. Only ever asked for by the person themselves."""
        return [
            CheckupRecord(
                id=row.id,
                user_id=row.user_id,
                created_at=row.created_at,
                answers=json.loads(self._cipher.open(row.sealed, column=CHECKUP_COLUMN)),
            )
            for row in await self.repo.checkup_rows(user_id, limit)
        ]

    def describe_checkup(self, answers: dict[str, list[str]]) -> list[tuple[str, str]]:
        lines: list[tuple[str, str]] = []
        for question in self._content.checkup.questions:
            labels = [
                option.label
                for v in answers.get(question.id, ())
                if (option := question.option(v)) is not None
            ]
            if labels:
                lines.append((question.text, "; ".join(labels)))
        return lines

    async def checkup_offers_due(self) -> list[int]:
        """Who to offer the monthly check-up to now, by DM: partners of an active couple whose first
        month is over, with DMs reaching them and nudges on, offered nothing in thirty days, not
        checked up in four weeks, and in their own daytime (so it never arrives in the night)."""
        now = self.now()
        candidates = await self.repo.checkup_offer_candidates(
            paired_before=unix(now - CHECKUP_FIRST_MONTH),
            offered_after=unix(now - CHECKUP_OFFER_GAP),
            checked_up_since=unix(now - CHECKUP_RECENT),
            limit=CHECKUP_OFFER_BATCH,
        )
        due: list[int] = []
        for user_id, guild_id in candidates:
            if user_id in due:
                continue
            zone = await self._couples.timezone_for(user_id, guild_id)
            if now.astimezone(zone).hour in CHECKUP_OFFER_HOURS:
                due.append(user_id)
        return due

    async def claim_monthly_offer(self, user_id: int) -> bool:
        now = self.now()
        gap = int(CHECKUP_OFFER_GAP.total_seconds())
        return await self.repo.claim_offer(user_id, now.strftime("%Y-%m"), unix(now), gap)


def build_progress_service(
    database: Database, cipher: Cipher, content: ContentLibrary, clock: Clock, settings: Settings
) -> ProgressService:
    """The progress service over its own repository and the services it reads from."""
    people = PeopleRepository(database)
    return ProgressService(
        ProgressRepository(database),
        cipher,
        content,
        clock,
        CouplesService(CouplesRepository(database), people, clock, ThreadHealthRepository(database)),
        ExercisesService(ExercisesRepository(database), cipher, content, clock),
        CheckinService(
            CheckinRepository(database, cipher), content, clock, settings.missed_round_grace_minutes
        ),
    )
