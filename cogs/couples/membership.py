"""Asking Discord who is in a server, only for the people Attune needs.

Attune keeps chunk_guilds_at_startup=False and has no presence intent, so a GUILD_CREATE carries only
the bot itself: anyone else is unknown until asked for. We ask with the gateway's Request Guild
Members (op 8) by user id, through guild.query_members: at most 100 ids a request (Discord's limit),
answered by GUILD_MEMBERS_CHUNK with the members found, and it counts against no HTTP rate limit.
The alternative, GET /guilds/{id}/members/{user_id}, is one HTTP request per person (a 404 for each
one gone) paced under the global limit: a server with a thousand couples would take a minute.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import discord

log = logging.getLogger(__name__)

QUERY_BATCH = 100  # user ids per Request Guild Members: Discord returns at most 100 members


@dataclass(frozen=True)
class Presence:
    checked: frozenset[int]  # whose presence Discord confirmed, either way
    present: frozenset[int]  # of those, who is in the server


async def look_up(
    guild: discord.Guild,
    user_ids: Iterable[int],
    *,
    trust_cache: bool = False,
    per_request: float | None = None,
) -> Presence:
    """Who of `user_ids` is in `guild` right now. Found members are cached (names, get_member).

    `trust_cache`: someone already in discord.py's member cache counts as present without asking
    (the cache drops people on GUILD_MEMBER_REMOVE). A batch Discord did not answer (within
    `per_request` seconds, else discord.py's 30) is left out of `checked`, so nobody is taken for gone
    because a request failed.
    """
    wanted = sorted(set(user_ids))
    checked: set[int] = set()
    present: set[int] = set()
    if trust_cache:
        present = {user_id for user_id in wanted if guild.get_member(user_id) is not None}
        checked = set(present)
        wanted = [user_id for user_id in wanted if user_id not in present]
    for start in range(0, len(wanted), QUERY_BATCH):
        batch = wanted[start : start + QUERY_BATCH]
        try:
            found = await asyncio.wait_for(guild.query_members(user_ids=batch, cache=True), per_request)
        except (TimeoutError, discord.ClientException, RuntimeError) as exc:
            log.warning(
                "Could not ask Discord about %d member(s) of server %s (%s)",
                len(batch),
                guild.id,
                type(exc).__name__,
            )
            continue
        checked.update(batch)
        present.update(member.id for member in found)
    return Presence(frozenset(checked), frozenset(present))
