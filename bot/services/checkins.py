"""The rules of check-ins: schedules in local wall-clock time, what falls due, answers and reveals."""

from __future__ import annotations

import asyncio
import random
import zoneinfo
from collections.abc import AsyncGenerator, Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime

from bot.clock import Clock, from_unix, unix
from bot.content import ContentLibrary
from bot.errors import NotFound, UserFacingError
from bot.records.checkins import Answer, DueSchedule, Occurrence, Recorded, Round, Schedule
from bot.records.prompts import PromptContext, PromptUsage, own_prompt_id
from bot.repositories.checkins import CheckinRepository
from bot.services import prompt_choice
from bot.services.checkin_rounds import CheckinRounds
from bot.services.couple_prompts import CouplePromptsService, couple_owner, person_owner
from bot.timeparse import (
    describe_days,
    next_occurrence,
    parse_days,
    parse_future_date,
    parse_time,
    parse_zone,
)

PAUSED_INDEFINITELY = "9999-12-31"
FALLBACK_PROMPT = "How are you, really, today?"  # a prompt since taken out of the content
OWN_PROMPT_REMOVED = "A question of your own, since removed."
ANSWER_MAX = 2000
DUE_BATCH = 500
# The first batch is small, so the first rounds go out while the rest of a burst is recorded.
FIRST_DUE_BATCH = 50
# Planning a round (its prompt chosen from the whole bank) is CPU work on the event loop: between
# slices of this many, the bot's other work (interactions, the gateway) gets its turn.
PLAN_SLICE = 50
# Checks the partners of these couples against their server; True when it checked anyone.
CoupleCheck = Callable[[list[int]], Awaitable[bool]]


@dataclass(frozen=True)
class AnswerResult:
    round_id: int
    edited: bool
    ready_to_reveal: bool


@dataclass(frozen=True)
class ThemeStatus:
    """A couple's chosen themes (None: every theme) and where they stand in the bank."""

    chosen: frozenset[str] | None
    bank: prompt_choice.BankStatus


@dataclass(frozen=True)
class HistoryPage:
    page: int  # zero-based
    pages: int
    total: int
    rounds: list[tuple[Round, list[Answer]]]


