"""A full disk, made real on the bot's own SQLite connection.

SQLite refuses a write that needs more pages than `PRAGMA max_page_count` allows with SQLITE_FULL,
"database or disk is full": exactly what a full disk gives. A small write usually fits in a page
that already has room, so on its own the cap would refuse nothing; TEMP triggers (this connection
only, nothing stored in the file's schema) make every write to the chosen tables also append a
1 MiB ballast row, which can never fit under the cap. The bot's statement then fails inside SQLite
and is rolled back, with the very error a full disk raises; writes to other tables still have a
little headroom.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.db import Database
from tests.support.harness import BotHarness

HEADROOM_PAGES = 64  # far fewer than the ballast row needs (256 pages of 4 KiB)
UNLIMITED_PAGES = 1_073_741_823  # SQLite's default max_page_count
OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def _database(target: BotHarness | Database) -> Database:
    return target if isinstance(target, Database) else target.running.database


async def _tables(db: Database) -> list[str]:
    rows = await db.fetchall(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "AND name != 'test_ballast' ORDER BY name"
    )
    return [str(row[0]) for row in rows]


async def fill_the_disk(target: BotHarness | Database, tables: Iterable[str] | None = None) -> None:
    """From now on every write to `tables` (default: all of them) fails with SQLITE_FULL."""
    db = _database(target)
    chosen = list(tables) if tables is not None else await _tables(db)
    await db.execute("CREATE TABLE IF NOT EXISTS test_ballast (filler BLOB)")
    pages = int(await db.fetchval("PRAGMA page_count"))
    await db.fetchval(f"PRAGMA max_page_count = {pages + HEADROOM_PAGES}")
    for table in chosen:
        for operation in OPERATIONS:
            await db.execute(
                f"CREATE TEMP TRIGGER IF NOT EXISTS test_full_{table}_{operation.lower()} "
                f"AFTER {operation} ON main.{table} "
                "BEGIN INSERT INTO test_ballast (filler) VALUES (zeroblob(1048576)); END"
            )


async def free_the_disk(target: BotHarness | Database) -> None:
    db = _database(target)
    for row in await db.fetchall("SELECT name FROM temp.sqlite_master WHERE type = 'trigger'"):
        if str(row[0]).startswith("test_full_"):
            await db.execute(f"DROP TRIGGER temp.{row[0]}")
    await db.fetchval(f"PRAGMA max_page_count = {UNLIMITED_PAGES}")
