"""One aiosqlite connection shared by the whole bot.

SQLite serialises writers anyway; one connection plus one asyncio lock keeps every transaction
whole (no coroutine can slip a statement into another's transaction) and makes shutdown simple:
taking the lock waits for the write in progress.

A write the storage refuses (SQLITE_FULL "database or disk is full", an I/O error, a read-only
file) is rolled back and raised as `bot.errors.SaveFailed`, so callers can say plainly that it was
NOT saved. Constraint violations stay sqlite3.IntegrityError: repositories turn those into rules.

What an interaction saved is counted too (`watching_writes`, `watch_writes`): writes that changed
rows and committed, and whether one was interrupted before SQLite answered. That is how the error
handling in bot/tree.py knows, rather than guesses, whether "it was NOT saved" is true.
"""

from __future__ import annotations

import asyncio
import fcntl
import logging
import os
import re
import sqlite3
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from bot.db.quick_reads import QuickReads
from bot.errors import SaveFailed

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
T = TypeVar("T")

_WRITE_STATEMENT = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


@dataclass
class WriteLog:
    """What the writes of one interaction did, as SQLite reported it.

    `committed` counts statements (and transactions) that changed rows and committed. `uncertain`
    is set when a write was interrupted (cancelled, say) before SQLite answered: it may or may not
    have committed. Only with neither is "nothing was saved" known to be true.
    """

    committed: int = 0
    uncertain: bool = False

    @property
    def nothing_saved(self) -> bool:
        return self.committed == 0 and not self.uncertain


_WRITES: ContextVar[WriteLog | None] = ContextVar("attune_writes", default=None)


def watch_writes() -> WriteLog:
    """Count the writes made from here on in the current task (and the tasks it starts)."""
    writes = WriteLog()
    _WRITES.set(writes)
    return writes


@contextmanager
def watching_writes() -> Iterator[WriteLog]:
    """Count the writes made inside the block."""
    writes = WriteLog()
    token = _WRITES.set(writes)
    try:
        yield writes
    finally:
        _WRITES.reset(token)


def current_writes() -> WriteLog | None:
    return _WRITES.get()


def refused_by_storage(error: BaseException) -> bool:
    """The storage would not take a write: full, I/O, read-only, locked, corrupt... Not a
    constraint (repositories handle those) and not a programming error (a bug, raised as is)."""
    if isinstance(error, sqlite3.IntegrityError | sqlite3.ProgrammingError):
        return False
    return isinstance(error, sqlite3.DatabaseError | OSError)


def _save_failed(error: BaseException) -> SaveFailed:
    return SaveFailed(str(getattr(error, "sqlite_errorname", None) or type(error).__name__))


def _flock_soon(fd: int, tries: int = 10) -> None:
    """Take the exclusive lock, trying for half a second: `python -m bot health` (and restore)
    probe it for a moment, and a bot starting in that moment must not take it for another bot."""
    for _ in range(tries - 1):
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            time.sleep(0.05)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)


class DatabaseError(Exception):
    """The database cannot be used; the message says what to do."""


class Transaction:
    """Statements run inside one BEGIN IMMEDIATE ... COMMIT."""

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, params: Params = ()) -> int:
        cursor = await self._connection.execute(sql, params)
        return cursor.rowcount

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        await self._connection.executemany(sql, rows)

    # Reads are one hop to aiosqlite's worker thread (execute and fetch together) instead of three
    # (execute, fetch, close). fetchone reads every row the statement yields: use it for statements
    # that yield at most a few (a key lookup, LIMIT 1, an UPDATE ... RETURNING of one row).

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        rows = await self._connection.execute_fetchall(sql, params)
        return next(iter(rows), None)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return list(await self._connection.execute_fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]


