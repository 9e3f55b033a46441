"""Appreciation records: one person's appreciations (opened, never sealed text above the repository),
their weekly-offer setting, and the offers themselves."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Appreciation:
    id: int
    user_id: int
    guild_id: int | None
    what: str  # what the partner did
    meaning: str  # what it meant to the writer
    created_at: int
    shared_at: int | None

    @property
    def is_shared(self) -> bool:
        return self.shared_at is not None


@dataclass(frozen=True)
class Reminder:
    """The weekly offer's setting: on while `next_due_at` is set."""

    user_id: int
    guild_id: int
    weekday: int  # 0 = Monday
    local_time: str  # HH:MM on the person's own clock
    timezone: str
    next_due_at: int | None

    @property
    def is_on(self) -> bool:
        return self.next_due_at is not None


@dataclass(frozen=True)
class Offer:
    """One weekly offer, claimed for sending: the appreciation it offers and the server it would go to."""

    id: int
    user_id: int
    due_at: int
    appreciation_id: int | None
    guild_id: int | None


@dataclass(frozen=True)
class AppreciationPage:
    appreciations: list[Appreciation]
    page: int  # 0-based, clamped to the pages that exist
    pages: int  # at least 1
