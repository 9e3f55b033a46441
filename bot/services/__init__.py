"""Domain services: the rules of Attune, built once by the composition root and shared by cogs."""

from __future__ import annotations

from dataclasses import dataclass

from bot.clock import Clock
from bot.config import Settings
from bot.content import ContentLibrary
from bot.crypto import Cipher
from bot.db import Database
from bot.repositories.meta import MetaRepository


@dataclass(frozen=True)
class Services:
    meta: MetaRepository


def build_services(
    database: Database, cipher: Cipher, content: ContentLibrary, clock: Clock, settings: Settings
) -> Services:
    return Services(meta=MetaRepository(database))
