"""Journal records: one entry, opened (never sealed text above the repository)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Entry:
    id: int  # the database's own; never shown
    number: int  # the author's own numbering: 1, 2, 3...
    user_id: int
    guild_id: int | None
    kind: str
    title: str | None
    body: str
    mood: int | None
    prompt_id: str | None
    round_id: int | None
    created_at: int
    updated_at: int
    shared_channel_id: int | None
    shared_message_id: int | None
    shared_at: int | None

    @property
    def is_shared(self) -> bool:
        return self.shared_channel_id is not None
