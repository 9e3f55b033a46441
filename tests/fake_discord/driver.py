"""The user-facing driver: slash commands, buttons, selects, modals, and what the bot answered."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import secrets
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from .models import (
    DM,
    EPHEMERAL,
    FakeChannel,
    FakeGuild,
    FakeMessage,
    FakeRole,
    FakeUser,
    message_text,
    snowflake,
    walk_components,
)

if TYPE_CHECKING:
    from .gateway import Gateway

SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
SELECT_TYPES = {3, 5, 6, 7, 8}


class InteractionError(AssertionError):
    """The driver could not build the interaction a person would have triggered."""


class FakeInteraction:
    """One interaction sent to the bot and everything the bot did in answer."""

    def __init__(
        self,
        payload: dict[str, Any],
        user: FakeUser,
        channel: FakeChannel,
        source_message: FakeMessage | None = None,
    ) -> None:
        self.payload = payload
        self.id = int(payload["id"])
        self.token: str = payload["token"]
        self.type: int = payload["type"]
        self.user = user
        self.channel = channel
        self.source_message = source_message
        self.created_at = time.monotonic()
        # When the event was on the wire (encoded, compressed, handed to the socket): the latency
        # counts from there, so the fake's own work on a bigger event is not the bot's.
        self.sent_at: float | None = None
        self.response_type: int | None = None
        self.response_data: dict[str, Any] = {}
        self.latency: float | None = None
        self.original: FakeMessage | None = None
        self.followup_messages: list[FakeMessage] = []
        self.expired = False
        self._changed = asyncio.Event()

    @property
    def responded(self) -> bool:
        return self.response_type is not None

    def on_wire(self) -> None:
        if self.sent_at is None:
            self.sent_at = time.monotonic()

    def record_response(self, kind: int, data: dict[str, Any], at: float) -> None:
        self.response_type, self.response_data = kind, data
        self.latency = at - (self.created_at if self.sent_at is None else self.sent_at)
        self.notify()

    def notify(self) -> None:
        self._changed.set()

    async def _wait(self, condition: Any, timeout: float, what: str) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"interaction {self.describe()}: no {what} within {timeout}s")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def describe(self) -> str:
        data = self.payload.get("data", {})
        return f"type {self.type} {data.get('name') or data.get('custom_id')!r}"

    async def response(self, timeout: float = 5.0) -> dict[str, Any]:
        """Wait for the initial callback; returns {"type": n, "data": {...}}."""
        await self._wait(lambda: self.responded, timeout, "initial response")
        return {"type": self.response_type, "data": self.response_data}

    async def followups(self, n: int = 1, timeout: float = 5.0) -> list[FakeMessage]:
        await self._wait(lambda: len(self.followup_messages) >= n, timeout, f"{n} followup(s)")
        return list(self.followup_messages)

    def all_messages(self) -> list[FakeMessage]:
        return [m for m in [self.original, *self.followup_messages] if m is not None]

    @property
    def message(self) -> FakeMessage | None:
        """The message the answer produced: @original, or the component's message after an update."""
        if self.original is not None:
            return self.original
        if self.response_type in (6, 7):
            return self.source_message
        return None

    def _field(self, key: str) -> Any:
        if self.message is not None:
            return self.message.get(key)
        return self.response_data.get(key)

    @property
    def ephemeral(self) -> bool:
        flags = self.message.get("flags") if self.message is not None else self.response_data.get("flags")
        return bool(int(flags or 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return self._field("content") or ""

    @property
    def embeds(self) -> list[dict[str, Any]]:
        return self._field("embeds") or []

    @property
    def components(self) -> list[dict[str, Any]]:
        return self._field("components") or []

    @property
    def modal(self) -> dict[str, Any] | None:
        return self.response_data if self.response_type == 9 else None

    @property
    def choices(self) -> list[dict[str, Any]]:
        return self.response_data.get("choices", []) if self.response_type == 8 else []

    def text(self) -> str:
        if self.message is not None:
            return message_text(self.message)
        return message_text(self.response_data)

    def buttons(self) -> list[tuple[str | None, str | None, bool]]:
        return [
            (c.get("label"), c.get("custom_id"), bool(c.get("disabled", False)))
            for c in walk_components(self.components)
            if c.get("type") == 2
        ]


class DriverMixin:
    """Builds INTERACTION_CREATE payloads like Discord's client would. Mixed into FakeDiscord."""

    application_id: int
    bot_user: FakeUser
    guilds: dict[int, FakeGuild]
    global_commands: list[dict[str, Any]]
    guild_commands: dict[int, list[dict[str, Any]]]
    interactions: dict[int, FakeInteraction]
    channels: dict[int, FakeChannel]
    users: dict[int, FakeUser]
    gateway: Gateway

    if TYPE_CHECKING:

        def dispatch(
            self, event: str, data: dict[str, Any], on_wire: Callable[[], None] | None = None
        ) -> Awaitable[bool]: ...

    # ------------------------------------------------------------------ public driver API
    async def slash(
        self, user: FakeUser, channel: FakeChannel, command: str, /, **options: Any
    ) -> FakeInteraction:
        """Run ``/command [group] [sub]`` with options, as ``user`` in ``channel``.

        Positional-only, so a command may have options named ``user`` or ``channel``."""
        data = self._command_data(channel, command, options, focused=None)
        return await self._send(self._base_payload(2, user, channel, data), user, channel)

    async def autocomplete(
        self,
        user: FakeUser,
        channel: FakeChannel,
        command: str,
        *,
        focused: str,
        timeout: float = 5.0,
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type into option ``focused``; returns the choices the bot offered (callback type 8)."""
        data = self._command_data(channel, command, options, focused=focused)
        ix = await self._send(self._base_payload(4, user, channel, data), user, channel)
        response = await ix.response(timeout)
        if response["type"] != 8:
            raise InteractionError(f"autocomplete answered with callback type {response['type']}")
        choices: list[dict[str, Any]] = response["data"].get("choices", [])
        return choices

    async def press(self, user: FakeUser, message: Any, button: str) -> FakeInteraction:
        """Press the button with this custom_id or label on ``message`` (a message or an interaction)."""
        msg = self._resolve_message(message)
        candidates = [c for c in walk_components(msg.get("components") or []) if c.get("type") == 2]
        found = next((c for c in candidates if c.get("custom_id") == button), None)
        found = found or next((c for c in candidates if c.get("label") == button), None)
        if found is None:
            labels = [(c.get("label"), c.get("custom_id")) for c in candidates]
            raise InteractionError(f"no button {button!r} on message; buttons: {labels}")
        if found.get("disabled"):
            raise InteractionError(f"button {button!r} is disabled")
        if "custom_id" not in found:
            raise InteractionError(f"button {button!r} is a link/premium button")
        data = {"custom_id": found["custom_id"], "component_type": 2}
        return await self._component(user, msg, data)

    async def select(
        self, user: FakeUser, message: Any, custom_id: str, values: list[Any]
    ) -> FakeInteraction:
        """Pick ``values`` in the select menu ``custom_id`` (string values, or fake users/channels/roles)."""
        msg = self._resolve_message(message)
        comp = next(
            (
                c
                for c in walk_components(msg.get("components") or [])
                if c.get("type") in SELECT_TYPES and c.get("custom_id") == custom_id
            ),
            None,
        )
        if comp is None:
            raise InteractionError(f"no select {custom_id!r} on message")
        channel = self._channel_of(msg)
        ids, resolved = self._resolve_values(channel, values)
        data: dict[str, Any] = {"custom_id": custom_id, "component_type": comp["type"], "values": ids}
        if resolved:
            data["resolved"] = resolved
        return await self._component(user, msg, data)

    async def submit_modal(
        self, user: FakeUser, ix: FakeInteraction, values: dict[str, Any]
    ) -> FakeInteraction:
        """Fill in and submit the modal ``ix`` was answered with; keys are custom_ids or labels."""
        modal = ix.modal
        if modal is None:
            raise InteractionError(f"interaction {ix.describe()} was not answered with a modal")
        remaining = dict(values)
        ids = itertools.count(1)  # Discord numbers components the bot left without an id
        components = [self._modal_component(c, remaining, None, ids) for c in modal.get("components", [])]
        if remaining:
            raise InteractionError(f"modal has no inputs {sorted(remaining)}")
        data = {"custom_id": modal["custom_id"], "components": components}
        payload = self._base_payload(5, user, ix.channel, data)
        if ix.source_message is not None:
            payload["message"] = dict(ix.source_message)
        return await self._send(payload, user, ix.channel, ix.source_message)

    # ------------------------------------------------------------------ payload building
    def _base_payload(
        self, kind: int, user: FakeUser, channel: FakeChannel, data: dict[str, Any]
    ) -> dict[str, Any]:
        guild = channel.guild
        payload: dict[str, Any] = {
            "id": str(snowflake()),
            "application_id": str(self.application_id),
            "type": kind,
            "data": data,
            "channel_id": str(channel.id),
            "token": f"ix.{secrets.token_urlsafe(32)}",
            "version": 1,
            "locale": "en-US",
            "entitlements": [],
            "attachment_size_limit": 10 * 1024 * 1024,
        }
        channel_json = channel.to_json()
        if guild is not None:
            member = guild.members.get(user.id)
            if member is None:
                raise InteractionError(f"{user.name} is not a member of guild {guild.name}")
            bot_member = guild.members[self.bot_user.id]
            payload.update(
                guild_id=str(guild.id),
                guild_locale="en-US",
                guild={"id": str(guild.id), "locale": "en-US", "features": []},
                member=member.to_json(with_permissions=True),
                app_permissions=str(bot_member.permissions),
                context=0,
                authorizing_integration_owners={"0": str(guild.id)},
            )
            channel_json["permissions"] = str(member.permissions)
        else:
            payload.update(
                user=user.to_json(),
                app_permissions=str(0x0006_0000_0000_4C00),
                context=1,
                authorizing_integration_owners={"0": "0"} if channel.type == DM else {"1": str(user.id)},
            )
        payload["channel"] = channel_json
        return payload

    async def _send(
        self, payload: dict[str, Any], user: FakeUser, channel: FakeChannel, source: FakeMessage | None = None
    ) -> FakeInteraction:
        ix = FakeInteraction(payload, user, channel, source)
        self.interactions[ix.id] = ix
        if not await self.dispatch("INTERACTION_CREATE", payload, ix.on_wire):
            raise InteractionError("the bot is not connected to the gateway")
        return ix

    async def _component(self, user: FakeUser, msg: FakeMessage, data: dict[str, Any]) -> FakeInteraction:
        channel = self._channel_of(msg)
        payload = self._base_payload(3, user, channel, data)
        payload["message"] = dict(msg)
        return await self._send(payload, user, channel, msg)

    def _resolve_message(self, message: Any) -> FakeMessage:
        if isinstance(message, FakeInteraction):
            msg = message.message or (message.followup_messages[-1] if message.followup_messages else None)
            if msg is None:
                raise InteractionError(f"interaction {message.describe()} produced no message")
            return msg
        if isinstance(message, FakeMessage):
            return message
        raise InteractionError(f"not a message: {message!r}")

    def _channel_of(self, msg: FakeMessage) -> FakeChannel:
        channel = self.channels.get(int(msg["channel_id"]))
        if channel is None:
            raise InteractionError(f"message {msg.id} has no known channel")
        return channel

    def _find_command(self, channel: FakeChannel, name: str, kind: int) -> dict[str, Any]:
        pools = []
        if channel.guild is not None:
            pools.append(self.guild_commands.get(channel.guild.id, []))
        pools.append(self.global_commands)
        for pool in pools:
            for cmd in pool:
                if cmd["name"] == name and cmd.get("type", 1) == kind:
                    return cmd
        synced = sorted({c["name"] for pool in pools for c in pool})
        raise InteractionError(f"command /{name} was never synced here (synced: {synced})")

    def _command_data(
        self, channel: FakeChannel, command: str, values: dict[str, Any], focused: str | None
    ) -> dict[str, Any]:
        name, *path = command.split()
        cmd = self._find_command(channel, name, 1)
        data: dict[str, Any] = {"id": cmd["id"], "name": name, "type": 1}
        if "guild_id" in cmd:
            data["guild_id"] = cmd["guild_id"]
        container: list[dict[str, Any]] = []
        data["options"] = container
        defs: list[dict[str, Any]] = cmd.get("options") or []
        for part in path:
            sub = next((o for o in defs if o["name"] == part and o["type"] in (1, 2)), None)
            if sub is None:
                raise InteractionError(f"/{command}: no subcommand or group {part!r}")
            node: dict[str, Any] = {"name": part, "type": sub["type"], "options": []}
            container.append(node)
            container, defs = node["options"], sub.get("options") or []
        if any(o["type"] in (1, 2) for o in defs):
            raise InteractionError(f"/{command} needs a subcommand: {[o['name'] for o in defs]}")
        resolved: dict[str, dict[str, Any]] = {}
        remaining = dict(values)
        for opt in defs:
            if opt["name"] not in remaining:
                if opt.get("required") and opt["name"] != focused:
                    raise InteractionError(f"/{command}: missing required option {opt['name']!r}")
                continue
            value = remaining.pop(opt["name"])
            entry: dict[str, Any] = {"name": opt["name"], "type": opt["type"]}
            if opt["name"] == focused:
                entry.update(value=str(value), focused=True)
            else:
                entry["value"] = self._option_value(channel, opt["type"], value, resolved)
            container.append(entry)
        if remaining:
            raise InteractionError(f"/{command}: unknown options {sorted(remaining)}")
        if resolved:
            data["resolved"] = resolved
        return data

    def _option_value(self, channel: FakeChannel, kind: int, value: Any, resolved: dict[str, Any]) -> Any:
        if kind in (USER, CHANNEL, ROLE, MENTIONABLE):
            ids, res = self._resolve_values(channel, [value])
            for key, items in res.items():
                resolved.setdefault(key, {}).update(items)
            return ids[0]
        if kind == INTEGER:
            return int(value)
        if kind == NUMBER:
            return float(value)
        if kind == BOOLEAN:
            return bool(value)
        return str(value)

    def _resolve_values(self, channel: FakeChannel, values: list[Any]) -> tuple[list[str], dict[str, Any]]:
        ids: list[str] = []
        resolved: dict[str, dict[str, Any]] = {}
        guild = channel.guild
        for value in values:
            if isinstance(value, FakeUser):
                ids.append(str(value.id))
                resolved.setdefault("users", {})[str(value.id)] = value.to_json()
                if guild is not None and value.id in guild.members:
                    member = guild.members[value.id].to_json(with_user=False, with_permissions=True)
                    resolved.setdefault("members", {})[str(value.id)] = member
            elif isinstance(value, FakeChannel):
                ids.append(str(value.id))
                info = value.to_json()
                info.pop("permission_overwrites", None)
                bot_member = guild.members.get(self.bot_user.id) if guild else None
                info["permissions"] = str(bot_member.permissions if bot_member else 0)
                resolved.setdefault("channels", {})[str(value.id)] = info
            elif isinstance(value, FakeRole):
                ids.append(str(value.id))
                resolved.setdefault("roles", {})[str(value.id)] = value.to_json()
            else:
                ids.append(str(value))
        return ids, resolved

    def _modal_component(
        self, comp: dict[str, Any], values: dict[str, Any], label: str | None, ids: Iterator[int]
    ) -> dict[str, Any]:
        """Echo one modal component the way Discord reports it in a MODAL_SUBMIT."""
        kind = comp["type"]
        out: dict[str, Any] = {"type": kind, "id": comp.get("id") or next(ids)}
        if kind == 1:
            out["components"] = [
                self._modal_component(c, values, None, ids) for c in comp.get("components", [])
            ]
        elif kind == 18:
            out["component"] = self._modal_component(comp["component"], values, comp.get("label"), ids)
        elif kind == 4:
            key = _pick_key(values, comp["custom_id"], label or comp.get("label"))
            if key is None:
                if comp.get("required", True) and not comp.get("value"):
                    raise InteractionError(f"modal input {comp['custom_id']!r} is required")
                value = comp.get("value") or ""
            else:
                value = str(values.pop(key))
            out.update(custom_id=comp["custom_id"], value=value)
        elif kind in SELECT_TYPES:
            key = _pick_key(values, comp["custom_id"], label)
            picked = values.pop(key) if key is not None else []
            out.update(custom_id=comp["custom_id"], values=[str(getattr(v, "id", v)) for v in picked])
        return out


def _pick_key(values: dict[str, Any], custom_id: str, label: str | None) -> str | None:
    if custom_id in values:
        return custom_id
    if label is not None and label in values:
        return label
    return None
