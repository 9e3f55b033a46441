"""Reads of one row by its key, on the event loop itself, through a second, read-only connection.

Every other statement goes through aiosqlite: a hop to its worker thread and back, 0.2 to 0.4 ms
and more when that thread waits for the GIL. A button press that only has to find its row (to know
who may press it and what the form shows) pays that hop before it can answer, while the lookup
itself takes tens of microseconds in SQLite. Under WAL a reader never waits for the writer and
sees every transaction committed before it starts, so a read-only connection used here sees all
that the bot's own writes have committed.

Only for point lookups by an indexed key, outside any transaction of the caller's (this connection
cannot see uncommitted writes). If SQLite refuses the read for a moment (busy or locked), the caller
falls back to the ordinary path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any


class QuickReads:
    """The read-only connection; opened after the writer has put the file in WAL mode."""

    def __init__(self, path: Path) -> None:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        self._connection = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
        self._connection.row_factory = sqlite3.Row
        # A busy file is handed to the ordinary path at once, never waited for on the event loop.
        self._connection.execute("PRAGMA busy_timeout = 0")
        self._connection.execute("PRAGMA query_only = ON")

    def row(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlite3.Row | None:
        """The first row; raises sqlite3.OperationalError when SQLite cannot read just now."""
        cursor = self._connection.execute(sql, params)
        try:
            # fetchall steps the statement to its end, which ends its read transaction too: a
            # statement left half-read would pin this connection to an old snapshot.
            rows = cursor.fetchall()
        finally:
            cursor.close()
        return rows[0] if rows else None

    def close(self) -> None:
        self._connection.close()
