"""Per-person cooldowns for commands that write: they stop spam (and a stuck key) without
punishing anyone else. The command tree's on_error answers CommandOnCooldown kindly, with when to
try again ("you can do that again in N seconds"). Keyed by user id, so one person's burst never
slows their partner or the rest of the server.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import discord
from discord import app_commands

T = TypeVar("T")


def _person(interaction: discord.Interaction[Any]) -> int:
    return interaction.user.id


def per_person(rate: int, per: float) -> Callable[[T], T]:
    """At most `rate` uses per `per` seconds for each person."""
    return app_commands.checks.cooldown(rate, per, key=_person)


# (rate, per seconds) for each write command; generous for people, tight for scripts.
LIMITS: dict[str, tuple[int, float]] = {
    "journal write": (5, 60.0),
    "reflect": (5, 60.0),
    "boundary add": (5, 60.0),
    "appreciate add": (5, 60.0),
    "bid note": (10, 60.0),
    "break start": (10, 60.0),
    "pair invite": (5, 60.0),
    "checkin now": (3, 60.0),
    "checkin prompts add": (5, 60.0),
    "privacy export": (2, 300.0),
}


def limit(command: str) -> Callable[[T], T]:
    rate, per = LIMITS[command]
    return per_person(rate, per)
