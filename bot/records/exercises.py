"""Exercise records: one person's run through a guided exercise, and a reflection written on it (opened)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ExerciseRun:
    id: int
    user_id: int
    guild_id: int | None
    exercise_id: str
    step: int  # 0-based: the step the person is on
    status: str  # 'active' | 'finished'
    started_at: int
    updated_at: int
    finished_at: int | None
    shared_step: int | None
    shared_at: int | None

    @property
    def finished(self) -> bool:
        return self.status == "finished"


@dataclass(frozen=True)
class Reflection:
    run_id: int
    step: int  # 0-based
    body: str
    written_at: int
