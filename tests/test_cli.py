"""`python -m bot` as a new user meets it: refusals in one line, `check`, `backup`, `keygen`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # each test starts `python -m bot` in a child process

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.Gabcde.secret-part-of-the-token"
REPO = Path(__file__).resolve().parents[1]


def run_bot(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    clean = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DISCORD_", "DATA_", "DATABASE_"))
    }
    clean.update(env)
    clean["PYTHONPATH"] = str(REPO)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], env=clean, cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_without_a_token_it_exits_2_with_one_line(tmp_path: Path) -> None:
    result = run_bot(env={"XDG_DATA_HOME": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "DISCORD_TOKEN" in lines[0] and ".env.example" in lines[0]


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("DATABASE_URL", "postgres://nope"),
        ("DISCORD_GUILD_ID", "not-a-number"),
        ("DATA_ENCRYPTION_KEY", "too-short"),
        ("LOG_LEVEL", "LOUD"),
    ],
)
def test_an_invalid_value_names_the_variable_and_hides_the_token(
    tmp_path: Path, variable: str, value: str
) -> None:
    result = run_bot(
        env={"DISCORD_TOKEN": TOKEN, variable: value, "XDG_DATA_HOME": str(tmp_path)}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert variable in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "secret-part" not in result.stderr + result.stdout


def test_a_dotenv_file_is_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("DISCORD_TOKEN=\nLOG_LEVEL=LOUD\n")
    result = run_bot(env={}, cwd=tmp_path)
    assert result.returncode == 2
    assert "DISCORD_TOKEN is not set" in result.stderr


def test_check_validates_offline_and_prints_the_invite(tmp_path: Path) -> None:
    result = run_bot("check", env={"DISCORD_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "client_id=1234567890123456789" in out
    assert "scope=bot%20applications.commands" in out
    assert "/help" in out
    assert "Server Members Intent" in out
    assert "Create Private Threads" in out
    assert "secret-part" not in out + result.stderr
    assert not (tmp_path / "attune").exists(), "check must not create the database"


def test_backup_copies_a_live_database_without_touching_it(tmp_path: Path) -> None:
    source = tmp_path / "attune" / "attune.db"
    source.parent.mkdir()
    live = sqlite3.connect(source)
    live.execute("PRAGMA journal_mode = WAL")
    live.execute("CREATE TABLE t (x TEXT)")
    live.execute("INSERT INTO t VALUES ('kept')")
    live.commit()  # connection left open, as a running bot would
    target = tmp_path / "backups" / "copy.db"
    result = run_bot("backup", str(target), env={"DATABASE_URL": f"sqlite:///{source}"}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sqlite3.connect(target).execute("SELECT x FROM t").fetchall() == [("kept",)]
    again = run_bot("backup", str(target), env={"DATABASE_URL": f"sqlite:///{source}"}, cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr
    live.close()


def test_keygen_prints_a_usable_key(tmp_path: Path) -> None:
    result = run_bot("keygen", env={}, cwd=tmp_path)
    assert result.returncode == 0
    key = result.stdout.strip()
    check = run_bot(
        "check",
        env={"DISCORD_TOKEN": TOKEN, "DATA_ENCRYPTION_KEY": key, "XDG_DATA_HOME": str(tmp_path)},
        cwd=tmp_path,
    )
    assert check.returncode == 0, check.stderr
