"""The gateway side of the fake: HELLO/IDENTIFY/READY/RESUME, heartbeats, sequenced dispatches,
and Request Guild Members (op 8) answered with GUILD_MEMBERS_CHUNK dispatches."""

from __future__ import annotations

import asyncio
import json
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

HEARTBEAT_INTERVAL_MS = 41250
DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, RESUME, RECONNECT = 0, 1, 2, 3, 6, 7
REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 8, 9, 10, 11


class GatewayConnection:
    """One websocket; serialises sends so the shared zlib stream stays in order."""

    def __init__(self, ws: web.WebSocketResponse, request: web.Request, compress: bool) -> None:
        self.ws = ws
        self.request = request
        self._zlib = zlib.compressobj() if compress else None
        self._lock = asyncio.Lock()
        self.sent: list[dict[str, Any]] = []

    async def send(self, payload: dict[str, Any], on_wire: Callable[[], None] | None = None) -> None:
        """Send one payload; `on_wire` is called once it is encoded, as it is handed to the socket."""
        data = json.dumps(payload, separators=(",", ":"))
        async with self._lock:
            if self.ws.closed:
                return
            self.sent.append(payload)
            if self._zlib is None:
                if on_wire is not None:
                    on_wire()
                await self.ws.send_str(data)
            else:
                chunk = self._zlib.compress(data.encode()) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
                if on_wire is not None:
                    on_wire()
                await self.ws.send_bytes(chunk)

    @property
    def compressed(self) -> bool:
        """Whether this connection uses the zlib-stream transport compression."""
        return self._zlib is not None

    def abort(self) -> None:
        transport = self.request.transport
        if transport is not None:
            transport.abort()


@dataclass
class GatewaySession:
    id: str
    intents: int
    large_threshold: int = 50  # Discord's default when IDENTIFY does not say
    seq: int = 0
    history: list[dict[str, Any]] = field(default_factory=list)
    connection: GatewayConnection | None = None


class Gateway:
    """Gateway state for one fake Discord (one bot session at a time is typical, several work)."""

    def __init__(
        self,
        *,
        token: Callable[[], str],
        ready_payload: Callable[[GatewaySession], dict[str, Any]],
        guild_payloads: Callable[[GatewaySession], list[dict[str, Any]]],
        member_chunks: Callable[[GatewaySession, dict[str, Any]], list[dict[str, Any]]],
        resume_url: Callable[[], str],
    ) -> None:
        self._token = token
        self._ready_payload = ready_payload
        self._guild_payloads = guild_payloads
        self._member_chunks = member_chunks
        self._resume_url = resume_url
        self.sessions: dict[str, GatewaySession] = {}
        self.current: GatewaySession | None = None
        self.identify_count = 0
        self.resume_count = 0
        self.intents: int | None = None
        self.received: list[dict[str, Any]] = []
        self.member_requests: list[dict[str, Any]] = []  # the `d` of every op 8 received
        self.connections: list[GatewayConnection] = []
        self.ready = asyncio.Event()
        self._hold: tuple[asyncio.Event, asyncio.Event] | None = None

    def hold_connections(self) -> tuple[asyncio.Event, asyncio.Event]:
        """Hold the next websocket upgrade before it is answered (a slow network). Returns
        (arrived, release): set `release` to let it through."""
        self._hold = (asyncio.Event(), asyncio.Event())
        return self._hold

    async def handle(self, request: web.Request) -> web.StreamResponse:
        held, self._hold = self._hold, None
        if held is not None:
            arrived, release = held
            arrived.set()
            await release.wait()
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        conn = GatewayConnection(ws, request, request.query.get("compress") == "zlib-stream")
        self.connections.append(conn)
        await conn.send(
            {"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS}, "s": None, "t": None}
        )
        try:
            async for msg in ws:
                if msg.type is not WSMsgType.TEXT:
                    continue
                payload = json.loads(msg.data)
                self.received.append(payload)
                await self._on_payload(conn, payload)
        finally:
            for session in self.sessions.values():
                if session.connection is conn:
                    session.connection = None
        return ws

    async def _on_payload(self, conn: GatewayConnection, payload: dict[str, Any]) -> None:
        op, data = payload.get("op"), payload.get("d") or {}
        if op == HEARTBEAT:
            await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
        elif op == IDENTIFY:
            await self._identify(conn, data)
        elif op == RESUME:
            await self._resume(conn, data)
        elif op == REQUEST_MEMBERS:
            await self._members_chunk(conn, data)

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        if data.get("token") != self._token():
            await conn.ws.close(code=4004, message=b"Authentication failed.")
            return
        self.identify_count += 1
        self.intents = data.get("intents")
        session = GatewaySession(
            id=secrets.token_hex(16),
            intents=self.intents or 0,
            large_threshold=int(data.get("large_threshold") or 50),
            connection=conn,
        )
        self.sessions[session.id] = session
        self.current = session
        await self._emit(session, "READY", self._ready_payload(session))
        for guild in self._guild_payloads(session):
            await self._emit(session, "GUILD_CREATE", guild)
        self.ready.set()

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = self.sessions.get(data.get("session_id", ""))
        if data.get("token") != self._token() or session is None:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return
        self.resume_count += 1
        session.connection = conn
        self.current = session
        since = data.get("seq") or 0
        for payload in session.history:
            if payload["s"] > since:
                await conn.send(payload)
        await self._emit(session, "RESUMED", {})

    async def _members_chunk(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        """Answer op 8 on the session of the connection that asked, one dispatch per chunk."""
        session = next((s for s in self.sessions.values() if s.connection is conn), None)
        if session is None:
            return  # not identified: Discord ignores it (and would close the connection)
        self.member_requests.append(data)
        for chunk in self._member_chunks(session, data):
            await self._emit(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _emit(
        self,
        session: GatewaySession,
        event: str,
        data: dict[str, Any],
        on_wire: Callable[[], None] | None = None,
    ) -> None:
        session.seq += 1
        payload = {"op": DISPATCH, "d": data, "s": session.seq, "t": event}
        session.history.append(payload)
        if session.connection is not None:
            await session.connection.send(payload, on_wire)

    async def dispatch(
        self, event: str, data: dict[str, Any], on_wire: Callable[[], None] | None = None
    ) -> bool:
        """Send a dispatch to the current session (kept for RESUME replay if disconnected);
        `on_wire` is called when it is handed to the socket, encoded and compressed."""
        if self.current is None:
            return False
        await self._emit(self.current, event, data, on_wire)
        return True

    async def drop(self, *, resumable: bool = True) -> None:
        """Abruptly cut the current connection (no close frame), like a network failure.

        Not `resumable`: the session is forgotten as well, so the client's RESUME is answered with
        INVALID_SESSION (d=false) and it must IDENTIFY again: a new READY and every GUILD_CREATE."""
        session = self.current
        if session is None or session.connection is None:
            raise RuntimeError("no gateway connection to drop")
        conn = session.connection
        session.connection = None
        if not resumable:
            self.sessions.pop(session.id, None)
        conn.abort()

    async def close_all(self) -> None:
        for conn in self.connections:
            if not conn.ws.closed:
                await conn.ws.close(code=1001)