class Database:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._connection: aiosqlite.Connection | None = None
        self._quick: QuickReads | None = None
        self._lock = asyncio.Lock()
        self._lock_file: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def open(self, *, exclusive: bool = True) -> None:
        """Open (creating the folder on first start) and check the file is a healthy database.

        `exclusive` takes an OS lock beside the file so a second bot process on the same data
        refuses to start instead of double-posting; the OS drops it even on SIGKILL.
        """
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if exclusive:
            self._take_process_lock()
        try:
            self._connection = await aiosqlite.connect(self.path, isolation_level=None)
            self._connection.row_factory = sqlite3.Row
            await self._connection.execute("PRAGMA busy_timeout = 5000")
            check = await self._fetch_raw("PRAGMA quick_check")
            if check is None or check[0] != "ok":
                raise DatabaseError(self._damaged_message(str(check[0] if check else "no answer")))
            await self._connection.execute("PRAGMA journal_mode = WAL")
            await self._connection.execute("PRAGMA foreign_keys = ON")
            await self._connection.execute("PRAGMA synchronous = NORMAL")
            if str(self.path) != ":memory:":  # a second connection would open another database
                self._quick = QuickReads(self.path)
        except sqlite3.DatabaseError as exc:
            await self.close()
            raise DatabaseError(self._damaged_message(str(exc))) from None
        except DatabaseError:
            await self.close()
            raise

    async def close(self) -> None:
        async with self._lock:
            if self._quick is not None:
                self._quick.close()
                self._quick = None
            if self._connection is not None:
                await self._connection.close()
                self._connection = None
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    def _take_process_lock(self) -> None:
        fd = take_process_lock(self.path)
        if fd is None:
            raise DatabaseError(
                f"Another Attune process is already using {self.path}. Stop it first: two bots on "
                "one database would post every check-in twice."
            )
        self._lock_file = fd

    def _damaged_message(self, detail: str) -> str:
        return (
            f"The database at {self.path} cannot be read ({detail}). Attune left it untouched. "
            "Restore your latest backup (python -m bot restore PATH; see README, 'Backups'), or point "
            "DATABASE_URL elsewhere."
        )

    async def _fetch_raw(self, sql: str) -> sqlite3.Row | None:
        assert self._connection is not None
        cursor = await self._connection.execute(sql)
        row = await cursor.fetchone()
        await cursor.close()
        return row

    @property
    def connection(self) -> aiosqlite.Connection:
        if self._connection is None:
            raise DatabaseError("the database is not open")
        return self._connection

    # -- migrations --------------------------------------------------------------------------

    async def migrate(self) -> int:
        """Apply every numbered migration above PRAGMA user_version, all in one transaction."""
        pending_scripts = available_migrations()
        latest = pending_scripts[-1][0] if pending_scripts else 0
        async with self._lock:
            current = int((await self._fetch_raw("PRAGMA user_version") or [0])[0])
            if current > latest:
                raise DatabaseError(
                    f"The database at {self.path} was written by a newer Attune (schema {current}, "
                    f"this one knows {latest}). Upgrade Attune instead of starting an older one."
                )
            pending = [(number, sql) for number, sql in pending_scripts if number > current]
            if not pending:
                return current
            body = "\n".join(sql for _, sql in pending)
            # executescript would commit an open transaction first, so BEGIN lives in the script.
            script = f"BEGIN IMMEDIATE;\n{body}\nPRAGMA user_version = {latest};\nCOMMIT;"
            try:
                await self.connection.executescript(script)
            except sqlite3.Error:
                if self.connection.in_transaction:
                    await self.connection.execute("ROLLBACK")
                raise
            log.info("Database schema migrated from %d to %d", current, latest)
            return latest

    async def schema_version(self) -> int:
        return int(await self.fetchval("PRAGMA user_version"))

    async def pending_migrations(self) -> list[int]:
        """The numbers of the migrations `migrate` would apply (none for a newer schema: it refuses)."""
        current = await self.schema_version()
        return [number for number, _ in available_migrations() if number > current]

    # -- queries -----------------------------------------------------------------------------

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Transaction]:
        """BEGIN IMMEDIATE ... COMMIT. Whatever fails, the transaction is rolled back before the
        error leaves; a refusal by the storage leaves as SaveFailed (nothing of it was stored)."""
        async with self._lock:
            connection = self.connection
            await self._settle(connection)
            writes = _WRITES.get()
            try:
                await connection.execute("BEGIN IMMEDIATE")
            except BaseException as error:
                if refused_by_storage(error):
                    raise _save_failed(error) from error
                raise
            before = connection.total_changes
            try:
                yield Transaction(connection)
            except BaseException as error:
                await self._rollback(connection)
                if refused_by_storage(error):
                    raise _save_failed(error) from error
                raise
            try:
                await connection.execute("COMMIT")
            except BaseException as error:
                # A failed COMMIT leaves nothing stored: SQLite rolled back, or we do it now.
                await self._rollback(connection)
                if refused_by_storage(error):
                    raise _save_failed(error) from error
                if writes is not None and not isinstance(error, sqlite3.Error):
                    writes.uncertain = True  # interrupted while SQLite was committing
                raise
            if writes is not None and connection.total_changes != before:
                writes.committed += 1

    async def execute(self, sql: str, params: Params = ()) -> int:
        return await self._statement(sql, lambda tx: tx.execute(sql, params))

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        return await self._statement(sql, lambda tx: tx.fetchone(sql, params))

    async def fetchone_if(
        self, still_wanted: Callable[[], bool], sql: str, params: Params = ()
    ) -> sqlite3.Row | None:
        """The statement, unless `still_wanted()` says no once the connection is this caller's: it
        is asked after every transaction queued before it has committed (an erasure, say)."""

        async def run(tx: Transaction) -> sqlite3.Row | None:
            return await tx.fetchone(sql, params) if still_wanted() else None

        return await self._statement(sql, run)

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        return await self._statement(sql, lambda tx: tx.fetchall(sql, params))

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        return await self._statement(sql, lambda tx: tx.fetchval(sql, params))

    async def lookup(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """One row by an indexed key, read on the event loop (bot/db/quick_reads.py): no thread hop.
        Not inside a transaction of the caller's; when SQLite is busy, the ordinary path instead."""
        if self._quick is not None:
            try:
                return self._quick.row(sql, params)
            except sqlite3.OperationalError:
                pass
        return await self.fetchone(sql, params)

    async def _statement(self, sql: str, run: Callable[[Transaction], Awaitable[T]]) -> T:
        """One statement in autocommit mode: it committed when this returns, and a statement that
        raised committed nothing (SQLite rolls a failed statement back whole)."""
        async with self._lock:
            connection = self.connection
            await self._settle(connection)
            writes = _WRITES.get()
            before = connection.total_changes
            try:
                result = await run(Transaction(connection))
            except BaseException as error:
                if not _WRITE_STATEMENT.match(sql):
                    raise
                if refused_by_storage(error):
                    raise _save_failed(error) from error
                if writes is not None and not isinstance(error, sqlite3.Error):
                    writes.uncertain = True  # interrupted before SQLite answered
                raise
            if writes is not None and connection.total_changes != before:
                writes.committed += 1
            return result

    async def _rollback(self, connection: aiosqlite.Connection) -> None:
        if not connection.in_transaction:
            return  # SQLite already rolled back (it does, for one, after SQLITE_FULL)
        try:
            await connection.execute("ROLLBACK")
        except sqlite3.Error as error:
            reason = getattr(error, "sqlite_errorname", None) or type(error).__name__
            log.error("A transaction could not be rolled back (%s); it will be before the next one", reason)

    async def _settle(self, connection: aiosqlite.Connection) -> None:
        """A transaction left open (its rollback failed or was interrupted) would swallow every
        later statement uncommitted: roll it back before anything else runs."""
        if connection.in_transaction:
            log.warning("An unfinished transaction was rolled back")
            await connection.execute("ROLLBACK")


def take_process_lock(database_path: Path) -> int | None:
    """The OS lock beside the database that marks it in use by one process: its file descriptor
    (closing it releases the lock; the OS drops it even on SIGKILL), or None when another holds it."""
    fd = os.open(f"{database_path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        _flock_soon(fd)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


def available_migrations() -> list[tuple[int, str]]:
    """The numbered `.sql` files shipped in bot/db/migrations, in order."""
    folder = resources.files("bot.db").joinpath("migrations")
    found: list[tuple[int, str]] = []
    for entry in folder.iterdir():
        name = entry.name
        if not name.endswith(".sql"):
            continue
        number = int(name.split("_", 1)[0])
        found.append((number, entry.read_text(encoding="utf-8")))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise DatabaseError(f"migrations must be numbered 1..n without gaps, found {numbers}")
    return found
