"""Counting the statements the bot sends to SQLite: at aiosqlite's execute, execute_fetchall and
executemany (each one hop to its worker thread), and the point reads run on the event loop
(bot/db/quick_reads.py). The lean-path test and benchmark 1 use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiosqlite

from bot.db.quick_reads import QuickReads

METHODS = ("execute", "execute_fetchall", "executemany")


class StatementCounter:
    """Patches aiosqlite.Connection while installed; `count` and `sql` grow with every statement."""

    def __init__(self) -> None:
        self.count = 0
        self.sql: list[str] = []
        self._originals: dict[str, Callable[..., Any]] = {}
        self._quick: Callable[..., Any] | None = None

    def install(self) -> None:
        counter = self
        for name in METHODS:
            original = self._originals[name] = getattr(aiosqlite.Connection, name)

            def counted(connection: Any, sql: str, parameters: Any = None, _original: Any = original) -> Any:
                counter.count += 1
                counter.sql.append(sql)
                return _original(connection, sql, parameters)

            setattr(aiosqlite.Connection, name, counted)
        quick = self._quick = QuickReads.row

        def counted_read(reads: QuickReads, sql: str, parameters: Any = ()) -> Any:
            counter.count += 1
            counter.sql.append(sql)
            return quick(reads, sql, parameters)

        setattr(QuickReads, "row", counted_read)  # noqa: B010

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(aiosqlite.Connection, name, original)
        self._originals.clear()
        if self._quick is not None:
            setattr(QuickReads, "row", self._quick)  # noqa: B010
            self._quick = None

    def since(self, mark: int) -> list[str]:
        """The statements sent after `count` was `mark`."""
        return self.sql[mark:]
