"""The Bot: receives its resources from the composition root and wires them up in setup_hook."""

from __future__ import annotations

import asyncio
import gc
import hashlib
import importlib.util
import json
import logging
import pkgutil
from collections.abc import Callable
from typing import Any

import discord
import yarl
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from discord import app_commands
from discord.ext import commands

from bot.backups import BackupPolicy, BackupSchedule, migrate_with_backup
from bot.clock import Clock
from bot.config import Settings
from bot.content import ContentLibrary
from bot.crypto import Cipher
from bot.db import Database
from bot.errors import StartupError
from bot.heartbeat import Heartbeat, heartbeat_path
from bot.idle_gc import IdleCollector
from bot.inflight import InFlight, counting_parser
from bot.keycheck import verify_data_key
from bot.membership import MembershipChecks
from bot.metrics import Metrics, discord_http_trace
from bot.modals import ModalRegistry
from bot.permissions import required_intents
from bot.services import Services, build_services
from bot.threads import CoupleThreads
from bot.tree import AttuneTree

log = logging.getLogger(__name__)

FEATURES_PACKAGE = "cogs"


def discover_extensions(package: str = FEATURES_PACKAGE) -> tuple[str, ...]:
    """One way of loading features: every package under cogs/ is an extension with a setup().

    Found on the import path, not imported: dependencies point one way, features -> core."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.submodule_search_locations is None:
        raise ModuleNotFoundError(f"No package {package!r}: Attune's features live there", name=package)
    return tuple(
        f"{package}.{module.name}"
        for module in sorted(pkgutil.iter_modules(spec.submodule_search_locations), key=lambda m: m.name)
        if module.ispkg
    )


EXTENSIONS: tuple[str, ...] = discover_extensions()


class AttuneBot(commands.Bot):
    def __init__(
        self,
        *,
        settings: Settings,
        database: Database,
        cipher: Cipher,
        scheduler: AsyncIOScheduler,
        content: ContentLibrary,
        clock: Clock,
        extensions: tuple[str, ...] = EXTENSIONS,
    ) -> None:
        # Is it alive (bot/heartbeat.py), and how is it doing (bot/metrics.py): both also hear
        # from discord.py's HTTP session, hence before it is made.
        metrics = Metrics()
        heartbeat = Heartbeat(heartbeat_path(database.path))
        super().__init__(
            command_prefix=commands.when_mentioned,
            intents=required_intents(),
            help_command=None,
            tree_cls=AttuneTree,
            chunk_guilds_at_startup=False,
            max_messages=None,
            allowed_mentions=discord.AllowedMentions(everyone=False, roles=False, users=True),
            http_trace=discord_http_trace(metrics, heartbeat.posted),
        )
        self.metrics = metrics
        self.heartbeat = heartbeat
        heartbeat.listen_to(self)
        metrics.gateway_connected.set_function(lambda: float(heartbeat.connected))
        self.settings = settings
        self.database = database
        self.cipher = cipher
        self.scheduler = scheduler
        self.content = content
        self.clock = clock
        self.services: Services = build_services(database, cipher, content, clock, settings)
        self.backups = BackupSchedule(settings.database_path, BackupPolicy.from_settings(settings), clock)
        self.threads = CoupleThreads(self, self.services.couples)
        self.membership = MembershipChecks()  # filled by cogs.couples, awaited by the dispatchers
        self.extension_names = extensions
        # Persistent modals (bot/modals.py): features register handlers; one listener answers.
        self.modals = ModalRegistry()
        self.add_listener(self.modals.dispatch, "on_interaction")
        self.setup_runs = 0  # start-up work happens once per process, never again on RESUME
        # Every task an event or a job starts is counted, so shutdown and tests can wait for it.
        self.inflight = InFlight()
        self.idle_gc = IdleCollector(lambda: self.inflight.busy)
        parsers = self._connection.parsers
        for event, parse in list(parsers.items()):
            parsers[event] = counting_parser(parse)
        self._connected = asyncio.Event()
        parsers["READY"] = self._beginning_sessions(parsers["READY"])

    def _beginning_sessions(self, parse_ready: Callable[[Any], None]) -> Callable[[Any], None]:
        """READY's parser, then, in the same step (before any handler can run): every server the
        session lists is awaiting its membership check, and the bot counts as connected."""

        def parse_ready_and_begin(data: Any) -> None:
            parse_ready(data)  # the bot's user, and its servers (their contents come in GUILD_CREATE)
            self.membership.begin_session(guild.id for guild in self.guilds)
            self._connected.set()

        return parse_ready_and_begin

    async def wait_until_connected(self) -> None:
        """Until the first gateway READY has been parsed: the session is up, so HTTP requests and
        gateway requests work, and the servers are listed. Unlike wait_until_ready, it does not
        wait for every server's contents (GUILD_CREATE), which discord.py's on_ready waits for up
        to guild_ready_timeout (2 s) after the last one arrives."""
        await self._connected.wait()

    async def setup_hook(self) -> None:
        self.setup_runs += 1
        self.inflight.install(asyncio.get_running_loop())
        # First, so a long migration (and the backup before it) is seen as a bot starting, not
        # as no bot at all.
        self.heartbeat.start()
        if self.settings.metrics_port is not None:
            self.metrics.serve(self.settings.metrics_host, self.settings.metrics_port)
        await migrate_with_backup(self.database, self.backups.policy, self.clock)
        self.heartbeat.schema = await self.database.schema_version()
        await verify_data_key(self.services.meta, self.cipher, self.database.path)
        # Who is owed the "couldn't DM you" notice, so no slash command has to ask SQL (issue 18).
        await self.services.people.load_owed_notices()
        if self.settings.uses_custom_api:
            await self._use_gateway_of_custom_api()
        # Each extension's setup() adds its cog and registers its persistent dynamic items.
        for extension in self.extension_names:
            await self.load_extension(extension)
        await self.sync_commands()
        self.backups.install(self.scheduler)
        self.scheduler.start()
        freeze_startup_heap()
        self.idle_gc.start()
        log.info(
            "Attune is set up: %d extensions, schema %d",
            len(self.extension_names),
            await self.database.schema_version(),
        )

    async def _use_gateway_of_custom_api(self) -> None:
        # discord.py's plain client never asks for the gateway URL; behind a custom API base
        # (a proxy, or the tests' fake) it must, or it would connect to Discord itself.
        _, url, _ = await self.http.get_bot_gateway()
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(url)

    # -- command sync ------------------------------------------------------------------------

    def command_payload(self) -> list[dict[str, Any]]:
        commands_ = self.tree.get_commands(type=discord.AppCommandType.chat_input)
        return sorted((command.to_dict(self.tree) for command in commands_), key=lambda c: str(c["name"]))

    async def sync_commands(self) -> bool:
        """Sync to the dev guild, or globally, but only when the payload changed since last time."""
        guild_id = self.settings.discord_guild_id
        guild = discord.Object(id=guild_id) if guild_id else None
        if guild is not None:
            self.tree.copy_global_to(guild=guild)
        payload = json.dumps(self.command_payload(), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(payload.encode()).hexdigest()
        scope = f"guild:{guild_id}" if guild_id else "global"
        key = f"command_hash:{self.application_id}:{scope}"
        meta = self.services.meta
        if await meta.get(key) == digest:
            log.info("Slash commands unchanged since the last sync (%s); not syncing", scope)
            return False
        synced = await self.tree.sync(guild=guild)
        await meta.set(key, digest)
        log.info("Synced %d slash commands (%s)", len(synced), scope)
        return True

    # -- lifecycle ---------------------------------------------------------------------------

    async def close(self) -> None:
        # Features first, while the connection is still open: each stops its own scheduled job as
        # its extension unloads (cog_unload), letting the sends in flight finish. Then the
        # scheduler stops, cancelling any run still going (the rest stays due in the database).
        # discord.py's close would unload them too, but only after the scheduler had cancelled them.
        for extension in tuple(self.extensions):
            try:
                await self.unload_extension(extension)
            except Exception:
                log.exception("Unloading %s failed while closing", extension)
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        await super().close()
        await self.heartbeat.stop()
        await self.idle_gc.stop()
        await asyncio.to_thread(self.metrics.stop)  # waits for the server thread's poll to notice
        self.inflight.uninstall()

    def command_lines(self) -> list[str]:
        """One line per slash command, derived from the tree so /help never drifts."""
        return describe_commands(self.tree)


_startup_heap_frozen = False


def freeze_startup_heap() -> None:
    """Once per process, when start-up is done: collect, then move everything that exists by now
    (modules, content, the command tree) out of the cyclic garbage collector's sight (gc.freeze).
    Otherwise every full collection walks it all again, a 25-45 ms pause (measured) for whoever
    is interacting at that moment; afterwards one walks only what was made since."""
    global _startup_heap_frozen
    if not _startup_heap_frozen:
        _startup_heap_frozen = True
        gc.collect()
        gc.freeze()


def describe_commands(tree: app_commands.CommandTree[Any]) -> list[str]:
    lines: list[str] = []
    for command in sorted(tree.walk_commands(), key=lambda c: c.qualified_name):
        if isinstance(command, app_commands.Command):
            lines.append(f"/{command.qualified_name}: {command.description}")
    return lines


__all__ = ["EXTENSIONS", "AttuneBot", "StartupError"]
