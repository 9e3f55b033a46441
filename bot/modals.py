"""Persistent modals: what someone typed is saved even when Attune restarted while they typed.

discord.py only delivers a MODAL_SUBMIT to a Modal object kept in memory, so a modal opened before
a restart and submitted after it would be silently dropped, words and all. Instead every Attune
modal carries a namespaced custom_id (`attune:journal:write`, `attune:checkin:modal:<round>`...),
its own `on_submit` does nothing, and ONE listener (AttuneBot.on_interaction -> ModalRegistry.dispatch)
routes the raw submission to the handler registered for that custom_id, the same way before and
after a restart. State the handler needs lives in the custom_id (ids only) or in the database.

A handler gets the interaction, the custom_id's regex match, and the submitted values keyed by the
inputs' custom_ids: a text input gives a `str`, a select gives a `list[str]`.

Because the registry holds what was submitted, it is also the one place that gives it back. When a
handler fails, before or after acknowledging, or refuses (too long, a closed check-in...), the
person gets a private reply that says truthfully what happened (bot/tree.py, from the writes the
storage counted for this submission) with their own words in it (bot/giveback.py). Each form says
what to give back, with `given_back` or `give_back` on its PersistentModal class; by default every
text input comes back, so a new form cannot lose words by omission.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any, ClassVar

import discord

from bot.components import Route
from bot.db.database import watching_writes
from bot.giveback import Kept
from bot.tree import AttuneModal, handle_interaction_error, observed

log = logging.getLogger(__name__)

Values = dict[str, str | list[str]]
GiveBack = Callable[[discord.Interaction[Any], Values], list[Kept]]
ModalHandler = Callable[[discord.Interaction[Any], re.Match[str], Values], Awaitable[None]]


def submitted_values(components: Any) -> Values:
    """Every input of a MODAL_SUBMIT payload, wherever it sits (action rows or labels)."""
    found: Values = {}

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not isinstance(node, dict):
            return
        custom_id = node.get("custom_id")
        if isinstance(custom_id, str):
            if isinstance(node.get("value"), str):
                found[custom_id] = node["value"]
            elif isinstance(node.get("values"), list):
                found[custom_id] = [str(v) for v in node["values"]]
        walk(node.get("component"))
        walk(node.get("components"))

    walk(components)
    return found


def text_value(values: Values, key: str) -> str:
    value = values.get(key, "")
    return value if isinstance(value, str) else ""


def choice_values(values: Values, key: str) -> list[str]:
    value = values.get(key, [])
    return value if isinstance(value, list) else []


def text_inputs(headings: Mapping[str, str]) -> GiveBack:
    """Give back these text inputs (custom_id -> the heading they come back under), in order."""

    def given(interaction: discord.Interaction[Any], values: Values) -> list[Kept]:
        return [Kept(heading, text_value(values, key)) for key, heading in headings.items()]

    return given


def headings(**by_input: str) -> Mapping[str, str]:
    """A form's `given_back`: text input custom_id=the heading it comes back under, in order."""
    return MappingProxyType(by_input)


def every_text_input(interaction: discord.Interaction[Any], values: Values) -> list[Kept]:
    """The default: every text the form carried."""
    return [Kept("What you wrote", value) for value in values.values() if isinstance(value, str)]


class ModalRegistry:
    """The forms of the loaded extensions: each extension adds its own in setup() and removes them
    in teardown(), so a form is answered exactly while its feature is loaded."""

    def __init__(self) -> None:
        self._forms: dict[type[PersistentModal], ModalHandler] = {}

    def add(self, *forms: type[PersistentModal], submitted: ModalHandler | None = None) -> None:
        """Answer these forms with their own `submitted`, or, for one form whose answer needs the
        feature's state, with the handler given (a bound method of the feature's flow)."""
        if submitted is not None and len(forms) != 1:
            raise TypeError("a handler answers one form")
        for form in forms:
            if not form.routes:
                raise TypeError(f"{form.__name__} has no route, so its submissions could not be found")
            self._forms[form] = submitted or form.submitted

    def remove(self, *forms: type[PersistentModal]) -> None:
        for form in forms:
            self._forms.pop(form, None)

    def patterns(self) -> list[str]:
        return [route.pattern.pattern for form in self._forms for route in form.routes]

    def find(self, custom_id: str) -> tuple[type[PersistentModal], ModalHandler, re.Match[str]] | None:
        for form, handler in self._forms.items():
            for route in form.routes:
                match = route.pattern.fullmatch(custom_id)
                if match is not None:
                    return form, handler, match
        return None

    async def dispatch(self, interaction: discord.Interaction[Any]) -> bool:
        """Answer a submitted modal whose custom_id is registered; False when it is not one of ours."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data: dict[str, Any] = dict(interaction.data or {})
        found = self.find(str(data.get("custom_id", "")))
        if found is None:
            return False
        form, handler, match = found
        values = submitted_values(data.get("components"))
        with observed(interaction, "modal", lambda: form.routes[0].name), watching_writes() as writes:
            try:
                await handler(interaction, match, values)
            except Exception as error:
                kept = _kept(form.give_back, interaction, values)
                await handle_interaction_error(interaction, error, kept=kept, writes=writes)
        return True


def _kept(give_back: GiveBack, interaction: discord.Interaction[Any], values: Values) -> list[Kept]:
    try:
        return give_back(interaction, values)
    except Exception as error:  # the words matter more than their headings
        log.warning("Giving back a form's text failed with %s; giving back every input", type(error).__name__)
        return every_text_input(interaction, values)


class PersistentModal(AttuneModal):
    """A modal whose submission is answered by the registry, never by this object.

    A subclass names its custom_id with `route=` (and `legacy=` for ids forms were opened with
    before, or other shapes of the same form) as class keywords, in the route syntax of
    bot/components.py, and overrides the classmethod `submitted`; its extension adds it with
    `bot.modals.add(...)`.
    """

    routes: ClassVar[tuple[Route, ...]] = ()
    # What comes back to the person if a submission fails or is refused: `headings(input=heading)`.
    # None gives back every text input; override `give_back` for anything else.
    given_back: ClassVar[Mapping[str, str] | None] = None

    def __init_subclass__(
        cls,
        *,
        route: str | None = None,
        legacy: Iterable[str] = (),
        patterns: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if route is not None:
            cls.routes = tuple(Route(text, {}, patterns or {}) for text in (route, *legacy))

    @classmethod
    def custom_id_for(cls, **values: int | str) -> str:
        return cls.routes[0].build(values)

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[Any], match: re.Match[str], values: Values
    ) -> None:
        raise NotImplementedError

    @classmethod
    def give_back(cls, interaction: discord.Interaction[Any], values: Values) -> list[Kept]:
        if cls.given_back is None:
            return every_text_input(interaction, values)
        return text_inputs(cls.given_back)(interaction, values)

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Nothing: ModalRegistry.dispatch answers, the same way before and after a restart."""
