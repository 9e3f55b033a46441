"""Privacy records: what a person's data is, what an erasure removed and what it left."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class MessageRef:
    """A message Attune posted for this person alone: taken down after the erase."""

    channel_id: int
    message_id: int


@dataclass(frozen=True)
class RevealLeft:
    """A revealed couple round that keeps only the partner's answer after the erase."""

    round_id: int
    channel_id: int
    message_id: int
    prompt_id: str
    remaining: tuple[tuple[int, int, str], ...]  # (user_id, mood, body) of whoever is left


@dataclass(frozen=True)
class Erasure:
    rows: dict[str, int]
    messages: tuple[MessageRef, ...]
    reveals: tuple[RevealLeft, ...]

    @property
    def total(self) -> int:
        return sum(self.rows.values())


@dataclass
class PersonData:
    """Plain values only (ints, strings, None, lists, dicts): ready for JSON."""

    user_id: int
    settings: dict[str, Any] | None = None
    journal: list[dict[str, Any]] = field(default_factory=list)
    journal_last_number: int | None = None  # numbers are never reused: the last one given out
    exercises: list[dict[str, Any]] = field(default_factory=list)
    boundaries: list[dict[str, Any]] = field(default_factory=list)
    checkin_answers: list[dict[str, Any]] = field(default_factory=list)
    schedules: list[dict[str, Any]] = field(default_factory=list)
    couples: list[dict[str, Any]] = field(default_factory=list)
    invitations: list[dict[str, Any]] = field(default_factory=list)
    other: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return not any(
            (
                self.settings,
                self.journal,
                self.journal_last_number,
                self.exercises,
                self.boundaries,
                self.checkin_answers,
                self.schedules,
                self.couples,
                self.invitations,
                any(self.other.values()),
            )
        )
