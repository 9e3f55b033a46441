"""Boundary records: one person's boundary, opened (never sealed text above the repository)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Boundary:
    id: int
    user_id: int
    boundary: str
    consequence: str
    created_at: int
    shared_at: int | None
