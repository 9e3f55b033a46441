"""Where the data encryption key comes from: the environment, else a key file beside the database."""

from __future__ import annotations

from bot.config import Settings
from bot.crypto import KEY_FILE_NAME, load_or_create_key_file
from bot.errors import StartupError


def resolve_data_key(settings: Settings) -> bytes:
    configured = settings.encryption_key
    if configured is not None:
        return configured
    directory = settings.database_path.parent
    key_file = directory / KEY_FILE_NAME
    if not key_file.exists() and _has_data(settings):
        # A fresh key could never open what is stored: refuse rather than write beside it.
        raise StartupError(
            f"The database {settings.database_path} exists but its key file {key_file} is missing. "
            "Restore the key from your backup, or set DATA_ENCRYPTION_KEY to it."
        )
    return load_or_create_key_file(directory)


def _has_data(settings: Settings) -> bool:
    path = settings.database_path
    return path.exists() and path.stat().st_size > 0
