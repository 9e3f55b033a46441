"""A couple's chosen themes and their own questions, and what steers the choice of each prompt.

Own questions are sealed here on the way in and opened on the way out; every query that reads one
is scoped to its couple, so another couple's question behaves exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum
from sqlite3 import Row

from bot.crypto import Cipher
from bot.db import Database
from bot.records.prompts import CouplePrompt, PromptContext, own_prompt_key

TEXT_COLUMN = "couple_prompts.text_sealed"
_COLUMNS = "id, couple_id, user_id, text_sealed, created_at"
_THEME_SEPARATOR = ","


class Removal(Enum):
    REMOVED = "removed"
    MISSING = "missing"  # no such question in this couple
    IN_USE = "in use"  # it is the question of a check-in still open (or about to be posted)


class CouplePromptsRepository:
    def __init__(self, db: Database, cipher: Cipher) -> None:
        self._db = db
        self._cipher = cipher

    # -- themes ---------------------------------------------------------------------------------

    async def chosen_themes(self, couple_id: int) -> tuple[str, ...] | None:
        """The couple's chosen theme ids, or None: every theme (the default)."""
        value = await self._db.fetchval("SELECT themes FROM couple_themes WHERE couple_id = ?", (couple_id,))
        return None if value is None else _themes(str(value))

    async def set_themes(self, couple_id: int, themes: Sequence[str] | None, now: int) -> None:
        """Save the choice; None goes back to every theme."""
        if themes is None:
            await self._db.execute("DELETE FROM couple_themes WHERE couple_id = ?", (couple_id,))
            return
        await self._db.execute(
            "INSERT INTO couple_themes (couple_id, themes, updated_at) VALUES (?, ?, ?) "
            "ON CONFLICT (couple_id) DO UPDATE SET themes = excluded.themes, updated_at = excluded.updated_at",
            (couple_id, _THEME_SEPARATOR.join(themes), now),
        )

    # -- own questions --------------------------------------------------------------------------

    async def add(self, couple_id: int, user_id: int, text: str, now: int, limit: int) -> CouplePrompt | None:
        """Insert unless the couple keeps `limit` questions already (one atomic statement)."""
        row = await self._db.fetchone(
            f"INSERT INTO couple_prompts (couple_id, user_id, text_sealed, created_at) "
            f"SELECT ?, ?, ?, ? WHERE (SELECT count(*) FROM couple_prompts WHERE couple_id = ?) < ? "
            f"RETURNING {_COLUMNS}",
            (couple_id, user_id, self._cipher.seal(text, column=TEXT_COLUMN), now, couple_id, limit),
        )
        return None if row is None else self._prompt(row)

    async def list_for(self, couple_id: int) -> list[CouplePrompt]:
        rows = await self._db.fetchall(
            f"SELECT {_COLUMNS} FROM couple_prompts WHERE couple_id = ? ORDER BY id", (couple_id,)
        )
        return [self._prompt(row) for row in rows]

    async def get(self, couple_id: int, prompt_id: int) -> CouplePrompt | None:
        row = await self._db.fetchone(
            f"SELECT {_COLUMNS} FROM couple_prompts WHERE id = ? AND couple_id = ?", (prompt_id, couple_id)
        )
        return None if row is None else self._prompt(row)

    async def text_of(self, prompt_id: int) -> str | None:
        """The words of an own question a round names (the round is the couple's already)."""
        value = await self._db.fetchval("SELECT text_sealed FROM couple_prompts WHERE id = ?", (prompt_id,))
        return None if value is None else self._cipher.open(bytes(value), column=TEXT_COLUMN)

    async def remove(self, couple_id: int, prompt_id: int) -> Removal:
        """Remove it, unless it is the question of one of the couple's check-ins not yet closed."""
        removed = await self._db.fetchval(
            "DELETE FROM couple_prompts WHERE id = ? AND couple_id = ? AND NOT EXISTS (SELECT 1 FROM "
            "checkin_rounds WHERE couple_id = ? AND prompt_id = ? AND status IN ('pending', 'open')) RETURNING id",
            (prompt_id, couple_id, couple_id, own_prompt_key(prompt_id)),
        )
        if removed is not None:
            return Removal.REMOVED
        exists = await self._db.fetchval(
            "SELECT 1 FROM couple_prompts WHERE id = ? AND couple_id = ?", (prompt_id, couple_id)
        )
        return Removal.MISSING if exists is None else Removal.IN_USE

    # -- what steers the choice -----------------------------------------------------------------

    async def contexts(
        self, couple_ids: Sequence[int], user_ids: Sequence[int], active_since: int
    ) -> tuple[dict[int, PromptContext], dict[int, PromptContext]]:
        """For a batch of couples and people, in one query: each couple's chosen themes, its own
        questions, and the exercises its partners worked on since `active_since`; each person's
        exercises. Every id asked for gets an entry."""
        parts: list[str] = []
        params: list[int] = []
        if couple_ids:
            marks = ", ".join("?" * len(couple_ids))
            parts += [
                f"SELECT 'couple' AS kind, couple_id AS who, 'themes' AS what, themes AS value "
                f"FROM couple_themes WHERE couple_id IN ({marks})",
                f"SELECT 'couple', couple_id, 'own', id FROM couple_prompts WHERE couple_id IN ({marks})",
                f"SELECT 'couple', m.couple_id, 'exercise', r.exercise_id FROM couple_members m "
                f"JOIN exercise_runs r ON r.user_id = m.user_id AND r.status = 'active' AND r.updated_at >= ? "
                f"WHERE m.couple_id IN ({marks}) AND m.current = 1",
            ]
            params += [*couple_ids, *couple_ids, active_since, *couple_ids]
        if user_ids:
            marks = ", ".join("?" * len(user_ids))
            parts.append(
                f"SELECT 'person', user_id, 'exercise', exercise_id FROM exercise_runs "
                f"WHERE user_id IN ({marks}) AND status = 'active' AND updated_at >= ?"
            )
            params += [*user_ids, active_since]
        themes: dict[int, tuple[str, ...]] = {}
        own: dict[int, list[int]] = {}
        exercises: dict[tuple[str, int], set[str]] = {}
        rows = await self._db.fetchall(" UNION ALL ".join(parts), tuple(params)) if parts else []
        for row in rows:
            kind, who, what, value = str(row[0]), int(row[1]), str(row[2]), row[3]
            if what == "themes":
                themes[who] = _themes(str(value))
            elif what == "own":
                own.setdefault(who, []).append(int(value))
            else:
                exercises.setdefault((kind, who), set()).add(str(value))
        couples = {
            couple_id: PromptContext(
                themes=frozenset(themes[couple_id]) if couple_id in themes else None,
                own=tuple(own_prompt_key(prompt_id) for prompt_id in sorted(own.get(couple_id, ()))),
                exercises=frozenset(exercises.get(("couple", couple_id), ())),
            )
            for couple_id in couple_ids
        }
        people = {
            user_id: PromptContext(exercises=frozenset(exercises.get(("person", user_id), ())))
            for user_id in user_ids
        }
        return couples, people

    def _prompt(self, row: Row) -> CouplePrompt:
        return CouplePrompt(
            id=row["id"],
            couple_id=row["couple_id"],
            user_id=row["user_id"],
            text=self._cipher.open(bytes(row["text_sealed"]), column=TEXT_COLUMN),
            created_at=row["created_at"],
        )


def _themes(stored: str) -> tuple[str, ...]:
    return tuple(part for part in stored.split(_THEME_SEPARATOR) if part)
