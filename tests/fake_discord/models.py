"""Model objects of the fake: users, guilds, channels, messages, shaped like Discord's JSON."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

DISCORD_EPOCH_MS = 1420070400000
_counter = itertools.count(1)

TEXT, DM, PUBLIC_THREAD, PRIVATE_THREAD = 0, 1, 11, 12
EPHEMERAL = 1 << 6
LOADING = 1 << 7
# Discord's default @everyone: invite, reactions, stream, view, send, embed, attach, history, external emojis,
# connect, speak, voice activity, change nickname, app commands, request to speak, create public/private
# threads, external stickers, send in threads, activities, voice messages, polls, external apps.
_EVERYONE_BITS = (0, 6, 9, 10, 11, 14, 15, 16, 18, 20, 21, 25, 26, 31, 32, 35, 36, 37, 38, 39, 46, 49, 50)
DEFAULT_EVERYONE_PERMISSIONS = sum(1 << bit for bit in _EVERYONE_BITS)
GUILD_MEMBERS_INTENT = 1 << 1
GUILD_PRESENCES_INTENT = 1 << 8
# Over this many members, GUILD_CREATE carries only the bot and members in voice (Discord docs).
PRESENCE_MEMBER_LIMIT = 75_000
DEFAULT_LARGE_THRESHOLD = 50  # IDENTIFY's large_threshold when not given (discord.py sends 250)


def snowflake() -> int:
    """A fresh, time-ordered snowflake id."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return (ms << 22) | (next(_counter) & 0x3FFFFF)


def iso_now() -> str:
    return datetime.now(UTC).isoformat()


def perm_value(permissions: Any) -> int:
    """Accept an int or a ``discord.Permissions``-like object with ``.value``."""
    return int(getattr(permissions, "value", permissions))


@dataclass(eq=False)
class FakeUser:
    name: str
    bot: bool = False
    id: int = field(default_factory=snowflake)
    global_name: str | None = None
    dms_closed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "username": self.name,
            "discriminator": "0",
            "global_name": self.global_name or self.name,
            "avatar": None,
            "bot": self.bot,
            "public_flags": 0,
            "flags": 0,
        }

    @property
    def mention(self) -> str:
        return f"<@{self.id}>"


@dataclass(eq=False)
class FakeRole:
    name: str
    permissions: int
    id: int = field(default_factory=snowflake)
    position: int = 1
    managed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "color": 0,
            "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
            "hoist": False,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": False,
            "flags": 0,
        }


