"""PrivacyService against a real migrated SQLite database: the phrase, the export, the erase, and
tables added by later features (found by their user_id column)."""

from __future__ import annotations

import json

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
