"""The package as installed, not only as a checkout.

`deploy/install.sh` (the one install command the README and the Dockerfile use too) builds the
wheel and installs it, not editable, into a fresh virtual environment. Then, from a folder outside
the source tree, with no PYTHONPATH and an environment scrubbed down to what a service manager
gives: `attune check` and a start against the fake Discord, stopped by SIGTERM.

"Nothing was read from the checkout" is observed, not assumed: the fresh environment gets a
test-only audit hook (a .pth file, active only when ATTUNE_TEST_WATCH names a log) that logs every
file the interpreter opens or lists. The log must show the content YAML and the migrations opened
from the venv's site-packages, and no path inside the checkout at all.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.content import load_content

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]  # builds a wheel and a venv, starts processes

REPO = Path(__file__).resolve().parents[1]
INSTALL = REPO / "deploy" / "install.sh"
UNIT = REPO / "deploy" / "attune.service"
PACKAGES = ("bot", "cogs", "content")
# Read by people editing the prompt bank in a checkout (bot.content.bank_table), never at run time.
NOT_PACKAGED = {Path("content/COVERAGE.md")}
# Shaped like a bot token (the application id in base64, then two parts); `check` only parses it.
OFFLINE_TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.token"

WATCH = '''"""Test-only (tests/test_packaging.py): when ATTUNE_TEST_WATCH is set, log each file opened."""
import os
import sys

_log = os.environ.get("ATTUNE_TEST_WATCH")
if _log:
    _fd = os.open(_log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)  # opened before the hook exists
    _events = {"open", "os.listdir", "os.scandir", "sqlite3.connect"}

    def _hook(event, args):
        if event in _events and args and isinstance(args[0], (str, bytes, os.PathLike)):
            path = os.fsdecode(args[0]).removeprefix("file:").split("?")[0]
            os.write(_fd, f"{event}\\t{os.path.abspath(path)}\\n".encode("utf-8", "replace"))

    sys.addaudithook(_hook)
'''


@dataclass(frozen=True)
class Installed:
    venv: Path
    site_packages: Path

    def bin(self, name: str) -> str:
        return str(self.venv / "bin" / name)


def scrubbed(home: Path, **values: str) -> dict[str, str]:
    """What a service manager gives a process: no PYTHONPATH, no VIRTUAL_ENV, nothing of this run."""
    return {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8", **values}


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    root = tmp_path_factory.mktemp("installed")
    venv = root / "venv"
    env = {key: value for key, value in os.environ.items() if key not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    env["PYTHON"] = sys.executable
    result = subprocess.run(
        ["sh", str(INSTALL), str(venv)], cwd=root, env=env, capture_output=True, text=True, timeout=840
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        cwd=root,
        env=scrubbed(root),
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    site_packages = Path(site)
    (site_packages / "_attune_test_watch.py").write_text(WATCH)
    (site_packages / "_attune_test_watch.pth").write_text("import _attune_test_watch\n")
    return Installed(venv=venv, site_packages=site_packages)


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory outside the source tree, with nothing in it (no .env either)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    assert not folder.is_relative_to(REPO)
    return folder


def watched_paths(log: Path) -> list[tuple[str, Path]]:
    lines = log.read_text().splitlines()
    return [(event, Path(path)) for event, path in (line.split("\t", 1) for line in lines)]


def assert_read_from_the_venv_only(log: Path, installed: Installed) -> None:
    seen = watched_paths(log)
    from_checkout = sorted({str(path) for _, path in seen if path.is_relative_to(REPO)})
    assert not from_checkout, f"read from the checkout: {from_checkout[:10]}"
    data = {path for event, path in seen if event == "open" and path.suffix in {".yaml", ".sql"}}
    assert any(path.suffix == ".yaml" for path in data), "no content file was opened: is the watch on?"
    outside = sorted(str(path) for path in data if not path.is_relative_to(installed.site_packages))
    assert not outside, f"content or migrations read from outside the installed package: {outside}"


def source_files() -> list[Path]:
    """Every file of the three packages in the checkout, relative to it (caches left out)."""
    found = []
    for package in PACKAGES:
        for path in (REPO / package).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                found.append(path.relative_to(REPO))
    return sorted(set(found) - NOT_PACKAGED)


def test_the_installed_package_holds_every_file_of_bot_cogs_and_content(installed: Installed) -> None:
    files = source_files()
    assert {Path("bot/db/migrations/001_foundation.sql"), Path("content/prompts/partner.yaml")} <= set(files)
    missing = [str(f) for f in files if not (installed.site_packages / f).is_file()]
    assert not missing, f"left out of the wheel (pyproject.toml, package-data): {missing}"
    differ = [str(f) for f in files if (installed.site_packages / f).read_bytes() != (REPO / f).read_bytes()]
    assert not differ, f"installed copies differ from the source: {differ}"
    editable = sorted(p.name for p in installed.site_packages.iterdir() if "editable" in p.name.lower())
    assert not editable, f"an editable install points back at a checkout: {editable}"


def test_the_modules_come_from_the_fresh_venv(installed: Installed, elsewhere: Path) -> None:
    probe = (
        "import json, sys, bot, cogs, content; from importlib.resources import files; "
        "print(json.dumps({'modules': [bot.__file__, cogs.__file__, content.__file__], "
        "'data': [str(files('content')), str(files('bot.db') / 'migrations')], 'path': sys.path}))"
    )
    result = subprocess.run(
        [installed.bin("python"), "-c", probe],
        cwd=elsewhere,
        env=scrubbed(elsewhere),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)
    for path in found["modules"] + found["data"]:
        assert Path(path).is_relative_to(installed.site_packages), path
    assert not [entry for entry in found["path"] if entry and Path(entry).is_relative_to(REPO)]


def test_attune_check_from_outside_the_checkout_matches_the_checkout(
    installed: Installed, elsewhere: Path
) -> None:
    log = elsewhere.parent / "check.watch"
    settings = {
        "DISCORD_TOKEN": OFFLINE_TOKEN,
        "DATABASE_URL": f"sqlite:///{elsewhere.parent / 'data' / 'a.db'}",
    }
    env = scrubbed(elsewhere, ATTUNE_TEST_WATCH=str(log), **settings)
    result = subprocess.run(
        [installed.bin("attune"), "check"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]

    library = load_content()
    counts = re.search(r"Content: ok \((\d+) exercises, (\d+) partner prompts, (\d+) personal", result.stdout)
    assert counts is not None, result.stdout
    assert tuple(map(int, counts.groups())) == (
        len(library.exercises),
        len(library.partner_prompts),
        len(library.personal_prompts),
    )
    commands = re.search(r"Slash commands \((\d+)\):", result.stdout)
    assert commands is not None and int(commands.group(1)) > 0
    assert "  /help: " in result.stdout
    assert_read_from_the_venv_only(log, installed)

    # The same report as the checkout's own `python -m bot check`, line for line.
    checkout = subprocess.run(
        [sys.executable, "-m", "bot", "check"],
        cwd=elsewhere,
        env=scrubbed(elsewhere, PYTHONPATH=str(REPO), **settings),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert checkout.returncode == 0, checkout.stderr[-3000:]
    assert result.stdout == checkout.stdout


def stop_timeout_of_the_unit() -> float:
    match = re.search(r"^TimeoutStopSec=(\d+)s$", UNIT.read_text(), re.MULTILINE)
    assert match is not None
    return float(match.group(1))


async def test_attune_starts_against_the_fake_and_stops_on_sigterm(
    installed: Installed, elsewhere: Path, fake_discord: Any, world: Any
) -> None:
    data = elsewhere.parent / "data"
    log = elsewhere.parent / "start.watch"
    env = scrubbed(
        elsewhere,
        ATTUNE_TEST_WATCH=str(log),
        DISCORD_TOKEN=fake_discord.token,
        DISCORD_API_BASE=fake_discord.api_base,
        DATABASE_URL=f"sqlite:///{data / 'attune.db'}",  # no DATA_ENCRYPTION_KEY: a key file is made
    )
    process = await asyncio.create_subprocess_exec(
        installed.bin("attune"),
        cwd=elsewhere,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await fake_discord.wait_for(lambda: fake_discord.identify_count == 1, timeout=60)
        await fake_discord.wait_for(lambda: fake_discord.command_sync_requests == 1, timeout=60)
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=30)
        stopping = time.monotonic() - asked
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    _, stderr = await process.communicate()
    assert code == 0, stderr.decode()[-3000:]
    assert b"Attune stopped cleanly" in stderr
    assert fake_discord.token.encode() not in stderr
    # deploy/attune.service gives the graceful stop TimeoutStopSec before SIGKILL: ample room.
    assert stopping < stop_timeout_of_the_unit() / 3, f"stopping took {stopping:.1f} s"

    migrations = sorted((REPO / "bot" / "db" / "migrations").glob("*.sql"))
    with sqlite3.connect(data / "attune.db") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == int(migrations[-1].name[:3])
    assert (data / "attune.key").stat().st_mode & 0o777 == 0o600
    assert_read_from_the_venv_only(log, installed)


def memory_deny_write_execute_available() -> bool:
    """PR_SET_MDWE (Linux 6.3+): what systemd's MemoryDenyWriteExecute=yes enforces, per process."""
    probe = "import ctypes, sys; sys.exit(ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) != 0)"
    return subprocess.run([sys.executable, "-c", probe], check=False).returncode == 0


