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
    # The DM channel between this person and Attune, once Discord has told it (it never changes).
    dm_channel_id: int | None = None