@dataclass(eq=False)
class FakeMember:
    user: FakeUser
    guild: FakeGuild
    roles: list[FakeRole] = field(default_factory=list)
    nick: str | None = None
    joined_at: str = field(default_factory=iso_now)

    @property
    def permissions(self) -> int:
        if self.guild.owner_id == self.user.id:
            return ALL_PERMISSIONS
        value = self.guild.everyone.permissions
        for role in self.roles:
            value |= role.permissions
        return ALL_PERMISSIONS if value & 0x8 else value

    def permissions_in(self, channel: FakeChannel) -> int:
        """Discord's algorithm: server permissions, then the channel's overwrites (a thread uses its
        parent's): @everyone, then the member's roles together, then the member; deny before allow."""
        value = self.permissions
        if value & 0x8:
            return ALL_PERMISSIONS
        source = channel.parent if channel.is_thread and channel.parent is not None else channel
        overwrites = source.overwrites
        if self.guild.everyone.id in overwrites:
            _, allow, deny = overwrites[self.guild.everyone.id]
            value = (value & ~deny) | allow
        role_allow = role_deny = 0
        for role in self.roles:
            if role.id in overwrites:
                _, allow, deny = overwrites[role.id]
                role_allow, role_deny = role_allow | allow, role_deny | deny
        value = (value & ~role_deny) | role_allow
        if self.user.id in overwrites:
            _, allow, deny = overwrites[self.user.id]
            value = (value & ~deny) | allow
        return value

    def to_json(self, *, with_user: bool = True, with_permissions: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "nick": self.nick,
            "avatar": None,
            "banner": None,
            "roles": [str(r.id) for r in self.roles],
            "joined_at": self.joined_at,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "flags": 0,
            "pending": False,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = self.user.to_json()
        if with_permissions:
            data["permissions"] = str(self.permissions)
        return data


ALL_PERMISSIONS = (1 << 53) - 1


@dataclass(eq=False)
class FakeChannel:
    name: str
    type: int = TEXT
    guild: FakeGuild | None = None
    id: int = field(default_factory=snowflake)
    parent: FakeChannel | None = None
    owner_id: int | None = None
    recipient: FakeUser | None = None
    position: int = 0
    archived: bool = False
    locked: bool = False
    invitable: bool = True
    auto_archive_duration: int = 1440
    deleted: bool = False
    member_ids: set[int] = field(default_factory=set)
    member_joined: dict[int, str] = field(default_factory=dict)
    messages: list[FakeMessage] = field(default_factory=list)
    # Discord's permission overwrites: target id -> (type 0 role / 1 member, allow, deny).
    overwrites: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    @property
    def is_thread(self) -> bool:
        return self.type in (PUBLIC_THREAD, PRIVATE_THREAD)

    @property
    def mention(self) -> str:
        return f"<#{self.id}>"

    def to_json(self) -> dict[str, Any]:
        last = str(self.messages[-1].id) if self.messages else None
        if self.type == DM:
            assert self.recipient is not None
            return {
                "id": str(self.id),
                "type": DM,
                "last_message_id": last,
                "flags": 0,
                "recipients": [self.recipient.to_json()],
            }
        data: dict[str, Any] = {
            "id": str(self.id),
            "type": self.type,
            "guild_id": str(self.guild.id) if self.guild else None,
            "name": self.name,
            "last_message_id": last,
            "rate_limit_per_user": 0,
            "flags": 0,
        }
        if self.is_thread:
            assert self.parent is not None
            data.update(
                parent_id=str(self.parent.id),
                owner_id=str(self.owner_id) if self.owner_id else None,
                message_count=len(self.messages),
                total_message_sent=len(self.messages),
                member_count=min(len(self.member_ids), 50),
                thread_metadata={
                    "archived": self.archived,
                    "auto_archive_duration": self.auto_archive_duration,
                    "archive_timestamp": iso_now(),
                    "locked": self.locked,
                    "invitable": self.invitable,
                    "create_timestamp": iso_now(),
                },
            )
        else:
            data.update(
                position=self.position,
                permission_overwrites=[
                    {"id": str(target), "type": kind, "allow": str(allow), "deny": str(deny)}
                    for target, (kind, allow, deny) in self.overwrites.items()
                ],
                topic=None,
                nsfw=False,
                parent_id=None,
                default_auto_archive_duration=1440,
            )
        return data


@dataclass(eq=False)
class FakeGuild:
    name: str
    owner_id: int
    id: int = field(default_factory=snowflake)
    everyone: FakeRole = field(init=False)
    roles: list[FakeRole] = field(default_factory=list)
    members: dict[int, FakeMember] = field(default_factory=dict)
    channels: list[FakeChannel] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.everyone = FakeRole("@everyone", DEFAULT_EVERYONE_PERMISSIONS, id=self.id, position=0)
        self.roles.insert(0, self.everyone)

    @property
    def threads(self) -> list[FakeChannel]:
        return [c for c in self.channels if c.is_thread and not c.deleted]

    def channel_named(self, name: str) -> FakeChannel:
        for channel in self.channels:
            if channel.name == name and not channel.deleted:
                return channel
        raise KeyError(name)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "nsfw_level": 0,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "system_channel_id": None,
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "vanity_url_code": None,
            "preferred_locale": "en-US",
            "features": [],
            "roles": [r.to_json() for r in self.roles],
            "emojis": [],
            "stickers": [],
            "application_id": None,
            "max_members": 500000,
            "max_video_channel_users": 25,
        }

    def initial_members(self, *, me_id: int, intents: int, large_threshold: int) -> list[FakeMember]:
        """The members a GUILD_CREATE carries, as Discord's docs (Request Guild Members) describe:
        without the GUILD_PRESENCES intent, or over 75k members, only the connecting bot (and members
        in voice, which the fake has none of); over `large_threshold`, only members who are online,
        have a role or a nickname (the fake has no presence, so: a role or a nickname); else all.
        Anyone else must be asked for with Request Guild Members (gateway op 8)."""
        members = list(self.members.values())
        if not intents & GUILD_PRESENCES_INTENT or len(members) > PRESENCE_MEMBER_LIMIT:
            return [m for m in members if m.user.id == me_id]
        if len(members) > large_threshold:
            return [m for m in members if m.user.id == me_id or m.roles or m.nick]
        return members

    def gateway_json(
        self, *, me_id: int, intents: int, large_threshold: int = DEFAULT_LARGE_THRESHOLD
    ) -> dict[str, Any]:
        data = self.to_json()
        members = self.initial_members(me_id=me_id, intents=intents, large_threshold=large_threshold)
        data.update(
            joined_at=iso_now(),
            large=len(self.members) > large_threshold,
            unavailable=False,
            member_count=len(self.members),
            members=[m.to_json() for m in members],
            channels=[c.to_json() for c in self.channels if not c.is_thread and not c.deleted],
            threads=[c.to_json() for c in self.threads if not c.archived],
            presences=[],
            voice_states=[],
            stage_instances=[],
            guild_scheduled_events=[],
            soundboard_sounds=[],
        )
        return data


class FakeMessage(dict[str, Any]):
    """A stored message: the JSON Discord would return, plus a few conveniences."""

    files: dict[str, bytes]  # uploaded file contents by filename

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.files = {}

    @property
    def id(self) -> int:
        return int(self["id"])

    @property
    def content(self) -> str:
        return self.get("content") or ""

    @property
    def ephemeral(self) -> bool:
        return bool(int(self.get("flags") or 0) & EPHEMERAL)

    def text(self) -> str:
        return message_text(self)

    def buttons(self) -> list[tuple[str | None, str | None, bool]]:
        return [
            (c.get("label"), c.get("custom_id"), bool(c.get("disabled", False)))
            for c in walk_components(self.get("components") or [])
            if c.get("type") == 2
        ]


def walk_components(components: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first walk over message/modal components (rows, containers, sections, labels)."""
    for comp in components:
        yield comp
        yield from walk_components(comp.get("components") or [])
        for key in ("component", "accessory"):
            if isinstance(comp.get(key), dict):
                yield from walk_components([comp[key]])


def message_text(message: dict[str, Any]) -> str:
    """Content plus embed titles/descriptions/fields plus text displays, newline separated."""
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [embed.get("title") or "", embed.get("description") or ""]
        for fld in embed.get("fields") or []:
            parts += [fld.get("name") or "", fld.get("value") or ""]
        if embed.get("footer"):
            parts.append(embed["footer"].get("text") or "")
    for comp in walk_components(message.get("components") or []):
        if comp.get("type") == 10:
            parts.append(comp.get("content") or "")
    return "\n".join(p for p in parts if p)
