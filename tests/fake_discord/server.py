"""FakeDiscord: an aiohttp loopback server speaking enough of Discord's v10 HTTP API and gateway."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import secrets
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from .driver import DriverMixin, FakeInteraction
from .gateway import Gateway, GatewaySession
from .models import (
    ALL_PERMISSIONS,
    DM,
    EPHEMERAL,
    GUILD_MEMBERS_INTENT,
    GUILD_PRESENCES_INTENT,
    LOADING,
    PRIVATE_THREAD,
    PUBLIC_THREAD,
    TEXT,
    FakeChannel,
    FakeGuild,
    FakeMember,
    FakeMessage,
    FakeRole,
    FakeUser,
    iso_now,
    perm_value,
    snowflake,
)
from .spec import load_spec

API_PREFIX = "/api/v10"


class DiscordError(Exception):
    """Raised by handlers; becomes a Discord-style JSON error response."""

    def __init__(self, status: int, code: int, message: str, errors: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.errors = status, code, message, errors


def unknown(what: str, code: int) -> DiscordError:
    return DiscordError(404, code, f"Unknown {what}")


@contextlib.contextmanager
def pointing_discord_py_at(api_base: str, gateway_url: str) -> Iterator[None]:
    """discord.py's REST base and gateway pointed at a fake (this process's, or one in another
    process) for the duration, then put back."""
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes]]
    status: int = 0
    at: float = field(default_factory=time.monotonic)


@dataclass
class Violation:
    method: str
    path: str
    error: str

    def __str__(self) -> str:
        return f"{self.method} {self.path}: {self.error}"


@dataclass
class Fault:
    method: str
    path: re.Pattern[str]
    status: int
    times: int
    retry_after: float
    global_: bool
    code: int
    message: str


@dataclass
class Hold:
    """One request held in flight (see FakeDiscord.hold)."""

    method: str
    path: re.Pattern[str]
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    released: asyncio.Event = field(default_factory=asyncio.Event)

    async def reached(self, timeout: float = 5.0) -> None:
        await asyncio.wait_for(self.arrived.wait(), timeout)

    def release(self) -> None:
        self.released.set()


Handler = Callable[["Call"], Awaitable[Any]]


@dataclass
class Call:
    """A parsed request handed to a route handler."""

    method: str
    path: str
    params: dict[str, str]
    query: dict[str, str]
    json: Any
    files: list[tuple[str, str, bytes]]
    at: float = 0.0  # when the request was read (RecordedRequest.at), before any checking

    def int_param(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise DiscordError(404, 0, "404: Not Found") from None


class FakeDiscord(DriverMixin):
    """A fake Discord. ``await start()``, point discord.py at it with ``patch_discord_py()``."""

    def __init__(self, *, token: str | None = None, validate: bool = True) -> None:
        self.token = token or f"fake.{secrets.token_urlsafe(24)}"
        self.application_id = snowflake()
        self.bot_user = FakeUser("attune", bot=True, id=self.application_id)
        self.owner = FakeUser("owner")
        self.validate = validate
        self.users: dict[int, FakeUser] = {self.bot_user.id: self.bot_user, self.owner.id: self.owner}
        self.guilds: dict[int, FakeGuild] = {}
        self.channels: dict[int, FakeChannel] = {}
        self.dm_channels: dict[int, FakeChannel] = {}
        self._lost_dm_channels: dict[int, list[FakeChannel]] = defaultdict(list)
        self.messages: dict[int, tuple[FakeChannel | None, FakeMessage]] = {}
        self.global_commands: list[dict[str, Any]] = []
        self.guild_commands: dict[int, list[dict[str, Any]]] = {}
        self.command_sync_requests = 0
        self.requests: list[RecordedRequest] = []
        self.violations: list[Violation] = []
        self.interactions: dict[int, FakeInteraction] = {}
        self.interaction_deadline = 3.0
        self.dispatch_messages = True
        self._failed: dict[int, int] = defaultdict(int)
        self._faults: list[Fault] = []
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self._rate: _RateLimiter | None = None
        self._tasks: set[asyncio.Future[Any]] = set()  # strong refs to fire-and-forget dispatches
        self.handling = 0  # HTTP requests being answered right now
        # Set by the test harness while a bot runs: waits until the bot has no work in flight.
        self.settle: Callable[[], Awaitable[None]] | None = None
        self._holds: list[Hold] = []
        self._runner: web.AppRunner | None = None
        self.port = 0
        self.gateway = Gateway(
            token=lambda: self.token,
            ready_payload=self._ready_payload,
            guild_payloads=lambda session: [self._guild_create(g, session) for g in self.guilds.values()],
            member_chunks=self._member_chunks,
            resume_url=lambda: self.gateway_url,
        )
        self._register_routes()

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> FakeDiscord:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self.gateway.handle)
        app.router.add_route("*", API_PREFIX + "/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeDiscord:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        return self.base_url + API_PREFIX

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def patch_discord_py(self) -> contextlib.AbstractContextManager[None]:
        """Point discord.py's REST base (also used by its interaction webhook adapter) and gateway here."""
        return pointing_discord_py_at(self.api_base, self.gateway_url)

    # ------------------------------------------------------------------ gateway facade
    @property
    def identify_count(self) -> int:
        return self.gateway.identify_count

    @property
    def resume_count(self) -> int:
        return self.gateway.resume_count

    async def drop_gateway(self, *, resumable: bool = True) -> None:
        """Cut the bot's gateway connection; not `resumable`: it must IDENTIFY again (see Gateway.drop)."""
        await self.gateway.drop(resumable=resumable)

    async def dispatch(
        self, event: str, data: dict[str, Any], on_wire: Callable[[], None] | None = None
    ) -> bool:
        return await self.gateway.dispatch(event, data, on_wire)

    def _ready_payload(self, session: GatewaySession) -> dict[str, Any]:
        return {
            "v": 10,
            "user": {**self.bot_user.to_json(), "verified": True, "mfa_enabled": False, "email": None},
            "guilds": [{"id": str(g), "unavailable": True} for g in self.guilds],
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.gateway_url,
            "application": {"id": str(self.application_id), "flags": 0},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "user_settings": {},
            "geo_ordered_rtc_regions": ["us-east"],
            "_trace": ["fake-discord"],
        }

    # ------------------------------------------------------------------ world building
    def add_guild(self, name: str, *, bot_permissions: Any = ALL_PERMISSIONS) -> FakeGuild:
        guild = FakeGuild(name, owner_id=self.owner.id)
        self.guilds[guild.id] = guild
        bot_role = FakeRole(self.bot_user.name, perm_value(bot_permissions), position=1, managed=True)
        guild.roles.append(bot_role)
        guild.members[self.owner.id] = FakeMember(self.owner, guild)
        guild.members[self.bot_user.id] = FakeMember(self.bot_user, guild, [bot_role])
        if self.gateway.current is not None:
            self._spawn(self.dispatch("GUILD_CREATE", self._guild_create(guild, self.gateway.current)))
        return guild

    def set_bot_permissions(self, guild: FakeGuild, permissions: Any) -> None:
        """Change the permissions of the bot's managed role in ``guild`` (dispatches GUILD_ROLE_UPDATE)."""
        role = guild.members[self.bot_user.id].roles[0]
        role.permissions = perm_value(permissions)
        if self.gateway.current is not None:
            self._spawn(
                self.dispatch("GUILD_ROLE_UPDATE", {"guild_id": str(guild.id), "role": role.to_json()})
            )

    def set_overwrite(
        self, channel: FakeChannel, target: FakeUser | FakeRole, *, allow: int = 0, deny: int = 0
    ) -> None:
        """A moderator edits a channel's permission overwrite for a member or a role (dispatches
        CHANNEL_UPDATE); allow=deny=0 removes it. Threads follow their parent's overwrites."""
        kind = 1 if isinstance(target, FakeUser) else 0
        if allow or deny:
            channel.overwrites[target.id] = (kind, allow, deny)
        else:
            channel.overwrites.pop(target.id, None)
        if self.gateway.current is not None:
            self._spawn(self.dispatch("CHANNEL_UPDATE", channel.to_json()))

    def add_user(self, name: str) -> FakeUser:
        user = FakeUser(name)
        self.users[user.id] = user
        return user

    def add_member(
        self,
        guild: FakeGuild,
        user: FakeUser | str,
        *,
        permissions: Any = None,
        nick: str | None = None,
        dispatch: bool = True,
    ) -> FakeUser:
        """Add a member (creating the user from a name); dispatches GUILD_MEMBER_ADD once connected.

        `dispatch=False`: the world changes and no event is sent, as when someone joins while the bot
        is stopped (the event would have gone to a session nobody resumes); the next IDENTIFY's
        GUILD_CREATE and op 8 answers reflect it."""
        if isinstance(user, str):
            user = self.add_user(user)
        self.users[user.id] = user
        roles = []
        if permissions is not None:
            role = FakeRole(f"{user.name}-role", perm_value(permissions), position=len(guild.roles))
            guild.roles.append(role)
            roles.append(role)
            if dispatch and self.gateway.current is not None:
                self._spawn(
                    self.dispatch("GUILD_ROLE_CREATE", {"guild_id": str(guild.id), "role": role.to_json()})
                )
        member = FakeMember(user, guild, roles, nick=nick)
        guild.members[user.id] = member
        if dispatch and self.gateway.current is not None:
            self._spawn(self.dispatch("GUILD_MEMBER_ADD", {**member.to_json(), "guild_id": str(guild.id)}))
        return user

    async def remove_member(self, guild: FakeGuild, user: FakeUser, *, dispatch: bool = True) -> None:
        """The person leaves the server, and with it every thread there (Discord removes a departed
        member from its threads). `dispatch=False`: no GUILD_MEMBER_REMOVE, as when it happens while
        the bot is stopped; the next IDENTIFY's GUILD_CREATE and op 8 answers reflect it."""
        guild.members.pop(user.id, None)
        for thread in guild.threads:
            thread.member_ids.discard(user.id)
            thread.member_joined.pop(user.id, None)
        if dispatch:
            await self.dispatch("GUILD_MEMBER_REMOVE", {"guild_id": str(guild.id), "user": user.to_json()})

    def add_text_channel(self, guild: FakeGuild, name: str) -> FakeChannel:
        channel = FakeChannel(name, TEXT, guild, position=len(guild.channels))
        guild.channels.append(channel)
        self.channels[channel.id] = channel
        if self.gateway.current is not None:
            self._spawn(self.dispatch("CHANNEL_CREATE", channel.to_json()))
        return channel

    def dm_channel(self, user: FakeUser) -> FakeChannel:
        """The DM channel between the bot and `user`: one per user, the same id every time it is
        opened (as on Discord), until `lose_dm_channel` makes Discord forget it."""
        channel = self.dm_channels.get(user.id)
        if channel is None or channel.deleted:
            channel = FakeChannel(user.name, DM, recipient=user)
            self.dm_channels[user.id] = channel
            self.channels[channel.id] = channel
        return channel

    def member(self, guild: FakeGuild, user: FakeUser) -> FakeMember:
        return guild.members[user.id]

    def _spawn(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # ------------------------------------------------------------------ guild members over the gateway
    def _guild_create(self, guild: FakeGuild, session: GatewaySession) -> dict[str, Any]:
        return guild.gateway_json(
            me_id=self.bot_user.id, intents=session.intents, large_threshold=session.large_threshold
        )

    def _gateway_violation(self, error: str) -> None:
        self.violations.append(Violation("GATEWAY", "op 8 Request Guild Members", error))

    def _member_chunks(self, session: GatewaySession, data: dict[str, Any]) -> list[dict[str, Any]]:
        """GUILD_MEMBERS_CHUNK payloads answering one Request Guild Members, per Discord's docs:
        one guild per request; exactly one of `query` (a username/nickname prefix, with `limit`;
        at most 100 members, or everyone for query "" and limit 0, which needs GUILD_MEMBERS) or
        `user_ids` (at most 100 members returned; ids not in the guild come back in `not_found`);
        up to 1000 members a chunk; `nonce` echoed when at most 32 bytes; presences only with the
        GUILD_PRESENCES intent. A request Discord would refuse is recorded as a violation."""
        raw_guild = data.get("guild_id")
        guild = self.guilds.get(int(raw_guild)) if isinstance(raw_guild, (str, int)) else None
        if guild is None or self.bot_user.id not in guild.members:
            self._gateway_violation(f"guild_id {raw_guild!r} is not one guild the bot is in")
            return []
        query, user_ids = data.get("query"), data.get("user_ids")
        if (query is None) == (user_ids is None):
            self._gateway_violation("exactly one of query or user_ids is required")
            return []
        not_found: list[str] | None = None
        if user_ids is not None:
            ids = [int(u) for u in (user_ids if isinstance(user_ids, list) else [user_ids])]
            if len(ids) > 100:
                self._gateway_violation(f"{len(ids)} user_ids: Discord returns at most 100 members")
            found = [guild.members[u] for u in ids if u in guild.members][:100]
            not_found = [str(u) for u in ids if u not in guild.members]
        else:
            limit = data.get("limit")
            if not isinstance(limit, int) or limit < 0:
                self._gateway_violation("limit is required with query")
                return []
            everyone = query == "" and limit == 0
            if everyone and not session.intents & GUILD_MEMBERS_INTENT:
                self._gateway_violation("the whole member list needs the GUILD_MEMBERS intent")
                return []
            prefix = str(query).casefold()
            found = [
                m
                for m in guild.members.values()
                if m.user.name.casefold().startswith(prefix) or (m.nick or "").casefold().startswith(prefix)
            ]
            if not everyone:
                found = found[: min(limit or 100, 100)]
        nonce = data.get("nonce")
        if not isinstance(nonce, str) or len(nonce.encode()) > 32:
            nonce = None  # "ignored, and the reply member_chunk(s) will not have a nonce set"
        presences = bool(data.get("presences")) and bool(session.intents & GUILD_PRESENCES_INTENT)
        pieces = [found[i : i + 1000] for i in range(0, len(found), 1000)] or [[]]
        chunks = []
        for index, members in enumerate(pieces):
            chunk: dict[str, Any] = {
                "guild_id": str(guild.id),
                "members": [m.to_json() for m in members],
                "chunk_index": index,
                "chunk_count": len(pieces),
            }
            if not_found is not None and index == 0:
                chunk["not_found"] = not_found
            if presences:
                chunk["presences"] = []
            if nonce is not None:
                chunk["nonce"] = nonce
            chunks.append(chunk)
        return chunks

    # ------------------------------------------------------------------ faults and reading state
    def close_dms(self, user: FakeUser, closed: bool = True) -> None:
        user.dms_closed = closed

    def lose_dm_channel(self, user: FakeUser) -> FakeChannel:
        """Discord no longer knows the DM channel with `user`: a request to it answers 404 Unknown
        Channel (10003), and opening a DM with them again gives a new channel (a new id). Returns
        the lost channel (its messages stay readable here)."""
        channel = self.dm_channel(user)
        channel.deleted = True
        self._lost_dm_channels[user.id].append(channel)
        return channel

    def failed_requests_for(self, user: FakeUser) -> int:
        return self._failed[user.id]

    def inject_fault(
        self,
        method: str,
        path_regex: str,
        status: int = 500,
        *,
        times: int = 1,
        retry_after: float = 0.2,
        global_: bool = False,
        code: int = 0,
        message: str | None = None,
    ) -> None:
        """The next ``times`` requests matching (method, regex searched in the path after /api/v10) fail."""
        default = {429: "You are being rate limited.", 500: "500: Internal Server Error"}.get(status, "Fault")
        self._faults.append(
            Fault(
                method.upper(),
                re.compile(path_regex),
                status,
                times,
                retry_after,
                global_,
                code,
                message or default,
            )
        )

    def hold(self, method: str, path_regex: str) -> Hold:
        """Hold the next request matching (method, regex searched in the path) in flight, as a slow
        network or a rate-limit wait would, until ``release()``: the deterministic way to act while
        a post is on its way. ``await hold.reached()`` waits until such a request arrived."""
        held = Hold(method.upper(), re.compile(path_regex))
        self._holds.append(held)
        return held

    def rate_limits(
        self, enabled: bool = True, *, global_per_sec: int = 50, per_channel: tuple[int, float] = (5, 5.0)
    ) -> None:
        self._rate = _RateLimiter(global_per_sec, per_channel) if enabled else None

    def messages_in(self, channel: FakeChannel) -> list[FakeMessage]:
        return list(channel.messages)

    def dm_messages(self, user: FakeUser) -> list[FakeMessage]:
        """Every DM the user received, in lost DM channels too (see `lose_dm_channel`)."""
        lost = [m for c in self._lost_dm_channels.get(user.id, []) for m in c.messages]
        channel = self.dm_channels.get(user.id)
        current = channel.messages if channel is not None and not channel.deleted else []
        return lost + list(current)

    def threads_in(self, channel: FakeChannel) -> list[FakeChannel]:
        return [c for c in self.channels.values() if c.parent is channel and not c.deleted]

    def thread_members(self, thread: FakeChannel) -> list[FakeUser]:
        return [self.users[uid] for uid in thread.member_ids]

    def requests_to(self, method: str, path_regex: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method.upper() and re.search(path_regex, r.path)]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5.0) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise TimeoutError("fake_discord.wait_for: condition not met")
            await asyncio.sleep(0.01)

    async def wait_for_message(
        self,
        channel: FakeChannel,
        predicate: Callable[[FakeMessage], bool] = lambda m: True,
        timeout: float = 5.0,
    ) -> FakeMessage:
        def find() -> FakeMessage | None:
            return next((m for m in reversed(channel.messages) if predicate(m)), None)

        result: FakeMessage = await self.wait_for(find, timeout)
        if self.settle is not None:
            # A message is the first visible sign of some work, not its end: wait for the rest.
            await self.settle()
        return result

    def busy(self, received_seq: int | None) -> str | None:
        """What the fake is still doing, or None: requests being answered, dispatches being sent,
        or events sent that the bot (which has read up to `received_seq`) has not read yet."""
        if self.handling:
            return f"{self.handling} HTTP request(s) being answered"
        if self._tasks:
            return f"{len(self._tasks)} dispatch(es) being sent"
        session = self.gateway.current
        if session is not None and session.seq > (received_seq or 0):
            return f"gateway events up to {session.seq} sent, the bot has read {received_seq}"
        return None

    # ------------------------------------------------------------------ HTTP plumbing
    def _route(self, method: str, template: str, handler: Handler) -> None:
        pattern = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", template)
        self._routes.append((method, re.compile(f"^{pattern}$"), handler))

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        arrived = time.monotonic()  # before the body is read and parsed: that is the fake's work
        path = "/" + request.match_info["tail"]
        method = request.method
        query = dict(request.query)
        body, files = await _read_body(request)
        rec = RecordedRequest(method, path, query, body, files, at=arrived)
        self.requests.append(rec)
        self.handling += 1
        try:
            response = await self._respond(request, rec)
        finally:
            self.handling -= 1
        rec.status = response.status
        return response

    async def _respond(self, request: web.Request, rec: RecordedRequest) -> web.Response:
        method, path = rec.method, rec.path
        if self.validate:
            errors = load_spec().validate(method, path, rec.json)
            for error in errors:
                self.violations.append(Violation(method, path, error))
            if errors and "unknown path" in errors[0]:
                return _error(DiscordError(404, 0, "404: Not Found"))
            if errors and "unknown method" in errors[0]:
                return _error(DiscordError(405, 0, "405: Method Not Allowed"))
            if errors:
                return _error(DiscordError(400, 50035, "Invalid Form Body", {"_errors": errors}))
        for held in self._holds:
            if not held.arrived.is_set() and held.method in (method, "*") and held.path.search(path):
                held.arrived.set()
                await held.released.wait()
                break
        is_webhook = path.startswith(("/webhooks/", "/interactions/"))
        if not is_webhook and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(DiscordError(401, 0, "401: Unauthorized"))
        for fault in self._faults:
            if fault.times > 0 and fault.method in (method, "*") and fault.path.search(path):
                fault.times -= 1
                return _fault_response(fault)
        if self._rate is not None:
            limited = self._rate.check(path)
            if limited is not None:
                return limited
        for route_method, pattern, handler in self._routes:
            match = pattern.match(path)
            if match and route_method == method:
                call = Call(method, path, match.groupdict(), rec.query, rec.json, rec.files, rec.at)
                try:
                    result = await handler(call)
                except DiscordError as exc:
                    return _error(exc)
                if result is None:
                    return web.Response(status=204)
                return _json(result)
        return _error(DiscordError(404, 0, "404: Not Found"))

    def _register_routes(self) -> None:
        r = self._route
        r("GET", "/users/@me", self._get_me)
        r("GET", "/users/{user_id}", self._get_user)
        r("POST", "/users/@me/channels", self._create_dm)
        r("GET", "/oauth2/applications/@me", self._get_application)
        r("GET", "/applications/@me", self._get_application)
        r("GET", "/gateway/bot", self._get_gateway_bot)
        r("GET", "/gateway", self._get_gateway_bot)
        r("GET", "/applications/{app}/commands", self._get_commands)
        r("PUT", "/applications/{app}/commands", self._put_commands)
        r("GET", "/applications/{app}/guilds/{guild_id}/commands", self._get_commands)
        r("PUT", "/applications/{app}/guilds/{guild_id}/commands", self._put_commands)
        r("POST", "/interactions/{iid}/{token}/callback", self._interaction_callback)
        r("GET", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_get)
        r("PATCH", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_edit)
        r("DELETE", "/webhooks/{app}/{token}/messages/{mid}", self._webhook_delete)
        r("POST", "/webhooks/{app}/{token}", self._followup)
        r("GET", "/channels/{cid}/messages", self._list_messages)
        r("POST", "/channels/{cid}/messages", self._post_message)
        r("GET", "/channels/{cid}/messages/{mid}", self._get_message)
        r("PATCH", "/channels/{cid}/messages/{mid}", self._edit_message)
        r("DELETE", "/channels/{cid}/messages/{mid}", self._delete_message)
        r("POST", "/channels/{cid}/typing", self._typing)
        r("POST", "/channels/{cid}/threads", self._create_thread)
        r("GET", "/channels/{cid}/thread-members", self._list_thread_members)
        r("GET", "/channels/{cid}/thread-members/{uid}", self._get_thread_member)
        r("PUT", "/channels/{cid}/thread-members/{uid}", self._add_thread_member)
        r("DELETE", "/channels/{cid}/thread-members/{uid}", self._remove_thread_member)
        r("GET", "/channels/{cid}", self._get_channel)
        r("PATCH", "/channels/{cid}", self._edit_channel)
        r("DELETE", "/channels/{cid}", self._delete_channel)
        r("GET", "/guilds/{guild_id}", self._get_guild)
        r("GET", "/guilds/{guild_id}/channels", self._get_guild_channels)
        r("GET", "/guilds/{guild_id}/members", self._list_members)
        r("GET", "/guilds/{guild_id}/members/{uid}", self._get_member)

    # ------------------------------------------------------------------ lookups
    def _guild(self, call: Call) -> FakeGuild:
        guild = self.guilds.get(call.int_param("guild_id"))
        if guild is None:
            raise unknown("Guild", 10004)
        return guild

    def _channel(self, call: Call, key: str = "cid") -> FakeChannel:
        channel = self.channels.get(call.int_param(key))
        if channel is None or channel.deleted:
            raise unknown("Channel", 10003)
        return channel

    def _message(self, channel: FakeChannel | None, mid: int) -> FakeMessage:
        entry = self.messages.get(mid)
        if entry is None or (channel is not None and entry[0] is not channel):
            raise unknown("Message", 10008)
        return entry[1]

    def _interaction(self, call: Call) -> FakeInteraction:
        for ix in self.interactions.values():
            if ix.token == call.params["token"]:
                if call.params.get("app") not in (None, str(self.application_id)):
                    break
                return ix
        raise unknown("Webhook", 10015)

    # ------------------------------------------------------------------ users, app, gateway
    async def _get_me(self, call: Call) -> Any:
        return {**self.bot_user.to_json(), "verified": True, "mfa_enabled": False, "email": None}

    async def _get_user(self, call: Call) -> Any:
        user = self.users.get(call.int_param("user_id"))
        if user is None:
            raise unknown("User", 10013)
        return user.to_json()

    async def _create_dm(self, call: Call) -> Any:
        user = self.users.get(int(call.json["recipient_id"]))
        if user is None:
            raise unknown("User", 10013)
        return self.dm_channel(user).to_json()

    async def _get_application(self, call: Call) -> Any:
        return {
            "id": str(self.application_id),
            "name": self.bot_user.name,
            "icon": None,
            "description": "",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": 0,
            "owner": self.owner.to_json(),
            "team": None,
            "bot": self.bot_user.to_json(),
            "rpc_origins": [],
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
        }

    async def _get_gateway_bot(self, call: Call) -> Any:
        limit = {"total": 1000, "remaining": 999, "reset_after": 0, "max_concurrency": 1}
        return {"url": self.gateway_url, "shards": 1, "session_start_limit": limit}

    # ------------------------------------------------------------------ application commands
    async def _get_commands(self, call: Call) -> Any:
        if "guild_id" in call.params:
            return self.guild_commands.get(call.int_param("guild_id"), [])
        return self.global_commands

    async def _put_commands(self, call: Call) -> Any:
        self.command_sync_requests += 1
        guild_id = call.int_param("guild_id") if "guild_id" in call.params else None
        existing = self.guild_commands.get(guild_id, []) if guild_id else self.global_commands
        ids = {(c["name"], c.get("type", 1)): c["id"] for c in existing}
        stored = []
        for body in call.json or []:
            cmd = {
                "type": 1,
                "description": "",
                "options": [],
                "default_member_permissions": None,
                "nsfw": False,
                "name_localizations": None,
                "description_localizations": None,
                **body,
                "id": ids.get((body["name"], body.get("type", 1))) or str(snowflake()),
                "application_id": str(self.application_id),
                "version": str(snowflake()),
            }
            if guild_id:
                cmd["guild_id"] = str(guild_id)
            stored.append(cmd)
        if guild_id:
            self.guild_commands[guild_id] = stored
        else:
            self.global_commands = stored
        return stored

    # ------------------------------------------------------------------ interactions
    async def _interaction_callback(self, call: Call) -> Any:
        ix = self.interactions.get(call.int_param("iid"))
        if ix is None or ix.token != call.params["token"]:
            raise unknown("interaction", 10062)
        if ix.responded:
            raise DiscordError(400, 40060, "Interaction has already been acknowledged.")
        if time.monotonic() - ix.created_at > self.interaction_deadline:
            ix.expired = True
            raise unknown("interaction", 10062)
        body = call.json or {}
        kind: int = int(body.get("type") or 0)
        data: dict[str, Any] = body.get("data") or {}
        message: FakeMessage | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0)
            msg_body = data if kind == 4 else {"content": "", "flags": flags | LOADING}
            message = self._make_message(ix.channel, msg_body, call.files, webhook=True, interaction=ix)
            ix.original = message
        elif kind == 7:
            if ix.source_message is None:
                raise DiscordError(400, 40004, "Interaction response type not valid for this interaction")
            message = self._apply_edit(ix.source_message, data, call.files)
        # Timed at the request's arrival: the fake's own spec check and bookkeeping are not the bot's.
        ix.record_response(kind, data, call.at)
        if call.query.get("with_response") not in ("1", "true", "True"):
            return None
        info: dict[str, Any] = {"id": str(ix.id), "type": ix.type}
        result: dict[str, Any] = {"interaction": info, "resource": {"type": kind}}
        if message is not None:
            info.update(
                response_message_id=str(message.id),
                response_message_loading=kind == 5,
                response_message_ephemeral=message.ephemeral,
            )
            result["resource"]["message"] = message
        return result

    def _webhook_message(self, ix: FakeInteraction, mid: str) -> FakeMessage:
        if mid == "@original":
            if ix.original is not None:
                return ix.original
            if ix.source_message is not None and ix.responded:
                return ix.source_message
            raise unknown("Message", 10008)
        for msg in ix.all_messages():
            if str(msg.id) == mid:
                return msg
        raise unknown("Message", 10008)

    async def _webhook_get(self, call: Call) -> Any:
        return self._webhook_message(self._interaction(call), call.params["mid"])

    async def _webhook_edit(self, call: Call) -> Any:
        ix = self._interaction(call)
        message = self._webhook_message(ix, call.params["mid"])
        edited = self._apply_edit(message, call.json or {}, call.files)
        ix.notify()
        return edited

    async def _webhook_delete(self, call: Call) -> Any:
        ix = self._interaction(call)
        message = self._webhook_message(ix, call.params["mid"])
        self._remove_message(message)
        ix.notify()
        return None

    async def _followup(self, call: Call) -> Any:
        ix = self._interaction(call)
        if not ix.responded:
            raise unknown("Webhook", 10015)
        body = call.json or {}
        original = ix.original
        if original is not None and int(original.get("flags") or 0) & LOADING:
            # Discord turns the first followup after a "thinking" defer into the original response.
            message = self._apply_edit(original, body, call.files)
            message["flags"] = int(message.get("flags") or 0) & ~LOADING
        else:
            message = self._make_message(ix.channel, body, call.files, webhook=True, interaction=ix)
        ix.followup_messages.append(message)
        ix.notify()
        return message if call.query.get("wait") in ("1", "true", "True") else None

    # ------------------------------------------------------------------ messages
    def _make_message(
        self,
        channel: FakeChannel | None,
        body: dict[str, Any],
        files: list[tuple[str, str, bytes]],
        *,
        webhook: bool = False,
        interaction: FakeInteraction | None = None,
    ) -> FakeMessage:
        msg = FakeMessage(
            id=str(snowflake()),
            channel_id=str(channel.id) if channel else "0",
            author=self.bot_user.to_json(),
            content=body.get("content") or "",
            timestamp=iso_now(),
            edited_timestamp=None,
            tts=bool(body.get("tts")),
            mention_everyone=False,
            mentions=[],
            mention_roles=[],
            attachments=[],
            embeds=body.get("embeds") or [],
            components=body.get("components") or [],
            pinned=False,
            type=0 if interaction is None or interaction.type != 2 else 20,
            flags=int(body.get("flags") or 0),
        )
        if channel is not None and channel.guild is not None:
            msg["guild_id"] = str(channel.guild.id)
        reference = body.get("message_reference")
        if isinstance(reference, dict) and reference.get("message_id") and channel is not None:
            replied = self.messages.get(int(reference["message_id"]))
            if replied is None and reference.get("fail_if_not_exists", True):
                raise DiscordError(400, 50035, "Invalid Form Body", {"message_reference": "Unknown message"})
            msg["type"] = 19  # REPLY
            msg["message_reference"] = {
                "type": 0,
                "message_id": str(reference["message_id"]),
                "channel_id": str(reference.get("channel_id") or channel.id),
                **({"guild_id": str(channel.guild.id)} if channel.guild is not None else {}),
            }
            msg["referenced_message"] = dict(replied[1]) if replied is not None else None
        if webhook:
            msg["webhook_id"] = str(self.application_id)
            msg["application_id"] = str(self.application_id)
        if interaction is not None:
            msg["interaction_metadata"] = {
                "id": str(interaction.id),
                "type": interaction.type,
                "user": interaction.user.to_json(),
                "authorizing_integration_owners": interaction.payload.get(
                    "authorizing_integration_owners", {}
                ),
            }
        _attach_files(msg, body, files)
        self.messages[msg.id] = (channel, msg)
        if channel is not None and not msg.ephemeral:
            channel.messages.append(msg)
            if self.dispatch_messages:
                self._spawn(self.dispatch("MESSAGE_CREATE", dict(msg)))
        return msg

    def _apply_edit(
        self, msg: FakeMessage, body: dict[str, Any], files: list[tuple[str, str, bytes]]
    ) -> FakeMessage:
        for key in ("content", "embeds", "components", "flags"):
            if key in body:
                msg[key] = body[key] if body[key] is not None else ([] if key != "content" else "")
        if "flags" in body and body["flags"] is not None:
            msg["flags"] = int(body["flags"]) | (int(msg.get("flags") or 0) & EPHEMERAL)
        msg["flags"] = int(msg.get("flags") or 0) & ~LOADING
        if "attachments" in body or files:
            keep = {str(a.get("id")) for a in body.get("attachments") or []}
            msg["attachments"] = [a for a in msg["attachments"] if a["id"] in keep]
            _attach_files(msg, body, files)
        msg["edited_timestamp"] = iso_now()
        return msg

    def _remove_message(self, msg: FakeMessage) -> None:
        channel, _ = self.messages.pop(msg.id, (None, msg))
        if channel is not None and msg in channel.messages:
            channel.messages.remove(msg)
        msg["deleted"] = True

    def _bot_permissions_in(self, channel: FakeChannel) -> int:
        assert channel.guild is not None
        return channel.guild.members[self.bot_user.id].permissions_in(channel)

    async def _post_message(self, call: Call) -> Any:
        channel = self._channel(call)
        if channel.guild is not None:
            send = SEND_MESSAGES_IN_THREADS if channel.is_thread else SEND_MESSAGES
            granted = self._bot_permissions_in(channel)
            if not granted & VIEW_CHANNEL:
                raise DiscordError(403, 50001, "Missing Access")
            if not granted & send:
                raise DiscordError(403, 50013, "Missing Permissions")
        if channel.type == DM and channel.recipient is not None and channel.recipient.dms_closed:
            self._failed[channel.recipient.id] += 1
            raise DiscordError(403, 50007, "Cannot send messages to this user")
        if channel.is_thread and channel.archived and channel.locked:
            raise DiscordError(400, 50083, "Thread is archived")
        if channel.is_thread and channel.archived:
            channel.archived = False  # sending to an unlocked archived thread unarchives it
        return self._make_message(channel, call.json or {}, call.files)

    async def _list_messages(self, call: Call) -> Any:
        channel = self._channel(call)
        limit = int(call.query.get("limit", 50))
        msgs = list(reversed(channel.messages))
        if "before" in call.query:
            msgs = [m for m in msgs if m.id < int(call.query["before"])]
        if "after" in call.query:
            msgs = [m for m in msgs if m.id > int(call.query["after"])]
        return msgs[:limit]

    async def _get_message(self, call: Call) -> Any:
        return self._message(self._channel(call), call.int_param("mid"))

    async def _edit_message(self, call: Call) -> Any:
        msg = self._message(self._channel(call), call.int_param("mid"))
        return self._apply_edit(msg, call.json or {}, call.files)

    async def _delete_message(self, call: Call) -> Any:
        self._remove_message(self._message(self._channel(call), call.int_param("mid")))
        return None

    async def _typing(self, call: Call) -> Any:
        self._channel(call)
        return None

    # ------------------------------------------------------------------ channels and threads
    async def _get_channel(self, call: Call) -> Any:
        return self._channel(call).to_json()

    async def _edit_channel(self, call: Call) -> Any:
        channel = self._channel(call)
        body = call.json or {}
        for key in ("name", "archived", "locked", "invitable", "auto_archive_duration"):
            if key in body and body[key] is not None:
                setattr(channel, key, body[key])
        event = "THREAD_UPDATE" if channel.is_thread else "CHANNEL_UPDATE"
        await self.dispatch(event, channel.to_json())
        return channel.to_json()

    async def _delete_channel(self, call: Call) -> Any:
        return await self.delete_channel(self._channel(call))

    async def delete_channel(self, channel: FakeChannel) -> dict[str, Any]:
        """Delete a channel (as a moderator would, or through the API). Deleting a channel deletes
        its threads with it, as Discord does."""
        channel.deleted = True
        data = channel.to_json()
        if channel.is_thread:
            await self.dispatch(
                "THREAD_DELETE", {k: data[k] for k in ("id", "guild_id", "parent_id", "type")}
            )
        else:
            for thread in [c for c in self.channels.values() if c.parent is channel]:
                thread.deleted = True
            await self.dispatch("CHANNEL_DELETE", data)
        return data

    async def _create_thread(self, call: Call) -> Any:
        parent = self._channel(call)
        if parent.guild is None or parent.is_thread:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        body = call.json or {}
        thread = FakeChannel(
            body.get("name", "thread"),
            int(body.get("type") or PRIVATE_THREAD),
            parent.guild,
            parent=parent,
            owner_id=self.bot_user.id,
            invitable=bool(body.get("invitable", True)),
            auto_archive_duration=int(body.get("auto_archive_duration") or 1440),
        )
        if thread.type not in (PUBLIC_THREAD, PRIVATE_THREAD):
            raise DiscordError(400, 50035, "Invalid Form Body", {"type": "not a thread type"})
        thread.member_ids.add(self.bot_user.id)
        thread.member_joined[self.bot_user.id] = iso_now()
        parent.guild.channels.append(thread)
        self.channels[thread.id] = thread
        await self.dispatch("THREAD_CREATE", {**thread.to_json(), "newly_created": True})
        return thread.to_json()

    def _thread(self, call: Call) -> FakeChannel:
        thread = self._channel(call)
        if not thread.is_thread:
            raise DiscordError(400, 50024, "Cannot execute action on this channel type")
        return thread

    def _thread_member_json(self, thread: FakeChannel, uid: int) -> dict[str, Any]:
        return {
            "id": str(thread.id),
            "user_id": str(uid),
            "join_timestamp": thread.member_joined.get(uid, iso_now()),
            "flags": 0,
        }

    async def _list_thread_members(self, call: Call) -> Any:
        thread = self._thread(call)
        return [self._thread_member_json(thread, uid) for uid in thread.member_ids]

    async def _get_thread_member(self, call: Call) -> Any:
        thread = self._thread(call)
        uid = self.bot_user.id if call.params["uid"] == "@me" else call.int_param("uid")
        if uid not in thread.member_ids:
            raise unknown("Member", 10007)
        return self._thread_member_json(thread, uid)

    async def _add_thread_member(self, call: Call) -> Any:
        thread = self._thread(call)
        uid = self.bot_user.id if call.params["uid"] == "@me" else call.int_param("uid")
        assert thread.guild is not None
        if uid not in thread.guild.members:
            raise unknown("Member", 10007)
        if thread.archived:
            raise DiscordError(400, 50083, "Thread is archived")
        if uid not in thread.member_ids:
            thread.member_ids.add(uid)
            thread.member_joined[uid] = iso_now()
            member = {**self._thread_member_json(thread, uid), "member": thread.guild.members[uid].to_json()}
            await self.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.member_ids),
                    "added_members": [member],
                },
            )
        return None

    async def _remove_thread_member(self, call: Call) -> Any:
        thread = self._thread(call)
        uid = self.bot_user.id if call.params["uid"] == "@me" else call.int_param("uid")
        if uid in thread.member_ids:
            thread.member_ids.discard(uid)
            assert thread.guild is not None
            await self.dispatch(
                "THREAD_MEMBERS_UPDATE",
                {
                    "id": str(thread.id),
                    "guild_id": str(thread.guild.id),
                    "member_count": len(thread.member_ids),
                    "removed_member_ids": [str(uid)],
                },
            )
        return None

    # ------------------------------------------------------------------ guilds
    async def _get_guild(self, call: Call) -> Any:
        guild = self._guild(call)
        return {**guild.to_json(), "approximate_member_count": len(guild.members)}

    async def _get_guild_channels(self, call: Call) -> Any:
        guild = self._guild(call)
        return [c.to_json() for c in guild.channels if not c.is_thread and not c.deleted]

    async def _list_members(self, call: Call) -> Any:
        guild = self._guild(call)
        limit = int(call.query.get("limit", 1))
        return [m.to_json() for m in guild.members.values()][:limit]

    async def _get_member(self, call: Call) -> Any:
        guild = self._guild(call)
        member = guild.members.get(call.int_param("uid"))
        if member is None:
            raise unknown("Member", 10007)
        return member.to_json()


