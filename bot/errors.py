"""Errors that stop start-up, and errors that end one interaction with a kind message."""

from __future__ import annotations


class StartupError(Exception):
    """Attune must not start; the message says what is wrong and what to do."""

    exit_code = 2


class UserFacingError(Exception):
    """A refusal to show the person, ephemerally; nothing was changed."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(UserFacingError):
    """Something that does not exist, or is not yours: the two look the same on purpose."""


class ThreadUnreachable(UserFacingError):
    """A couple's thread can't be posted in: 'forbidden' (a permission is missing) or 'missing'
    (the thread and the /setup channel it lives under are gone). The message says what to do."""

    def __init__(self, problem: str, message: str) -> None:
        super().__init__(message)
        self.problem = problem


class SaveFailed(Exception):
    """The storage refused a write (a full disk, an I/O error, a read-only file...).

    Raised by bot/db/database.py only after SQLite rolled the statement or transaction back, so
    nothing it carried was stored. `reason` is SQLite's error name (SQLITE_FULL...), never data.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
