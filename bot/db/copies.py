"""Copies of the database as files: made with SQLite's online backup API and examined read-only.

Plain sqlite3 connections of their own, never the bot's: these run in a worker thread (or in a
command-line tool), so the bot's one connection and its lock stay free while a copy is made.
The live database is in WAL mode, where a reader does not hold up the writer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path


def _read_only(path: Path) -> sqlite3.Connection:
    # A URI built by as_uri() percent-encodes the path, so a space or '?' in it is harmless.
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=30)


def copy_online(source: Path, target: Path) -> None:
    """Copy `source` into the (new or empty) file `target` as one consistent snapshot.

    Read-only on the source: a backup can never change the live data. The whole copy is one step,
    one read transaction, so it never restarts because the bot wrote meanwhile."""
    if not source.is_file():
        raise FileNotFoundError(f"no database at {source}")
    live = _read_only(source)
    try:
        copy = sqlite3.connect(target)
        try:
            live.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file, no -wal beside it
        finally:
            copy.close()
    finally:
        live.close()


def integrity_problem(path: Path) -> str | None:
    """None when `PRAGMA integrity_check` says "ok"; otherwise its first complaint."""
    connection = _read_only(path)
    try:
        rows = connection.execute("PRAGMA integrity_check").fetchall()
    finally:
        connection.close()
    first = str(rows[0][0]) if rows else "no answer"
    return None if first == "ok" and len(rows) == 1 else first


def schema_version_of(path: Path) -> int:
    connection = _read_only(path)
    try:
        return int(connection.execute("PRAGMA user_version").fetchone()[0])
    finally:
        connection.close()


def meta_value_of(path: Path, key: str) -> str | None:
    """A value of the copy's meta table (None when absent, or when the copy has no meta table)."""
    connection = _read_only(path)
    try:
        has_meta = connection.execute(
            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if has_meta is None:
            return None
        row = connection.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])
    finally:
        connection.close()
