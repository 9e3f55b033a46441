"""Guided exercises: runs a person works through step by step, reflections saved as they go.

Steps are 0-based here and shown 1-based. Someone else's run behaves exactly like a run that does
not exist (NotFound), so a stranger learns nothing from an id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.clock import Clock, from_unix, unix
from bot.content import ContentLibrary, Exercise
from bot.errors import NotFound, UserFacingError
from bot.records.exercises import ExerciseRun
from bot.repositories.exercises import ExercisesRepository

REFLECTION_MAX = 4000

RUN_NOT_FOUND = "That exercise isn't one of yours, or it no longer exists."
EXERCISE_NOT_FOUND = "I couldn't find that exercise. Pick one from the list as you type."


@dataclass(frozen=True)
class Progress:
    """Where a person stands with one exercise."""

    exercise_id: str
    state: str  # 'not_started' | 'in_progress' | 'finished'
    step: int | None = None  # 0-based, while in progress
    finished_before: bool = False  # in progress again after finishing it once


@dataclass(frozen=True)
class Started:
    run: ExerciseRun
    exercise: Exercise
    new: bool


class ExercisesService:
    def __init__(self, repository: ExercisesRepository, content: ContentLibrary, clock: Clock) -> None:
        self._repo = repository
        self._content = content
        self._clock = clock

    # -- the catalogue -----------------------------------------------------------------------

    def exercise(self, exercise_id: str) -> Exercise:
        exercise = self._content.exercise(exercise_id)
        if exercise is None:
            raise NotFound(EXERCISE_NOT_FOUND)
        return exercise

    def find(self, text: str) -> Exercise:
        """An exercise by id (what autocomplete sends) or by its exact title (what people type)."""
        wanted = text.strip()
        exercise = self._content.exercise(wanted)
        if exercise is not None:
            return exercise
        for candidate in self._content.exercises.values():
            if candidate.title.casefold() == wanted.casefold():
                return candidate
        raise NotFound(EXERCISE_NOT_FOUND)

    def search(self, typed: str, limit: int = 25) -> list[Exercise]:
        needle = typed.strip().casefold()
        found = [
            e
            for e in self._content.exercises.values()
            if needle in e.title.casefold() or needle in e.summary.casefold()
        ]
        return found[:limit]

    # -- a run -------------------------------------------------------------------------------

    async def start(self, user_id: int, exercise_id: str, guild_id: int | None) -> Started:
        """Begin an exercise, or pick up the unfinished run of it where the person left off."""
        exercise = self.exercise(exercise_id)
        run, new = await self._repo.start_or_continue(user_id, exercise.id, guild_id, self._now())
        return Started(run=run, exercise=exercise, new=new)

    async def run(self, run_id: int, user_id: int) -> ExerciseRun:
        run = await self._repo.get(run_id, user_id)
        if run is None:
            raise NotFound(RUN_NOT_FOUND)
        return run

    async def resume(self, user_id: int) -> ExerciseRun:
        # The latest unfinished run of an exercise that still exists (content can change).
        runs = [r for r in await self._repo.active_runs(user_id) if r.exercise_id in self._content.exercises]
        run = runs[0] if runs else None
        if run is None:
            raise UserFacingError("You have no exercise in progress right now. `/exercise start` begins one.")
        return run

    async def go_to(self, run_id: int, user_id: int, step: int, guild_id: int | None = None) -> ExerciseRun:
        run = await self.run(run_id, user_id)
        exercise = self.exercise(run.exercise_id)
        if run.finished:
            raise UserFacingError(_ALREADY_FINISHED)
        if not 0 <= step < len(exercise.steps):
            raise NotFound(RUN_NOT_FOUND)
        moved = await self._repo.move_to(run_id, user_id, step, guild_id, self._now())
        if moved is None:  # finished in another window meanwhile
            raise UserFacingError(_ALREADY_FINISHED)
        return moved

    async def save_reflection(self, run_id: int, user_id: int, step: int, text: str) -> None:
        body = text.strip()
        if not body:
            raise UserFacingError("There was nothing to save. Write a few words whenever you're ready.")
        if len(body) > REFLECTION_MAX:
            raise UserFacingError(f"That's a little long: please keep it under {REFLECTION_MAX} characters.")
        run = await self.run(run_id, user_id)
        exercise = self.exercise(run.exercise_id)
        if not 0 <= step < len(exercise.steps) or exercise.steps[step].question is None:
            raise NotFound(RUN_NOT_FOUND)
        if not await self._repo.save_reflection(run_id, user_id, step, body, self._now()):
            raise UserFacingError(_ALREADY_FINISHED)

    async def reflections(self, run_id: int, user_id: int) -> dict[int, str]:
        """The person's own reflections on one run, by step."""
        return {r.step: r.body for r in await self._repo.reflections(run_id, user_id)}

    async def reflection(self, run_id: int, user_id: int, step: int) -> str | None:
        return (await self.reflections(run_id, user_id)).get(step)

    async def finish(self, run_id: int, user_id: int) -> ExerciseRun:
        run = await self.run(run_id, user_id)
        if run.finished:
            return run  # a second press of Finish shows the same ending
        finished = await self._repo.finish(run_id, user_id, self._now())
        return finished or await self.run(run_id, user_id)

    # -- sharing one reflection --------------------------------------------------------------

    def shareable(self, run: ExerciseRun) -> bool:
        exercise = self.exercise(run.exercise_id)
        return run.finished and not exercise.private and run.shared_at is None

    async def reflection_to_share(self, run_id: int, user_id: int, step: int) -> str:
        """The reflection a person picked, after checking they may still share it."""
        run = await self.run(run_id, user_id)
        exercise = self.exercise(run.exercise_id)
        if exercise.private or not run.finished:
            raise NotFound(RUN_NOT_FOUND)
        if run.shared_at is not None:
            raise UserFacingError(_ALREADY_SHARED)
        text = await self.reflection(run_id, user_id, step)
        if text is None:
            raise NotFound(RUN_NOT_FOUND)
        return text

    async def claim_share(self, run_id: int, user_id: int, step: int) -> str:
        """Reserve the run's one share for this step; returns the text to post."""
        text = await self.reflection_to_share(run_id, user_id, step)
        if not await self._repo.claim_share(run_id, user_id, step, self._now()):
            raise UserFacingError(_ALREADY_SHARED)
        return text

    async def release_share(self, run_id: int, user_id: int, step: int) -> None:
        await self._repo.release_share(run_id, user_id, step)

    # -- progress ----------------------------------------------------------------------------

    async def progress(self, user_id: int) -> dict[str, Progress]:
        """Every exercise in the library, with where this person stands."""
        runs = await self._repo.progress(user_id)
        finished = await self._repo.finished_exercise_ids(user_id)
        active = {r.exercise_id: r for r in runs if not r.finished}
        result: dict[str, Progress] = {}
        for exercise_id in self._content.exercises:
            if exercise_id in active:
                result[exercise_id] = Progress(
                    exercise_id, "in_progress", active[exercise_id].step, exercise_id in finished
                )
            elif exercise_id in finished:
                result[exercise_id] = Progress(exercise_id, "finished")
            else:
                result[exercise_id] = Progress(exercise_id, "not_started")
        return result

    async def finished_between(
        self, user_id: int, start: datetime, end: datetime
    ) -> list[tuple[str, datetime]]:
        """Exercises this person finished in [start, end), oldest first, for the progress feature."""
        rows = await self._repo.finished_between(user_id, unix(start), unix(end))
        return [(exercise_id, from_unix(at)) for exercise_id, at in rows]

    def _now(self) -> int:
        return unix(self._clock.now())


_ALREADY_FINISHED = "You've finished this exercise already. `/exercise start` lets you do it again."
_ALREADY_SHARED = "You've already shared a reflection from this exercise."
