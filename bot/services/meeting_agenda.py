"""The rules of a couple meeting's agenda: who may write, when a step's answers are revealed (both
have written; a topic may be shown once either has chosen one), moving on, ending, and the record
each partner keeps of what they shared. The schedule and posting side is MeetingService (its
subclass, bot/services/meetings.py); the sending itself is the meetings feature's (cogs/meetings).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, from_unix, unix
from bot.content import ContentLibrary, MeetingStep
from bot.errors import NotFound, UserFacingError
from bot.records.couples import Couple
from bot.records.meetings import LAST_STEP, TOPIC_STEP, Meeting, MeetingAnswer, StepReveal
from bot.repositories.journal import JournalRepository
from bot.repositories.meetings import MeetingRepository

ANSWER_MAX = 800  # four of them, with their headings, fit one journal entry (4,000)
REVEAL_GIVE_UP = timedelta(hours=24)
RETRY_FIRST_SECONDS = 60
RETRY_MAX_SECONDS = 3600

NOT_YOURS = "This meeting belongs to someone else, so it isn't yours to use. Nothing was changed."
EMPTY = "That was empty, so I didn't save anything. Write a few words and try again."
MOVED_ON = (
    "Your meeting has moved past this step (or ended), so I couldn't save that here. "
    "Your words matter: /journal write keeps them privately."
)
NO_TOPIC_YET = "Nobody has chosen a topic yet. Press Write to choose one, or move on."


@dataclass(frozen=True)
class Written:
    """What writing an answer did: replaced an earlier one, and whether the step is to be revealed
    now (whoever completed it claimed the reveal)."""

    edited: bool
    reveal_now: bool


@dataclass(frozen=True)
class TopicSaved:
    """Where a topic went: into the open meeting (revealed now, perhaps) or ahead of the next one."""

    meeting: Meeting | None
    edited: bool
    reveal_now: bool


class MeetingAgenda:
    def __init__(
        self,
        repo: MeetingRepository,
        journal: JournalRepository,
        content: ContentLibrary,
        clock: Clock,
        grace_minutes: int,
    ) -> None:
        self._repo = repo
        self._journal = journal
        self._content = content
        self._clock = clock
        self._grace = timedelta(minutes=grace_minutes)

    def now(self) -> int:
        return unix(self._clock.now())

    def step_words(self, step: int) -> MeetingStep:
        return self._content.meeting.steps[step]

    # -- reading ---------------------------------------------------------------------------------

    async def meeting(self, meeting_id: int) -> Meeting | None:
        return await self._repo.meeting(meeting_id)

    async def open_meeting(self, couple_id: int) -> Meeting | None:
        return await self._repo.open_meeting(couple_id)

    async def meeting_for_partner(self, meeting_id: int, user_id: int) -> Meeting:
        """A meeting one of its partners may use; anyone else's behaves like one that does not exist."""
        found = await self._repo.meeting_for_partner(meeting_id, user_id)
        if found is None:
            raise NotFound(NOT_YOURS)
        return found

    async def answer_of(self, meeting_id: int, step: int, user_id: int) -> MeetingAnswer | None:
        return await self._repo.answer_of(meeting_id, step, user_id)

    async def answers(self, meeting_id: int, step: int | None = None) -> list[MeetingAnswer]:
        return await self._repo.answers(meeting_id, step)

    async def written_by(self, meeting_id: int, step: int) -> set[int]:
        return await self._repo.written_by(meeting_id, step)

    async def reveals_of(self, meeting_id: int) -> dict[int, StepReveal]:
        return await self._repo.reveals_of(meeting_id)

    async def topic_ahead(self, couple_id: int, user_id: int) -> str | None:
        return await self._repo.topic_ahead(couple_id, user_id)

    # -- writing ---------------------------------------------------------------------------------

    async def write(self, meeting: Meeting, step: int, user_id: int, body: str) -> Written:
        """Save a partner's answer for a step (committed before this returns). Whoever completes the
        step claims its reveal; the other sees nothing of their partner's until then."""
        text = _checked(body)
        if step != meeting.step:  # a form opened for a step the meeting has left
            raise UserFacingError(MOVED_ON)
        saved = await self._repo.save_answer(meeting.id, step, user_id, text, self.now())
        if saved is None:
            raise UserFacingError(MOVED_ON)
        reveal = saved.written >= 2 and await self._claim(meeting.id, step, by=user_id, at_least=2)
        return Written(edited=saved.edited, reveal_now=reveal)

    async def choose_topic(self, couple: Couple, user_id: int, body: str) -> TopicSaved:
        """/meeting topic: into the couple's open meeting while it has not passed the topic step,
        otherwise kept for their next meeting. Private until the meeting reveals it."""
        text = _checked(body)
        meeting = await self._repo.open_meeting(couple.id)
        if meeting is not None and meeting.step <= TOPIC_STEP:
            saved = await self._repo.save_answer(meeting.id, TOPIC_STEP, user_id, text, self.now())
            if saved is not None:
                reveal = (
                    meeting.step == TOPIC_STEP
                    and saved.written >= 2
                    and await self._claim(meeting.id, TOPIC_STEP, by=user_id, at_least=2)
                )
                return TopicSaved(meeting=meeting, edited=saved.edited, reveal_now=reveal)
        edited = await self._repo.topic_ahead(couple.id, user_id) is not None
        if not await self._repo.save_topic_ahead(couple.id, user_id, text, self.now()):
            raise NotFound(NOT_YOURS)
        return TopicSaved(meeting=None, edited=edited, reveal_now=False)

    async def show_topic(self, meeting: Meeting, user_id: int) -> bool:
        """Either partner may show the topics chosen so far, even if only one of them chose one."""
        if meeting.status != "open" or meeting.step != TOPIC_STEP:
            raise UserFacingError(MOVED_ON)
        if not await self._repo.written_by(meeting.id, TOPIC_STEP):
            raise UserFacingError(NO_TOPIC_YET)
        return await self._claim(meeting.id, TOPIC_STEP, by=user_id, at_least=1)

    async def move_on(self, meeting: Meeting, from_step: int, user_id: int) -> tuple[Meeting | None, bool]:
        """One step on (a second press of the same button moves nothing). Reaching the topic step
        with a topic from each partner already chosen reveals them at once: (meeting, reveal_now)."""
        moved = await self._repo.advance(meeting.id, from_step, user_id)
        if moved is None:
            return None, False
        reveal = moved.step == TOPIC_STEP and await self._claim(moved.id, TOPIC_STEP, by=user_id, at_least=2)
        return moved, reveal

    async def end(self, meeting: Meeting, reason: str) -> Meeting | None:
        """Open -> ended, once ('finished', 'ended' by a partner...); None when it had ended already."""
        return await self._repo.end(meeting.id, reason, self.now())

    async def _claim(self, meeting_id: int, step: int, *, by: int | None, at_least: int) -> bool:
        return await self._repo.claim_reveal(meeting_id, step, by=by, at_least=at_least, now=self.now())

    # -- posting reveals -------------------------------------------------------------------------

    def retry_at(self, attempt: int) -> int:
        delay: int = min(RETRY_FIRST_SECONDS * 2 ** max(0, attempt - 1), RETRY_MAX_SECONDS)
        return self.now() + delay

    async def reveal(self, meeting_id: int, step: int) -> StepReveal | None:
        return await self._repo.reveal(meeting_id, step)

    async def reveals_to_post(self, run_id: str, limit: int) -> list[StepReveal]:
        return await self._repo.reveals_to_post(self.now(), run_id, limit)

    def too_late_to_reveal(self, reveal: StepReveal) -> bool:
        return self._clock.now() - from_unix(reveal.revealed_at) > REVEAL_GIVE_UP

    async def claim_reveal_post(self, reveal: StepReveal, run_id: str) -> int:
        """Claim posting a reveal for `run_id`: which try this is, or 0 when it is not ours to post."""
        return await self._repo.claim_reveal_post(
            reveal.meeting_id, reveal.step, run_id, self.retry_at(reveal.attempts + 1)
        )

    async def release_reveal_claim(self, reveal: StepReveal, run_id: str) -> None:
        await self._repo.release_reveal_claim(reveal.meeting_id, reveal.step, run_id)

    async def record_lead(self, reveal: StepReveal, message_id: int) -> None:
        await self._repo.record_lead(reveal.meeting_id, reveal.step, message_id)

    async def record_answer_post(self, answer: MeetingAnswer, message_id: int) -> bool:
        """False when the answer was erased while it was being posted (its post must come down)."""
        return await self._repo.record_answer_post(answer.meeting_id, answer.step, answer.user_id, message_id)

    async def finish_reveal(self, reveal: StepReveal) -> None:
        await self._repo.finish_reveal(reveal.meeting_id, reveal.step)

    async def drop_reveal(self, reveal: StepReveal) -> None:
        """Stop trying (a day late, or nothing left to show): the words stay with their authors."""
        await self._repo.finish_reveal(reveal.meeting_id, reveal.step, status="dropped")

    # -- the record in each journal --------------------------------------------------------------

    async def meetings_to_record(self, limit: int) -> list[Meeting]:
        return await self._repo.unjournaled(limit)

    async def write_records(self, meeting: Meeting, couple: Couple) -> None:
        """Each partner's own record of the meeting, in their own journal: what they wrote, marked
        when it was never shown. Once per meeting and person, however often this runs."""
        answers = await self._repo.answers(meeting.id)
        shown = {
            step
            for step, reveal in (await self._repo.reveals_of(meeting.id)).items()
            if reveal.status != "dropped"
        }
        for user_id in couple.partner_ids:
            theirs = [answer for answer in answers if answer.user_id == user_id]
            if theirs:
                await self._journal.insert_meeting_record(
                    user_id=user_id,
                    meeting_id=meeting.id,
                    guild_id=couple.guild_id,
                    title=self._content.meeting.record_title,
                    body=self.record_text(theirs, shown),
                    now=self.now(),
                )
        await self._repo.mark_journaled(meeting.id)

    def record_text(self, answers: list[MeetingAnswer], shown: set[int]) -> str:
        words = self._content.meeting
        lines = [words.record_intro, ""]
        for answer in sorted(answers, key=lambda a: a.step):
            heading = f"**{self.step_words(answer.step).heading}**"
            if answer.step not in shown:
                heading += f" {words.kept_private}"
            lines += [heading, answer.body, ""]
        return "\n".join(lines).strip()


def _checked(body: str) -> str:
    text = body.strip()
    if not text:
        raise UserFacingError(EMPTY)
    if len(text) > ANSWER_MAX:
        raise UserFacingError(
            f"That's a little long for one step ({len(text)} characters; {ANSWER_MAX} fit). "
            "Nothing was saved."
        )
    return text


__all__ = ["ANSWER_MAX", "LAST_STEP", "TOPIC_STEP", "MeetingAgenda", "TopicSaved", "Written"]
