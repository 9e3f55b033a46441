"""What Attune says, once per outage, when it can't post in a couple's thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord

from bot.errors import ThreadUnreachable
from bot.permissions import CHANNEL_PERMISSIONS

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.records.couples import Couple

MISSING_PERMISSIONS = 50013
MISSING_ACCESS = 50001
# What a thread post needs; the labels are the ones Discord shows in the server settings.
_THREAD_POST_NEEDS = ("view_channel", "send_messages_in_threads", "embed_links", "read_message_history")


def as_thread_trouble(error: BaseException) -> str | None:
    """'forbidden' or 'missing' when `error` means the couple's thread can't be posted in."""
    if isinstance(error, ThreadUnreachable):
        return error.problem
    if isinstance(error, discord.Forbidden) and error.code in (MISSING_PERMISSIONS, MISSING_ACCESS):
        return "forbidden"
    return None


def failure_code(error: BaseException) -> str:
    """A failed post, in a word for the metrics: Discord's error code ("50013"), the thread's
    trouble when Attune found it first ("thread-missing"), else the HTTP status or "other"."""
    if isinstance(error, ThreadUnreachable):
        return f"thread-{error.problem}"
    if isinstance(error, discord.HTTPException):
        return str(error.code) if error.code else f"http-{error.status}"
    return "other"


def trouble_notice(bot: AttuneBot, couple: Couple, problem: str) -> str:
    if problem == "missing":
        return (
            "I can't reach your private thread any more: the channel it lived under was deleted, so "
            "what I post there (your check-ins and meetings) couldn't arrive. Someone with Manage "
            "Server can run /setup again with a channel; your thread is then made again. Everything "
            "you both wrote is still kept."
        )
    return (
        "I'm not allowed to post in your private thread right now, so what I post there (your "
        "check-ins and meetings) couldn't arrive. A moderator can fix it by giving Attune "
        f"{_missing_labels(bot, couple)} in the channel your thread lives under (server or "
        "channel settings, Attune's role). Everything starts again by itself once it's back, and "
        "nothing you wrote is lost."
    )


def _missing_labels(bot: AttuneBot, couple: Couple) -> str:
    """The permissions the cache says are missing in the thread; Send Messages in Threads if unknown."""
    guild = bot.get_guild(couple.guild_id)
    thread = guild.get_thread(couple.thread_id) if guild and couple.thread_id else None
    labels = ["Send Messages in Threads"]
    if guild is not None and thread is not None:
        granted = thread.permissions_for(guild.me)
        missing = [
            needed.label
            for needed in CHANNEL_PERMISSIONS
            if needed.flag in _THREAD_POST_NEEDS and not getattr(granted, needed.flag)
        ]
        labels = missing or labels
    if len(labels) == 1:
        return f"the **{labels[0]}** permission"
    return "the " + ", ".join(f"**{label}**" for label in labels[:-1]) + f" and **{labels[-1]}** permissions"
