"""The private monthly check-up: keeping a person's answers, reading them back, and the offer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import Clock, unix
from bot.content import CheckupOption, ContentLibrary
from bot.errors import UserFacingError
from bot.records.progress import CheckupRecord
from bot.repositories.progress import ProgressRepository
from bot.services.couples import CouplesService
from bot.timewords import TimeWords, time_words

CHECKUP_OFFER_GAP = timedelta(days=30)  # the monthly offer: never two within thirty days
CHECKUP_FIRST_MONTH = timedelta(days=30)  # no offer before a couple's first month is over
CHECKUP_RECENT = timedelta(days=28)  # nor to someone who checked up in the last four weeks
CHECKUP_OFFER_HOURS = range(10, 20)  # and only in the person's own daytime: 10:00 to 19:59
CHECKUP_OFFER_BATCH = 500


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


class CheckupService:
    """A person's own check-ups; only ever asked for by the person themselves."""

    def __init__(
        self,
        repo: ProgressRepository,
        content: ContentLibrary,
        clock: Clock,
        couples: CouplesService,
    ) -> None:
        self._repo = repo
        self._content = content
        self._clock = clock
        self._couples = couples

    def now(self) -> datetime:
        return self._clock.now()

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
        record_id = await self._repo.add_checkup(user_id, answers, unix(self.now()))
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
        return await self._repo.checkups(user_id, limit)

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
        candidates = await self._repo.checkup_offer_candidates(
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
        return await self._repo.claim_offer(user_id, now.strftime("%Y-%m"), unix(now), gap)
