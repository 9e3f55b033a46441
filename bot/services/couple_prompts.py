"""A couple's say in their check-in questions: the themes they want (/checkin themes) and questions
of their own (/checkin prompts), mixed into their rotation.

Both belong to the couple: either partner may change the themes, add a question, or remove one,
whoever added it (the other partner is told in the thread). A question belongs to whoever added it
for /privacy: it is in their export, and /privacy delete erases it. Another couple's question
behaves exactly like one that does not exist.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.clock import Clock, unix
from bot.content import ContentLibrary
from bot.content.models import PROMPT_TEXT_MAX, PromptTheme, ThemeCatalogue
from bot.errors import NotFound, UserFacingError
from bot.records.prompts import CouplePrompt, PromptContext
from bot.repositories.couple_prompts import CouplePromptsRepository, Removal

OWN_PROMPT_MIN = 5
OWN_PROMPT_MAX = PROMPT_TEXT_MAX  # shown where the answer is typed: a form's placeholder
OWN_PROMPTS_PER_COUPLE = 100
# An exercise counts as being worked on while a step was taken in it this recently.
EXERCISE_ACTIVE_DAYS = 30

NOT_FOUND = "I couldn't find that question among yours. Pick one from the list as you type."
_MENTION = re.compile(r"<@[!&]?\d+>|<#\d+>|@everyone|@here", re.IGNORECASE)
_LINK = re.compile(r"https?://|www\.|discord\.gg/|discord(?:app)?\.com/invite|\]\(", re.IGNORECASE)


def couple_owner(couple_id: int) -> str:
    return f"couple:{couple_id}"


def person_owner(user_id: int) -> str:
    return f"person:{user_id}"


@dataclass(frozen=True)
class ThemeChange:
    before: frozenset[str] | None  # None: every theme
    after: frozenset[str] | None

    @property
    def changed(self) -> bool:
        return self.before != self.after


class CouplePromptsService:
    def __init__(self, repo: CouplePromptsRepository, content: ContentLibrary, clock: Clock) -> None:
        self._repo = repo
        self._content = content
        self._clock = clock

    # -- themes ---------------------------------------------------------------------------------

    @property
    def catalogue(self) -> ThemeCatalogue:
        return self._content.catalogue

    def couple_themes(self) -> tuple[PromptTheme, ...]:
        """The themes a couple can choose: those of the catalogue that couple questions use."""
        used = {theme for prompt in self._content.partner_prompts for theme in prompt.themes}
        return tuple(theme for theme in self.catalogue.themes if theme.id in used)

    async def chosen_themes(self, couple_id: int) -> frozenset[str] | None:
        """The couple's chosen themes still in the catalogue; None: every theme."""
        stored = await self._repo.chosen_themes(couple_id)
        if stored is None:
            return None
        known = frozenset(stored) & frozenset(self.catalogue.ids)
        return known or None

    async def choose_themes(self, couple_id: int, values: Sequence[str]) -> ThemeChange:
        """Save a choice from the select; every theme chosen is stored as the default (all)."""
        offered = [theme.id for theme in self.couple_themes()]
        picked = [theme_id for theme_id in offered if theme_id in set(values)]
        if not picked:
            raise UserFacingError("Please pick at least one theme. Nothing was changed.")
        after = None if len(picked) == len(offered) else frozenset(picked)
        before = await self.chosen_themes(couple_id)
        if after != before:
            await self._repo.set_themes(couple_id, picked if after is not None else None, self._now())
        return ThemeChange(before=before, after=after)

    def theme_names(self, theme_ids: Iterable[str]) -> list[str]:
        """Display names in catalogue order."""
        wanted = set(theme_ids)
        return [theme.name for theme in self.catalogue.themes if theme.id in wanted]

    # -- own questions --------------------------------------------------------------------------

    async def add(self, couple_id: int, user_id: int, typed: str) -> CouplePrompt:
        text = check_question(typed)
        existing = await self._repo.list_for(couple_id)
        if any(prompt.text.casefold() == text.casefold() for prompt in existing):
            raise UserFacingError("You have that question already, so I didn't add it twice.")
        added = await self._repo.add(couple_id, user_id, text, self._now(), OWN_PROMPTS_PER_COUPLE)
        if added is None:
            raise UserFacingError(
                f"You have {OWN_PROMPTS_PER_COUPLE} questions of your own already. "
                "Remove one with `/checkin prompts remove` to make room."
            )
        return added

    async def list_for(self, couple_id: int) -> list[CouplePrompt]:
        return await self._repo.list_for(couple_id)

    async def search(self, couple_id: int, typed: str, limit: int = 25) -> list[CouplePrompt]:
        needle = typed.strip().casefold()
        return [p for p in await self.list_for(couple_id) if needle in p.text.casefold()][:limit]

    async def remove(self, couple_id: int, value: str) -> CouplePrompt:
        """Remove the question an option names (its id, from autocomplete), if it is the couple's."""
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:  # never a row id: not found
            raise NotFound(NOT_FOUND)
        found = await self._repo.get(couple_id, int(text))
        if found is None:
            raise NotFound(NOT_FOUND)
        result = await self._repo.remove(couple_id, found.id)
        if result is Removal.MISSING:
            raise NotFound(NOT_FOUND)
        if result is Removal.IN_USE:
            raise UserFacingError(
                "That one is the question of a check-in that's still open, so it stays until that "
                "check-in closes. You can remove it after."
            )
        return found

    async def own_text(self, prompt_id: int) -> str | None:
        return await self._repo.text_of(prompt_id)

    # -- what steers the choice of each prompt --------------------------------------------------

    async def contexts(self, couple_ids: Sequence[int], user_ids: Sequence[int]) -> dict[str, PromptContext]:
        """For each owner (couple or person) of a batch, in one query, keyed by owner."""
        since = unix(self._clock.now() - timedelta(days=EXERCISE_ACTIVE_DAYS))
        couples, people = await self._repo.contexts(couple_ids, user_ids, since)
        found = {couple_owner(couple_id): context for couple_id, context in couples.items()}
        found.update({person_owner(user_id): context for user_id, context in people.items()})
        return found

    def _now(self) -> int:
        return unix(self._clock.now())


def check_question(typed: str) -> str:
    """The question as it will be kept (whitespace made single spaces), or a kind refusal."""
    text = " ".join(typed.split())
    if len(text) < OWN_PROMPT_MIN or not any(ch.isalpha() for ch in text):
        raise UserFacingError(
            f"A question needs a few words (at least {OWN_PROMPT_MIN} characters), so I didn't add it."
        )
    if len(text) > OWN_PROMPT_MAX:
        raise UserFacingError(
            f"That's {len(text)} characters; a question fits in {OWN_PROMPT_MAX}, because it's shown "
            "where you type your answer. Could you say it more briefly?"
        )
    if _MENTION.search(text):
        raise UserFacingError(
            "Please leave mentions out of your question: it's for the two of you, and a mention could "
            "ping someone else."
        )
    if _LINK.search(text):
        raise UserFacingError("Please leave links out of your question: plain words work best here.")
    return text
