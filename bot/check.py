"""`python -m bot check`: everything that can be verified without connecting to Discord."""

from __future__ import annotations

import base64
import binascii
import sqlite3
from datetime import UTC
from pathlib import Path

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backups import BackupPolicy, describe_policy
from bot.client import AttuneBot, describe_commands
from bot.clock import SystemClock
from bot.config import Settings
from bot.content import load_content
from bot.crypto import Cipher
from bot.db import Database
from bot.db.database import available_migrations
from bot.errors import StartupError
from bot.logging_setup import describe_log_destination
from bot.permissions import CHANNEL_PERMISSIONS, INTENT_NOTES, invite_url


def application_id_from_token(token: str) -> int | None:
    """A bot token's first segment is its application's id in base64."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.b64decode(first + "=" * (-len(first) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    return int(decoded) if decoded.isdigit() else None


def stored_schema_version(path: Path) -> int | None:
    if not path.exists():
        return None
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return int(connection.execute("PRAGMA user_version").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise StartupError(f"The database at {path} cannot be read ({exc}). Restore a backup.") from None


def metrics_line(settings: Settings) -> str:
    """Where Prometheus metrics would be served (bot/metrics.py), or how to turn them on."""
    port, host = settings.metrics_port, settings.metrics_host
    if port is None:
        return "off (set METRICS_PORT to serve Prometheus metrics)"
    if port == 0:
        return f"on {host}, a free port chosen at each start, /metrics"
    return f"http://{host}:{port}/metrics"


async def run_check(settings: Settings) -> int:
    print("Configuration: ok")
    print(f"Metrics: {metrics_line(settings)}")
    content = load_content(settings.content_path)
    print(
        f"Content: ok ({len(content.exercises)} exercises, {len(content.partner_prompts)} partner "
        f"prompts, {len(content.personal_prompts)} personal prompts)"
    )

    latest = available_migrations()[-1][0]
    scratch = Database(Path(":memory:"))
    await scratch.open(exclusive=False)
    try:
        await scratch.migrate()
        stored = stored_schema_version(settings.database_path)
        if stored is None:
            print(
                f"Migrations: ok (schema {latest}; {settings.database_path} will be created on first start)"
            )
        elif stored > latest:
            raise StartupError(
                f"{settings.database_path} has schema {stored}, newer than this Attune ({latest})."
            )
        else:
            print(f"Migrations: ok (schema {latest}; {settings.database_path} is at {stored})")

        bot = AttuneBot(
            settings=settings,
            database=scratch,
            cipher=Cipher(bytes(32)),  # never used to store anything: the scratch db is discarded
            scheduler=AsyncIOScheduler(timezone=UTC),
            content=content,
            clock=SystemClock(),
        )
        for extension in bot.extension_names:
            await bot.load_extension(extension)
        lines = describe_commands(bot.tree)
        await bot.close()
    finally:
        await scratch.close()

    print(f"Backups: {describe_policy(BackupPolicy.from_settings(settings), SystemClock().now())}")
    print(
        "Logs: "
        + describe_log_destination(settings.log_file, settings.log_file_max_bytes, settings.log_file_keep)
    )

    print(f"\nSlash commands ({len(lines)}):")
    for line in lines:
        print(f"  {line}")

    print("\nInvite Attune with this URL (scopes bot and applications.commands):")
    print(f"  {invite_url(application_id_from_token(settings.discord_token.get_secret_value()))}")
    print("\nPermissions it asks for, and why:")
    for needed in CHANNEL_PERMISSIONS:
        print(f"  {needed.label}: {needed.why}")
    print("\nGateway intents to enable in the developer portal (Bot page):")
    for name, why in INTENT_NOTES:
        print(f"  {name}: {why}")
    print("  (Message Content is not needed: Attune works through slash commands, buttons and forms.)")
    return 0
