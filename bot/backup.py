"""`python -m bot backup PATH`: SQLite's online backup, safe while the bot is running."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bot.errors import StartupError


def backup_database(source: Path, destination: str | Path) -> str:
    target = Path(destination).expanduser()
    if not source.exists():
        raise StartupError(f"There is no database at {source} to back up (check DATABASE_URL).")
    if target.exists():
        raise StartupError(f"{target} already exists; choose a new file name so nothing is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Read-only: a backup must never be able to change the live data.
    live = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        live.backup(copy)
        copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
    finally:
        copy.close()
        live.close()
    target.chmod(0o600)
    return (
        f"Backed up {source} to {target}. Keep it with your encryption key (attune.key or "
        "DATA_ENCRYPTION_KEY): one is useless without the other."
    )
