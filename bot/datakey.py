"""Where the data encryption key comes from: the environment, else a key file beside the database."""

from __future__ import annotations

import base64
import binascii

from bot.config import DataSettings
from bot.crypto import KEY_FILE_NAME, load_or_create_key_file
from bot.errors import StartupError


def resolve_data_key(settings: DataSettings) -> bytes:
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


def _has_data(settings: DataSettings) -> bool:
    path = settings.database_path
    return path.exists() and path.stat().st_size > 0


def existing_data_key(settings: DataSettings) -> bytes | None:
    """The key as resolve_data_key would find it, without ever creating one (for restore)."""
    configured = settings.encryption_key
    if configured is not None:
        return configured
    key_file = settings.database_path.parent / KEY_FILE_NAME
    if not key_file.exists():
        return None
    try:
        return base64.urlsafe_b64decode(key_file.read_bytes().strip())
    except (binascii.Error, ValueError):
        raise StartupError(f"The key file {key_file} is not a key (32 bytes, url-safe base64).") from None