# ---------------------------------------------------------------------- helpers
VIEW_CHANNEL, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS = 1 << 10, 1 << 11, 1 << 38


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, str, bytes]]]:
    files: list[tuple[str, str, bytes]] = []
    if not request.can_read_body:
        return None, files
    ctype = request.content_type
    if ctype.startswith("multipart/"):
        body: Any = None
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            name = part.name or ""
            data = await part.read(decode=False)
            if name == "payload_json":
                body = json.loads(bytes(data))
            else:
                filename = getattr(part, "filename", None) or name
                files.append((name, filename, bytes(data)))
        return body, files
    raw = await request.read()
    if not raw:
        return None, files
    try:
        return json.loads(raw), files
    except ValueError:
        return raw.decode(errors="replace"), files


def _attach_files(msg: FakeMessage, body: dict[str, Any], files: list[tuple[str, str, bytes]]) -> None:
    meta = {str(a.get("id")): a for a in body.get("attachments") or []}
    for index, (field_name, filename, data) in enumerate(files):
        match = re.match(r"files\[(\d+)\]", field_name)
        key = match.group(1) if match else str(index)
        info = meta.get(key, {})
        att_id = str(snowflake())
        name = info.get("filename") or filename
        msg["attachments"].append(
            {
                "id": att_id,
                "filename": name,
                "description": info.get("description"),
                "size": len(data),
                "url": f"https://cdn.fake.invalid/attachments/{att_id}/{name}",
                "proxy_url": f"https://media.fake.invalid/attachments/{att_id}/{name}",
                "content_type": "application/octet-stream",
            }
        )
        msg.files[name] = data


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    """JSON with Content-Type exactly ``application/json``: discord.py does not parse it otherwise."""
    body = json.dumps(data, separators=(",", ":")).encode()
    response = web.Response(body=body, status=status, headers=headers)
    response.headers["Content-Type"] = "application/json"
    return response


