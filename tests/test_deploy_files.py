"""The files that keep Attune running 24/7 (deploy/, Dockerfile, compose.yaml), checked as written.

The systemd unit goes through `systemd-analyze verify`; the Dockerfile must install with
deploy/install.sh (the command tests/test_packaging.py proves), run as a non-root user with /data
as a volume and `attune health` as its health check; compose.yaml must parse with capped logs.
tests/test_docker_image.py builds and runs the image where a container engine is reachable.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
UNIT = REPO / "deploy" / "attune.service"
DOCKERFILE = REPO / "Dockerfile"
COMPOSE = REPO / "compose.yaml"
README = REPO / "README.md"
VENV = "/opt/attune/venv"
INSTALL_COMMAND = f"deploy/install.sh {VENV}"


def unit_settings(text: str) -> dict[str, list[str]]:
    """`Section.Key` -> every value given (systemd allows a key more than once, e.g. Environment=)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        settings.setdefault(f"{section}.{key}", []).append(value)
    return settings


def test_the_unit_says_what_the_deployment_needs() -> None:
    unit = unit_settings(UNIT.read_text())

    def one(key: str) -> str:
        values = unit[f"Service.{key}"]
        assert len(values) == 1, (key, values)
        return values[0]

    assert (one("User"), one("Group")) == ("attune", "attune")
    assert one("EnvironmentFile") == "/etc/attune/attune.env"  # no leading '-': a missing file is an error
    assert one("ExecStart") == f"{VENV}/bin/attune"
    assert one("StateDirectory") == "attune"
    assert "DATABASE_URL=sqlite:////var/lib/attune/attune.db" in unit["Service.Environment"]
    # A crash restarts it; a configuration error (exit code 2) would only fail again.
    assert one("Restart") == "on-failure"
    assert one("RestartPreventExitStatus") == "2"
    assert re.fullmatch(r"\d+s", one("RestartSec"))
    assert unit["Unit.StartLimitIntervalSec"] == ["0"]
    assert one("KillSignal") == "SIGTERM"
    assert re.fullmatch(r"\d+s", one("TimeoutStopSec"))  # tests/test_packaging.py measures the stop
    hardening = {
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "ProtectHome": "yes",
        "PrivateTmp": "yes",
        "PrivateDevices": "yes",
        "ProtectKernelTunables": "yes",
        "ProtectKernelModules": "yes",
        "ProtectControlGroups": "yes",
        "RestrictAddressFamilies": "AF_UNIX AF_INET AF_INET6",
        "LockPersonality": "yes",
        "MemoryDenyWriteExecute": "yes",  # tests/test_packaging.py runs the bot under it
        "UMask": "0077",
    }
    assert {key: one(key) for key in hardening} == hardening
    # With ProtectSystem=strict only systemd's own directories are writable: the data, the cache.
    assert "Service.ReadWritePaths" not in unit
    assert unit["Service.CacheDirectory"] == ["attune"]
    assert unit["Install.WantedBy"] == ["multi-user.target"]


@pytest.mark.slow  # starts `python -m bot`
def test_a_configuration_error_exits_with_the_code_the_unit_does_not_restart(tmp_path: Path) -> None:
    unit = unit_settings(UNIT.read_text())
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(REPO)}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path}/a.db"
    result = subprocess.run(
        [sys.executable, "-m", "bot"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60
    )
    assert str(result.returncode) == unit["Service.RestartPreventExitStatus"][0], result.stderr
    assert "DISCORD_TOKEN is not set" in result.stderr


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_analyze_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    # verify checks that ExecStart exists: the copy points it at this Python, and nothing else changes.
    original = UNIT.read_text()
    copy = tmp_path / "attune.service"
    copy.write_text(original.replace(f"ExecStart={VENV}/bin/attune", f"ExecStart={sys.executable}"))
    changed = [
        (before, after)
        for before, after in zip(original.splitlines(), copy.read_text().splitlines(), strict=True)
        if before != after
    ]
    assert changed == [(f"ExecStart={VENV}/bin/attune", f"ExecStart={sys.executable}")]

    result = subprocess.run(
        ["systemd-analyze", "verify", str(copy)], capture_output=True, text=True, timeout=60, cwd=tmp_path
    )
    said = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, said
    assert not [line for line in said.splitlines() if "attune" in line.lower()], said


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), with continued lines joined and comments dropped."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, arguments = line.partition(" ")
            found.append((instruction.upper(), arguments.strip()))
    return found


