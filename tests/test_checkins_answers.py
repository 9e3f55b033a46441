"""Saving a check-in answer against a real, migrated SQLite database: one statement that checks the
round is open and the person is one of its partners, and reports an edit and the partner's answer."""

from __future__ import annotations

import pytest

from bot.content import load_content
from bot.crypto import Cipher
from bot.db import Database
from bot.errors import NotFound, UserFacingError
from bot.repositories.checkins import CheckinRepository
from bot.repositories.couple_prompts import CouplePromptsRepository
from bot.services.checkins import CheckinService
from bot.services.couple_prompts import CouplePromptsService
from tests.support.clock import FakeClock

ALICE, BOB, CAROL = 1001, 1002, 1003


@pytest.fixture
async def checkins(database: Database, clock: FakeClock) -> CheckinService:
    await database.execute("INSERT INTO couples (id, guild_id, created_at) VALUES (5, 1, 0)")
    for user_id in (ALICE, BOB):
        await database.execute(
            "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (5, ?, 1)", (user_id,)
        )
    await database.execute(
        "INSERT INTO checkin_rounds (id, kind, couple_id, due_at, prompt_id, status) "
        "VALUES (7, 'couple', 5, 0, 'p', 'open')"
    )
    cipher, content = Cipher(bytes(range(32))), load_content(None)
    prompts = CouplePromptsService(CouplePromptsRepository(database, cipher), content, clock)
    return CheckinService(
        CheckinRepository(database, cipher), content, clock, grace_minutes=30, prompts=prompts
    )


async def test_first_answer_edit_then_partner_reveals_once(
    checkins: CheckinService, database: Database
) -> None:
    round_, earlier = await checkins.round_for_partner(7, ALICE)
    assert (round_.id, round_.status, earlier) == (7, "open", None)

    first = await checkins.answer(round_, ALICE, 3, " First words ")
    assert (first.edited, first.ready_to_reveal) == (False, False)
    edit = await checkins.answer(round_, ALICE, 4, "Second thoughts")
    assert (edit.edited, edit.ready_to_reveal) == (True, False)
    _, earlier = await checkins.round_for_partner(7, ALICE)
    assert earlier is not None and (earlier.user_id, earlier.mood, earlier.body) == (
        ALICE,
        4,
        "Second thoughts",
    )
    assert earlier.edited_at is not None

    both = await checkins.answer(round_, BOB, 5, "Mine")
    assert (both.edited, both.ready_to_reveal) == (False, True)
    assert await database.fetchval("SELECT status FROM checkin_rounds WHERE id = 7") == "revealed"
    assert [(a.user_id, a.body) for a in await checkins.answers(7)] == [
        (ALICE, "Second thoughts"),
        (BOB, "Mine"),
    ]
    with pytest.raises(UserFacingError, match="has closed"):
        await checkins.answer(round_, BOB, 5, "Too late")


async def test_a_stranger_can_neither_open_nor_save(checkins: CheckinService, database: Database) -> None:
    for round_id, user_id in ((7, CAROL), (999, ALICE)):
        with pytest.raises(NotFound, match="belongs to someone else"):
            await checkins.round_for_partner(round_id, user_id)
    round_, _ = await checkins.round_for_partner(7, ALICE)
    with pytest.raises(UserFacingError):
        await checkins.answer(round_, CAROL, 3, "Not mine to give")
    # A stranger's empty, over-long or moodless answer is refused as not theirs, not judged as an answer.
    for mood, body in ((3, "   "), (3, "x" * 5000), (9, "Not mine")):
        with pytest.raises(NotFound, match="belongs to someone else"):
            await checkins.answer(round_, CAROL, mood, body)
    assert await database.fetchval("SELECT count(*) FROM checkin_answers") == 0
