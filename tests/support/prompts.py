"""Simulating months of daily check-ins against the real service and a real, migrated database,
and synthetic prompt banks as large as the year needs (whatever the real bank holds today)."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.clock import unix
from bot.content import ContentLibrary, Prompt, load_content
from bot.crypto import Cipher
from bot.db import Database
from bot.repositories.checkins import CheckinRepository
from bot.repositories.couple_prompts import CouplePromptsRepository
from bot.services.checkins import CheckinService
from bot.services.couple_prompts import CouplePromptsService
from tests.support.clock import FakeClock

COUPLE_ID, GUILD_ID = 5, 1
ALICE, BOB, DANA = 1001, 1002, 1003
FIRST_DAY = datetime(2026, 3, 2, 21, 0, tzinfo=UTC)  # a Monday; daily at 21:00 UTC
KEY = bytes(range(32))


def synthetic_bank(
    size: int, themes: Sequence[str], *, prefix: str = "p", exercise: str | None = None, linked: int = 0
) -> tuple[Prompt, ...]:
    """`size` prompts spread over `themes` round-robin (every fifth has a second theme); the
    first `linked` point at `exercise`."""
    prompts = []
    for index in range(size):
        first = themes[index % len(themes)]
        second = themes[(index * 7 + 3) % len(themes)]
        tags = (first, second) if index % 5 == 4 and second != first else (first,)
        prompts.append(
            Prompt(
                id=f"{prompt_slug(prefix)}-{index:03d}",
                text=f"Synthetic question {prefix} {index}?",
                themes=tags,
                exercise=exercise if index < linked else None,
            )
        )
    return tuple(prompts)


def prompt_slug(prefix: str) -> str:
    return prefix.lower().replace(" ", "-")


def library_with(
    partner: Sequence[Prompt] | None = None, personal: Sequence[Prompt] | None = None
) -> ContentLibrary:
    """The real content, with these banks in place of the built-in ones."""
    real = load_content()
    update: dict[str, tuple[Prompt, ...]] = {}
    if partner is not None:
        update["partner_prompts"] = tuple(partner)
    if personal is not None:
        update["personal_prompts"] = tuple(personal)
    return real.model_copy(update=update)


@dataclass
class Simulation:
    """One couple (Alice and Bob) and one person (Dana), with the real check-in service."""

    database: Database
    clock: FakeClock
    content: ContentLibrary
    checkins: CheckinService
    prompts: CouplePromptsService

    @classmethod
    async def start(cls, database: Database, content: ContentLibrary, seed: int = 1) -> Simulation:
        clock = FakeClock(FIRST_DAY - timedelta(hours=1))
        cipher = Cipher(KEY)
        prompts = CouplePromptsService(CouplePromptsRepository(database, cipher), content, clock)
        checkins = CheckinService(
            CheckinRepository(database, cipher), content, clock, 120, prompts, rng=random.Random(seed)
        )
        await database.execute(
            "INSERT INTO couples (id, guild_id, created_at) VALUES (?, ?, 0)", (COUPLE_ID, GUILD_ID)
        )
        for user_id in (ALICE, BOB):
            await database.execute(
                "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (?, ?, ?)",
                (COUPLE_ID, user_id, GUILD_ID),
            )
        return cls(database, clock, content, checkins, prompts)

    async def daily_couple(self) -> None:
        await self.checkins.schedule(
            couple_id=COUPLE_ID, user_id=ALICE, time_text="21:00", days_text="daily", zone_name="UTC"
        )

    async def daily_personal(self, user_id: int = DANA) -> None:
        await self.checkins.schedule(
            couple_id=None, user_id=user_id, time_text="21:00", days_text="daily", zone_name="UTC"
        )

    async def working_on(self, user_id: int, exercise_id: str) -> None:
        now = unix(self.clock.now())
        await self.database.execute(
            "INSERT INTO exercise_runs (user_id, exercise_id, started_at, updated_at) VALUES (?, ?, ?, ?)",
            (user_id, exercise_id, now, now),
        )

    async def days(self, count: int) -> None:
        """Move to each next 21:00 in turn and record what fell due, as the dispatcher does."""
        for _ in range(count):
            now = self.clock.now()
            next_round = now.replace(hour=21, minute=0, second=5, microsecond=0)
            if next_round <= now:
                next_round += timedelta(days=1)
            self.clock.set(next_round)
            async for _ in self.checkins.record_due():
                pass

    async def asked(self, kind: str = "couple") -> list[str]:
        """Every prompt asked so far, oldest first."""
        rows = await self.database.fetchall(
            "SELECT prompt_id FROM checkin_rounds WHERE kind = ? ORDER BY due_at, id", (kind,)
        )
        return [str(row[0]) for row in rows]

    def themes_of(self, prompt_id: str) -> tuple[str, ...]:
        prompt = self.content.prompt(prompt_id)
        return prompt.themes if prompt is not None else ("(own)",)
