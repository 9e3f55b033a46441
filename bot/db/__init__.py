"""SQLite storage: one connection, numbered migrations, one query layer above it."""

from bot.db.database import Database, DatabaseError, Transaction

__all__ = ["Database", "DatabaseError", "Transaction"]
