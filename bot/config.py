"""Typed configuration read from the environment (and a `.env` file when present).

Every key here is listed in `.env.example`. A missing or invalid value stops start-up with one
line that names the variable; secrets (the token, the encryption key) are never echoed.
"""

from __future__ import annotations

import base64
import binascii
import os
from pathlib import Path
from typing import Any, Literal, TypeVar

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DISCORD_API_BASE = "https://discord.com/api/v10"
SQLITE_PREFIX = "sqlite:///"

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]


def default_data_dir() -> Path:
    """Where user data lives by default: outside the source tree, per the XDG convention."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "attune"


def default_database_url() -> str:
    return f"{SQLITE_PREFIX}{default_data_dir() / 'attune.db'}"


class ConfigError(Exception):
    """A configuration problem, phrased as one line a person can act on."""

    exit_code = 2


class StorageSettings(BaseSettings):
    """What the offline commands (backup) need: where the data is. No token required."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        case_sensitive=False,
        env_ignore_empty=True,
        frozen=True,
    )

    database_url: str = Field(default_factory=default_database_url)

    @field_validator("database_url")
    @classmethod
    def _sqlite_url(cls, value: str) -> str:
        if not value.startswith(SQLITE_PREFIX) or len(value) == len(SQLITE_PREFIX):
            raise ValueError("must look like sqlite:///path/to/attune.db")
        return value

    @property
    def database_path(self) -> Path:
        return Path(self.database_url[len(SQLITE_PREFIX) :]).expanduser()


class DataSettings(StorageSettings):
    """What restoring a backup needs besides the database: its key and where backups go. No token."""

    data_encryption_key: SecretStr | None = None
    backup_dir: Path | None = None
    backup_every_hours: float = Field(default=24, gt=0)
    backup_keep: int = Field(default=7, ge=1)

    @field_validator("backup_dir", mode="before")
    @classmethod
    def _blank_backup_dir_is_default(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("data_encryption_key", mode="before")
    @classmethod
    def _key_shape(cls, value: object) -> object:
        if value in (None, ""):
            return None
        raw = value.get_secret_value() if isinstance(value, SecretStr) else str(value)
        try:
            decoded = base64.urlsafe_b64decode(raw.encode())
        except (binascii.Error, ValueError):
            decoded = b""
        if len(decoded) != 32:
            raise ValueError("must be 32 random bytes in url-safe base64 (python -m bot keygen makes one)")
        return value

    @property
    def encryption_key(self) -> bytes | None:
        if self.data_encryption_key is None:
            return None
        return base64.urlsafe_b64decode(self.data_encryption_key.get_secret_value().encode())

    @property
    def backup_folder(self) -> Path:
        """BACKUP_DIR, else a `backups` folder beside the database."""
        if self.backup_dir is not None:
            return self.backup_dir.expanduser()
        return self.database_path.parent / "backups"


class Settings(DataSettings):
    discord_token: SecretStr = Field(description="The bot token from the Discord developer portal.")
    discord_api_base: str = DISCORD_API_BASE
    discord_guild_id: int | None = None
    log_level: LogLevel = "INFO"
    content_path: Path | None = None
    missed_round_grace_minutes: int = Field(default=120, ge=0, le=24 * 60)
    # Prometheus metrics (bot/metrics.py): off unless a port is given; 0 picks a free one (tests).
    metrics_port: int | None = Field(default=None, ge=0, le=65535)
    metrics_host: str = "127.0.0.1"
    log_file: Path | None = None
    log_file_max_mb: float = Field(default=10, gt=0)
    log_file_keep: int = Field(default=5, ge=1)

    @field_validator("discord_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value()
        if not token.strip():
            raise ValueError("is empty: paste the bot token from the developer portal (Bot page)")
        if any(ch.isspace() for ch in token):
            raise ValueError("must be the bot token from the developer portal (no spaces)")
        return value

    @field_validator("discord_api_base")
    @classmethod
    def _http_base(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://discord.com/api/v10")
        return value.rstrip("/")

    @field_validator("discord_guild_id", mode="before")
    @classmethod
    def _blank_guild_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("log_file", mode="before")
    @classmethod
    def _blank_log_file_is_stderr(cls, value: object) -> object:
        return None if value == "" else value

    @property
    def uses_custom_api(self) -> bool:
        return self.discord_api_base != DISCORD_API_BASE

    @property
    def log_file_max_bytes(self) -> int:
        return max(1, int(self.log_file_max_mb * 1024 * 1024))


SettingsT = TypeVar("SettingsT", bound=StorageSettings)


def load_settings(kind: type[SettingsT] = Settings, **overrides: Any) -> SettingsT:  # type: ignore[assignment]
    """Build settings, turning pydantic's report into one line about the first problem."""
    try:
        return kind(**overrides)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    # Only the variable name and pydantic's message: the input value may be a secret.
    error = exc.errors()[0]
    variable = str(error["loc"][0]).upper() if error["loc"] else "configuration"
    problem = "is not set" if error["type"] == "missing" else error["msg"].removeprefix("Value error, ")
    return f"{variable} {problem}. Set it in the environment or in .env (see .env.example)."
