"""Discord's embed limits, and text split to fit them. Shared by /resources, /exercise and /boundary."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import discord

from bot.content import ContentLibrary
from bot.ui import ATTUNE_COLOUR, GENTLE_WARNING_COLOUR

TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
AUTHOR_MAX = 256
EMBED_TOTAL_MAX = 6000  # across every embed of one message
EMBEDS_PER_MESSAGE = 10
CONTENT_MAX = 2000
ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: max(limit - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


def split_text(text: str, limit: int) -> list[str]:
    """Split at paragraph, then line, then word boundaries, so every piece is at most `limit`."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = limit  # no sensible boundary: cut hard
        for boundary in ("\n\n", "\n", " "):
            found = window.rfind(boundary)
            if found >= limit // 3:
                cut = found
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest:
        pieces.append(rest)
    return pieces


def embed_size(embed: discord.Embed) -> int:
    """What Discord counts towards the 6,000 characters of a message's embeds."""
    size = len(embed.title or "") + len(embed.description or "")
    size += sum(len(f.name or "") + len(f.value or "") for f in embed.fields)
    size += len(embed.footer.text or "") + len(embed.author.name or "")
    return size


def within_limits(embed: discord.Embed) -> bool:
    return (
        len(embed.title or "") <= TITLE_MAX
        and len(embed.description or "") <= DESCRIPTION_MAX
        and len(embed.fields) <= FIELDS_MAX
        and all(
            len(f.name or "") <= FIELD_NAME_MAX and len(f.value or "") <= FIELD_VALUE_MAX
            for f in embed.fields
        )
        and len(embed.footer.text or "") <= FOOTER_MAX
        and len(embed.author.name or "") <= AUTHOR_MAX
        and embed_size(embed) <= EMBED_TOTAL_MAX
    )


def message_fits(embeds: Sequence[discord.Embed]) -> bool:
    return (
        len(embeds) <= EMBEDS_PER_MESSAGE
        and all(within_limits(e) for e in embeds)
        and sum(embed_size(e) for e in embeds) <= EMBED_TOTAL_MAX
    )


@dataclass(frozen=True)
class Section:
    """A titled block of text, or a titled list of (name, value) entries."""

    title: str
    text: str = ""
    entries: tuple[tuple[str, str], ...] = ()
    colour: discord.Colour = ATTUNE_COLOUR


def section_embeds(section: Section) -> list[discord.Embed]:
    """One section as embeds, each within Discord's limits; long text continues in the next embed."""
    title = truncate(section.title, TITLE_MAX)
    embeds: list[discord.Embed] = []
    for index, piece in enumerate(split_text(section.text, DESCRIPTION_MAX) or [""]):
        heading = title if index == 0 else truncate(f"{section.title} (continued)", TITLE_MAX)
        embeds.append(discord.Embed(title=heading, description=piece or None, colour=section.colour))
    current = embeds[-1]
    for name, value in section.entries:
        field_name = truncate(name, FIELD_NAME_MAX)
        field_value = truncate(value, FIELD_VALUE_MAX)
        if (
            len(current.fields) >= FIELDS_MAX
            or embed_size(current) + len(field_name) + len(field_value) > EMBED_TOTAL_MAX
        ):
            current = discord.Embed(
                title=truncate(f"{section.title} (continued)", TITLE_MAX), colour=section.colour
            )
            embeds.append(current)
        current.add_field(name=field_name, value=field_value, inline=False)
    return embeds


def pack_messages(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Group embeds into messages: at most 10 per message and 6,000 characters across them."""
    messages: list[list[discord.Embed]] = []
    current: list[discord.Embed] = []
    size = 0
    for embed in embeds:
        this = embed_size(embed)
        if current and (len(current) >= EMBEDS_PER_MESSAGE or size + this > EMBED_TOTAL_MAX):
            messages.append(current)
            current, size = [], 0
        current.append(embed)
        size += this
    if current:
        messages.append(current)
    return messages


def resources_sections(content: ContentLibrary, server_text: str | None) -> list[Section]:
    """The safety and professional-help text; the server's own resources replace the default list."""
    safety = content.safety
    sections = [
        Section(
            "Where to find real help", server_text or safety.default_resources, colour=GENTLE_WARNING_COLOUR
        )
    ]
    if server_text:
        sections[0] = Section(
            "Where to find help, from this server", server_text, colour=GENTLE_WARNING_COLOUR
        )
    sections += [
        Section("If you feel unsafe", safety.feeling_unsafe, colour=GENTLE_WARNING_COLOUR),
        Section("Professional help", safety.professional_help),
        Section(
            "Red flags to take seriously",
            "Signs that this may be more than distance:",
            entries=tuple((flag.name, flag.description) for flag in safety.red_flags),
        ),
        Section("Attune is not therapy", safety.not_therapy),
    ]
    return sections


def safety_sections(content: ContentLibrary, server_text: str | None, lead: str) -> list[Section]:
    """The safety guidance, shown at once wherever someone says they feel afraid or unsafe: `lead`
    (what they just told us), that their safety comes first, emergency services and the helplines
    (safety.yaml), then the server's own help text when /setup gave one."""
    safety = content.safety
    sections = [
        Section(
            safety.unsafe_title,
            f"{lead.strip()}\n\n{safety.feeling_unsafe.strip()}",
            colour=GENTLE_WARNING_COLOUR,
        )
    ]
    if server_text:
        sections.append(
            Section("Where to find help, from this server", server_text, colour=GENTLE_WARNING_COLOUR)
        )
    return sections


def resources_messages(content: ContentLibrary, server_text: str | None) -> list[list[discord.Embed]]:
    embeds = [e for s in resources_sections(content, server_text) for e in section_embeds(s)]
    return pack_messages(embeds)
