"""The Docker image, built and run against the fake Discord, where a container engine is reachable.

Built from the repository's Dockerfile (its install step is deploy/install.sh); run as compose.yaml
runs it (read-only root, no capabilities, no new privileges, a named volume at /data) on the host
network so it reaches the fake on the loopback. It must connect and sync, run as a non-root user,
report healthy through its HEALTHCHECK (`attune health`), keep its database and key in the volume,
and stop with exit code 0 on `docker stop`.

ATTUNE_DOCKER_BASE_IMAGE replaces the Dockerfile's base (python:3.12-slim) for a machine that
cannot pull it: any local image with python3 3.11+ and its venv module.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.timeout(1200)]  # builds an image

REPO = Path(__file__).resolve().parents[1]
BASE_IMAGE = os.environ.get("ATTUNE_DOCKER_BASE_IMAGE", "python:3.12-slim")


def docker(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)


def engine_missing() -> str | None:
    """Why no container can be run here, or None when one can."""
    if shutil.which("docker") is None:
        return "no container engine reachable: no docker CLI"
    try:
        info = docker("info", "--format", "{{.ServerVersion}}", timeout=30)
    except subprocess.TimeoutExpired:
        return "no container engine reachable: docker info timed out"
    if info.returncode != 0:
        host = os.environ.get("DOCKER_HOST", "/var/run/docker.sock")
        return f"no container engine reachable: docker CLI present but no daemon at {host}"
    if docker("image", "inspect", BASE_IMAGE).returncode != 0:
        pulled = docker("pull", BASE_IMAGE, timeout=600)
        if pulled.returncode != 0:
            return (
                f"the base image {BASE_IMAGE} is not here and cannot be pulled "
                f"({pulled.stderr.strip()[:200]}); set ATTUNE_DOCKER_BASE_IMAGE to a local one"
            )
    return None


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    reason = engine_missing()
    if reason is not None:
        pytest.skip(reason)
    tag = f"attune-test:{uuid.uuid4().hex[:12]}"
    built = docker(
        "build", "--network", "host", "--build-arg", f"PYTHON_IMAGE={BASE_IMAGE}", "-t", tag, str(REPO),
        timeout=1100,
    )  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    yield tag
    docker("image", "rm", "--force", tag)


def inspect(container: str) -> dict[str, Any]:
    found: list[dict[str, Any]] = json.loads(docker("inspect", container).stdout)
    return found[0]


async def test_the_image_runs_unprivileged_reports_healthy_and_stops_cleanly(
    image: str, fake_discord: Any, world: Any
) -> None:
    name = f"attune-test-{uuid.uuid4().hex[:12]}"
    volume = f"{name}-data"
    started = docker(
        "run", "--detach", "--name", name, "--network", "host",
        "--read-only", "--tmpfs", "/tmp", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
        "--volume", f"{volume}:/data",
        "--env", f"DISCORD_TOKEN={fake_discord.token}", "--env", f"DISCORD_API_BASE={fake_discord.api_base}",
        # The Dockerfile's check every 30 s, after 60 s; quicker here, the same command.
        "--health-interval", "2s", "--health-start-period", "60s",
        image,
    )  # fmt: skip
    try:
        assert started.returncode == 0, started.stderr
        await fake_discord.wait_for(lambda: fake_discord.identify_count == 1, timeout=120)
        await fake_discord.wait_for(lambda: fake_discord.command_sync_requests == 1, timeout=60)

        config = inspect(name)["Config"]
        assert config["User"] not in {"", "root", "0"}
        assert config["Healthcheck"]["Test"] == ["CMD", "attune", "health"]
        assert docker("exec", name, "id", "-u").stdout.strip() != "0"

        def health() -> str:
            status: str = inspect(name)["State"]["Health"]["Status"]
            return status

        await fake_discord.wait_for(lambda: health() != "starting", timeout=90)
        status, checks = health(), inspect(name)["State"]["Health"]["Log"]

        listing = docker("exec", name, "ls", "-l", "/data").stdout
        assert "attune.db" in listing and "attune.key" in listing

        stopped = await asyncio.to_thread(docker, "stop", "--time", "30", name, timeout=60)
        assert stopped.returncode == 0, stopped.stderr
        state = inspect(name)["State"]
        logs = docker("logs", name)
        assert state["ExitCode"] == 0, logs.stderr[-3000:]
        assert "Attune stopped cleanly" in logs.stderr
        assert fake_discord.token not in logs.stdout + logs.stderr
        assert status == "healthy", checks[-1]
    finally:
        docker("rm", "--force", name)
        docker("volume", "rm", "--force", volume)
