"""Handing a person their own words back when Attune could not keep them.

Discord keeps nothing of a submitted form: if a save fails, the private reply is the only copy
left. Each piece comes back verbatim in a code block (nothing in it is read as Markdown or a
mention), under the heading of the input it was typed into. When that does not fit in one message
(Discord's 2,000 characters), or a piece holds a code fence itself, it comes back as a .txt file
whose bytes are exactly what was typed. Nothing here is ever logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MESSAGE_MAX = 2000
FENCE = "```"


@dataclass(frozen=True)
class Kept:
    """One piece of what a person sent: the input's heading, and the text exactly as sent."""

    heading: str
    text: str


@dataclass(frozen=True)
class GiveBack:
    content: str
    files: list[tuple[str, bytes]]  # (filename, the text as UTF-8)


def give_back(headline: str, kept: list[Kept]) -> GiveBack:
    """The reply: `headline`, then each piece inline if it fits, the longest ones as files if not."""
    pieces = [piece for piece in kept if piece.text.strip()]
    inline = [piece for piece in pieces if FENCE not in piece.text]
    attached = [piece for piece in pieces if FENCE in piece.text]
    content = _content(headline, inline, attached)
    while inline and _length(content) > MESSAGE_MAX:
        longest = max(inline, key=lambda piece: len(piece.text))
        inline.remove(longest)
        attached.append(longest)
        content = _content(headline, inline, attached)
    attached.sort(key=pieces.index)
    return GiveBack(content=content, files=_files(attached))


def _content(headline: str, inline: list[Kept], attached: list[Kept]) -> str:
    parts = [headline]
    for piece in inline:
        parts.append(f"**{piece.heading}**\n{FENCE}\n{piece.text}\n{FENCE}")
    if attached:
        names = ", ".join(f"**{piece.heading}**" for piece in attached)
        files, it = ("a file", "it") if len(attached) == 1 else ("files", "them")
        parts.append(f"{names}: attached as {files}, exactly as you wrote {it}.")
    return "\n\n".join(parts)


def _files(attached: list[Kept]) -> list[tuple[str, bytes]]:
    files: list[tuple[str, bytes]] = []
    used: set[str] = set()
    for piece in attached:
        stem = "attune-" + (re.sub(r"[^a-z0-9]+", "-", piece.heading.casefold()).strip("-") or "your-words")
        name, n = f"{stem[:60]}.txt", 2
        while name in used:
            name, n = f"{stem[:60]}-{n}.txt", n + 1
        used.add(name)
        files.append((name, piece.text.encode("utf-8")))
    return files


def _length(text: str) -> int:
    """Characters as Discord may count them (UTF-16 units: an emoji can count twice), to be safe."""
    return len(text.encode("utf-16-le")) // 2
