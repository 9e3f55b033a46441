"""Appreciations: what a partner did and what it meant, kept in the person's own log and shared
only when they choose, after a preview; and, if they opt in, a private weekly offer of one they
kept, at their own weekday and time.

Never a score: nothing here counts one partner against the other, and nothing shared carries a
number. Someone else's appreciation (or offer) behaves exactly like one that does not exist.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, timedelta

from bot.clock import Clock, from_unix, unix
from bot.errors import NotFound, UserFacingError
from bot.records.appreciations import Appreciation, AppreciationPage, Offer, Reminder
from bot.repositories.appreciations import AppreciationsRepository
from bot.services.couples import CouplesService
from bot.services.journal import local_datetime
from bot.timeparse import DAY_NAMES, next_occurrence, parse_time

WHAT_MAX = 1000
MEANING_MAX = 1000
PAGE_SIZE = 5
# A weekly offer that could not go out on time (Attune was down) still goes this late; later ones
# are recorded as missed and never sent: an offer at 3 in the morning helps nobody.
OFFER_LATE_LIMIT = timedelta(hours=3)
DEFAULT_WEEKDAY = 6  # Sunday
DEFAULT_TIME = "19:00"
OFFERS_PER_RUN = 200
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

NOT_FOUND = "I couldn't find that appreciation among yours."
OFFER_NOT_FOUND = "I couldn't find that offer among yours."
EMPTY = "Please write both parts: what your partner did, and what it meant to you. Nothing was saved."
ALREADY_SHARED = "You've shared this appreciation already, so it's in your thread."
IN_SERVER = (
    "The weekly offer posts to the thread you share with your partner, so please turn it on in "
    "the server where you're paired."
)


class AppreciationsService:
    def __init__(self, repository: AppreciationsRepository, couples: CouplesService, clock: Clock) -> None:
        self._repo = repository
        self._couples = couples
        self._clock = clock

    def now(self) -> int:
        return unix(self._clock.now())

    # -- the log -------------------------------------------------------------------------------

    async def add(self, user_id: int, guild_id: int | None, what: str, meaning: str) -> Appreciation:
        """Checked first, then saved (committed when this returns): a refusal stores nothing."""
        did, meant = what.strip(), meaning.strip()
        if not did or not meant:
            raise UserFacingError(EMPTY)
        if len(did) > WHAT_MAX or len(meant) > MEANING_MAX:
            raise UserFacingError(
                f"Please keep each part to {WHAT_MAX:,} characters; yours has "
                f"{max(len(did), len(meant)):,}. Nothing was saved."
            )
        return await self._repo.add(user_id, guild_id, did, meant, self.now())

    async def get(self, appreciation_id: int, user_id: int) -> Appreciation:
        found = await self._repo.get(appreciation_id, user_id)
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    async def page(self, user_id: int, page: int) -> AppreciationPage:
        total = await self._repo.count(user_id)
        pages = max(1, -(-total // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        found = await self._repo.page(user_id, limit=PAGE_SIZE, offset=page * PAGE_SIZE)
        return AppreciationPage(appreciations=found, page=page, pages=pages)

    async def all_for(self, user_id: int) -> list[Appreciation]:
        """The whole log, oldest first."""
        return await self._repo.all_for(user_id)

    async def export_markdown(self, user_id: int, zone: zoneinfo.ZoneInfo) -> str | None:
        """The appreciation log as a Markdown section of the journal export, oldest first; None
        when it is empty."""
        found = await self._repo.all_for(user_id)
        if not found:
            return None
        lines = [
            "# Your appreciation log",
            "",
            "What your partner did and what it meant to you, oldest first. Private to you, except the "
            "ones you chose to share.",
            "",
        ]
        for appreciation in found:
            shared = " · shared with your partner" if appreciation.is_shared else ""
            lines += [
                "---",
                "",
                f"## {local_datetime(appreciation.created_at, zone)}{shared}",
                "",
                "**What they did**",
                "",
                appreciation.what,
                "",
                "**What it meant to you**",
                "",
                appreciation.meaning,
                "",
            ]
        return "\n".join(lines)

    # -- sharing (the cog posts; these keep the record straight) -------------------------------

    async def shareable(self, appreciation_id: int, user_id: int) -> Appreciation:
        found = await self.get(appreciation_id, user_id)
        if found.is_shared:
            raise UserFacingError(ALREADY_SHARED)
        return found

    async def claim_share(self, appreciation_id: int, user_id: int) -> tuple[Appreciation, int]:
        """Reserve the one post an appreciation gets; returns it and the claim time."""
        found = await self.get(appreciation_id, user_id)
        now = self.now()
        if not await self._repo.claim_share(appreciation_id, user_id, now):
            raise UserFacingError(ALREADY_SHARED)
        return found, now

    async def release_share(self, appreciation_id: int, user_id: int, claimed_at: int) -> None:
        await self._repo.release_share(appreciation_id, user_id, claimed_at)

    # -- the weekly offer's setting ------------------------------------------------------------

    async def reminder(self, user_id: int) -> Reminder | None:
        return await self._repo.reminder(user_id)

    async def turn_on(
        self, user_id: int, guild_id: int | None, day: str | None, time_text: str | None
    ) -> Reminder:
        """On, at the day and time given (else the ones set before, else Sunday 19:00), on the
        person's own clock: their /timezone, else the server's."""
        if guild_id is None:
            raise UserFacingError(IN_SERVER)
        current = await self._repo.reminder(user_id)
        if day is not None and day not in DAY_NAMES:
            raise UserFacingError("Please pick a day from Monday to Sunday.")
        weekday = DAY_NAMES.index(day) if day else (current.weekday if current else DEFAULT_WEEKDAY)
        at = parse_time(time_text or (current.local_time if current else DEFAULT_TIME))
        local_time = at.strftime("%H:%M")
        zone = await self._couples.timezone_for(user_id, guild_id)
        due = self._next(self._clock.now(), weekday, local_time, zone)
        return await self._repo.save_reminder(
            user_id, guild_id, weekday, local_time, zone.key, unix(due), self.now()
        )

    async def turn_off(self, user_id: int) -> bool:
        return await self._repo.turn_off(user_id, self.now())

    @staticmethod
    def describe(reminder: Reminder) -> str:
        """'Sundays at 19:00 (Europe/Paris)'."""
        return f"{WEEKDAY_NAMES[reminder.weekday]}s at {reminder.local_time} ({reminder.timezone})"

    # -- the weekly offer (the job) ------------------------------------------------------------

    async def record_due_offers(self) -> None:
        """Record every offer due now, and move each reminder to the next week, in one transaction
        per person. Never replays a backlog: the next one is the first after now, and an offer more
        than OFFER_LATE_LIMIT late is recorded as missed, never sent."""
        now = self._clock.now()
        for reminder in await self._repo.due_reminders(unix(now), limit=OFFERS_PER_RUN):
            assert reminder.next_due_at is not None
            was_due = from_unix(reminder.next_due_at)
            zone = await self._couples.timezone_for(reminder.user_id, reminder.guild_id)
            following = self._next(max(now, was_due), reminder.weekday, reminder.local_time, zone)
            status, offered = "missed", None
            if now - was_due <= OFFER_LATE_LIMIT:
                status, offered = await self._what_to_offer(reminder)
            await self._repo.record_offer(
                reminder,
                unix(following),
                timezone=zone.key,
                status=status,
                appreciation_id=offered.id if offered else None,
                now=unix(now),
            )

    async def _what_to_offer(self, reminder: Reminder) -> tuple[str, Appreciation | None]:
        """'pending' and the kept appreciation offered longest ago; 'nothing' when none is kept or
        there is no active couple to send it to."""
        couple = await self._couples.active_couple_for(reminder.guild_id, reminder.user_id)
        offered = await self._repo.next_to_offer(reminder.user_id)
        if couple is None or offered is None:
            return "nothing", None
        return "pending", offered

    async def claim_offers(self) -> list[tuple[Offer, Appreciation]]:
        """The offers to send now, claimed so no other run (or a restart) sends them again. One
        left pending too long (a crash between recording and sending) is marked missed instead."""
        now = self._clock.now()
        sendable: list[tuple[Offer, Appreciation]] = []
        for offer in await self._repo.claim_pending_offers(OFFERS_PER_RUN):
            found = None
            if offer.appreciation_id is not None:
                found = await self._repo.get(offer.appreciation_id, offer.user_id)
            if now - from_unix(offer.due_at) > OFFER_LATE_LIMIT:
                await self.finish_offer(offer.id, "missed")
            elif found is None or found.is_shared:  # erased or shared meanwhile
                await self.finish_offer(offer.id, "nothing")
            else:
                sendable.append((offer, found))
        return sendable

    async def finish_offer(
        self, offer_id: int, status: str, channel_id: int | None = None, message_id: int | None = None
    ) -> None:
        await self._repo.finish_offer(offer_id, status, channel_id, message_id, self.now())

    async def offer(self, offer_id: int, user_id: int) -> Offer:
        found = await self._repo.offer(offer_id, user_id)
        if found is None:
            raise NotFound(OFFER_NOT_FOUND)
        return found

    async def answer_offer(self, offer_id: int, user_id: int, answer: str) -> None:
        await self._repo.answer_offer(offer_id, user_id, answer)

    @staticmethod
    def _next(after: datetime, weekday: int, local_time: str, zone: zoneinfo.ZoneInfo) -> datetime:
        return next_occurrence(after, parse_time(local_time), 1 << weekday, zone)
