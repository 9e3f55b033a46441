"""Authorization on every entry point, suite-wide: every DynamicItem the bot registers, every
persistent modal, and a sample of slash commands, used by someone the object does not belong to.
They are refused privately and nothing changes (the database and every channel stay as they were).

New features are covered automatically: the templates come from the running bot."""

from __future__ import annotations

import re
import sqlite3
from types import SimpleNamespace
from typing import Any

from tests.fake_discord.models import FakeMessage, snowflake
from tests.support.couples import query
from tests.support.harness import BotHarness
from tests.test_privacy_e2e import every_flow

GROUP = re.compile(r"\(\?P<(?P<name>\w+)>(?:[^()]|\([^()]*\))*\)")


def snapshot(attune: BotHarness) -> dict[str, list[tuple[Any, ...]]]:
    db = sqlite3.connect(attune.settings.database_path)
    try:
        tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {
            t: sorted(map(tuple, db.execute(f'SELECT * FROM "{t}"').fetchall()), key=repr) for t in tables
        }
    finally:
        db.close()


def visible(fake: Any) -> dict[int, list[tuple[int, str]]]:
    return {
        channel.id: [(m.id, repr(m.get("embeds")) + m.content) for m in channel.messages]
        for channel in fake.channels.values()
    }


def fill(template: str, values: dict[str, str]) -> str:
    """A custom_id for a template, with each named group given the value of the same name."""
    return GROUP.sub(lambda m: values.get(m["name"], "1"), template).replace("\\", "")


def crafted(fake: Any, channel: Any, custom_id: str, *, select: bool) -> FakeMessage:
    component: dict[str, Any] = (
        {"type": 3, "custom_id": custom_id, "options": [{"label": "0", "value": "0"}]}
        if select
        else {"type": 2, "style": 1, "label": "Press", "custom_id": custom_id}
    )
    return FakeMessage(
        id=str(snowflake()),
        channel_id=str(channel.id),
        author=fake.bot_user.to_json(),
        content="",
        timestamp="2026-03-02T08:00:00+00:00",
        edited_timestamp=None,
        tts=False,
        mention_everyone=False,
        mentions=[],
        mention_roles=[],
        attachments=[],
        embeds=[],
        components=[{"type": 1, "components": [component]}],
        pinned=False,
        type=0,
        flags=64,
        guild_id=str(channel.guild.id),
    )


async def refused(ix: Any) -> str:
    await ix.response()
    text = ix.text() if ix.response_type != 5 else (await ix.followups(1))[0].text()
    assert ix.modal is None, f"{ix.describe()}: a stranger was shown a modal"
    assert ix.response_type in (4, 5) and ix.ephemeral, f"{ix.describe()}: not a private answer"
    return str(text)


