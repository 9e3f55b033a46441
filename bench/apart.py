"""The fake Discord in a process of its own (benchmarks 1 and 2), driven over a loopback control channel.

As in production, the bot and Discord are two processes: the fake's work (its gateway, its HTTP
server, checking every request against Discord's OpenAPI spec) no longer shares the bot's event
loop, so benchmarks 1 and 2 measure the bot. `python -m bench.apart` is the fake's process: it
starts the tests' fake (rate limits and spec checks on), prints one JSON line (its control port,
token and URLs) and then answers one JSON line per request on the control port: a Scenario method
(bench/scenario.py, benchmark 1) or a LoadScenario method (bench/load_scenario.py, benchmark 2) by
name, with its arguments, answered with its result or the error.
`FakeApart` is the bot's side of it: start, call, stop, and the attributes the harness needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import traceback
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from bench.load_scenario import LoadScenario
from bench.scenario import Scenario
from bench.world import running_fake
from tests.fake_discord.server import pointing_discord_py_at

REPO = Path(__file__).resolve().parent.parent
# What the bot's side may ask of the fake's process: Scenario's methods (benchmark 1) and
# LoadScenario's (benchmark 2), nothing else.
OPERATIONS = frozenset(
    {"build", "validate", "connected", "use", "ping", "pair", "checkin_now", "round_posted", "step", "report"}
)
LOAD_OPERATIONS = frozenset({"load_build", "load_watch", "load_wave", "load_wait", "load_report"})


def operation_of(name: Any, scenario: Scenario, load: LoadScenario) -> Callable[..., Awaitable[Any]]:
    """The method a request names, on whichever of the two worlds has it."""
    if name not in OPERATIONS | LOAD_OPERATIONS:
        raise ValueError(f"no operation {name!r}")
    method: Callable[..., Awaitable[Any]] = getattr(load if name in LOAD_OPERATIONS else scenario, name)
    return method


class FakeHere:
    """The fake in this process (the old way): the same calls, made directly."""

    def __init__(self, scenario: Scenario) -> None:
        self.scenario = scenario

    async def call(self, operation: str, **arguments: Any) -> Any:
        if operation not in OPERATIONS:
            raise ValueError(f"no operation {operation!r}")
        return await getattr(self.scenario, operation)(**arguments)


class FakeApart:
    """The bot's side of the fake's own process: what the harness needs (token, URLs, `settle`,
    patching discord.py) and `call`, one Scenario or LoadScenario method at a time."""

    def __init__(self, process: asyncio.subprocess.Process, info: dict[str, Any]) -> None:
        self.process = process
        self.token: str = info["token"]
        self.api_base: str = info["api_base"]
        self.gateway_url: str = info["gateway_url"]
        self.control_port: int = info["control"]
        self.settle: Any = None  # the harness sets it; nothing here reads it
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._lock = asyncio.Lock()

    async def connect(self) -> None:
        self._reader, self._writer = await asyncio.open_connection("127.0.0.1", self.control_port)

    async def call(self, operation: str, **arguments: Any) -> Any:
        assert self._reader is not None and self._writer is not None, "connect first"
        async with self._lock:  # one request at a time: answers come back in order
            self._writer.write(json.dumps({"op": operation, "args": arguments}).encode() + b"\n")
            await self._writer.drain()
            line = await self._reader.readline()
        if not line:
            raise ConnectionError("the fake's process closed its control channel")
        answer = json.loads(line)
        if "error" in answer:
            raise RuntimeError(f"the fake's process failed {operation}: {answer['error']}")
        return answer["result"]

    def patch_discord_py(self) -> contextlib.AbstractContextManager[None]:
        """Point discord.py's REST base and gateway at the fake's process."""
        return pointing_discord_py_at(self.api_base, self.gateway_url)

    async def stop(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(Exception):
                await self._writer.wait_closed()
        # Hung up on, the fake's process stops by itself; if it does not, it is stopped.
        for stop in (None, self.process.terminate, self.process.kill):
            if stop is not None:
                with contextlib.suppress(ProcessLookupError):
                    stop()
            try:
                await asyncio.wait_for(self.process.wait(), 5)
                return
            except TimeoutError:
                continue


@contextlib.asynccontextmanager
async def fake_apart(log: Path) -> AsyncIterator[FakeApart]:
    """Start the fake's process (its stderr goes to `log`), connect, and stop it afterwards."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    errors = await asyncio.to_thread(log.open, "ab")
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.apart",
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=errors,
        )
    finally:
        errors.close()  # the child has its own copy
    assert process.stdout is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        if not line:
            raise RuntimeError(f"the fake's process did not start (see {log})")
        apart = FakeApart(process, json.loads(line))
        await apart.connect()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    try:
        yield apart
    finally:
        await apart.stop()


# -- the fake's process -------------------------------------------------------------------------


async def serve() -> None:
    async with running_fake() as fake:
        scenario, load = Scenario(fake), LoadScenario(fake)
        done = asyncio.Event()

        async def answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            while line := await reader.readline():
                request = json.loads(line)
                operation = request.get("op")
                try:
                    method = operation_of(operation, scenario, load)
                    reply = {"result": await method(**request.get("args", {}))}
                except Exception:
                    reply = {"error": traceback.format_exc(limit=8)}
                writer.write(json.dumps(reply).encode() + b"\n")
                await writer.drain()
            done.set()  # the bot's side hung up: this process's work is over

        server = await asyncio.start_server(answer, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        info = {
            "control": port,
            "token": fake.token,
            "api_base": fake.api_base,
            "gateway_url": fake.gateway_url,
        }
        sys.stdout.write(json.dumps(info) + "\n")
        sys.stdout.flush()
        async with server:
            await done.wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(serve())