@pytest.mark.skipif(not memory_deny_write_execute_available(), reason="the kernel has no PR_SET_MDWE")
def test_the_installed_bot_works_without_writable_executable_memory(
    installed: Installed, elsewhere: Path
) -> None:
    """deploy/attune.service sets MemoryDenyWriteExecute=yes: check, encryption and a chart under it."""
    program = """
import ctypes, mmap, sys
from datetime import date, datetime
assert ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) == 0
try:
    mmap.mmap(-1, 4096, prot=mmap.PROT_READ | mmap.PROT_WRITE | mmap.PROT_EXEC)
    sys.exit("writable executable memory was still allowed")
except PermissionError:
    pass
from bot.crypto import Cipher
from bot.services.charts import Line, render_mood_chart
cipher = Cipher(bytes(range(32)))
assert cipher.open(cipher.seal("kept", column="c"), column="c") == "kept"
today = date(2025, 3, 10)
points = tuple((datetime(2025, 3, day, 20), 3 + day % 3) for day in range(1, 10))
assert render_mood_chart([Line(label="Alice", points=points)], "Moods", today, 14)
from bot.__main__ import main
sys.exit(main(["check"]))
"""
    env = scrubbed(
        elsewhere, DISCORD_TOKEN=OFFLINE_TOKEN, DATABASE_URL=f"sqlite:///{elsewhere.parent / 'm.db'}"
    )
    result = subprocess.run(
        [installed.bin("python"), "-c", program],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "Slash commands" in result.stdout