class CheckinService(CheckinRounds):
    """Schedules, what falls due, history and answers; posting rounds is in its base, CheckinRounds."""

    def __init__(
        self,
        repo: CheckinRepository,
        content: ContentLibrary,
        clock: Clock,
        grace_minutes: int,
        prompts: CouplePromptsService,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(repo, clock, grace_minutes)
        self._content = content
        self._prompts = prompts
        self._random = rng or random.Random()
        self._banks = {
            "couple": prompt_choice.candidates(content.partner_prompts),
            "personal": prompt_choice.candidates(content.personal_prompts),
        }

    # -- schedules -----------------------------------------------------------------------------

    async def schedule(
        self,
        *,
        couple_id: int | None,
        user_id: int,
        time_text: str,
        days_text: str | None,
        zone_name: str,
        reminder_minutes: int | None = 240,
    ) -> Schedule:
        """Parse everything first: a bad value changes nothing."""
        at = parse_time(time_text)
        days = parse_days(days_text)
        zone = parse_zone(zone_name)
        now = self._clock.now()
        first = next_occurrence(now, at, days, zone)
        return await self._repo.save_schedule(
            couple_id=couple_id,
            user_id=None if couple_id is not None else user_id,
            local_time=at.strftime("%H:%M"),
            weekdays=days,
            timezone=zone.key,
            reminder_minutes=reminder_minutes,
            next_due_at=unix(first),
            by=user_id,
            now=unix(now),
        )

    async def pause(self, schedule: Schedule, until_text: str | None) -> date | None:
        zone = zoneinfo.ZoneInfo(schedule.timezone)
        today = self._clock.now().astimezone(zone).date()
        if until_text is None:
            await self._repo.set_pause(schedule.id, PAUSED_INDEFINITELY, None, unix(self._clock.now()))
            return None
        until = parse_future_date(until_text, today)
        next_due = self._next_due(schedule, not_before=until)
        await self._repo.set_pause(schedule.id, until.isoformat(), unix(next_due), unix(self._clock.now()))
        return until

    async def resume(self, schedule: Schedule) -> datetime:
        next_due = self._next_due(schedule)
        await self._repo.set_pause(schedule.id, None, unix(next_due), unix(self._clock.now()))
        return next_due

    async def skip_next(self, schedule: Schedule) -> datetime:
        if schedule.next_due_at is None:
            raise UserFacingError(
                "Check-ins are paused, so there is nothing to skip. /checkin resume starts them again."
            )
        await self._repo.set_skip_next(schedule.id, unix(self._clock.now()))
        return from_unix(schedule.next_due_at)

    async def schedule_for_couple(self, couple_id: int) -> Schedule | None:
        return await self._repo.schedule_for_couple(couple_id)

    async def schedule_for_person(self, user_id: int) -> Schedule | None:
        return await self._repo.schedule_for_person(user_id)

    async def turn_off(self, schedule: Schedule) -> None:
        await self._repo.delete_schedule(schedule.id)

    def _next_due(self, schedule: Schedule, not_before: date | None = None) -> datetime:
        return next_occurrence(
            self._clock.now(),
            parse_time(schedule.local_time),
            schedule.weekdays,
            zoneinfo.ZoneInfo(schedule.timezone),
            not_before=not_before,
        )

    @staticmethod
    def describe(schedule: Schedule) -> str:
        days = describe_days(schedule.weekdays)
        text = f"{schedule.local_time} ({schedule.timezone}), {days}"
        if schedule.paused_until == PAUSED_INDEFINITELY:
            return f"{text}; paused until you resume"
        if schedule.paused_until:
            return f"{text}; paused until {schedule.paused_until}"
        if schedule.next_due_at is not None:
            text += f"; next <t:{schedule.next_due_at}:R>"
        if schedule.skip_next:
            text += " (that one will be skipped)"
        return text

    # -- what falls due ------------------------------------------------------------------------

    async def record_due(self, check_couples: CoupleCheck | None = None) -> AsyncGenerator[Recorded, None]:
        """Record every occurrence due now, one batch (one transaction) at a time, yielding what
        each batch recorded, so the caller can post its rounds while the next is recorded.

        `check_couples`: called with each batch's couple ids before it is recorded (the couples'
        partners are checked against the server); when it checked anyone, the batch is read again,
        so a couple it paused is skipped as any paused couple is."""
        now = self._clock.now()
        size = FIRST_DUE_BATCH
        while due := await self._repo.due_schedules(unix(now), size):
            couple_ids = sorted({s.couple_id for s in (item.schedule for item in due) if s.couple_id})
            if check_couples is not None and couple_ids and await check_couples(couple_ids):
                due = await self._repo.due_schedules(unix(now), size)
                if not due:
                    break
            plans: list[Occurrence] = []
            resets: set[str] = set()
            # Two queries a batch, whatever its size: what each owner was asked, and what steers it.
            usage = await self._repo.prompt_usage_of(sorted({item.schedule.owner for item in due}))
            schedules = [item.schedule for item in due]
            contexts = await self._prompts.contexts(
                sorted({s.couple_id for s in schedules if s.couple_id is not None}),
                sorted({s.user_id for s in schedules if s.user_id is not None}),
            )
            for index, item in enumerate(due):
                if index and index % PLAN_SLICE == 0:
                    await asyncio.sleep(0)
                plan, reset = self._plan(item, now, usage, contexts)
                plans.append(plan)
                if reset:
                    resets.add(plan.owner)
            yield await self._repo.apply(plans, unix(now), resets)
            if len(due) < size:
                break
            size = DUE_BATCH

    def _plan(
        self,
        due: DueSchedule,
        now: datetime,
        usage: dict[str, PromptUsage],
        contexts: dict[str, PromptContext],
    ) -> tuple[Occurrence, bool]:
        schedule = due.schedule
        assert schedule.next_due_at is not None
        was_due = from_unix(schedule.next_due_at)
        zone = zoneinfo.ZoneInfo(schedule.timezone)
        at = parse_time(schedule.local_time)
        paused_until = schedule.paused_until
        due_day = was_due.astimezone(zone).date()
        paused = paused_until is not None and due_day.isoformat() < paused_until
        if paused_until is not None and not paused:
            paused_until = None
        # Never replay a backlog: the next occurrence is the first one after now.
        next_due: datetime | None = next_occurrence(
            max(now, was_due),
            at,
            schedule.weekdays,
            zone,
            not_before=date.fromisoformat(paused_until) if paused_until else None,
        )
        status: str | None
        reason: str | None = None
        if due.couple_status == "ended":
            status, next_due = None, None
        elif paused or due.couple_status == "paused":
            status = None
        elif schedule.skip_next:
            status = "skipped"
        elif now - was_due > self._grace:
            status, reason = "missed", "downtime"
        else:
            status = "pending"
        prompt_id, reset = None, False
        if status == "pending":
            choice = self._choose_prompt(schedule.owner, schedule.kind, usage, contexts)
            prompt_id, reset = choice.prompt_id, choice.new_cycle
        return (
            Occurrence(
                schedule_id=schedule.id,
                was_due_at=schedule.next_due_at,
                next_due_at=None if next_due is None else unix(next_due),
                paused_until=paused_until,
                clear_skip=status == "skipped",
                round_status=status,
                missed_reason=reason,
                prompt_id=prompt_id,
                kind=schedule.kind,
                couple_id=schedule.couple_id,
                user_id=schedule.user_id,
                owner=schedule.owner,
            ),
            reset,
        )

    def _choose_prompt(
        self,
        owner: str,
        kind: str,
        usage: dict[str, PromptUsage],
        contexts: dict[str, PromptContext],
    ) -> prompt_choice.Choice:
        """The owner's next prompt (bot/services/prompt_choice.py); `usage` is updated with it, so
        a batch that meets the same owner twice never asks the same prompt twice."""
        now = unix(self._clock.now())
        before = usage.get(owner, PromptUsage())
        choice = prompt_choice.choose(
            self._banks[kind], contexts.get(owner, PromptContext()), before, now, self._random
        )
        usage[owner] = before.after(choice.prompt_id, now, new_cycle=choice.new_cycle)
        return choice

    async def start_now(
        self, *, couple_id: int | None, user_id: int | None, started_by: int | None = None
    ) -> int:
        """A round posted at once. `started_by`: who asked for it (/checkin now), told nothing."""
        kind = "couple" if couple_id is not None else "personal"
        owner = couple_owner(couple_id) if couple_id is not None else person_owner(user_id or 0)
        usage = await self._repo.prompt_usage_of([owner])
        contexts = await self._prompts.contexts(
            [couple_id] if couple_id is not None else [], [user_id] if user_id is not None else []
        )
        choice = self._choose_prompt(owner, kind, usage, contexts)
        return await self._repo.create_immediate_round(
            kind=kind,
            couple_id=couple_id,
            user_id=user_id,
            prompt_id=choice.prompt_id,
            owner=owner,
            reset_prompts=choice.new_cycle,
            now=unix(self._clock.now()),
            started_by=started_by,
        )

    async def theme_status(self, couple_id: int) -> ThemeStatus:
        """The couple's chosen themes and where they stand in this round of the bank."""
        owner = couple_owner(couple_id)
        usage = (await self._repo.prompt_usage_of([owner]))[owner]
        context = (await self._prompts.contexts([couple_id], []))[owner]
        bank = prompt_choice.status(self._banks["couple"], context, usage)
        return ThemeStatus(chosen=context.themes, bank=bank)

    # -- prompts -------------------------------------------------------------------------------

    async def prompt_text(self, prompt_id: str) -> str:
        """The words of a round's question: from the content, or the couple's own question."""
        own = own_prompt_id(prompt_id)
        if own is not None:
            return await self._prompts.own_text(own) or OWN_PROMPT_REMOVED
        prompt = self._content.prompt(prompt_id)
        return prompt.text if prompt is not None else FALLBACK_PROMPT

    # -- history -------------------------------------------------------------------------------

    async def history_page(self, couple_id: int, page: int, per_page: int) -> HistoryPage:
        """One page of the couple's revealed rounds, newest first; `page` is clamped into range."""
        total = await self._repo.count_revealed(couple_id)
        pages = max(1, -(-total // per_page))
        page = min(max(page, 0), pages - 1)
        rounds = await self._repo.revealed_rounds(couple_id, page * per_page, per_page)
        answers = await self._repo.answers_to_rounds([round_.id for round_ in rounds])
        return HistoryPage(
            page=page,
            pages=pages,
            total=total,
            rounds=[(round_, answers[round_.id]) for round_ in rounds],
        )

    # -- answers -------------------------------------------------------------------------------

    async def round_for_partner(self, round_id: int, user_id: int) -> tuple[Round, Answer | None]:
        """A couple round one of its partners may answer, with their own answer so far (one query).
        Someone else's round behaves exactly like one that does not exist."""
        found = await self._repo.round_for_partner(round_id, user_id)
        if found is None:
            raise NotFound("This check-in belongs to someone else, so it isn't yours to answer.")
        return found

    async def answer(self, round_: Round, user_id: int, mood: int, body: str) -> AnswerResult:
        return await self.answer_round(round_.id, user_id, mood, body)

    async def answer_round(self, round_id: int, user_id: int, mood: int, body: str) -> AnswerResult:
        """Save a partner's answer. Nothing is read first: the save itself checks that the person is
        one of the round's partners and that it is open. Only when nothing was saved is the round
        read, to say why: someone else's round (as round_for_partner says it) or a closed one."""
        text = body.strip()
        if not text or len(text) > ANSWER_MAX or not 1 <= mood <= 5:
            # A refusal about the answer itself is for a partner only: a stranger is told it is
            # not theirs, as before this path stopped reading first (one read, only on this path).
            await self.round_for_partner(round_id, user_id)
        if not text:
            raise UserFacingError(
                "Your answer was empty, so I didn't save anything. Write a few words and try again."
            )
        if len(text) > ANSWER_MAX:
            raise UserFacingError(
                f"That's a little long for a check-in ({len(text)} characters; {ANSWER_MAX} fit)."
            )
        if not 1 <= mood <= 5:
            raise UserFacingError("Please pick a mood from 1 to 5.")
        # One statement saves (committed before this returns) and says whether it was an edit and
        # whether the partner had answered. Only then can the round be ready: whichever partner
        # saves second sees the other's answer and makes the claim, so the first skips it.
        saved = await self._repo.save_answer(round_id, user_id, mood, text, unix(self._clock.now()))
        if saved is None:
            await self.round_for_partner(round_id, user_id)  # NotFound: someone else's round
            raise UserFacingError(
                "This check-in has closed, so I couldn't save that here. "
                "Your words matter: /journal write keeps them privately."
            )
        edited, partner_answered = saved
        ready = partner_answered and await self._repo.claim_reveal(round_id, unix(self._clock.now()), user_id)
        return AnswerResult(round_id=round_id, edited=edited, ready_to_reveal=ready)

    async def answers(self, round_id: int) -> list[Answer]:
        return await self._repo.answers(round_id)