def test_the_dockerfile_installs_with_the_tested_command_and_runs_unprivileged() -> None:
    steps = dockerfile_instructions()
    stages = [i for i, (instruction, _) in enumerate(steps) if instruction == "FROM"]
    assert len(stages) == 2  # a build stage, then the image itself
    final = steps[stages[-1] :]
    base = dict(steps)["ARG"]
    assert re.fullmatch(r"PYTHON_IMAGE=python:3\.1[1-9]-slim", base), base

    runs = [arguments for instruction, arguments in steps if instruction == "RUN"]
    assert [run for run in runs if "install.sh" in run] == [f"sh /src/{INSTALL_COMMAND} /src"]
    assert not [run for run in runs if "pip" in run], "install only through deploy/install.sh"
    copied = {arguments.split()[0] for instruction, arguments in steps if instruction == "COPY"}
    assert "deploy/install.sh" in copied

    users = [arguments for instruction, arguments in final if instruction == "USER"]
    assert users and users[-1] not in {"root", "0"} and not users[-1].startswith(("root:", "0:"))
    assert ("VOLUME", "/data") in final
    assert any(
        instruction == "ENV" and "DATABASE_URL=sqlite:////data/attune.db" in arguments
        for instruction, arguments in final
    )
    assert ("STOPSIGNAL", "SIGTERM") in final
    healthcheck = [arguments for instruction, arguments in final if instruction == "HEALTHCHECK"]
    assert len(healthcheck) == 1
    assert healthcheck[0].endswith('CMD ["attune", "health"]')
    assert "--start-period=60s" in healthcheck[0]
    assert ("CMD", '["attune"]') in final


def test_dockerignore_keeps_secrets_and_data_out_of_the_build() -> None:
    lines = [line for line in (REPO / ".dockerignore").read_text().splitlines() if line and line[0] != "#"]
    assert lines[0] == "*", "an allowlist: whatever is not named stays out, .env and databases included"
    allowed = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    assert allowed == {"pyproject.toml", "README.md", "deploy/install.sh", "bot", "cogs", "content"}


def test_compose_runs_the_image_with_capped_logs_a_volume_and_the_health_check() -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    service = compose["services"]["attune"]
    assert service["build"] == "."
    assert service["env_file"] == ".env"
    assert service["environment"]["DATABASE_URL"] == "sqlite:////data/attune.db"
    assert service["volumes"] == ["attune-data:/data"]
    assert "attune-data" in compose["volumes"]
    assert service["restart"] == "unless-stopped"
    assert service["stop_signal"] == "SIGTERM"
    assert re.fullmatch(r"\d+s", service["stop_grace_period"])
    assert service["healthcheck"]["test"] == ["CMD", "attune", "health"]
    assert service["healthcheck"]["start_period"] == "60s"
    logging = service["logging"]
    assert logging["driver"] == "json-file"
    assert re.fullmatch(r"\d+m", logging["options"]["max-size"])
    assert re.fullmatch(r"\d+", logging["options"]["max-file"])  # a string: compose wants one


def test_the_readme_deploys_with_the_same_install_command() -> None:
    readme = README.read_text()
    assert f"sudo {INSTALL_COMMAND}" in readme
    assert "## Running it 24/7" in readme and "## Upgrading" in readme


def test_ci_runs_the_readme_test_command() -> None:
    quick_start = README.read_text().split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^python3 -m venv .*$", quick_start, re.MULTILINE)
    assert len(commands) == 2
    run_and_test = commands[1].rsplit(" && ", 1)[1]
    assert run_and_test == "python -m pytest -q"
    assert f"check tests {run_and_test}" in (REPO / ".ci" / "run").read_text()


def test_the_service_env_example_sets_the_token_and_leaves_the_database_to_the_unit() -> None:
    lines = (REPO / "deploy" / "attune.env.example").read_text().splitlines()
    settings = [line.split("=", 1)[0] for line in lines if line and not line.startswith("#")]
    assert settings == ["DISCORD_TOKEN"]  # an empty DATABASE_URL= here would override the unit's