async def test_strangers_are_refused_by_every_button_select_and_modal(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    typed = await every_flow(attune, world)
    invite = await fake.slash(world.carol, world.general, "pair invite", partner=world.dave)
    await invite.response()
    await invite.followups(1)
    await fake.wait_for(
        lambda: query(
            attune, "SELECT 1 FROM invitations WHERE dm_message_id IS NOT NULL AND status = 'pending'"
        )
    )
    alice = world.alice.id
    values = {
        "owner_id": str(alice),
        "entry_id": str(query(attune, "SELECT max(id) FROM journal_entries WHERE user_id = ?", alice)[0][0]),
        # Journal buttons and forms name an entry by its owner's number ("n2"), not its id.
        "entry": "n"
        + str(query(attune, "SELECT max(number) FROM journal_entries WHERE user_id = ?", alice)[0][0]),
        "run_id": str(query(attune, "SELECT max(id) FROM exercise_runs WHERE user_id = ?", alice)[0][0]),
        "round_id": str(query(attune, "SELECT max(id) FROM checkin_rounds")[0][0]),
        "couple_id": str(
            query(attune, "SELECT max(couple_id) FROM couple_members WHERE user_id = ?", alice)[0][0]
        ),
        "invitation_id": str(query(attune, "SELECT max(id) FROM invitations WHERE status = 'pending'")[0][0]),
        "id": str(query(attune, "SELECT max(id) FROM boundaries WHERE user_id = ?", alice)[0][0]),
        "at": str(int(attune.clock.now().timestamp())),
        "step": "0",
        "page": "0",
        "action": "post",
    }
    stranger = world.mod  # even a moderator is a stranger to someone's private things
    store = attune.running._connection._view_store
    templates = {pattern.pattern: item for pattern, item in store._dynamic_items.items()}
    assert len(templates) >= 20, sorted(templates)

    before, seen = snapshot(attune), visible(fake)
    answers: dict[str, str] = {}
    for template, item in templates.items():
        if "(?P<" not in template:
            continue  # names no one's object (the /help topic select): anyone may use it
        custom_id = fill(template, values)
        assert re.fullmatch(template, custom_id), (template, custom_id)
        is_select = "Select" in repr(getattr(item, "__orig_bases__", "")) or ":pick:" in template
        message = crafted(fake, world.general, custom_id, select=is_select)
        if is_select:
            ix = await fake.select(stranger, message, custom_id, ["0"])
        else:
            ix = await fake.press(stranger, message, custom_id)
        answers[template] = await refused(ix)
    for template, text in answers.items():
        assert text and "went wrong" not in text, (template, text)

    # Forged submissions of every persistent modal that acts on someone's object.
    for pattern in attune.running.modals.patterns():
        custom_id = fill(pattern, {**values, "prompt_id": "x"})
        if not re.search(r"\d", custom_id):
            continue  # a modal about the submitter's own data only (journal write, /privacy delete...)
        form = {
            "custom_id": custom_id,
            "components": [
                {"type": 18, "label": "Text", "component": {"type": 4, "custom_id": key, "style": 2}}
                for key in ("body", "answer", "reflection", "boundary", "consequence")
            ]
            + [
                {
                    "type": 18,
                    "label": "Mood",
                    "component": {"type": 3, "custom_id": "mood", "options": [{"label": "3", "value": "3"}]},
                }
            ],
        }
        opened = SimpleNamespace(
            modal=form, channel=world.general, source_message=None, describe=str(custom_id).strip
        )
        filled = {k: "forged words" for k in ("body", "answer", "reflection", "boundary", "consequence")}
        ix = await fake.submit_modal(stranger, opened, {**filled, "mood": ["3"]})  # type: ignore[arg-type]
        answers[pattern] = await refused(ix)

    assert snapshot(attune) == before, "a stranger changed something"
    assert visible(fake) == seen, "a stranger changed a message"
    assert not any("forged" in m.text() for m in fake.messages_in(typed.thread))


async def test_ids_of_other_peoples_things_behave_like_ids_that_do_not_exist(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await every_flow(attune, world)
    alice = world.alice.id
    # People type their own entry numbers: Alice's newest number, typed by Bob.
    entry = str(query(attune, "SELECT max(number) FROM journal_entries WHERE user_id = ?", alice)[0][0])
    boundary = str(query(attune, "SELECT max(id) FROM boundaries WHERE user_id = ?", alice)[0][0])
    before = snapshot(attune)
    for command, option, theirs, missing in [
        ("journal read", "entry", entry, "987654"),
        ("journal edit", "entry", entry, "987654"),
        ("journal delete", "entry", entry, "987654"),
        ("journal share", "entry", entry, "987654"),
        ("journal unshare", "entry", entry, "987654"),
        ("boundary remove", "boundary", boundary, "987654"),
        ("boundary share", "boundary", boundary, "987654"),
    ]:
        seen = []
        for value in (theirs, missing):
            ix = await fake.slash(world.bob, world.general, command, **{option: value})
            seen.append(await refused(ix))
        assert seen[0] == seen[1], (command, seen)
    assert snapshot(attune) == before
