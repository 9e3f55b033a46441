"""The bot's own share of an interaction's round-trip, timed in the bot's process: from the gateway
message read (discord.py's DiscordWebSocket.received_message, before it is decompressed and
parsed) to the callback request sent (aiohttp's ClientRequest.send for an interaction callback).
What is left of the round-trip is the fake's and the network's: sending the event, reading the
request."""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from typing import Any

import aiohttp.client_reqrep
import discord.gateway


class BotSideClock:
    """Patches both methods while installed; `spans` grows by one per interaction callback sent."""

    def __init__(self) -> None:
        self.spans: list[float] = []
        self._received = 0.0
        self._originals: list[tuple[type, str, Callable[..., Any]]] = []

    def install(self) -> None:
        clock = self
        received = discord.gateway.DiscordWebSocket.received_message
        send = aiohttp.client_reqrep.ClientRequest.send

        async def received_message(ws: Any, message: Any, /) -> None:
            clock._received = time.perf_counter()
            await received(ws, message)

        async def send_request(request: Any, connection: Any) -> Any:
            if request.url.path.endswith("/callback"):
                clock.spans.append(time.perf_counter() - clock._received)
            return await send(request, connection)

        self._originals = [
            (discord.gateway.DiscordWebSocket, "received_message", received),
            (aiohttp.client_reqrep.ClientRequest, "send", send),
        ]
        setattr(discord.gateway.DiscordWebSocket, "received_message", received_message)  # noqa: B010
        setattr(aiohttp.client_reqrep.ClientRequest, "send", send_request)  # noqa: B010

    def uninstall(self) -> None:
        for owner, name, original in self._originals:
            setattr(owner, name, original)
        self._originals.clear()


class GcWatch:
    """Counts the cyclic garbage collector's runs (by generation) and their pauses while installed,
    and how many of them ran while an interaction was being timed (`timing` set by the caller):
    only those land on a figure. The bot collects while idle (bot/idle_gc.py)."""

    def __init__(self) -> None:
        self.runs: dict[int, list[float]] = {0: [], 1: [], 2: []}
        self.during: dict[int, int] = {0: 0, 1: 0, 2: 0}
        self.timing = False
        self._started = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.runs[info["generation"]].append(time.perf_counter() - self._started)
            if self.timing:
                self.during[info["generation"]] += 1

    def install(self) -> None:
        gc.callbacks.append(self._callback)

    def uninstall(self) -> None:
        if self._callback in gc.callbacks:
            gc.callbacks.remove(self._callback)

    def describe(self, interactions: int) -> str:
        parts = []
        for generation, pauses in self.runs.items():
            if pauses:
                parts.append(
                    f"generation {generation}: {len(pauses)}, {self.during[generation]} of them during "
                    f"a timed interaction ({sum(pauses) / len(pauses) * 1000:.2f} ms on average, "
                    f"{max(pauses) * 1000:.2f} ms at most)"
                )
        return f"over {interactions:,} interactions, " + ("; ".join(parts) or "none")
