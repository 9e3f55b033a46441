"""Choosing the next check-in question: pure rules, no storage.

- **No repeat until the bank is used.** Each owner (a couple, or one person) goes through the bank
  in rounds ("cycles"): a prompt asked in this round is not asked again until every prompt has had
  its turn. A couple's chosen themes come first; once their questions are all asked, questions of
  the other themes are borrowed rather than one repeated; only when the whole bank is used does a
  new round start (with the chosen themes first again, and never yesterday's question first).
- **Themes spread.** Each theme's urgency is how long since it was last asked times how many
  unasked questions it still holds, so every theme comes round, and the big ones proportionally
  more often, instead of one theme's questions bunching at the end of the round. A prompt is as
  urgent as its least urgent theme; the most urgent one wins (ties drawn at random).
- **Exercises are followed, not forced.** When a partner is working on an exercise, its linked
  prompts are drawn on a share of days (`EXERCISE_FAVOUR`), while any are left in the round.
- **A couple's own questions** are in every choice, as one theme of their own.

Everything random comes from the `random.Random` passed in, so a seeded one replays exactly.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain

from bot.content import Prompt
from bot.records.prompts import PromptContext, PromptUsage

OWN_THEME = "(own)"  # the couple's own questions spread as one theme (never a catalogue id)
EXERCISE_FAVOUR = 0.4  # the share of days an exercise being worked on chooses the question
NEVER = 0  # when a theme never asked was "last asked": long ago, so it comes first


@dataclass(frozen=True)
class Candidate:
    id: str
    themes: tuple[str, ...]
    exercise: str | None = None


@dataclass(frozen=True)
class Choice:
    prompt_id: str
    new_cycle: bool  # the bank was used up: this starts a new round of it
    borrowed: bool  # from outside the chosen themes, whose questions were all asked


@dataclass(frozen=True)
class BankStatus:
    """Where a couple stands in their round of the bank, for /checkin themes."""

    matched: bool  # the chosen themes hold questions (False: every theme is asked instead)
    eligible: int  # questions in the chosen themes, with the couple's own
    fresh: int  # of those, not asked yet in this round
    borrowing: bool  # all of those asked: questions come from the other themes for now


def candidates(bank: Sequence[Prompt]) -> tuple[Candidate, ...]:
    return tuple(Candidate(p.id, p.themes, p.exercise) for p in bank)


def _split(
    bank: Sequence[Candidate], context: PromptContext
) -> tuple[list[Candidate], list[Candidate], bool]:
    """(the chosen themes' prompts with the couple's own, the other prompts, whether the choice
    matched any prompt). A choice that matches none falls back to the whole bank."""
    own = [Candidate(key, (OWN_THEME,)) for key in context.own]
    if context.themes is None:
        return [*bank, *own], [], True
    chosen = [c for c in bank if context.themes.intersection(c.themes)]
    if not chosen:
        return [*bank, *own], [], False
    return [*chosen, *own], [c for c in bank if not context.themes.intersection(c.themes)], True


def choose(
    bank: Sequence[Candidate], context: PromptContext, usage: PromptUsage, now: int, rng: random.Random
) -> Choice:
    """The next prompt for one owner. `bank` is never empty (the content requires a prompt)."""
    eligible, others, _ = _split(bank, context)
    pool = [c for c in eligible if c.id not in usage.used]
    borrowed = new_cycle = False
    if not pool:
        pool = [c for c in others if c.id not in usage.used]
        borrowed = bool(pool)
    if not pool:
        new_cycle = True
        latest = max(usage.last_used, key=lambda key: usage.last_used[key], default=None)
        pool = [c for c in eligible if c.id != latest] or eligible
    following = [c for c in pool if c.exercise is not None and c.exercise in context.exercises]
    if following and rng.random() < EXERCISE_FAVOUR:
        pool = following
    # Theme recency is read over everything this owner could be asked, in any round.
    known = [*eligible, *others]
    return Choice(_most_urgent(pool, known, usage, now, rng), new_cycle, borrowed)


def _most_urgent(
    pool: Sequence[Candidate], known: Sequence[Candidate], usage: PromptUsage, now: int, rng: random.Random
) -> str:
    last_used = usage.last_used
    last_asked: dict[str, int] = {}
    if last_used:
        for candidate in known:
            asked = last_used.get(candidate.id)
            if asked is not None:
                for theme in candidate.themes:
                    last_asked[theme] = max(asked, last_asked.get(theme, NEVER))
    left = Counter(chain.from_iterable(candidate.themes for candidate in pool))
    # Each theme's urgency once, not once for each of its prompts: the dispatcher chooses for
    # hundreds of couples in one go on the event loop (about 300 prompts each).
    theme_urgency = {theme: max(0, now - last_asked.get(theme, NEVER)) * n for theme, n in left.items()}
    scored = [min(map(theme_urgency.__getitem__, candidate.themes)) for candidate in pool]
    best = max(scored)
    return rng.choice([candidate.id for candidate, score in zip(pool, scored, strict=True) if score == best])


def status(bank: Sequence[Candidate], context: PromptContext, usage: PromptUsage) -> BankStatus:
    eligible, others, matched = _split(bank, context)
    fresh = sum(1 for c in eligible if c.id not in usage.used)
    borrowing = fresh == 0 and any(c.id not in usage.used for c in others)
    return BankStatus(matched=matched, eligible=len(eligible), fresh=fresh, borrowing=borrowing)
