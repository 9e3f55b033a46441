"""`python -m bot check` reports where backups go, how often, how many are kept and when the newest
was made, and where logs go; a bad backup setting is one line naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import TOKEN, run_bot

pytestmark = pytest.mark.slow  # each test starts `python -m bot` in a child process


def check_lines(tmp_path: Path, **env: str) -> list[str]:
    result = run_bot(
        "check",
        env={"DISCORD_TOKEN": TOKEN, "DATABASE_URL": f"sqlite:///{tmp_path / 'data' / 'attune.db'}", **env},
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_check_reports_the_default_backups_and_logs_to_stderr(tmp_path: Path) -> None:
    lines = check_lines(tmp_path)
    folder = tmp_path / "data" / "backups"
    assert f"Backups: every 24 hours into {folder}, keeping 7; none made yet" in lines
    assert "Logs: stderr (set LOG_FILE to write to a file instead)" in lines


def test_check_reports_configured_backups_the_newest_one_and_the_log_file(tmp_path: Path) -> None:
    folder = tmp_path / "drive" / "attune"
    folder.mkdir(parents=True)
    for name in ("attune-20260101T080000Z.db", "attune-20260102T080000Z.db", "attune-20270101T000000Z-x.db"):
        (folder / name).write_bytes(b"")
    lines = check_lines(
        tmp_path,
        BACKUP_DIR=str(folder),
        BACKUP_EVERY_HOURS="6",
        BACKUP_KEEP="28",
        LOG_FILE=str(tmp_path / "logs" / "attune.log"),
        LOG_FILE_MAX_MB="2.5",
        LOG_FILE_KEEP="3",
    )
    [backups] = [line for line in lines if line.startswith("Backups: ")]
    assert backups.startswith(
        f"Backups: every 6 hours into {folder}, keeping 28; newest made 2026-01-02 08:00 UTC ("
    )
    assert backups.endswith(" ago)")
    assert f"Logs: {tmp_path / 'logs' / 'attune.log'}, rotated at 2.5 MB, keeping 3 older files" in lines
    assert not (tmp_path / "logs").exists(), "check must not create the log file"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("BACKUP_EVERY_HOURS", "0"), ("BACKUP_KEEP", "0"), ("LOG_FILE_MAX_MB", "-1"), ("LOG_FILE_KEEP", "many")],
)
def test_a_bad_backup_or_log_setting_is_one_line_naming_it(tmp_path: Path, variable: str, value: str) -> None:
    result = run_bot("check", env={"DISCORD_TOKEN": TOKEN, variable: value}, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1 and variable in result.stderr


def test_restore_needs_no_token_and_names_a_bad_setting(tmp_path: Path) -> None:
    result = run_bot("restore", str(tmp_path / "nope.db"), env={"BACKUP_KEEP": "0"}, cwd=tmp_path)
    assert result.returncode == 2 and "BACKUP_KEEP" in result.stderr
    result = run_bot("restore", str(tmp_path / "nope.db"), env={"XDG_DATA_HOME": str(tmp_path)}, cwd=tmp_path)
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == f"attune: There is no backup file at {tmp_path / 'nope.db'}. Nothing was changed."
    )
