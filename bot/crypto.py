"""Encryption at rest for everything a person writes.

AES-256-GCM (authenticated) from `cryptography`. Each value is sealed with a fresh nonce and the
column it belongs to as associated data, so a ciphertext moved to another column fails to open.
"""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

log = logging.getLogger(__name__)

_FORMAT_V1 = b"\x01"
_NONCE_BYTES = 12
KEY_FILE_NAME = "attune.key"


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, or the data was altered."""


class Cipher:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the data key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: str, *, column: str) -> bytes:
        nonce = os.urandom(_NONCE_BYTES)
        return _FORMAT_V1 + nonce + self._aead.encrypt(nonce, plaintext.encode(), column.encode())

    def open(self, sealed: bytes, *, column: str) -> str:
        if sealed[:1] != _FORMAT_V1:
            raise DecryptionError(f"unknown format in {column}")
        nonce = sealed[1 : 1 + _NONCE_BYTES]
        try:
            return self._aead.decrypt(nonce, sealed[1 + _NONCE_BYTES :], column.encode()).decode()
        except InvalidTag:
            raise DecryptionError(f"cannot open a value in {column}: wrong key or altered data") from None

    def seal_optional(self, plaintext: str | None, *, column: str) -> bytes | None:
        return None if plaintext is None else self.seal(plaintext, column=column)

    def open_optional(self, sealed: bytes | None, *, column: str) -> str | None:
        return None if sealed is None else self.open(sealed, column=column)


def generate_key() -> str:
    return base64.urlsafe_b64encode(AESGCM.generate_key(bit_length=256)).decode()


def load_or_create_key_file(directory: Path) -> bytes:
    """Read the key kept beside the database, creating it (owner-only) on first start."""
    path = directory / KEY_FILE_NAME
    if path.exists():
        return base64.urlsafe_b64decode(path.read_bytes().strip())
    directory.mkdir(parents=True, exist_ok=True)
    # O_EXCL: never overwrite a key another process just wrote.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(generate_key() + "\n")
    log.warning(
        "Generated a new data encryption key at %s. Back it up somewhere safe and separate from "
        "the database: without it, nothing people wrote can be read again.",
        path,
    )
    return base64.urlsafe_b64decode(path.read_bytes().strip())
