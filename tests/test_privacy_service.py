"""PrivacyService against a real migrated SQLite database: the phrase, the export, the erase, and
tables added by later features (found by their user_id column)."""

from __future__ import annotations

import json
import zoneinfo

import pytest

from bot.content import load_content
from bot.crypto import Cipher
from bot.db import Database
from bot.errors import UserFacingError
from bot.repositories.journal import JournalRepository
from bot.repositories.privacy import PrivacyRepository
from bot.services.privacy import PrivacyService, phrase_matches
from tests.support.clock import FakeClock

CIPHER = Cipher(bytes(range(32)))
ME, PARTNER = 111, 222


@pytest.fixture
def privacy(database: Database, clock: FakeClock) -> PrivacyService:
    return PrivacyService(PrivacyRepository(database, CIPHER), load_content(None), clock)


async def add_entry(database: Database, user_id: int, body: str) -> None:
    await JournalRepository(database, CIPHER).insert(
        user_id=user_id, guild_id=None, kind="entry", title=None, body=body, mood=None, prompt_id=None, now=1
    )


@pytest.mark.parametrize(
    "typed", ["delete my data", "Delete My Data.", "  delete   my data! ", "DELETE MY DATA"]
)
def test_the_phrase_is_forgiving_about_case_and_spacing(typed: str) -> None:
    assert phrase_matches(typed)


@pytest.mark.parametrize(
    "typed", ["", "delete", "delete my data now", "delete my date", "yes", "delete_my_data"]
)
def test_other_text_is_not_the_phrase(typed: str) -> None:
    assert not phrase_matches(typed)


async def test_a_wrong_phrase_erases_nothing(privacy: PrivacyService, database: Database) -> None:
    await add_entry(database, ME, "mine")
    with pytest.raises(UserFacingError, match="nothing was deleted"):
        await privacy.erase(ME, "delete everything")
    assert await database.fetchval("SELECT count(*) FROM journal_entries") == 1


async def test_export_and_erase_cover_tables_added_later(privacy: PrivacyService, database: Database) -> None:
    # A later feature's table: found by its user_id column, its sealed column opened by its name.
    await database.execute(
        "CREATE TABLE later_feature (id INTEGER PRIMARY KEY, user_id INTEGER, note_sealed BLOB)"
    )
    for user_id, note in ((ME, "my later note"), (PARTNER, "their later note")):
        sealed = CIPHER.seal(note, column="later_feature.note_sealed")
        await database.execute(
            "INSERT INTO later_feature (user_id, note_sealed) VALUES (?, ?)", (user_id, sealed)
        )
    await add_entry(database, ME, "my entry")
    await add_entry(database, PARTNER, "their entry")

    files = await privacy.export(ME)
    data = json.loads(files.json_text)
    assert data["other"]["later_feature"][0]["note"] == "my later note"
    assert [e["body"] for e in data["journal"]] == ["my entry"]
    assert "their" not in files.json_text and "their" not in files.markdown_text
    assert "my later note" in files.markdown_text

    erased = await privacy.erase(ME, "delete my data")
    assert erased.rows == {"journal_entries": 1, "later_feature": 1}
    assert await database.fetchval("SELECT count(*) FROM later_feature WHERE user_id = ?", (ME,)) == 0
    assert await database.fetchval("SELECT count(*) FROM later_feature WHERE user_id = ?", (PARTNER,)) == 1
    assert await database.fetchval("SELECT count(*) FROM journal_entries WHERE user_id = ?", (PARTNER,)) == 1
    assert (await privacy.export(ME)).empty


async def test_the_erase_is_one_transaction(
    privacy: PrivacyService, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    await add_entry(database, ME, "survives a failed erase")
    await database.execute("INSERT INTO people (user_id, timezone, created_at) VALUES (?, 'UTC', 1)", (ME,))
    # A later table whose rows cannot be deleted: the whole erase must roll back.
    await database.execute("CREATE TABLE stubborn (user_id INTEGER)")
    await database.execute("INSERT INTO stubborn VALUES (?)", (ME,))
    await database.execute(
        "CREATE TRIGGER stubborn_stays BEFORE DELETE ON stubborn BEGIN SELECT RAISE(ABORT, 'no'); END"
    )
    with pytest.raises(Exception, match="no"):
        await privacy.erase(ME, "delete my data")
    assert await database.fetchval("SELECT count(*) FROM journal_entries") == 1
    assert await database.fetchval("SELECT count(*) FROM people") == 1


async def test_the_readable_file_uses_names_local_time_and_words(
    privacy: PrivacyService, database: Database, clock: FakeClock
) -> None:
    # 2026-03-02 09:00 UTC; the partner's name comes from the lookup, the stranger's can't be found.
    now = int(clock.now().timestamp())
    await database.execute(
        "INSERT INTO people (user_id, timezone, dm_nudges, created_at) VALUES (?, 'Asia/Tokyo', 0, ?)",
        (ME, now),
    )
    await database.execute(
        "INSERT INTO couples (id, guild_id, status, created_at) VALUES (1, 9, 'active', ?)", (now,)
    )
    for member in (ME, PARTNER):
        await database.execute(
            "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (1, ?, 9)", (member,)
        )
    await database.execute(
        "INSERT INTO invitations (guild_id, inviter_id, invitee_id, status, created_at, expires_at) "
        "VALUES (9, 333, ?, 'declined', ?, ?)",
        (ME, now, now + 1),
    )
    await database.execute(
        "INSERT INTO exercise_runs (user_id, exercise_id, started_at, updated_at) "
        "VALUES (?, 'gone-now', ?, ?)",
        (ME, now, now),
    )
    await add_entry(database, ME, "an old page")

    async def names(server_id: int | None, user_id: int) -> str | None:
        return {PARTNER: "Sam"}.get(user_id)

    files = await privacy.export(ME, zone=zoneinfo.ZoneInfo("Asia/Tokyo"), names=names)
    text = files.markdown_text
    assert "With Sam since Mon 2 Mar 2026, 18:00: together now" in text  # 09:00 UTC is 18:00 in Tokyo
    assert "Someone invited you, Mon 2 Mar 2026, 18:00: declined" in text
    assert "Check-in reminders by DM: off" in text and "Your time zone: Asia/Tokyo" in text
    assert "### gone-now" in text  # an exercise since removed keeps its id rather than vanish
    assert "### Entry 1 · Thu 1 Jan 1970, 09:00" in text
    assert "your next entry will be entry 2" in text
    data = json.loads(files.json_text)
    assert data["couples"][0]["partner_name"] == "Sam" and data["invitations"][0]["other_person_name"] is None
    assert data["readable_file_time_zone"] == "Asia/Tokyo" and data["journal_last_number"] == 1
