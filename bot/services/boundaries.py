"""Boundaries: what a person will and won't bend on, and what they'll do if a line is crossed.

Private unless shared. Someone else's boundary behaves exactly like one that does not exist.
"""

from __future__ import annotations

from bot.clock import Clock, unix
from bot.errors import NotFound, UserFacingError
from bot.records.boundaries import Boundary
from bot.repositories.boundaries import BoundariesRepository

BOUNDARY_MAX = 1000
CONSEQUENCE_MAX = 1000
BOUNDARIES_PER_PERSON = 25  # one autocomplete list

NOT_FOUND = "I couldn't find that boundary among yours. Pick one from the list as you type."


class BoundariesService:
    def __init__(self, repository: BoundariesRepository, clock: Clock) -> None:
        self._repo = repository
        self._clock = clock

    async def add(self, user_id: int, boundary: str, consequence: str) -> Boundary:
        what, then = boundary.strip(), consequence.strip()
        if not what or not then:
            raise UserFacingError("Please write both the boundary and what you'll do if it's crossed.")
        if len(what) > BOUNDARY_MAX or len(then) > CONSEQUENCE_MAX:
            raise UserFacingError(f"Please keep each part under {BOUNDARY_MAX} characters.")
        added = await self._repo.add(user_id, what, then, self._now(), BOUNDARIES_PER_PERSON)
        if added is None:
            raise UserFacingError(
                f"You're keeping {BOUNDARIES_PER_PERSON} boundaries already. "
                "Remove one with `/boundary remove` before adding another."
            )
        return added

    async def list_for(self, user_id: int) -> list[Boundary]:
        return await self._repo.list_for(user_id)

    async def get(self, boundary_id: int, user_id: int) -> Boundary:
        found = await self._repo.get(boundary_id, user_id)
        if found is None:
            raise NotFound(NOT_FOUND)
        return found

    async def get_by_text(self, value: str, user_id: int) -> Boundary:
        """Resolve what the command option carried (an id from autocomplete)."""
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 18:  # never a row id: not found
            raise NotFound(NOT_FOUND)
        return await self.get(int(text), user_id)

    async def search(self, user_id: int, typed: str, limit: int = 25) -> list[Boundary]:
        needle = typed.strip().casefold()
        own = await self.list_for(user_id)
        return [b for b in own if needle in b.boundary.casefold()][:limit]

    async def remove(self, boundary_id: int, user_id: int) -> None:
        if not await self._repo.remove(boundary_id, user_id):
            raise NotFound(NOT_FOUND)

    def now(self) -> int:
        return self._now()

    async def claim_share(self, boundary_id: int, user_id: int, previewed_at: int) -> tuple[Boundary, int]:
        """Reserve one post for the preview shown at `previewed_at`; returns it and the claim time."""
        boundary = await self.get(boundary_id, user_id)
        now = self._now()
        if not await self._repo.claim_share(boundary_id, user_id, previewed_at, now):
            raise UserFacingError("You've shared this boundary already.")
        return boundary, now

    async def release_share(self, boundary_id: int, user_id: int, claimed_at: int) -> None:
        await self._repo.release_share(boundary_id, user_id, claimed_at)

    def _now(self) -> int:
        return unix(self._clock.now())
