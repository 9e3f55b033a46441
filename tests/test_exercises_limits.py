"""Suite-wide: every text the exercises, boundaries and resources features render fits Discord's limits.

Limits are restated here from Discord's documentation (not imported), so a wrong constant in the
code cannot make this test agree with itself.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import discord
import pytest

from bot.content import Track, load_content
from bot.records.boundaries import Boundary
from bot.records.progress import CheckupRecord
from bot.services.boundaries import BOUNDARIES_PER_PERSON, BOUNDARY_MAX, CONSEQUENCE_MAX
from bot.services.checkups import CheckupResult
from bot.services.exercises import REFLECTION_MAX, Progress
from bot.timewords import time_words
from cogs.boundaries.views import DYNAMIC_ITEMS as BOUNDARY_ITEMS
from cogs.boundaries.views import (
    BoundaryModal,
    boundary_embed,
    remove_view,
    share_view,
    shared_boundary_embed,
)
from cogs.exercises.render import list_embed, shared_reflection_embed, step_embed, summary_embed
from cogs.exercises.views import DYNAMIC_ITEMS as EXERCISE_ITEMS
from cogs.exercises.views import ReflectModal, share_pick, step_view
from cogs.progress.views import checkup_messages
from cogs.resources.render import Section, pack_messages, resources_messages, section_embeds
from cogs.resources.safety import UnsafeButton, safety_embeds

CONTENT = load_content()
EXERCISES = list(CONTENT.exercises.values())
LONGEST = "word " * (REFLECTION_MAX // 5)  # 4,000 characters of text that wraps like text


def check_embed(embed: discord.Embed) -> int:
    data: dict[str, Any] = embed.to_dict()
    assert len(data.get("title", "")) <= 256
    assert len(data.get("description", "")) <= 4096
    fields = data.get("fields", [])
    assert len(fields) <= 25
    for item in fields:
        assert 1 <= len(item["name"]) <= 256
        assert 1 <= len(item["value"]) <= 1024
    assert len(data.get("footer", {}).get("text", "")) <= 2048
    assert len(data.get("author", {}).get("name", "")) <= 256
    total = (
        len(data.get("title", ""))
        + len(data.get("description", ""))
        + sum(len(f["name"]) + len(f["value"]) for f in fields)
        + len(data.get("footer", {}).get("text", ""))
        + len(data.get("author", {}).get("name", ""))
    )
    assert total <= 6000
    return total


def check_message(embeds: list[discord.Embed]) -> None:
    assert 1 <= len(embeds) <= 10
    assert sum(check_embed(e) for e in embeds) <= 6000


def handled(custom_id: str) -> bool:
    items = (*EXERCISE_ITEMS, *BOUNDARY_ITEMS, UnsafeButton)
    templates = [item.__discord_ui_compiled_template__ for item in items]
    return any(re.fullmatch(t, custom_id) for t in templates)


def check_view(view: discord.ui.View) -> None:
    for component in view.to_components():
        for child in component.get("components", []):
            custom_id = child["custom_id"]
            assert len(custom_id) <= 100
            assert handled(custom_id), f"{custom_id} is not handled by a registered item"
            assert len(child.get("label", "")) <= 80


@pytest.mark.parametrize("exercise", EXERCISES, ids=[e.id for e in EXERCISES])
async def test_every_step_of_every_exercise_fits(exercise: Any) -> None:
    for step, current in enumerate(exercise.steps):
        check_message([step_embed(exercise, step)])
        check_message([step_embed(exercise, step, LONGEST, note="Your reflection is saved.")])
        check_view(step_view(123456789012345678, exercise, step, CONTENT))
        if current.question:
            modal = ReflectModal(1, exercise, step, LONGEST.strip())
            payload = modal.to_dict()
            assert len(payload["title"]) <= 45
            for component in payload["components"]:
                if component["type"] == 18:
                    assert len(component["label"]) <= 45
                    assert len(component["component"].get("placeholder", "")) <= 100
                    assert len(component["component"].get("value", "")) <= 4000
                else:
                    assert component["type"] == 10 and len(component["content"]) <= 4000
            check_message([shared_reflection_embed("n" * 32, exercise, step, LONGEST)])
    everything = {step: LONGEST for step in range(len(exercise.steps))}
    check_message([summary_embed(exercise, everything, "A closing line. " * 30)])
    check_message([summary_embed(exercise, {})])
    pick = share_pick(123456789012345678, exercise, everything)
    assert len(pick.item.options) <= 25
    assert all(len(o.label) <= 100 and len(o.description or "") <= 100 for o in pick.item.options)


async def test_the_exercise_list_fits_for_every_track_and_state() -> None:
    for state in ("not_started", "in_progress", "finished"):
        progress = {
            e.id: Progress(e.id, state, step=len(e.steps) - 1, finished_before=True) for e in EXERCISES
        }
        check_message([list_embed(CONTENT, progress, None)])
        for track in Track:
            check_message([list_embed(CONTENT, progress, track)])


@pytest.mark.parametrize("server_text", [None, "Call 0800 000 000.", "x " * 750, "a" * 12000])
def test_resources_fit_in_every_case(server_text: str | None) -> None:
    messages = resources_messages(CONTENT, server_text)
    for embeds in messages:
        check_message(embeds)
    text = "".join(
        (e.description or "") + "".join(f.value or "" for f in e.fields) for m in messages for e in m
    )
    assert (server_text or CONTENT.safety.default_resources).replace(" ", "")[:200] in text.replace(" ", "")


async def test_boundaries_fit() -> None:
    biggest = Boundary(1, 1, "b" * BOUNDARY_MAX, "c" * CONSEQUENCE_MAX, 0, None)
    check_message([boundary_embed(biggest, title="Your boundary")])
    check_message([shared_boundary_embed(biggest, "n" * 32)])
    check_view(remove_view(123456789012345678))
    check_view(share_view(123456789012345678, 1_900_000_000))
    entries = tuple((f"{n}. (shared)", "b" * BOUNDARY_MAX + "\nc" * 10) for n in range(BOUNDARIES_PER_PERSON))
    for embeds in pack_messages(section_embeds(Section("Your boundaries", "Private.", entries=entries))):
        check_message(embeds)
    modal = BoundaryModal().to_dict()
    assert len(modal["title"]) <= 45
    assert all(len(c["label"]) <= 45 for c in modal["components"] if c["type"] == 18)


def test_a_boundary_list_entry_keeps_both_parts() -> None:
    from cogs.boundaries.cog import _entry

    both_long = _entry("b" * 1000, "c" * 1000)
    assert len(both_long) <= 1024 and both_long.count("b") >= 450 and both_long.count("c") >= 450
    short_consequence = _entry("b" * 1000, "I'll leave the room.")
    assert len(short_consequence) <= 1024 and short_consequence.endswith("I'll leave the room.")
    short_boundary = _entry("I need quiet mornings.", "c" * 1000)
    assert len(short_boundary) <= 1024 and short_boundary.startswith("I need quiet mornings.")
    assert short_boundary.count("c") >= 950


@pytest.mark.parametrize("server_text", [None, "Call 0800 000 000.", "x " * 750])
@pytest.mark.parametrize("hour", [5, 21])
def test_the_checkup_reply_and_the_safety_guidance_fit_in_every_case(
    server_text: str | None, hour: int
) -> None:
    question = CONTENT.checkup.question("red-flags")
    assert question is not None
    everything = tuple(o for o in question.options if o.red_flag)
    result = CheckupResult(
        record=CheckupRecord(1, 1, 0, {"red-flags": [o.value for o in everything]}),
        flags_raised=True,
        flagged_twice=True,
        flagged=everything,
        words=time_words(datetime(2026, 3, 2, hour)),
    )
    messages = checkup_messages(CONTENT, result, server_text)
    for embeds in messages:
        check_message(embeds)
    text = "\n".join(f"{e.title}\n{e.description}" for m in messages for e in m)
    assert messages[0][0].title == CONTENT.safety.unsafe_title, "the safety guidance comes first"
    assert all(str(o.note) in text for o in everything if not o.safety)
    assert (server_text or "").strip() in text and "{" not in text
    for embeds in [safety_embeds(CONTENT, server_text, CONTENT.safety.asked_lead)]:
        check_message(embeds)
