"""Breaks: a pause when a talk gets too heated, with a time to come back.

John Gottman's research on flooding: a pause of at least twenty minutes, under a day, with an
agreed time to return. So a break lasts 20 minutes to 24 hours (30 unless the person says), is
posted in the couple's thread only after a private preview, may be taken a little longer once, and
ends with a reminder to both at the return time. One break per couple at a time. Only the person
who asked may end or extend it; either partner may answer its reminder. A reminder that falls due
while Attune is away is posted up to RETURN_GRACE late, and never later: the break closes quietly.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock, unix
from bot.errors import NotFound, UserFacingError
from bot.records.breaks import OPEN, UNDER_WAY, Break, BreakStatus, DueReturn, Extension
from bot.records.couples import Couple
from bot.repositories.breaks import BreaksRepository
from bot.services.couples import CouplesService
from bot.timeparse import parse_duration

MIN_MINUTES = 20
MAX_MINUTES = 24 * 60
DEFAULT_MINUTES = 30
LINE_MAX = 200
EXTENSIONS = (20, 30, 60)  # the choices for "a bit longer", in minutes
RETURN_GRACE = timedelta(hours=1)
DUE_PER_RUN = 100

NOT_IN_SERVER = (
    "A break is posted in the thread you share with your partner, so please ask for it in that server."
)
NOT_PAIRED = (
    "A break is posted in the thread you share with your partner, and you're not paired with anyone "
    "here right now. If you need a pause anyway, take it: step away, breathe slowly, and come back "
    "when you feel settled."
)
TOO_SHORT = (
    "A pause works best when it's long enough for your body to settle: at least 20 minutes. "
    "Please choose 20 minutes or more."
)
HOURS_HINT = " Did you mean {n} hours? Write {n}h."
TOO_LONG = (
    "Please keep a pause under a day (24 hours at most): a pause with no return in sight can feel "
    "like being shut out. Choose a shorter time; if you need more, you can take a little longer once."
)
LINE_TOO_LONG = f"Please keep your line short, under {LINE_MAX} characters. Nothing was posted."
NOT_FOUND = "I couldn't find that break. It may have been erased, so nothing changed."
NOT_YOURS = "This break is your partner's, so only they can end it or take longer. Nothing was changed."
ALREADY_POSTED = "This break was already posted (or cancelled), so nothing more was posted."
NOT_ON_BREAK = "You're not on a break right now, so there's nothing to end."
PARTNERS_BREAK = (
    "The break running now is your partner's, so only they can end it early. It ends by itself at "
    "the time in your thread."
)
MOVED_ON = "This break has already moved on (ended, or answered), so nothing changed."
EXTENDED_ONCE = (
    "You've already taken a little longer once. When the time comes, see how you feel: you can say "
    "you're ready to talk, or pick another time together."
)
TOO_LATE_TO_EXTEND = "This break has already ended, so there's nothing to extend."
OVER_A_DAY = (
    "That would make the pause longer than a day. Please pick a shorter extension, or pick another "
    "time together."
)
PICK_A_CHOICE = "Please pick one of the times offered. Nothing was changed."
ANOTHER_UNDER_WAY = "Another break is running in your couple right now, so this one can't start or run on."


class AlreadyOnBreak(UserFacingError):
    """A break of the couple is under way: says so; `existing` lets the cog offer to end or extend
    it (`own`: it is the asker's own)."""

    def __init__(self, existing: Break, own: bool) -> None:
        if own:
            message = "You're already on a break. You can end it now, or take a little longer."
        else:
            message = (
                "Your partner is taking a pause right now, and one break at a time is enough for a "
                "couple. Use the time for yourself too; they'll be back at the time in your thread."
            )
        super().__init__(message)
        self.existing = existing
        self.own = own


def minutes_for(text: str | None) -> int:
    """How long, from what the person typed (30 minutes when nothing), refused kindly outside
    20 minutes to 24 hours."""
    if text is None or not text.strip():
        return DEFAULT_MINUTES
    minutes = parse_duration(text)
    if minutes < MIN_MINUTES:
        typed = text.strip()
        hint = HOURS_HINT.format(n=typed) if typed.isascii() and typed.isdigit() and int(typed) <= 24 else ""
        raise UserFacingError(TOO_SHORT + hint)
    if minutes > MAX_MINUTES:
        raise UserFacingError(TOO_LONG)
    return minutes


def describe_minutes(minutes: int) -> str:
    """'30 minutes', '1 hour', '1 hour 30 minutes', '2 hours'."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour" + ("s" if hours > 1 else ""))
    if rest or not hours:
        parts.append(f"{rest} minute" + ("s" if rest != 1 else ""))
    return " ".join(parts)


class BreaksService:
    def __init__(self, repository: BreaksRepository, couples: CouplesService, clock: Clock) -> None:
        self._repo = repository
        self._couples = couples
        self._clock = clock

    def now(self) -> int:
        return unix(self._clock.now())

    # -- asking for a break --------------------------------------------------------------------

    async def preview(
        self, user_id: int, guild_id: int | None, duration: str | None, line: str | None
    ) -> Break:
        """Checked, then kept as a preview (nothing posted). Refused kindly outside a couple, outside
        20 minutes to 24 hours, or while a break of the couple is under way."""
        if guild_id is None:
            raise UserFacingError(NOT_IN_SERVER)
        minutes = minutes_for(duration)
        text = " ".join((line or "").split())  # one line, whatever was pasted
        if len(text) > LINE_MAX:
            raise UserFacingError(LINE_TOO_LONG)
        couple = await self._couples.require_active_couple(guild_id, user_id, not_paired=NOT_PAIRED)
        existing = await self._repo.latest_for_couple(couple.id, UNDER_WAY)
        if existing is not None:
            raise AlreadyOnBreak(existing, own=existing.user_id == user_id)
        return await self._repo.create(user_id, couple.id, guild_id, minutes, text, self.now())

    async def own(self, break_id: int, user_id: int) -> Break:
        """The person's own break; someone else's answers exactly like one that does not exist."""
        found = await self._repo.get(break_id)
        if found is None or found.user_id != user_id:
            raise NotFound(NOT_FOUND)
        return found

    async def of_couple(self, break_id: int, user_id: int) -> tuple[Break, Couple]:
        """A break of the person's couple (theirs or their partner's), and that couple."""
        found = await self._repo.get(break_id)
        couple = await self._couples.couple_by_id(found.couple_id) if found is not None else None
        if found is None or couple is None or not couple.includes(user_id):
            raise NotFound(NOT_FOUND)
        return found, couple

    async def may_answer(self, break_id: int, user_id: int) -> bool:
        """Either partner of the break's couple, and nobody else."""
        found = await self._repo.get(break_id)
        couple = await self._couples.couple_by_id(found.couple_id) if found is not None else None
        return couple is not None and couple.includes(user_id)

    async def postable(self, break_id: int, user_id: int) -> Break:
        """The person's own preview, not yet posted or cancelled, while no other break of their
        couple is under way."""
        found = await self.own(break_id, user_id)
        if found.status is not BreakStatus.PREVIEW:
            raise UserFacingError(ALREADY_POSTED)
        if await self._repo.latest_for_couple(found.couple_id, UNDER_WAY) is not None:
            raise UserFacingError(ANOTHER_UNDER_WAY)
        return found

    async def claim_post(self, break_id: int, user_id: int) -> tuple[Break, int]:
        """Reserve the break's one post; its return time counts from now. Returns it and the claim time."""
        await self.postable(break_id, user_id)
        now = self.now()
        claimed = await self._repo.claim_post(break_id, user_id, now)
        if claimed is None:
            raise UserFacingError(ANOTHER_UNDER_WAY)
        return claimed, now

    async def release_post(self, break_id: int, user_id: int, claimed_at: int) -> None:
        await self._repo.release_post(break_id, user_id, claimed_at)

    async def posted(self, break_id: int) -> None:
        await self._repo.mark_posted(break_id)

    async def cancel(self, break_id: int, user_id: int) -> None:
        """A preview not posted after all (pressing Cancel twice is fine; after Post, it is not)."""
        found = await self.own(break_id, user_id)
        if found.status is BreakStatus.CANCELLED:
            return
        if await self._repo.move(found.id, (BreakStatus.PREVIEW,), BreakStatus.CANCELLED, self.now()) is None:
            raise UserFacingError(ALREADY_POSTED)

    # -- during and after ----------------------------------------------------------------------

    async def end_current(self, user_id: int, guild_id: int | None) -> Break:
        """/break end: the person's own break in this server's couple, ended now."""
        if guild_id is None:
            raise UserFacingError(NOT_IN_SERVER)
        couple = await self._couples.current_couple_for(guild_id, user_id)
        found = await self._repo.latest_for_couple(couple.id, OPEN) if couple is not None else None
        if found is None:
            raise UserFacingError(NOT_ON_BREAK)
        if found.user_id != user_id:
            raise UserFacingError(PARTNERS_BREAK)
        return await self.end(found.id, user_id)

    async def endable(self, break_id: int, user_id: int) -> Break:
        """The person's own break, if it is still open."""
        found = await self.own(break_id, user_id)
        if not found.is_open:
            raise UserFacingError(MOVED_ON)
        return found

    async def end(self, break_id: int, user_id: int) -> Break:
        """Ended early by the person who asked for it."""
        found = await self.own(break_id, user_id)
        ended = await self._repo.move(found.id, OPEN, BreakStatus.ENDED, self.now())
        if ended is None:
            raise UserFacingError(MOVED_ON)
        return ended

    async def extendable(self, break_id: int, user_id: int) -> Break:
        """The person's own break, if it can still be taken longer (once, while it is open)."""
        found = await self.own(break_id, user_id)
        if found.was_extended:
            raise UserFacingError(EXTENDED_ONCE)
        if found.status not in (BreakStatus.RUNNING, BreakStatus.REMINDED):
            raise UserFacingError(TOO_LATE_TO_EXTEND)
        return found

    async def extend(self, break_id: int, user_id: int, minutes: int) -> Extension:
        """The one extension, by the person who asked: `minutes` (one of EXTENSIONS) after the later
        of now and the return time, never past a day from its start; a second one is refused."""
        if minutes not in EXTENSIONS:
            raise UserFacingError(PICK_A_CHOICE)
        found = await self.extendable(break_id, user_id)
        now = self.now()
        back = max(found.return_at or now, now) + minutes * 60
        if back - (found.started_at or now) > MAX_MINUTES * 60:
            raise UserFacingError(OVER_A_DAY)
        extension = await self._repo.extend(found.id, user_id, minutes, now)
        if extension is None:  # changed meanwhile: say why, as it stands now
            latest = await self.own(break_id, user_id)
            raise UserFacingError(EXTENDED_ONCE if latest.was_extended else ANOTHER_UNDER_WAY)
        return extension

    async def answer(self, break_id: int, user_id: int, outcome: BreakStatus) -> tuple[Break, Couple]:
        """The reminder answered by either partner: ready to talk, or another time."""
        assert outcome in (BreakStatus.READY, BreakStatus.ANOTHER_TIME)
        found, couple = await self.of_couple(break_id, user_id)
        answered = await self._repo.move(found.id, (BreakStatus.REMINDED,), outcome, self.now())
        if answered is None:
            raise UserFacingError(MOVED_ON)
        return answered, couple

    # -- the return reminder (the job) ---------------------------------------------------------

    async def claim_due(self, run_id: str) -> list[DueReturn]:
        """Close quietly what fell due beyond the grace (Attune was away), then claim what is due."""
        now = self._clock.now()
        not_before = unix(now - RETURN_GRACE)
        await self._repo.miss_overdue(not_before, unix(now))
        return await self._repo.claim_due(unix(now), not_before, run_id, DUE_PER_RUN)

    async def reminded(self, break_id: int, run_id: str, channel_id: int, message_id: int) -> bool:
        return await self._repo.mark_reminded(break_id, run_id, channel_id, message_id)

    async def release_reminder(self, break_id: int, run_id: str) -> None:
        await self._repo.release_reminder(break_id, run_id)

    async def close_quietly(self, break_id: int) -> None:
        """The couple is no longer active: nothing to remind anyone of."""
        await self._repo.move(break_id, (BreakStatus.REMINDING,), BreakStatus.CLOSED, self.now())
