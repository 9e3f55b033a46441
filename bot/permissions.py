"""Exactly what Attune asks of a server, and why: used by `python -m bot check` and `/setup`."""

from __future__ import annotations

from dataclasses import dataclass

import discord


@dataclass(frozen=True)
class NeededPermission:
    flag: str
    label: str
    why: str


CHANNEL_PERMISSIONS: tuple[NeededPermission, ...] = (
    NeededPermission("view_channel", "View Channels", "see the channel chosen in /setup and its threads"),
    NeededPermission("send_messages", "Send Messages", "post invitations in the setup channel"),
    NeededPermission(
        "create_private_threads", "Create Private Threads", "open one private thread per couple"
    ),
    NeededPermission(
        "send_messages_in_threads", "Send Messages in Threads", "post check-ins and shared reflections"
    ),
    NeededPermission(
        "manage_threads", "Manage Threads", "reopen an archived couple thread, and lock it when a couple ends"
    ),
    NeededPermission("embed_links", "Embed Links", "show exercises, prompts and answers as embeds"),
    NeededPermission("attach_files", "Attach Files", "share the mood chart a couple chooses to post"),
    NeededPermission(
        "read_message_history", "Read Message History", "update the check-in message as partners answer"
    ),
)

SCOPES = ("bot", "applications.commands")


def required_permissions() -> discord.Permissions:
    return discord.Permissions(**{needed.flag: True for needed in CHANNEL_PERMISSIONS})


def missing_permissions(granted: discord.Permissions) -> list[NeededPermission]:
    return [needed for needed in CHANNEL_PERMISSIONS if not getattr(granted, needed.flag)]


def required_intents() -> discord.Intents:
    """Guilds for channels and threads; Members (privileged) to pause a couple when a partner leaves."""
    intents = discord.Intents.none()
    intents.guilds = True
    intents.members = True
    return intents


INTENT_NOTES = (
    (
        "Server Members Intent (privileged)",
        "pause a couple when a partner leaves the server, resume on return",
    ),
)


def invite_url(application_id: int | None) -> str:
    client_id = str(application_id) if application_id else "YOUR_APPLICATION_ID"
    value = required_permissions().value
    scope = "%20".join(SCOPES)
    return f"https://discord.com/oauth2/authorize?client_id={client_id}&scope={scope}&permissions={value}"
