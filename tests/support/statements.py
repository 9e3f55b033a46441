"""Counting the statements the bot sends to SQLite, at aiosqlite's execute, execute_fetchall and
executemany (each one hop to its worker thread): the lean-path test and benchmark 1 use it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import aiosqlite

METHODS = ("execute", "execute_fetchall", "executemany")


class StatementCounter:
    """Patches aiosqlite.Connection while installed; `count` and `sql` grow with every statement."""

    def __init__(self) -> None:
        self.count = 0
        self.sql: list[str] = []
        self._originals: dict[str, Callable[..., Any]] = {}

    def install(self) -> None:
        counter = self
        for name in METHODS:
            original = self._originals[name] = getattr(aiosqlite.Connection, name)

            def counted(connection: Any, sql: str, parameters: Any = None, _original: Any = original) -> Any:
                counter.count += 1
                counter.sql.append(sql)
                return _original(connection, sql, parameters)

            setattr(aiosqlite.Connection, name, counted)

    def uninstall(self) -> None:
        for name, original in self._originals.items():
            setattr(aiosqlite.Connection, name, original)
        self._originals.clear()

    def since(self, mark: int) -> list[str]:
        """The statements sent after `count` was `mark`."""
        return self.sql[mark:]
