"""The journal service against a real, migrated SQLite database."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, datetime

import pytest

from bot.content import load_content
from bot.crypto import Cipher
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.journal import JournalRepository
from bot.repositories.people import PeopleRepository
from bot.services.journal import BODY_MAX, ENTRY_NOT_FOUND, TITLE_MAX, JournalService
from tests.support.clock import FakeClock

ALICE, BOB = 1001, 1002


@pytest.fixture
def journal(database: Database, clock: FakeClock) -> JournalService:
    cipher = Cipher(bytes(range(32)))
    return JournalService(
        JournalRepository(database, cipher), PeopleRepository(database), load_content(None), clock
    )


async def test_write_read_edit_delete_round_trip(journal: JournalService, clock: FakeClock) -> None:
    entry = await journal.write(ALICE, title="  Tuesday ", body="I felt heard today.", mood=4, guild_id=7)
    assert (entry.title, entry.body, entry.mood, entry.kind, entry.guild_id) == (
        "Tuesday",
        "I felt heard today.",
        4,
        "entry",
        7,
    )
    assert await journal.get(ALICE, entry.id) == entry
    clock.advance(hours=1)
    edited = await journal.edit(ALICE, entry.id, title="", body="Heard, and held.", mood=None)
    assert (edited.title, edited.body, edited.mood) == (None, "Heard, and held.", None)
    assert edited.updated_at > edited.created_at
    await journal.delete(ALICE, entry.id)
    with pytest.raises(NotFound):
        await journal.get(ALICE, entry.id)


async def test_someone_elses_entry_is_exactly_like_a_missing_one(journal: JournalService) -> None:
    entry = await journal.write(ALICE, body="Mine alone.")
    messages = []
    for attempt in (
        journal.get(BOB, entry.id),
        journal.edit(BOB, entry.id, title=None, body="taken over", mood=None),
        journal.delete(BOB, entry.id),
        journal.begin_share(BOB, entry.id, 55),
        journal.get(BOB, 999_999),
        journal.get_by_ref(BOB, "not-a-number"),
    ):
        with pytest.raises(NotFound) as caught:
            await attempt
        messages.append(caught.value.message)
    assert set(messages) == {ENTRY_NOT_FOUND}
    assert await journal.search(BOB, "Mine") == []
    assert await journal.suggestions(BOB, "", zoneinfo.ZoneInfo("UTC")) == []
    assert (await journal.get(ALICE, entry.id)).body == "Mine alone."


async def test_limits_and_empty_entries_store_nothing(journal: JournalService, database: Database) -> None:
    with pytest.raises(UserFacingError, match="empty"):
        await journal.write(ALICE, body="   \n ")
    with pytest.raises(UserFacingError, match="4,000"):
        await journal.write(ALICE, body="x" * (BODY_MAX + 1))
    with pytest.raises(UserFacingError, match="100"):
        await journal.write(ALICE, title="t" * (TITLE_MAX + 1), body="fine")
    with pytest.raises(UserFacingError, match="1 to 5"):
        await journal.write(ALICE, body="fine", mood=6)
    assert await database.fetchval("SELECT count(*) FROM journal_entries") == 0
    entry = await journal.write(ALICE, body="x" * BODY_MAX, title="t" * TITLE_MAX)
    with pytest.raises(UserFacingError):
        await journal.edit(ALICE, entry.id, title=None, body="", mood=None)
    assert (await journal.get(ALICE, entry.id)).body == "x" * BODY_MAX


async def test_pages_are_newest_first_ten_at_a_time(journal: JournalService, clock: FakeClock) -> None:
    for n in range(23):
        await journal.write(ALICE, body=f"entry {n}")
        clock.advance(minutes=5)
    await journal.write(BOB, body="bob's")
    first = await journal.page(ALICE, 0)
    assert (first.pages, first.total) == (3, 23)
    assert [e.body for e in first.entries] == [f"entry {n}" for n in range(22, 12, -1)]
    last = await journal.page(ALICE, 2)
    assert [e.body for e in last.entries] == ["entry 2", "entry 1", "entry 0"]
    beyond = await journal.page(ALICE, 9)
    assert beyond.page == 2
    assert (await journal.page(BOB, 0)).total == 1


async def test_search_decrypts_only_the_authors_entries(journal: JournalService) -> None:
    await journal.write(ALICE, title="The Lake", body="We walked by the water.")
    await journal.write(ALICE, body="Quiet evening, nothing special.")
    await journal.write(BOB, body="The lake was cold.")
    assert [e.title for e in await journal.search(ALICE, "LAKE")] == ["The Lake"]
    assert [e.body for e in await journal.search(BOB, "lake")] == ["The lake was cold."]
    with pytest.raises(UserFacingError):
        await journal.search(ALICE, "   ")


async def test_checkin_answers_are_journal_entries_once_per_round(journal: JournalService) -> None:
    first = await journal.save_checkin_answer(ALICE, "A bit tired.", 2, "some-prompt", 41)
    again = await journal.save_checkin_answer(ALICE, "Tired but hopeful.", 3, "some-prompt", 41)
    assert (first.id, again.kind, again.body, again.mood, again.round_id) == (
        again.id,
        "checkin",
        "Tired but hopeful.",
        3,
        41,
    )
    other = await journal.save_checkin_answer(BOB, "Fine.", 4, None, 41)
    assert other.id != first.id
    assert (await journal.page(ALICE, 0)).total == 1


async def test_share_is_claimed_once_and_can_be_released(journal: JournalService) -> None:
    entry = await journal.write(ALICE, body="For you.")
    claimed = await journal.begin_share(ALICE, entry.id, 555)
    assert claimed.is_shared and claimed.shared_message_id is None
    with pytest.raises(UserFacingError, match="already shared"):
        await journal.begin_share(ALICE, entry.id, 555)
    await journal.abandon_share(ALICE, entry.id)
    assert not (await journal.get(ALICE, entry.id)).is_shared
    await journal.begin_share(ALICE, entry.id, 555)
    posted = await journal.finish_share(ALICE, entry.id, 555, 777)
    assert (posted.shared_channel_id, posted.shared_message_id) == (555, 777)
    await journal.abandon_share(ALICE, entry.id)  # only releases an unfinished claim
    assert (await journal.get(ALICE, entry.id)).shared_message_id == 777
    cleared = await journal.clear_share(ALICE, posted)
    assert not cleared.is_shared


async def test_timezone_falls_back_from_person_to_server_to_utc(
    journal: JournalService, database: Database
) -> None:
    assert (await journal.timezone_for(ALICE, None)).key == "UTC"
    await database.execute(
        "INSERT INTO guild_settings (guild_id, channel_id, timezone, updated_by, updated_at) "
        "VALUES (9, 1, 'Asia/Tokyo', 1, 0)"
    )
    assert (await journal.timezone_for(ALICE, 9)).key == "Asia/Tokyo"
    await PeopleRepository(database).set_timezone(ALICE, "Europe/Paris", 0)
    assert (await journal.timezone_for(ALICE, 9)).key == "Europe/Paris"

    class Couples:
        async def timezone_for(self, user_id: int, guild_id: int) -> zoneinfo.ZoneInfo:
            return zoneinfo.ZoneInfo("America/Chicago")

    assert (await journal.timezone_for(ALICE, 9, Couples())).key == "America/Chicago"


async def test_write_dated_saves_and_dates_in_person_then_server_then_utc(
    journal: JournalService, database: Database
) -> None:
    async def zone_of(guild_id: int | None) -> str:
        entry, zone = await journal.write_dated(ALICE, body="Dated.", guild_id=guild_id)
        assert (await journal.get(ALICE, entry.id)).body == "Dated."  # saved, not just returned
        return zone.key

    assert await zone_of(9) == "UTC"  # no server setup, no personal timezone
    await database.execute(
        "INSERT INTO guild_settings (guild_id, channel_id, timezone, updated_by, updated_at) "
        "VALUES (9, 1, 'Asia/Tokyo', 1, 0)"
    )
    assert await zone_of(9) == "Asia/Tokyo"
    assert await zone_of(None) == "UTC"  # written outside a server: no server timezone to use
    await PeopleRepository(database).set_timezone(ALICE, "Europe/Paris", 0)
    assert await zone_of(9) == "Europe/Paris"
    await PeopleRepository(database).set_timezone(ALICE, "Not/A_Zone", 0)
    assert await zone_of(9) == "Asia/Tokyo"  # an unknown stored name falls through, as before
    assert len(await journal.entries(ALICE)) == 5


async def test_export_is_markdown_oldest_first(journal: JournalService, clock: FakeClock) -> None:
    clock.set(datetime(2026, 3, 2, 22, 30, tzinfo=UTC))
    await journal.write(ALICE, title="First", body="Hello, journal.", mood=3)
    clock.advance(days=1)
    await journal.write(ALICE, body="Second thoughts.")
    text = await journal.export_markdown(ALICE, zoneinfo.ZoneInfo("Europe/Paris"), "Alice")
    assert text is not None
    assert text.startswith("# Alice's Attune journal")
    assert text.index("## Entry 1 · Monday 2 March 2026, 23:30: First") < text.index("Second thoughts.")
    assert "mood 3/5" in text
    assert await journal.export_markdown(BOB, zoneinfo.ZoneInfo("UTC"), "Bob") is None
