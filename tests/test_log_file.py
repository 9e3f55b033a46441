"""LOG_FILE: logs to a file instead of stderr, rotated by size (LOG_FILE_MAX_MB, LOG_FILE_KEEP),
with the same redaction as on stderr."""

from __future__ import annotations

import asyncio
import logging
import logging.handlers
import os
import signal
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, load_settings
from bot.errors import StartupError
from bot.logging_setup import configure_logging
from tests.support.harness import TEST_KEY

REPO = Path(__file__).resolve().parents[1]
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.Gabcde.secret-part-of-the-token"


@pytest.fixture
def root_logger() -> Iterator[logging.Logger]:
    """The root logger, given back afterwards with the handlers and level it had."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def configure_from(settings: Settings) -> None:
    """What `python -m bot` does with the settings (bot/__main__.py _run)."""
    configure_logging(
        settings.log_level,
        [settings.discord_token.get_secret_value()],
        file=settings.log_file,
        max_bytes=settings.log_file_max_bytes,
        keep=settings.log_file_keep,
    )


def settings_with(tmp_path: Path, **overrides: object) -> Settings:
    return load_settings(
        Settings,
        discord_token=TOKEN,
        database_url=f"sqlite:///{tmp_path / 'attune.db'}",
        _env_file=None,
        **overrides,
    )


def test_the_log_file_rotates_by_size_and_keeps_only_log_file_keep(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    log_file = tmp_path / "logs" / "attune.log"  # the folder is made when missing
    configure_from(settings_with(tmp_path, log_file=str(log_file), log_file_max_mb=0.002, log_file_keep=3))
    rotating = [h for h in root_logger.handlers if isinstance(h, logging.handlers.RotatingFileHandler)]
    assert [handler.baseFilename for handler in rotating] == [str(log_file)]
    for number in range(400):  # about 40 KB of lines: 20 files' worth at 2 KiB each
        logging.getLogger("bot.test").info("line %04d of a long day, nothing personal in it", number)

    assert sorted(path.name for path in log_file.parent.iterdir()) == [
        "attune.log",
        "attune.log.1",
        "attune.log.2",
        "attune.log.3",
    ]
    for path in log_file.parent.iterdir():
        assert path.stat().st_size <= 2 * 1024 * 1.05  # a file rotates before it would pass the size
        assert stat.S_IMODE(path.stat().st_mode) == 0o600  # owner-only, whatever the umask
    # The newest lines are in attune.log, the oldest kept ones in attune.log.3.
    assert "line 0399" in log_file.read_text()
    assert "line 0000" not in "".join(path.read_text() for path in log_file.parent.iterdir())


def test_the_token_is_redacted_in_the_file(tmp_path: Path, root_logger: logging.Logger) -> None:
    log_file = tmp_path / "attune.log"
    configure_from(settings_with(tmp_path, log_file=str(log_file)))
    logging.getLogger("bot.test").warning("a careless line with %s in it", TOKEN)
    logging.getLogger("discord.http").debug("POST returned %s", '{"content": "what a person wrote"}')
    for handler in root_logger.handlers:
        handler.flush()
    text = log_file.read_text()
    assert "a careless line with [redacted] in it" in text
    assert TOKEN not in text and "what a person wrote" not in text


def test_without_log_file_logs_go_to_stderr(tmp_path: Path, root_logger: logging.Logger) -> None:
    settings = settings_with(tmp_path, log_file="")
    assert settings.log_file is None
    before = set(root_logger.handlers)
    configure_from(settings)
    [added] = [handler for handler in root_logger.handlers if handler not in before]
    assert isinstance(added, logging.StreamHandler) and not isinstance(added, logging.FileHandler)
    assert added.stream is sys.stderr


def test_a_log_file_that_cannot_be_written_is_one_line_saying_what_to_do(
    tmp_path: Path, root_logger: logging.Logger
) -> None:
    (tmp_path / "a-file").write_text("not a folder")
    settings = settings_with(tmp_path, log_file=str(tmp_path / "a-file" / "attune.log"))
    with pytest.raises(
        StartupError, match=r"^LOG_FILE .* cannot be written .* leave it empty to log to stderr"
    ):
        configure_from(settings)


@pytest.mark.parametrize(("variable", "value"), [("log_file_max_mb", 0), ("log_file_keep", 0)])
def test_sizes_and_counts_must_be_positive(tmp_path: Path, variable: str, value: int) -> None:
    with pytest.raises(Exception, match=variable.upper()):
        settings_with(tmp_path, **{variable: value})


def log_files(folder: Path) -> dict[str, str]:
    return {path.name: path.read_text() for path in folder.glob("attune.log*")}


@pytest.mark.slow  # starts the real `python -m bot` process
async def test_the_real_bot_logs_to_the_rotated_file_and_not_to_stderr(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    log_file = tmp_path / "attune.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA", "LOG_", "BACKUP_"))}
    env.update(
        DISCORD_TOKEN=fake_discord.token,
        DISCORD_API_BASE=fake_discord.api_base,
        DATABASE_URL=f"sqlite:///{tmp_path / 'attune.db'}",
        DATA_ENCRYPTION_KEY=TEST_KEY,
        LOG_LEVEL="DEBUG",
        LOG_FILE=str(log_file),
        LOG_FILE_MAX_MB="0.01",
        LOG_FILE_KEEP="2",
        PYTHONPATH=str(REPO),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", cwd=tmp_path, env=env, stderr=asyncio.subprocess.PIPE
    )
    try:
        await fake_discord.wait_for(lambda: fake_discord.command_sync_requests == 1, timeout=30)
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=15)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    _, stderr = await process.communicate()
    assert code == 0 and stderr == b""
    files = log_files(tmp_path)
    assert sorted(files) == ["attune.log", "attune.log.1", "attune.log.2"]  # DEBUG start-up fills more
    assert "Attune stopped cleanly" in files["attune.log"]
    assert not any(fake_discord.token in text for text in files.values())
