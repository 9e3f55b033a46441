"""The toolkit for buttons and forms (bot/components.py, bot/modals.py): one namespace, routes that
build and parse the same ids, a class that must say who may press it, and old ids that still work,
checked on the real discord.py client through the fake Discord."""

from __future__ import annotations

import re
from typing import Any

import discord
import pytest

from bot.components import NAMESPACE, AttuneButton, AttuneItem, persistent_items
from bot.modals import PersistentModal
from bot.ui import mood_select
from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.test_boundaries_e2e import BOUNDARY, CONSEQUENCE, add
from tests.test_exercises_e2e import start

ROUTE_SHAPE = re.compile(rf"{NAMESPACE}:[a-z]+:[a-z-]+(:|$)")


def rewrite_ids(message: Any, old_by_new: dict[str, str]) -> None:
    """Make a posted message look like one the previous version posted (its custom_ids as then)."""

    def walk(components: list[dict[str, Any]]) -> None:
        for component in components:
            custom_id = component.get("custom_id")
            for new, old in old_by_new.items():
                if isinstance(custom_id, str) and custom_id.startswith(new):
                    component["custom_id"] = old + custom_id[len(new) :]
            walk(component.get("components") or [])

    walk(message["components"])


def test_a_component_that_does_not_say_who_may_press_it_fails_at_import() -> None:
    with pytest.raises(TypeError, match="must say who may press it"):

        class Careless(AttuneButton, route="test:careless:{thing_id}"):
            thing_id: int


def test_a_route_builds_the_id_it_parses_and_refuses_one_that_does_not_fit() -> None:
    class Owned(AttuneButton, route="test:owned:{owner_id}:{page}", legacy=["t:owned:{owner_id}:{page}"]):
        owner_id: int
        page: int

    button = Owned(owner_id=42, page=3, label="Next")
    assert button.custom_id == "attune:test:owned:42:3"
    match = Owned.route.pattern.fullmatch(button.custom_id)
    assert match is not None and Owned.route.parse(match) == {"owner_id": 42, "page": 3}
    assert Owned.route.pattern.fullmatch("attune:test:owned:42:3:extra") is None
    assert Owned.route.pattern.fullmatch("attune:test:owned:" + "9" * 21 + ":1") is None, "no giant ids"
    with pytest.raises(TypeError):
        Owned(owner_id=42, label="Next")  # a field missing
    classes = persistent_items(Owned)
    assert [cls.route.text for cls in classes] == [
        "attune:test:owned:{owner_id}:{page}",
        "attune:t:owned:{owner_id}:{page}",
    ]
    assert issubclass(classes[1], Owned), "the twin behaves exactly like the class"


def every_route(bot: Any) -> list[str]:
    items: list[type[AttuneItem[Any]]] = list(bot._connection._view_store._dynamic_items.values())
    forms: list[type[PersistentModal]] = list(bot.modals._forms)
    texts = [cls.route.text for cls in items if not cls.__name__.endswith("AsBefore")]
    texts += [form.routes[0].text for form in forms]
    return texts


async def test_every_component_and_form_lives_in_one_namespace_registered_by_its_extension(
    attune: BotHarness,
) -> None:
    bot = attune.running
    texts = every_route(bot)
    assert len(texts) >= 25
    assert all(ROUTE_SHAPE.match(text) for text in texts), [t for t in texts if not ROUTE_SHAPE.match(t)]
    assert len(set(texts)) == len(texts), "one class per id"
    forms = len(bot.modals.patterns())
    await bot.unload_extension("cogs.journal")
    assert len(bot.modals.patterns()) < forms, "a form is answered only while its extension is loaded"


async def test_buttons_posted_under_the_previous_ids_still_answer_after_a_restart(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await pair(attune, world, world.alice, world.bob)
    await add(fake, world, world.alice, BOUNDARY, CONSEQUENCE)
    boundary_id = query(attune, "SELECT id FROM boundaries")[0]["id"]
    confirm = await fake.slash(world.alice, world.general, "boundary remove", boundary=str(boundary_id))
    await confirm.response()
    exercise = await start(fake, world, world.alice, "boundaries you can keep")

    # Both messages as the previous version posted them, a month ago.
    rewrite_ids(fake._resolve_message(confirm), {"attune:boundary:": "attune:bd:"})
    rewrite_ids(fake._resolve_message(exercise), {"attune:exercise:": "attune:ex:"})
    assert {c for _, c, _ in confirm.buttons()} == {
        f"attune:bd:remove:{boundary_id}",
        f"attune:bd:keep:{boundary_id}",
    }
    await attune.restart()

    stranger = await fake.press(world.carol, confirm, "Remove it")
    await stranger.response()
    assert stranger.ephemeral and "couldn't find that boundary" in stranger.text()
    assert len(query(attune, "SELECT id FROM boundaries")) == 1, "a stranger changes nothing"

    removed = await fake.press(world.alice, confirm, "Remove it")
    await removed.response()
    assert "Removed" in confirm.text()
    assert query(attune, "SELECT id FROM boundaries") == []

    moved = await fake.press(world.alice, exercise, "Next")
    await moved.response()
    await attune.settle()
    assert "Step 2 of 4" in exercise.text()
    assert query(attune, "SELECT step FROM exercise_runs")[0]["step"] == 1
    # What it shows now carries the new ids.
    assert all(
        c.startswith("attune:exercise:") or c == "attune:safety:unsafe" for _, c, _ in exercise.buttons() if c
    )


def test_the_mood_picker_is_one_component_for_every_form() -> None:
    optional, required = mood_select(3, required=False), mood_select(required=True)
    assert [o.label for o in optional.options] == [o.label for o in required.options]
    assert [o.value for o in optional.options if o.default] == ["3"]
    assert optional.min_values == 0 and required.min_values == 1
    assert isinstance(required, discord.ui.Select)
