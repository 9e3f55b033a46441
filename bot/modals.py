"""Persistent modals: what someone typed is saved even when Attune restarted while they typed.

discord.py only delivers a MODAL_SUBMIT to a Modal object kept in memory, so a modal opened before
a restart and submitted after it would be silently dropped, words and all. Instead every Attune
modal carries a namespaced custom_id (`attune:journal:write`, `attune:checkin:modal:<round>`...),
its own `on_submit` does nothing, and ONE listener (AttuneBot.on_interaction -> ModalRegistry.dispatch)
routes the raw submission to the handler registered for that custom_id, the same way before and
after a restart. State the handler needs lives in the custom_id (ids only) or in the database.

A handler gets the interaction, the custom_id's regex match, and the submitted values keyed by the
inputs' custom_ids: a text input gives a `str`, a select gives a `list[str]`.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

import discord

from bot.tree import AttuneModal, friendly_errors

log = logging.getLogger(__name__)

Values = dict[str, str | list[str]]
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


# PersistentModal subclasses that declare `submit_pattern` register themselves here on import.
_DECLARED: list[type[PersistentModal]] = []


class ModalRegistry:
    def __init__(self) -> None:
        self._handlers: list[tuple[re.Pattern[str], ModalHandler]] = []

    def register(self, pattern: str | re.Pattern[str], handler: ModalHandler) -> None:
        compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
        self._handlers = [(p, h) for p, h in self._handlers if p.pattern != compiled.pattern]
        self._handlers.append((compiled, handler))

    def _all(self) -> list[tuple[re.Pattern[str], ModalHandler]]:
        declared = [
            (re.compile(cls.submit_pattern), cls.submitted) for cls in _DECLARED if cls.submit_pattern
        ]
        return [*self._handlers, *declared]

    def patterns(self) -> list[str]:
        return [pattern.pattern for pattern, _ in self._all()]

    def find(self, custom_id: str) -> tuple[ModalHandler, re.Match[str]] | None:
        for pattern, handler in self._all():
            match = pattern.fullmatch(custom_id)
            if match is not None:
                return handler, match
        return None

    async def dispatch(self, interaction: discord.Interaction[Any]) -> bool:
        """Answer a submitted modal whose custom_id is registered; False when it is not one of ours."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return False
        data: dict[str, Any] = dict(interaction.data or {})
        found = self.find(str(data.get("custom_id", "")))
        if found is None:
            return False
        handler, match = found
        async with friendly_errors(interaction):
            await handler(interaction, match, submitted_values(data.get("components")))
        return True


class PersistentModal(AttuneModal):
    """A modal whose submission is answered by the registry, never by this object.

    Either register a handler with `bot.modals.register(pattern, handler)` in the feature's
    setup(), or declare `submit_pattern` and override the classmethod `submitted` on the subclass.
    """

    submit_pattern: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__dict__.get("submit_pattern"):
            _DECLARED.append(cls)

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[Any], match: re.Match[str], values: Values
    ) -> None:
        raise NotImplementedError

    async def on_submit(self, interaction: discord.Interaction[Any], /) -> None:
        """Nothing: ModalRegistry.dispatch answers, the same way before and after a restart."""
