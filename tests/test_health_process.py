"""`python -m bot health` against a real `python -m bot` process and the fake Discord: healthy, then
the gateway dropped with its reconnection stalled, back again, and finally the process killed."""

from __future__ import annotations

import asyncio
import json
import signal
import time
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import bot_environment, spawn_bot

pytestmark = pytest.mark.slow  # starts the real `python -m bot` process, and `python -m bot health`

DISPATCHER = "attune:checkins:dispatch"


async def health(database: Path, cwd: Path, *options: str) -> tuple[int, str]:
    """Run `python -m bot health` as an operator (or a container's HEALTHCHECK) would: no token."""
    process = await spawn_bot("health", *options, cwd=cwd, env=bot_environment(database))
    out, err = await asyncio.wait_for(process.communicate(), timeout=60)
    assert err == b"", err.decode()
    lines = out.decode().splitlines()
    assert len(lines) == 1, lines
    assert process.returncode is not None
    return process.returncode, lines[0]


def beat(database: Path) -> dict[str, Any]:
    try:
        return dict(json.loads(Path(f"{database}.heartbeat").read_text()))
    except (OSError, ValueError):
        return {}


async def test_health_of_a_real_bot_healthy_then_disconnected_then_back_then_killed(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    fake, database = fake_discord, tmp_path / "attune.db"
    process = await spawn_bot(
        cwd=tmp_path, env=bot_environment(database, fake), stdout=asyncio.subprocess.DEVNULL
    )
    release: asyncio.Event | None = None
    try:
        # Healthy: connected, and the dispatcher has run (the scheduler runs it once ready).
        def ran() -> bool:
            state = beat(database)
            jobs = state.get("jobs", {})
            return bool(state.get("gateway", {}).get("connected") and jobs.get(DISPATCHER, {}).get("last_ok"))

        await fake.wait_for(ran, timeout=60)
        code, line = await health(database, tmp_path)
        assert (code, line.split(",")[0]) == (0, "healthy: connected to Discord"), line

        # The gateway drops and reconnecting stalls (the fake holds the next websocket upgrade).
        arrived, release = fake.gateway.hold_connections()
        await fake.drop_gateway()
        await arrived.wait()
        await fake.wait_for(lambda: beat(database).get("gateway", {}).get("disconnected_since"), timeout=10)
        since = beat(database)["gateway"]["disconnected_since"]
        await fake.wait_for(lambda: time.time() - since > 1, timeout=5)
        code, line = await health(database, tmp_path, "--max-disconnected", "1")
        assert code == 1
        assert line.startswith("not connected to Discord for "), line
        assert line.endswith("check the network, and Discord's status (discordstatus.com)")

        # Back: discord.py resumes by itself, and health says so again.
        release.set()
        await fake.wait_for(lambda: beat(database).get("gateway", {}).get("connected"), timeout=30)
        code, line = await health(database, tmp_path, "--max-disconnected", "1")
        assert code == 0, line

        # Killed outright: the OS drops its lock, and the heartbeat left behind fools no one.
        process.send_signal(signal.SIGKILL)
        await asyncio.wait_for(process.wait(), timeout=15)
        assert beat(database)["stopped_at"] is None
        code, line = await health(database, tmp_path)
        assert (code, line) == (1, f"no bot running on this database ({database}): start it")
    finally:
        if release is not None:
            release.set()
        if process.returncode is None:
            process.kill()
            await process.wait()


async def test_after_sigterm_the_heartbeat_is_marked_stopped_and_health_says_no_bot(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    fake, database = fake_discord, tmp_path / "attune.db"
    process = await spawn_bot(
        cwd=tmp_path, env=bot_environment(database, fake), stdout=asyncio.subprocess.DEVNULL
    )
    try:
        await fake.wait_for(lambda: beat(database).get("gateway", {}).get("connected"), timeout=60)
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), timeout=15) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert beat(database)["stopped_at"] is not None
    code, line = await health(database, tmp_path)
    assert (code, line) == (1, f"no bot running on this database ({database}): start it")
