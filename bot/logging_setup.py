"""Logging that never carries what people wrote, nor the token.

discord.py logs whole request and response bodies at DEBUG ('... with %s has returned %s'); those
bodies hold journal text and check-in answers, so the loggers that emit them get a filter that
swaps any body for a placeholder. The filter sits on the emitting loggers themselves, so it
applies whatever handlers (ours, pytest's) are attached further up.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import traceback
from pathlib import Path

import discord

from bot.errors import StartupError

_BODY_LOGGERS = ("discord.http", "discord.webhook.async_", "discord.gateway")
_PLACEHOLDER = "<body omitted>"


def _looks_like_body(value: object) -> bool:
    if isinstance(value, dict | list | bytes | bytearray):
        return True
    if isinstance(value, str):
        return value.lstrip()[:1] in ("{", "[")
    return type(value).__name__ in ("FormData", "MultipartParameters")


class BodyRedactingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and any(_looks_like_body(arg) for arg in record.args):
            record.args = tuple(_PLACEHOLDER if _looks_like_body(arg) else arg for arg in record.args)
        return True


class SecretRedactingFilter(logging.Filter):
    """Last line of defence: the token, should anything ever format it into a message."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(secret in message for secret in self._secrets):
            for secret in self._secrets:
                message = message.replace(secret, "[redacted]")
            record.msg, record.args = message, ()
        return True


def traceback_without_messages(error: BaseException) -> str:
    """Where `error` (and what caused it) happened, frame by frame, with each exception's type but
    never its message: a message can quote what a person wrote (a value in a ValueError, say)."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        frames = "".join(traceback.format_list(traceback.extract_tb(current.__traceback__)))
        parts.append(f"Traceback (most recent call last):\n{frames}{type(current).__qualname__}")
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    return "\n\nThe above was raised from (or while handling) this one:\n\n".join(parts)


def install_redaction(secrets: list[str]) -> None:
    body_filter = BodyRedactingFilter()
    secret_filter = SecretRedactingFilter(secrets)
    for name in _BODY_LOGGERS:
        logger = logging.getLogger(name)
        for existing in [
            f for f in logger.filters if isinstance(f, BodyRedactingFilter | SecretRedactingFilter)
        ]:
            logger.removeFilter(existing)
        logger.addFilter(body_filter)
        logger.addFilter(secret_filter)


def configure_logging(
    level: str, secrets: list[str], *, file: Path | None = None, max_bytes: int = 10 << 20, keep: int = 5
) -> None:
    """Logs to stderr (journald and Docker keep and rotate them), or to `file`, rotated by size:
    at `max_bytes` it becomes file.1 (file.1 becomes file.2...), and only `keep` old ones stay."""
    handler = logging.StreamHandler() if file is None else _rotating_file(file.expanduser(), max_bytes, keep)
    discord.utils.setup_logging(handler=handler, level=logging.getLevelName(level), root=True)
    for attached in logging.getLogger().handlers:
        attached.addFilter(SecretRedactingFilter(secrets))
    install_redaction(secrets)


class OwnerOnlyRotatingFile(logging.handlers.RotatingFileHandler):
    """Logs hold no words people wrote, but they do name servers and times: owner-only, like the
    data, whatever the process's umask (each file rotation opens a new one)."""

    def _open(self) -> io.TextIOWrapper:
        stream = super()._open()
        os.chmod(self.baseFilename, 0o600)
        return stream


def _rotating_file(path: Path, max_bytes: int, keep: int) -> logging.Handler:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return OwnerOnlyRotatingFile(path, maxBytes=max_bytes, backupCount=keep, encoding="utf-8")
    except OSError as error:
        raise StartupError(
            f"LOG_FILE {path} cannot be written ({error.strerror}). Point it at a writable file, or "
            "leave it empty to log to stderr."
        ) from None


def describe_log_destination(file: Path | None, max_bytes: int, keep: int) -> str:
    """One line for `python -m bot check`."""
    if file is None:
        return "stderr (set LOG_FILE to write to a file instead)"
    size = f"{max_bytes / (1 << 20):g} MB"
    return f"{file.expanduser()}, rotated at {size}, keeping {keep} older files"
