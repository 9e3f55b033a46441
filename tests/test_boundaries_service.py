"""The boundaries service against a real, migrated SQLite database."""

from __future__ import annotations

import base64

import pytest

from bot.crypto import Cipher, generate_key
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.boundaries import BoundariesRepository
from bot.services.boundaries import BOUNDARIES_PER_PERSON, NOT_FOUND, BoundariesService
from tests.support.clock import FakeClock

ALICE, BOB = 101, 202


@pytest.fixture
def service(database: Database, clock: FakeClock) -> BoundariesService:
    return BoundariesService(
        BoundariesRepository(database, Cipher(base64.urlsafe_b64decode(generate_key()))), clock
    )


async def test_boundaries_are_sealed_and_private(service: BoundariesService, database: Database) -> None:
    added = await service.add(ALICE, "  I need quiet mornings. ", "I'll go for a walk.")
    assert (added.boundary, added.consequence) == ("I need quiet mornings.", "I'll go for a walk.")
    raw = await database.fetchone("SELECT boundary_sealed, consequence_sealed FROM boundaries")
    assert raw is not None and b"quiet" not in bytes(raw[0]) and b"walk" not in bytes(raw[1])
    assert [b.id for b in await service.list_for(ALICE)] == [added.id]
    assert await service.list_for(BOB) == []
    assert (await service.get_by_text(str(added.id), ALICE)).boundary == "I need quiet mornings."
    assert [b.id for b in await service.search(ALICE, "QUIET")] == [added.id]
    assert await service.search(BOB, "") == []


async def test_someone_elses_boundary_is_not_found(service: BoundariesService) -> None:
    added = await service.add(ALICE, "Mine", "Then this")
    for attempt in (
        service.get(added.id, BOB),
        service.get_by_text(str(added.id), BOB),
        service.get_by_text("not a number", ALICE),
        service.get(added.id + 1, ALICE),
        service.remove(added.id, BOB),
        service.claim_share(added.id, BOB, 0),
    ):
        with pytest.raises(NotFound) as refused:
            await attempt
        assert refused.value.message == NOT_FOUND
    assert len(await service.list_for(ALICE)) == 1


async def test_remove(service: BoundariesService) -> None:
    added = await service.add(ALICE, "Mine", "Then this")
    await service.remove(added.id, ALICE)
    assert await service.list_for(ALICE) == []
    with pytest.raises(NotFound):
        await service.remove(added.id, ALICE)


async def test_input_is_checked_and_the_count_capped(service: BoundariesService) -> None:
    with pytest.raises(UserFacingError):
        await service.add(ALICE, "  ", "something")
    with pytest.raises(UserFacingError):
        await service.add(ALICE, "x" * 1001, "something")
    for n in range(BOUNDARIES_PER_PERSON):
        await service.add(ALICE, f"boundary {n}", "then")
    with pytest.raises(UserFacingError, match="Remove one"):
        await service.add(ALICE, "one too many", "then")
    await service.add(BOB, "Bob's own", "then")  # the cap is per person


async def test_a_preview_posts_once(service: BoundariesService, clock: FakeClock) -> None:
    added = await service.add(ALICE, "Mine", "Then this")
    previewed = service.now()
    clock.advance(seconds=10)
    boundary, claimed = await service.claim_share(added.id, ALICE, previewed)
    assert boundary.id == added.id
    with pytest.raises(UserFacingError, match="already"):
        await service.claim_share(added.id, ALICE, previewed)  # a second press of the same preview
    await service.release_share(added.id, ALICE, claimed)  # the post failed
    await service.claim_share(added.id, ALICE, previewed)
    clock.advance(minutes=1)
    later = service.now()
    clock.advance(seconds=1)
    await service.claim_share(added.id, ALICE, later)  # a new preview may be posted again
    assert (await service.get(added.id, ALICE)).shared_at == service.now()
