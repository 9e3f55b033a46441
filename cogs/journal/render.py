"""How journal entries look: list lines, the private read view, and the shared post."""

from __future__ import annotations

import zoneinfo

import discord
from discord import app_commands

from bot.content import Prompt
from bot.records.journal import Entry
from bot.services.journal import (
    KIND_NAMES,
    MOODS,
    JournalPage,
    entry_date,
    entry_datetime,
    first_words,
    local_datetime,
)
from bot.ui import ATTUNE_COLOUR

CHOICE_NAME_MAX = 100
ONLY_YOU = "Only you can see this."


def mood_text(mood: int | None) -> str:
    return "no mood noted" if mood is None else f"mood {mood}/5"


def headline(entry: Entry, limit: int = 60) -> str:
    """The entry's title, or its first words when it has none."""
    return first_words(entry.title, limit) if entry.title else first_words(entry.body, limit)


def entry_line(entry: Entry, zone: zoneinfo.ZoneInfo) -> str:
    shared = " · shared" if entry.is_shared else ""
    kind = "" if entry.kind == "entry" else f" · {KIND_NAMES[entry.kind].lower()}"
    title = discord.utils.escape_markdown(headline(entry))
    return (
        f"`#{entry.number}` **{entry_date(entry, zone)}** · {mood_text(entry.mood)}{kind}{shared} · {title}"
    )


def entry_choice(entry: Entry, zone: zoneinfo.ZoneInfo) -> app_commands.Choice[str]:
    """The person's own number is both what they see and what is sent back (never the id)."""
    head = f"#{entry.number} · {entry_date(entry, zone)} · "
    if entry.mood is not None:
        head += f"mood {entry.mood} · "
    name = head + headline(entry, CHOICE_NAME_MAX - len(head))
    return app_commands.Choice(name=name[:CHOICE_NAME_MAX], value=str(entry.number))


def page_embed(page: JournalPage, zone: zoneinfo.ZoneInfo) -> discord.Embed:
    embed = discord.Embed(title="Your journal", colour=ATTUNE_COLOUR)
    if not page.entries:
        embed.description = "Nothing here yet. /journal write starts your first entry."
    else:
        embed.description = "\n".join(entry_line(e, zone) for e in page.entries)
    count = f"{page.total} {'entry' if page.total == 1 else 'entries'}"
    embed.set_footer(text=f"Page {page.page + 1} of {page.pages} · {count} · {ONLY_YOU}")
    return embed


def read_embed(entry: Entry, zone: zoneinfo.ZoneInfo, prompt: Prompt | None) -> discord.Embed:
    embed = discord.Embed(
        title=entry.title or KIND_NAMES[entry.kind], description=entry.body, colour=ATTUNE_COLOUR
    )
    embed.add_field(name="Written", value=entry_datetime(entry, zone), inline=True)
    if entry.mood is not None:
        embed.add_field(name="Mood", value=f"{entry.mood}/5 · {MOODS[entry.mood]}", inline=True)
    if entry.updated_at != entry.created_at:
        embed.add_field(name="Edited", value=local_datetime(entry.updated_at, zone), inline=True)
    if prompt is not None:
        embed.add_field(name="Prompt", value=prompt.text, inline=False)
    shared = (
        "Shared in your thread with your partner." if entry.is_shared else "Private: only you can see it."
    )
    embed.set_footer(text=f"Entry {entry.number} · {shared}")
    return embed


def shared_embed(entry: Entry, author: discord.abc.User, zone: zoneinfo.ZoneInfo) -> discord.Embed:
    """What the partner sees in the couple's thread, attributed to its author."""
    default_title = "A reflection for you" if entry.kind == "reflection" else "From my journal"
    embed = discord.Embed(title=entry.title or default_title, description=entry.body, colour=ATTUNE_COLOUR)
    embed.set_author(name=author.display_name, icon_url=author.display_avatar.url)
    embed.set_footer(text=f"Shared by {author.display_name} · written {entry_date(entry, zone)}")
    return embed
