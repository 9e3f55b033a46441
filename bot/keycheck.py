"""Refuse to start with a key that cannot open the data already stored."""

from __future__ import annotations

import base64
from pathlib import Path

from bot.crypto import Cipher, DecryptionError
from bot.errors import StartupError
from bot.services.meta import MetaService

KEY_CHECK = "key_check"  # the meta key the sealed check value is stored under
_KEY_CHECK_COLUMN = "meta.key_check"
_KEY_CHECK_TEXT = "attune data key check"


async def verify_data_key(meta: MetaService, cipher: Cipher, database_path: Path) -> None:
    proposed = base64.b64encode(cipher.seal(_KEY_CHECK_TEXT, column=_KEY_CHECK_COLUMN)).decode()
    stored = await meta.set_if_absent(KEY_CHECK, proposed)
    if not key_opens(cipher, stored):
        raise StartupError(
            f"The data encryption key does not match the data in {database_path}. Attune changed "
            "nothing. Set DATA_ENCRYPTION_KEY (or restore attune.key beside the database) to the key "
            "this database was written with."
        )


def key_opens(cipher: Cipher, stored_check: str) -> bool:
    """Whether `cipher` opens the check value a database stores (so, the data written with it)."""
    try:
        cipher.open(base64.b64decode(stored_check), column=_KEY_CHECK_COLUMN)
    except (DecryptionError, ValueError):
        return False
    return True
