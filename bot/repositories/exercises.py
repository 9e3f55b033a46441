"""Exercise runs and the reflections written along the way.

Reflections are sealed here on the way in and opened on the way out, so nothing above this layer
sees ciphertext.
"""

from __future__ import annotations

from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.exercises import ExerciseRun, Reflection

REFLECTION_COLUMN = "exercise_reflections.body_sealed"

_RUN = (
    "id, user_id, guild_id, exercise_id, step, status, started_at, updated_at, finished_at, "
    "shared_step, shared_at"
)


class ExercisesRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    async def start_or_continue(
        self, user_id: int, exercise_id: str, guild_id: int | None, now: int
    ) -> tuple[ExerciseRun, bool]:
        """The person's unfinished run of this exercise, or a new one; True when it is new."""
        async with self._db.transaction() as tx:
            row = await tx.fetchone(
                f"INSERT INTO exercise_runs (user_id, guild_id, exercise_id, started_at, updated_at) "
                f"VALUES (?, ?, ?, ?, ?) "
                f"ON CONFLICT (user_id, exercise_id) WHERE status = 'active' DO NOTHING RETURNING {_RUN}",
                (user_id, guild_id, exercise_id, now, now),
            )
            if row is not None:
                return _run(row), True
            row = await tx.fetchone(
                f"UPDATE exercise_runs SET updated_at = ?, guild_id = coalesce(?, guild_id) "
                f"WHERE user_id = ? AND exercise_id = ? AND status = 'active' RETURNING {_RUN}",
                (now, guild_id, user_id, exercise_id),
            )
            assert row is not None
            return _run(row), False

    async def get(self, run_id: int, user_id: int) -> ExerciseRun | None:
        """Someone else's run is None, exactly like a run that does not exist."""
        row = await self._db.fetchone(
            f"SELECT {_RUN} FROM exercise_runs WHERE id = ? AND user_id = ?", (run_id, user_id)
        )
        return None if row is None else _run(row)

    async def active_runs(self, user_id: int) -> list[ExerciseRun]:
        """The person's unfinished runs, most recently touched first."""
        rows = await self._db.fetchall(
            f"SELECT {_RUN} FROM exercise_runs WHERE user_id = ? AND status = 'active' "
            f"ORDER BY updated_at DESC, id DESC",
            (user_id,),
        )
        return [_run(row) for row in rows]

    async def move_to(
        self, run_id: int, user_id: int, step: int, guild_id: int | None, now: int
    ) -> ExerciseRun | None:
        row = await self._db.fetchone(
            f"UPDATE exercise_runs SET step = ?, updated_at = ?, guild_id = coalesce(?, guild_id) "
            f"WHERE id = ? AND user_id = ? AND status = 'active' RETURNING {_RUN}",
            (step, now, guild_id, run_id, user_id),
        )
        return None if row is None else _run(row)

    async def finish(self, run_id: int, user_id: int, now: int) -> ExerciseRun | None:
        row = await self._db.fetchone(
            f"UPDATE exercise_runs SET status = 'finished', finished_at = ?, updated_at = ? "
            f"WHERE id = ? AND user_id = ? AND status = 'active' RETURNING {_RUN}",
            (now, now, run_id, user_id),
        )
        return None if row is None else _run(row)

    async def save_reflection(self, run_id: int, user_id: int, step: int, body: str, now: int) -> bool:
        """Store (or replace) the reflection for one step of an unfinished run of this person."""
        async with self._db.transaction() as tx:
            owner = await tx.fetchval(
                "UPDATE exercise_runs SET updated_at = ? "
                "WHERE id = ? AND user_id = ? AND status = 'active' RETURNING id",
                (now, run_id, user_id),
            )
            if owner is None:
                return False
            await tx.execute(
                "INSERT INTO exercise_reflections (run_id, step, body_sealed, written_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (run_id, step) DO UPDATE SET body_sealed = excluded.body_sealed, "
                "written_at = excluded.written_at",
                (run_id, step, self._cipher.seal(body, column=REFLECTION_COLUMN), now),
            )
            return True

    async def reflections(self, run_id: int, user_id: int) -> list[Reflection]:
        rows = await self._db.fetchall(
            "SELECT r.run_id, r.step, r.body_sealed, r.written_at FROM exercise_reflections r "
            "JOIN exercise_runs x ON x.id = r.run_id WHERE r.run_id = ? AND x.user_id = ? ORDER BY r.step",
            (run_id, user_id),
        )
        return [
            Reflection(row[0], row[1], self._cipher.open(bytes(row[2]), column=REFLECTION_COLUMN), row[3])
            for row in rows
        ]

    async def claim_share(self, run_id: int, user_id: int, step: int, now: int) -> bool:
        """Mark the one reflection of a finished run as shared; False when one was shared already."""
        value = await self._db.fetchval(
            "UPDATE exercise_runs SET shared_step = ?, shared_at = ? "
            "WHERE id = ? AND user_id = ? AND status = 'finished' AND shared_at IS NULL "
            "AND EXISTS (SELECT 1 FROM exercise_reflections WHERE run_id = ? AND step = ?) RETURNING id",
            (step, now, run_id, user_id, run_id, step),
        )
        return value is not None

    async def release_share(self, run_id: int, user_id: int, step: int) -> None:
        """Undo a claim whose post failed, so the person can try again."""
        await self._db.execute(
            "UPDATE exercise_runs SET shared_step = NULL, shared_at = NULL "
            "WHERE id = ? AND user_id = ? AND shared_step = ?",
            (run_id, user_id, step),
        )

    async def progress(self, user_id: int) -> list[ExerciseRun]:
        """Per exercise: the unfinished run if any, else the latest finished one."""
        rows = await self._db.fetchall(
            f"SELECT {_RUN} FROM exercise_runs WHERE user_id = ? "
            f"ORDER BY exercise_id, status = 'active' DESC, updated_at DESC, id DESC",
            (user_id,),
        )
        return [_run(row) for row in rows]

    async def finished_exercise_ids(self, user_id: int) -> set[str]:
        rows = await self._db.fetchall(
            "SELECT DISTINCT exercise_id FROM exercise_runs WHERE user_id = ? AND status = 'finished'",
            (user_id,),
        )
        return {str(row[0]) for row in rows}

    async def finished_between(self, user_id: int, start: int, end: int) -> list[tuple[str, int]]:
        rows = await self._db.fetchall(
            "SELECT exercise_id, finished_at FROM exercise_runs "
            "WHERE user_id = ? AND finished_at >= ? AND finished_at < ? ORDER BY finished_at, id",
            (user_id, start, end),
        )
        return [(str(row[0]), int(row[1])) for row in rows]


def _run(row: Row) -> ExerciseRun:
    return ExerciseRun(
        id=row["id"],
        user_id=row["user_id"],
        guild_id=row["guild_id"],
        exercise_id=row["exercise_id"],
        step=row["step"],
        status=row["status"],
        started_at=row["started_at"],
        updated_at=row["updated_at"],
        finished_at=row["finished_at"],
        shared_step=row["shared_step"],
        shared_at=row["shared_at"],
    )
