"""Who is told that something happened, and how: one notification per person per event, and none
for the person who caused it. This is the one place the rule lives (README, "Notifications").

- The person who acted is told nothing: they ran /checkin now, or their answer completed the
  round and revealed both answers, or they shared something. They were there.
- Everyone else in the event's audience is told exactly once:
  - by DM, when they have DM nudges on (`/checkin nudges`, on unless turned off) and Attune can
    reach them by DM; the thread post then does not mention them, so it does not ping them too;
  - otherwise by a mention in the thread post.
- A DM that fails after all is replaced by a mention in the thread (bot/notify.py), so closed DMs
  never leave anyone untold.

Scheduled rounds and reminders have no actor: each partner in the audience is told once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from bot.clock import Clock
from bot.records.people import Person
from bot.repositories.people import PeopleRepository

# Closed DMs are not retried: after this many failures in a day, Attune stops trying that day.
DAILY_DM_FAILURE_CAP = 3


class How(StrEnum):
    NOTHING = "nothing"
    MENTION = "mention"
    DM = "dm"


def how_to_tell(user_id: int, actor_id: int | None, *, wants_dm: bool, dm_reachable: bool) -> How:
    """The rule for one person and one event."""
    if user_id == actor_id:
        return How.NOTHING
    if wants_dm and dm_reachable:
        return How.DM
    return How.MENTION


@dataclass(frozen=True)
class Plan:
    """Who is mentioned in the thread post, and who is told by DM instead (never both)."""

    mention: tuple[int, ...] = ()
    dm: tuple[int, ...] = ()


@dataclass(frozen=True)
class DmRoute:
    """A DM worth trying, and the person's DM channel when Discord has already told it (None: the
    channel is opened first, one request more)."""

    channel_id: int | None


class NotificationService:
    def __init__(self, people: PeopleRepository, clock: Clock) -> None:
        self._people = people
        self._clock = clock

    async def may_dm(self, user_id: int) -> bool:
        """DMs are worth trying: not known to be closed, and not failed too often today."""
        _, reachable = await self._settings(user_id)
        return reachable

    async def dm_route(self, user_id: int) -> DmRoute | None:
        """How to DM this person, or None when DMs are not worth trying (as `may_dm`)."""
        person = await self._people.get(user_id)
        if not await self._reachable(user_id, person):
            return None
        return DmRoute(person.dm_channel_id if person is not None else None)

    async def plan(self, audience: Iterable[int], actor_id: int | None) -> Plan:
        """How each person in `audience` is told about something `actor_id` did (None: nobody did,
        it was scheduled). Each person appears once at most, in the order given."""
        mention: list[int] = []
        dm: list[int] = []
        for user_id in dict.fromkeys(audience):
            if user_id == actor_id:
                continue
            wants, reachable = await self._settings(user_id)
            how = how_to_tell(user_id, actor_id, wants_dm=wants, dm_reachable=reachable)
            (dm if how is How.DM else mention).append(user_id)
        return Plan(mention=tuple(mention), dm=tuple(dm))

    async def _settings(self, user_id: int) -> tuple[bool, bool]:
        """Whether the person wants DM nudges, and whether a DM can reach them today."""
        person = await self._people.get(user_id)
        wants = person is None or person.dm_nudges
        return wants, await self._reachable(user_id, person)

    async def _reachable(self, user_id: int, person: Person | None) -> bool:
        if person is not None and not person.dm_reachable:
            return False
        today = self._clock.now().date()
        return await self._people.dm_failures_on(user_id, today) < DAILY_DM_FAILURE_CAP
