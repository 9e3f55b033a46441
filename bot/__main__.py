"""The composition root and command line.

python -m bot            start the bot
python -m bot check      validate config, content and migrations offline; print the invite URL
python -m bot backup P   consistent copy of the database while the bot runs
python -m bot health     is the bot on this database alive? exit 0 yes, 1 no (one line says why)
python -m bot restore P  put a backup in place of the database (the bot stopped)
python -m bot keygen     print a new DATA_ENCRYPTION_KEY
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from datetime import UTC

import discord
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.backups import backup_database, restore_backup
from bot.check import run_check
from bot.client import AttuneBot
from bot.clock import Clock, SystemClock
from bot.config import ConfigError, DataSettings, Settings, StorageSettings, load_settings
from bot.content import ContentError, load_content
from bot.crypto import Cipher, generate_key
from bot.datakey import resolve_data_key
from bot.db import Database, DatabaseError
from bot.errors import StartupError
from bot.health import Thresholds, check_health
from bot.inflight import CountingExecutor
from bot.logging_setup import configure_logging, install_redaction

log = logging.getLogger("bot")

REFUSALS = (ConfigError, StartupError, DatabaseError, ContentError)


def point_discord_py_at(api_base: str) -> None:
    # Route.BASE is a class attribute: it serves the HTTP client and interaction webhooks alike.
    discord.http.Route.BASE = api_base


@asynccontextmanager
async def open_bot(settings: Settings, *, clock: Clock | None = None) -> AsyncIterator[AttuneBot]:
    """Build every resource the bot needs, hand them to it, and close them all afterwards."""
    try:
        content = load_content(settings.content_path)
    except ContentError as exc:
        raise StartupError(f"Content is broken, so Attune will not start: {exc}") from None
    key = resolve_data_key(settings)
    database = Database(settings.database_path)
    await database.open()
    try:
        point_discord_py_at(settings.discord_api_base)
        bot = AttuneBot(
            settings=settings,
            database=database,
            cipher=Cipher(key),
            scheduler=AsyncIOScheduler(timezone=UTC, executors={"default": CountingExecutor()}),
            content=content,
            clock=clock or SystemClock(),
        )
        try:
            yield bot
        finally:
            if not bot.is_closed():
                await bot.close()
    finally:
        await database.close()


async def serve(
    settings: Settings,
    *,
    clock: Clock | None = None,
    handle_signals: bool = True,
    on_built: Callable[[AttuneBot], None] | None = None,
) -> None:
    """Run until closed (SIGTERM/SIGINT close cleanly: scheduler stopped, writes done, db closed)."""
    # Here, not only in _run: whoever starts the bot (the CLI, tests, an embedding) gets logs
    # without message bodies or the token, whatever handlers they attach.
    install_redaction([settings.discord_token.get_secret_value()])
    async with open_bot(settings, clock=clock) as bot:
        if on_built is not None:
            on_built(bot)
        if handle_signals:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(signum, lambda: asyncio.ensure_future(bot.close()))
        try:
            await bot.start(settings.discord_token.get_secret_value())
        except Exception:
            # A stop asked for while discord.py was still connecting pulls the HTTP session from
            # under the connect, which then fails with whatever aiohttp raises. That is the stop
            # working, not a crash: exit cleanly. Any failure without a stop asked for is real.
            if not bot.is_closed():
                raise
            log.info("Stopped while connecting to Discord")
    log.info("Attune stopped cleanly")


def _run(settings: Settings) -> int:
    configure_logging(
        settings.log_level,
        [settings.discord_token.get_secret_value()],
        file=settings.log_file,
        max_bytes=settings.log_file_max_bytes,
        keep=settings.log_file_keep,
    )
    try:
        asyncio.run(serve(settings))
    except discord.LoginFailure:
        print(
            "attune: Discord refused the token. "
            "Copy a fresh one from the developer portal into DISCORD_TOKEN.",
            file=sys.stderr,
        )
        return 2
    except discord.PrivilegedIntentsRequired:
        print(
            "attune: enable the Server Members Intent for this application "
            "in the developer portal (Bot page).",
            file=sys.stderr,
        )
        return 2
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Attune, a Discord bot for couples.")
    commands = parser.add_subparsers(dest="command")
    commands.add_parser("check", help="validate config, content and migrations; print the invite URL")
    backup = commands.add_parser("backup", help="copy the database consistently while the bot runs")
    backup.add_argument("path", help="where to write the copy (must not exist yet)")
    restore = commands.add_parser("restore", help="put a backup in place of the database (bot stopped)")
    restore.add_argument("path", help="the backup file to restore")
    commands.add_parser("keygen", help="print a new DATA_ENCRYPTION_KEY")
    add_health_parser(commands)
    args = parser.parse_args(argv)

    try:
        if args.command == "keygen":
            print(generate_key())
            return 0
        if args.command == "backup":
            storage = load_settings(StorageSettings)
            print(backup_database(storage.database_path, args.path))
            return 0
        if args.command == "health":
            return _health(args)
        if args.command == "restore":
            print(restore_backup(load_settings(DataSettings), args.path))
            return 0
        settings = load_settings(Settings)
        if args.command == "check":
            return asyncio.run(run_check(settings))
        return _run(settings)
    except REFUSALS as exc:
        print(f"attune: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 0


def add_health_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    health = commands.add_parser("health", help="exit 0 if the bot is alive and connected, else 1 with why")
    defaults = Thresholds()
    health.add_argument(
        "--max-heartbeat-age",
        type=float,
        default=defaults.heartbeat_max_age,
        metavar="S",
        help="seconds without a heartbeat before the bot counts as not responding (%(default)s)",
    )
    health.add_argument(
        "--max-disconnected",
        type=float,
        default=defaults.disconnected_max,
        metavar="S",
        help="seconds disconnected from Discord before it counts (%(default)s)",
    )
    health.add_argument(
        "--max-job-delay",
        type=float,
        default=defaults.job_min_delay,
        metavar="S",
        help="a job is late after 3 of its intervals, and at least this many seconds (%(default)s)",
    )


def _health(args: argparse.Namespace) -> int:
    storage = load_settings(StorageSettings)
    thresholds = Thresholds(args.max_heartbeat_age, args.max_disconnected, args.max_job_delay)
    verdict = check_health(storage.database_path, thresholds)
    print(verdict.line)
    return verdict.exit_code


if __name__ == "__main__":
    with suppress(KeyboardInterrupt):
        sys.exit(main())