def _error(exc: DiscordError) -> web.Response:
    body: dict[str, Any] = {"code": exc.code, "message": exc.message}
    if exc.errors is not None:
        body["errors"] = exc.errors
    return _json(body, status=exc.status)


def _fault_response(fault: Fault) -> web.Response:
    if fault.status != 429:
        return _json({"code": fault.code, "message": fault.message}, status=fault.status)
    return _rate_limited(fault.retry_after, fault.global_, "fault")


def _rate_limited(retry_after: float, is_global: bool, bucket: str) -> web.Response:
    headers = {
        "Retry-After": str(max(1, round(retry_after))),
        "X-RateLimit-Limit": "5",
        "X-RateLimit-Remaining": "0",
        "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}",
        "X-RateLimit-Reset-After": f"{retry_after:.3f}",
        "X-RateLimit-Bucket": bucket,
        "X-RateLimit-Scope": "global" if is_global else "user",
        "Via": "1.1 google",
    }
    if is_global:
        headers["X-RateLimit-Global"] = "true"
    body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
    return _json(body, status=429, headers=headers)


class _RateLimiter:
    """Discord-like buckets: a global per-second cap and a per-channel window."""

    def __init__(self, global_per_sec: int, per_channel: tuple[int, float]) -> None:
        self.global_per_sec = global_per_sec
        self.per_channel = per_channel
        self._global: list[float] = []
        self._channels: dict[str, list[float]] = defaultdict(list)

    def check(self, path: str) -> web.Response | None:
        if path.startswith(("/interactions/", "/webhooks/")):
            # "Interaction endpoints are not bound to the bot's Global Rate Limit" (Discord docs).
            return None
        now = time.monotonic()
        self._global = [t for t in self._global if now - t < 1.0]
        if len(self._global) >= self.global_per_sec:
            return _rate_limited(round(1.0 - (now - self._global[0]), 3), True, "global")
        match = re.match(r"/channels/(\d+)/messages$", path)
        if match:
            limit, window = self.per_channel
            hits = [t for t in self._channels[match.group(1)] if now - t < window]
            self._channels[match.group(1)] = hits
            if len(hits) >= limit:
                return _rate_limited(round(window - (now - hits[0]), 3), False, f"channel-{match.group(1)}")
            hits.append(now)
        self._global.append(now)
        return None
