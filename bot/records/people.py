"""People records: one person's settings."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Person:
    user_id: int
    timezone: str | None
    dm_reachable: bool
    dm_unreachable_told: bool
    dm_nudges: bool
