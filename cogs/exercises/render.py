"""How exercises look: step embeds, the list with progress marks, the ending and a shared reflection."""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.content import ContentLibrary, Exercise, Track
from bot.services.exercises import Progress
from bot.ui import ATTUNE_COLOUR
from cogs.resources.render import (
    AUTHOR_MAX,
    DESCRIPTION_MAX,
    EMBED_TOTAL_MAX,
    FIELD_NAME_MAX,
    FIELD_VALUE_MAX,
    FIELDS_MAX,
    TITLE_MAX,
    embed_size,
    truncate,
)

SAVED_NOTE = "Your reflection is saved. It stays private unless you choose to share it."


def step_embed(
    exercise: Exercise, step: int, reflection: str | None = None, note: str | None = None
) -> discord.Embed:
    current = exercise.steps[step]
    description = current.body.strip()
    if current.question:
        description += f"\n\n**{current.question}**"
    embed = discord.Embed(
        title=truncate(current.title, TITLE_MAX),
        description=truncate(description, DESCRIPTION_MAX),
        colour=ATTUNE_COLOUR,
    )
    embed.set_author(name=truncate(exercise.title, AUTHOR_MAX))
    if reflection:
        embed.add_field(name="What you wrote", value=truncate(reflection, FIELD_VALUE_MAX), inline=False)
    footer = f"Step {step + 1} of {len(exercise.steps)}"
    if exercise.private:
        footer += " · Private: nothing here is shared"
    if note:
        footer += f"\n{note}"
    embed.set_footer(text=footer)
    return embed


def mark(progress: Progress, exercise: Exercise) -> str:
    if progress.state == "finished":
        return "✓ finished"
    if progress.state == "in_progress" and progress.step is not None:
        again = " (finished before)" if progress.finished_before else ""
        return f"◐ in progress at step {progress.step + 1} of {len(exercise.steps)}{again}"
    return "○ not started"


def list_embed(
    content: ContentLibrary, progress: Mapping[str, Progress], track: Track | None
) -> discord.Embed:
    embed = discord.Embed(
        title="Guided exercises",
        description=(
            "Short exercises to do at your own pace. Start one with `/exercise start`, "
            "and pick up where you stopped with `/exercise resume`."
        ),
        colour=ATTUNE_COLOUR,
    )
    tracks = [track] if track is not None else list(Track)
    for each in tracks:
        lines = []
        for exercise in content.by_track(each):
            lock = " 🔒" if exercise.private else ""
            state = progress.get(exercise.id, Progress(exercise.id, "not_started"))
            lines.append(f"**{exercise.title}**{lock} · {exercise.minutes} min · {mark(state, exercise)}")
        _add_lines(embed, each.display_name, lines)
    return embed


def _add_lines(embed: discord.Embed, name: str, lines: list[str]) -> None:
    """Lines as fields of at most 1,024 characters, continuing in a second field when needed."""
    chunk: list[str] = []
    title = name
    for line in lines:
        line = truncate(line, FIELD_VALUE_MAX)
        if chunk and len("\n".join([*chunk, line])) > FIELD_VALUE_MAX:
            embed.add_field(name=truncate(title, FIELD_NAME_MAX), value="\n".join(chunk), inline=False)
            chunk, title = [], f"{name} (continued)"
        chunk.append(line)
    if chunk and len(embed.fields) < FIELDS_MAX:
        embed.add_field(name=truncate(title, FIELD_NAME_MAX), value="\n".join(chunk), inline=False)


def summary_embed(
    exercise: Exercise, reflections: Mapping[int, str], closing: str | None = None
) -> discord.Embed:
    """The ending: the person's own reflections, each shortened so the whole fits one embed."""
    description = "You made it to the end. Here is what you wrote along the way, just for you."
    if not reflections:
        description = "You made it to the end. Take a moment with whatever came up."
    if closing:
        description += f"\n\n{closing}"
    embed = discord.Embed(
        title=truncate(f"Finished: {exercise.title}", TITLE_MAX),
        description=truncate(description, DESCRIPTION_MAX),
        colour=ATTUNE_COLOUR,
    )
    if exercise.private:
        embed.set_footer(text="Private: nothing from this exercise is shared.")
    items = [(step, text) for step, text in sorted(reflections.items()) if 0 <= step < len(exercise.steps)]
    if items:
        names = [truncate(exercise.steps[step].title, FIELD_NAME_MAX) for step, _ in items]
        room = EMBED_TOTAL_MAX - embed_size(embed) - sum(len(n) for n in names) - 100  # margin
        each = max(min(FIELD_VALUE_MAX, room // len(items)), 20)
        for name, (_, text) in zip(names, items, strict=True):
            embed.add_field(name=name, value=truncate(text, each), inline=False)
    return embed


def share_option_label(exercise: Exercise, step: int) -> str:
    return truncate(f"Step {step + 1}: {exercise.steps[step].title}", 100)


def shared_reflection_embed(author: str, exercise: Exercise, step: int, text: str) -> discord.Embed:
    """What the partner sees in the thread: the question, and the answer in the person's words."""
    current = exercise.steps[step]
    embed = discord.Embed(
        title=truncate(exercise.title, TITLE_MAX),
        description=truncate(text, DESCRIPTION_MAX),
        colour=ATTUNE_COLOUR,
    )
    embed.set_author(name=truncate(author, AUTHOR_MAX))  # who shared what: the line above it
    if current.question:
        embed.add_field(name="The question", value=truncate(current.question, FIELD_VALUE_MAX), inline=False)
    return embed
