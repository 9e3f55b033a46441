"""SQLite storage: the one connection, transactions and numbered migrations; queries go in repositories."""

from bot.db.database import Database, DatabaseError, Transaction

__all__ = ["Database", "DatabaseError", "Transaction"]
