"""How every share looks, in one place: the preview line, the Post and Cancel buttons, and the
line that announces a share in the couple's thread (and in the partner's DM, when that is how they
are told: see bot/services/notifications.py).

Every share (a journal entry, a /reflect note, a boundary, an exercise reflection, the mood chart)
is previewed privately with PREVIEW_TEXT and the same two buttons, and announced with the same
kind of line: the partner's mention when the thread is how they are told, then who shared what.
"""

from __future__ import annotations

from typing import Any, Literal

import discord

ShareKind = Literal["journal", "reflection", "boundary", "exercise", "chart", "appreciation", "bid", "break"]

PREVIEW_TEXT = "This is what your partner will see in your thread. Post it?"
POST_LABEL = "Post"
POST_STYLE = discord.ButtonStyle.success
CANCEL_LABEL = "Cancel"
CANCEL_STYLE = discord.ButtonStyle.secondary

_ANNOUNCEMENTS: dict[ShareKind, str] = {
    "journal": "{name} chose to share this from their journal with you.",
    "reflection": "{name} wrote something for you.",
    "boundary": "{name} shared a boundary with you.",
    "exercise": "{name} shared a reflection from an exercise with you.",
    "chart": "{name} shared how you've both been feeling lately.",
    "appreciation": "{name} shared an appreciation with you.",
    "bid": "{name} shared a moment of connection with you.",
    "break": "{name} is taking a pause to calm down.",
}


def announcement(kind: ShareKind, author_name: str) -> str:
    """Who shared what, without any mention: the thread post adds the partner's mention when the
    thread is how they are told; a DM adds the link to the post."""
    return _ANNOUNCEMENTS[kind].format(name=discord.utils.escape_mentions(author_name))


def post_button(custom_id: str) -> discord.ui.Button[Any]:
    return discord.ui.Button(label=POST_LABEL, style=POST_STYLE, custom_id=custom_id)


def cancel_button(custom_id: str) -> discord.ui.Button[Any]:
    return discord.ui.Button(label=CANCEL_LABEL, style=CANCEL_STYLE, custom_id=custom_id)
