"""Persistent buttons and selects, one way: a route builds and parses the custom_id, the class says
who may press it, errors become a kind private reply, and the typing is done here once.

A component's custom_id is `attune:<feature>:<action>` followed by its fields, written once as a
route: `route="boundary:remove:{boundary_id}"`. The fields are the class's annotated attributes
(`boundary_id: int`); an `int` field matches up to 20 digits (a snowflake), a `str` field needs its
pattern in `patterns`. Buttons already posted under an older id keep answering: `legacy=` lists
their routes, and `persistent_items()` registers a hidden twin class for each, which parses the old
id into the same fields and behaves exactly like the class.

Who may press: a route with an `owner_id` field lets only that person press. Any other class must
say it, by overriding `may_press` (a check against the database) or with `anyone_may_press = True`
(the service behind it checks, or the component touches nobody's data); a class that says neither
fails at import, so no button can be left open by omission.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeAlias, TypeVar

import discord

from bot.metrics import REFUSED
from bot.tree import OUTCOME, friendly_errors, observed

if TYPE_CHECKING:
    from bot.client import AttuneBot

NAMESPACE = "attune"
SNOWFLAKE = r"[0-9]{1,20}"
NOT_YOURS = "That button belongs to someone else, so it does nothing for you. Nothing was changed."
_FIELD = re.compile(r"\{(?P<name>[a-z_]+)\}")

ItemT = TypeVar("ItemT", bound=discord.ui.Item[Any])
Interaction: TypeAlias = "discord.Interaction[AttuneBot]"


class Route:
    """`feature:action:{field}:...` as a regex to parse a custom_id and a format to build one."""

    def __init__(
        self, route: str, kinds: Mapping[str, type[int] | type[str]], patterns: Mapping[str, str]
    ) -> None:
        self.text = f"{NAMESPACE}:{route}"
        self.fields = tuple(match["name"] for match in _FIELD.finditer(route))
        # A field is text when it has a pattern of its own, otherwise a number (an id, a page).
        self.kinds = {name: kinds.get(name, str if name in patterns else int) for name in self.fields}
        parts = _FIELD.split(self.text)
        regex = ""
        for index, part in enumerate(parts):
            if index % 2 == 0:
                regex += re.escape(part)
            else:
                regex += f"(?P<{part}>{self._pattern(part, patterns)})"
        self.pattern = re.compile(regex)
        # What the metrics call it: the fixed parts only ("boundary:remove"), never an id.
        self.name = ":".join(part for part in route.split(":") if "{" not in part)

    def _pattern(self, name: str, patterns: Mapping[str, str]) -> str:
        if name in patterns:
            return patterns[name]
        if self.kinds[name] is int:
            return SNOWFLAKE
        raise TypeError(f"{self.text!r}: the text field {name!r} needs its pattern in `patterns`")

    def build(self, values: dict[str, int | str]) -> str:
        if set(values) != set(self.fields):
            raise TypeError(f"{self.text!r} takes {self.fields}, got {tuple(values)}")
        custom_id = _FIELD.sub(lambda match: str(values[match["name"]]), self.text)
        if len(custom_id) > 100 or self.pattern.fullmatch(custom_id) is None:
            raise ValueError(f"{custom_id!r} does not fit its route {self.text!r}")
        return custom_id

    def parse(self, match: re.Match[str]) -> dict[str, Any]:
        """The fields by name, as keywords for the class (each an int or a str)."""
        return {name: kind(match[name]) for name, kind in self.kinds.items()}


def _field_kinds(cls: type) -> dict[str, type[int] | type[str]]:
    """The annotated attributes of the class and its bases that are `int` or `str`."""
    kinds: dict[str, type[int] | type[str]] = {}
    for klass in reversed(cls.__mro__):
        for name, annotation in vars(klass).get("__annotations__", {}).items():
            if annotation in (int, "int"):
                kinds[name] = int
            elif annotation in (str, "str"):
                kinds[name] = str
    return kinds


class AttuneItem(discord.ui.DynamicItem[ItemT], Generic[ItemT], template=r"(?!)"):
    """The base of every persistent component (its own template matches nothing: it is never
    registered). Subclasses pass `route=` (and `legacy=`) as class keywords."""

    route: ClassVar[Route]
    legacy_routes: ClassVar[tuple[Route, ...]] = ()
    anyone_may_press: ClassVar[bool] = False
    refusal: ClassVar[str] = NOT_YOURS

    def __init_subclass__(
        cls,
        *,
        route: str | None = None,
        legacy: Iterable[str] = (),
        patterns: Mapping[str, str] | None = None,
        _twin_route: Route | None = None,
    ) -> None:
        if _twin_route is not None:  # the same class, answering an older id (persistent_items)
            cls.route = _twin_route
            cls.legacy_routes = ()
        elif route is None:  # an intermediate base: no custom_id of its own
            super().__init_subclass__(template=r"(?!)")
            return
        else:
            kinds = _field_kinds(cls)
            cls.route = Route(route, kinds, patterns or {})
            cls.legacy_routes = tuple(Route(old, kinds, patterns or {}) for old in legacy)
            says_who = (
                "owner_id" in cls.route.fields
                or cls.anyone_may_press
                or cls.may_press is not AttuneItem.may_press
            )
            if not says_who:
                raise TypeError(f"{cls.__name__} must say who may press it (see bot/components.py)")
        super().__init_subclass__(template=cls.route.pattern)

    def __init__(self, item: ItemT, /, *, row: int | None = None) -> None:
        super().__init__(item, row=row)

    # -- building and parsing ----------------------------------------------------------------

    @classmethod
    def custom_id_for(cls, **values: int | str) -> str:
        return cls.route.build(values)

    def set_fields(self, values: dict[str, int | str]) -> None:
        for name, value in values.items():
            setattr(self, name, value)

    @classmethod
    def rebuilt(cls, values: dict[str, Any]) -> Self:
        """The instance a press of this custom_id is answered with, from its fields."""
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> Self:
        return cls.rebuilt(cls.route.parse(match))

    # -- pressing ----------------------------------------------------------------------------

    async def may_press(self, interaction: Interaction) -> bool:
        owner_id = getattr(self, "owner_id", None)
        return owner_id is None or interaction.user.id == owner_id

    async def pressed(self, interaction: Interaction) -> None:
        raise NotImplementedError

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        with observed(interaction, "component", lambda: self.route.name):
            async with friendly_errors(interaction):
                if not await self.may_press(interaction):
                    interaction.extras[OUTCOME] = REFUSED
                    await interaction.response.send_message(self.refusal, ephemeral=True)
                    return
                await self.pressed(interaction)


class AttuneButton(AttuneItem[discord.ui.Button[Any]]):
    """A persistent button: `label` and `style` on the class, the fields as keywords."""

    label: ClassVar[str] = ""
    style: ClassVar[discord.ButtonStyle] = discord.ButtonStyle.secondary
    emoji: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        label: str | None = None,
        style: discord.ButtonStyle | None = None,
        disabled: bool = False,
        row: int | None = None,
        **fields: int | str,
    ) -> None:
        self.set_fields(fields)
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label if label is not None else self.label,
            style=style if style is not None else self.style,
            custom_id=self.route.build(fields),
            disabled=disabled,
            emoji=self.emoji,
        )
        super().__init__(button, row=row)

    @classmethod
    def rebuilt(cls, values: dict[str, Any]) -> Self:
        return cls(**values)


class AttuneSelect(AttuneItem[discord.ui.Select[Any]]):
    """A persistent select: its options as a keyword, the fields as keywords. Pressed, it is
    rebuilt from its custom_id alone: the chosen values come with the interaction."""

    placeholder: ClassVar[str | None] = None

    def __init__(
        self,
        *,
        options: list[discord.SelectOption] | None = None,
        row: int | None = None,
        **fields: int | str,
    ) -> None:
        self.set_fields(fields)
        select: discord.ui.Select[Any] = discord.ui.Select(
            custom_id=self.route.build(fields),
            placeholder=self.placeholder,
            # Discord needs one option at least; a rebuilt select is never shown.
            options=options or [discord.SelectOption(label="-", value="-")],
        )
        super().__init__(select, row=row)

    @classmethod
    def rebuilt(cls, values: dict[str, Any]) -> Self:
        return cls(**values)

    @property
    def chosen(self) -> list[str]:
        return self.item.values


def persistent_view(*items: discord.ui.Item[Any]) -> discord.ui.View:
    """A view of `items` that never times out: its components answer by custom_id after a restart."""
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


def sent_as_is(view: discord.ui.View) -> discord.ui.View:
    """`view`, stopped, so one instance can be sent again and again: discord.py then sends its
    components without storing the view or starting its timeout (a task per message). Only for
    views made of persistent items, which answer by custom_id through their registered class."""
    if not all(isinstance(item, discord.ui.DynamicItem) for item in view.walk_children()):
        raise TypeError("only a view of persistent items answers without being stored")
    view.stop()
    if not view.is_finished():  # built outside the event loop: discord.py would store it
        raise RuntimeError("build the view inside the running event loop")
    return view


def persistent_items(*classes: type[AttuneItem[Any]]) -> list[type[AttuneItem[Any]]]:
    """The classes to give `bot.add_dynamic_items`, each followed by a twin per legacy route, so a
    button posted last month under an older custom_id still answers."""
    items: list[type[AttuneItem[Any]]] = []
    for cls in classes:
        items.append(cls)
        for old in cls.legacy_routes:
            twin = type(f"{cls.__name__}AsBefore", (cls,), {}, _twin_route=old)
            items.append(twin)
    return items
