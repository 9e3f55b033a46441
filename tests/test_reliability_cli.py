"""Refusal to start, end to end through `python -m bot`: a corrupt database, a wrong key, broken
content. Each exits 2 with one message that says what is wrong, and leaves the data untouched."""

from __future__ import annotations

import asyncio
import hashlib
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.harness import TEST_KEY
from tests.test_cli import TOKEN, run_bot

pytestmark = pytest.mark.slow  # each test starts `python -m bot` in a child process

REPO = Path(__file__).resolve().parents[1]
OTHER_KEY = "A" * 43 + "="


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_corrupt_database_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    database = tmp_path / "attune.db"
    database.write_bytes(b"SQLite format 3\x00" + os.urandom(4096))
    before = digest(database)
    result = run_bot(
        env={
            "DISCORD_TOKEN": TOKEN,
            "DATA_ENCRYPTION_KEY": TEST_KEY,
            "DATABASE_URL": f"sqlite:///{database}",
        },
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert str(database) in result.stderr and "backup" in result.stderr.lower()
    assert "Traceback" not in result.stderr
    assert digest(database) == before
    assert not (tmp_path / "attune.db-wal").exists() or (tmp_path / "attune.db-wal").stat().st_size == 0


def test_broken_content_names_the_file_and_the_field(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    exercise = content / "exercises" / "04-set-boundaries.yaml"
    lines = exercise.read_text().splitlines()
    exercise.write_text("\n".join(line for line in lines if not line.startswith("title:")) + "\n")
    database = tmp_path / "data" / "attune.db"
    result = run_bot(
        env={
            "DISCORD_TOKEN": TOKEN,
            "DATA_ENCRYPTION_KEY": TEST_KEY,
            "DATABASE_URL": f"sqlite:///{database}",
            "CONTENT_PATH": str(content),
        },
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "04-set-boundaries.yaml" in result.stderr and "title" in result.stderr
    assert "Traceback" not in result.stderr
    assert not database.exists(), "nothing is created when content is broken"


def test_a_missing_content_file_is_named(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    (content / "safety.yaml").unlink()
    result = run_bot(
        env={"DISCORD_TOKEN": TOKEN, "DATA_ENCRYPTION_KEY": TEST_KEY, "CONTENT_PATH": str(content)},
        cwd=tmp_path,
    )
    assert result.returncode == 2, result.stderr
    assert "safety.yaml" in result.stderr
    assert "Traceback" not in result.stderr


async def run_process(fake: Any, database: Path, key: str) -> asyncio.subprocess.Process:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA"))}
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DATABASE_URL=f"sqlite:///{database}",
        DATA_ENCRYPTION_KEY=key,
        PYTHONPATH=str(REPO),
    )
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        env=env,
        cwd=database.parent,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def test_a_wrong_key_is_refused_and_the_data_left_as_it_was(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    database = tmp_path / "attune.db"
    first = await run_process(fake_discord, database, TEST_KEY)
    try:
        await fake_discord.wait_for(lambda: fake_discord.command_sync_requests >= 1, timeout=30)
        first.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(first.wait(), timeout=15) == 0
    finally:
        if first.returncode is None:
            first.kill()
            await first.wait()
    before = digest(database)

    second = await run_process(fake_discord, database, OTHER_KEY)
    try:
        code = await asyncio.wait_for(second.wait(), timeout=30)
    finally:
        if second.returncode is None:
            second.kill()
            await second.wait()
    _, stderr = await second.communicate()
    message = stderr.decode()
    assert code == 2, message[-2000:]
    assert "encryption key does not match" in message and "DATA_ENCRYPTION_KEY" in message
    assert digest(database) == before
