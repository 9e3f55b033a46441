"""Prompt records: a couple's own questions, and what choosing the next prompt needs to know."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

OWN_PREFIX = "own:"  # a couple's own question, as a prompt id; content ids are slugs, never with ':'


def own_prompt_key(prompt_id: int) -> str:
    return f"{OWN_PREFIX}{prompt_id}"


def own_prompt_id(key: str) -> int | None:
    """The row id of an own question named by a prompt id, or None for a content prompt."""
    if not key.startswith(OWN_PREFIX):
        return None
    digits = key.removeprefix(OWN_PREFIX)
    return int(digits) if digits.isascii() and digits.isdigit() and len(digits) <= 18 else None


@dataclass(frozen=True)
class CouplePrompt:
    """A question a couple wrote for their own check-ins; `user_id` added it (and owns it)."""

    id: int
    couple_id: int
    user_id: int
    text: str
    created_at: int

    @property
    def key(self) -> str:
        return own_prompt_key(self.id)


@dataclass(frozen=True)
class PromptUsage:
    """One owner's prompts asked so far. `cycle` counts rounds of the bank; `used` are the prompts
    asked in the current one; `last_used` is when each prompt was last asked, in any round."""

    cycle: int = 0
    used: frozenset[str] = frozenset()
    last_used: Mapping[str, int] = field(default_factory=dict)

    def after(self, prompt_id: str, now: int, *, new_cycle: bool) -> PromptUsage:
        """This usage once `prompt_id` is asked at `now` (in a new round of the bank, or not)."""
        last = {**self.last_used, prompt_id: now}
        if new_cycle:
            return PromptUsage(self.cycle + 1, frozenset({prompt_id}), last)
        return PromptUsage(self.cycle, self.used | {prompt_id}, last)


@dataclass(frozen=True)
class PromptContext:
    """What else steers one owner's choice: the couple's chosen themes (None: every theme), the
    ids of the couple's own questions, and the exercises the partners (or the person) are on."""

    themes: frozenset[str] | None = None
    own: tuple[str, ...] = ()
    exercises: frozenset[str] = frozenset()
