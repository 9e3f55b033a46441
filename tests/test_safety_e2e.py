"""Safety and care (issue 14, points 1 and 3), end to end through the fake Discord.

* Marking "I felt afraid or unsafe with my partner" in the check-up is answered, in the private
  reply to that very form and the first time, with the safety guidance itself: safety first, the
  emergency line and the helplines from content/safety.yaml, and the server's own help text.
* Every other red flag gets its own words from content/checkup.yaml, and no emergency text.
* Time words fit the person's own clock (their zone, else the server's): never "tonight" at 05:00.
* The check-up form says, inside it, that only you see it.
* The monthly check-up DM waits for the couple's first month, comes in the person's daytime, then
  monthly.
* Wherever else someone can say they feel unsafe (the red-flags exercise, a prompt asking whether
  they feel safe), the next thing they see is the same guidance.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.content import ContentLibrary, Prompt
from bot.records.prompts import PromptUsage
from bot.services.prompt_choice import Choice
from tests.support.couples import pair, query
from tests.support.harness import BotHarness

START = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, midday
OTHER_ANSWERS = {"heading": ["drifting"], "progress": ["none-yet"], "outcome": ["too-early"]}
SERVER_HELP = "Harbour Line, day and night: 0800 123 456. Text HOME to 85258."


def content(attune: BotHarness) -> ContentLibrary:
    return attune.running.content


def paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.strip().split("\n\n") if p.strip()]


def other_flags(attune: BotHarness) -> list[Any]:
    question = content(attune).checkup.question("red-flags")
    assert question is not None
    return [o for o in question.options if o.red_flag and not o.safety]


async def setup_server(attune: BotHarness, world: Any, **options: Any) -> None:
    ix = await attune.fake.slash(world.mod, world.general, "setup", channel=world.general, **options)
    await ix.response()
    assert ix.ephemeral


async def checkup(attune: BotHarness, user: Any, channel: Any, red_flags: list[str]) -> Any:
    """Open /progress checkup, submit it, and return the settled submission."""
    fake = attune.fake
    opened = await fake.slash(user, channel, "progress checkup")
    await opened.response()
    assert opened.modal is not None, opened.text()
    submitted = await fake.submit_modal(user, opened, {**OTHER_ANSWERS, "red-flags": red_flags})
    await submitted.response()
    await attune.settle()
    return submitted


def assert_safety_guidance(attune: BotHarness, text: str, lead: str) -> None:
    """The guidance from safety.yaml; `lead` names the opening: unsafe_lead or asked_lead."""
    safety = content(attune).safety
    unsafe = paragraphs(safety.feeling_unsafe)
    assert unsafe[0].startswith("If you are in danger right now, call your local emergency number")
    assert "National Domestic Violence Hotline" in unsafe[2]
    for paragraph in unsafe:  # the emergency line, safety first, the helplines, what abuse is
        assert paragraph in text
    assert safety.unsafe_title in text
    assert getattr(safety, lead).strip() in text


async def test_feeling_unsafe_is_answered_with_the_safety_guidance_in_that_very_reply(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    await setup_server(attune, world, resources=SERVER_HELP)
    fake = attune.fake

    first = await checkup(attune, world.alice, world.general, ["unsafe"])
    assert first.ephemeral
    text = first.text()
    assert_safety_guidance(attune, text, "unsafe_lead")
    assert "Your safety comes first" in first.embeds[0]["title"], "the safety guidance comes first"
    assert SERVER_HELP in text, "the server's own help text, as /resources shows it"
    assert "Saved, just for you" in text
    assert "sounds heavy" not in text and "`/resources` is always there" not in text
    assert first.followup_messages == [], "all of it in the reply itself, nothing to go looking for"

    # With another flag, and a second time in a row: the same guidance first, the other flag's own
    # words after it, and no second copy of the emergency text in a /resources dump.
    ghosting = next(o for o in other_flags(attune) if o.value == "ghosting")
    second = await checkup(attune, world.alice, world.general, ["ghosting", "unsafe"])
    assert second.ephemeral and "Your safety comes first" in second.embeds[0]["title"]
    assert_safety_guidance(attune, second.text(), "unsafe_lead")
    assert ghosting.note is not None and ghosting.note in second.text()
    assert "two check-ups in a row" in second.text()
    assert second.followup_messages == []

    # Nobody else saw a word of it.
    assert [m for m in fake.messages_in(world.general) if "safety" in m.text().lower()] == []
    assert fake.dm_messages(world.bob) == [] and fake.dm_messages(world.alice) == []


async def test_each_other_red_flag_gets_its_own_words_and_no_emergency_text(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    await setup_server(attune, world, resources=SERVER_HELP)
    flags = other_flags(attune)
    assert len(flags) == 7
    notes = {o.value: o.note for o in flags}
    assert all(notes.values()) and len(set(notes.values())) == 7, "seven different notes"
    for option in flags:
        reply = await checkup(attune, world.alice, world.general, [option.value])
        text = reply.text()
        assert reply.ephemeral
        assert option.label in text and str(option.note) in text, option.value
        assert not [v for v, note in notes.items() if v != option.value and str(note) in text]
        assert "emergency" not in text.lower() and "helpline" not in text.lower(), option.value
        assert content(attune).safety.unsafe_title not in text and SERVER_HELP not in text
        assert "sounds heavy" not in text
        assert reply.followup_messages == [], "the first time: its words, not a list of hotlines"
        calm = await checkup(attune, world.alice, world.general, ["none"])  # so the next is a first
        assert "About what you marked" not in calm.text() and "emergency" not in calm.text().lower()


async def test_time_words_fit_the_persons_own_clock(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await setup_server(attune, world, timezone="America/New_York")
    zone = await fake.slash(world.alice, world.general, "timezone", zone="Asia/Tokyo")
    await zone.response()

    # 20:00 UTC on Sunday is 05:00 on Monday in Tokyo: morning, not "tonight".
    attune.clock.set(datetime(2026, 3, 1, 20, 0, tzinfo=UTC))
    early = await checkup(attune, world.alice, world.general, ["ghosting"])
    assert "tonight" not in early.text().lower()
    assert "Be gentle with yourself today." in early.text()
    assert "You don't have to decide anything today." in early.text()
    history = await fake.slash(world.alice, world.general, "progress checkups")
    await history.response()
    assert "2 March 2026" in history.text(), "dated by her own calendar, not UTC's 1 March"

    # 12:30 UTC is 21:30 in Tokyo: now "tonight" fits.
    attune.clock.set(datetime(2026, 3, 2, 12, 30, tzinfo=UTC))
    late = await checkup(attune, world.alice, world.general, ["lonely"])
    assert "Be gentle with yourself tonight." in late.text()

    # Bob set no zone: the server's. 10:00 UTC is 05:00 in New York.
    attune.clock.set(datetime(2026, 3, 2, 10, 0, tzinfo=UTC))
    bob = await checkup(attune, world.bob, world.general, ["stonewalling"])
    assert "tonight" not in bob.text().lower() and "Be gentle with yourself today." in bob.text()


async def test_the_checkup_form_says_inside_it_that_it_is_private(attune: BotHarness, world: Any) -> None:
    opened = await attune.fake.slash(world.alice, world.general, "progress checkup")
    await opened.response()
    modal = opened.modal
    assert modal is not None
    texts = [c["content"] for c in modal["components"] if c["type"] == 10]
    assert texts and texts[0] == content(attune).checkup.intro.strip(), "the privacy line comes first"
    assert "Only you see this." in texts[0] and "Your partner never sees your answers" in texts[0]
    questions = [c for c in modal["components"] if c["type"] == 18]
    assert len(questions) == len(content(attune).checkup.questions) and len(modal["components"]) <= 5


async def test_the_monthly_checkup_dm_waits_for_the_first_month_then_comes_monthly(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    progress = attune.progress_job
    paired_at = datetime(2026, 3, 8, 18, 55, tzinfo=UTC)  # a Sunday, minutes before the weekly summary
    attune.clock.set(paired_at)
    thread = await pair(attune, world, world.alice, world.bob)
    tokyo = await fake.slash(world.bob, world.general, "timezone", zone="Asia/Tokyo")
    await tokyo.response()

    def nudges(user: Any) -> list[Any]:
        return [m for m in fake.dm_messages(user) if "/progress checkup" in m.text()]

    async def tick_at(moment: datetime) -> None:
        attune.clock.set(moment)
        await progress.tick()
        await attune.settle()

    await tick_at(paired_at + timedelta(seconds=30))  # gives the couple its summary: Sundays 19:00
    await tick_at(paired_at + timedelta(minutes=6))
    assert [m for m in fake.messages_in(thread) if "Your week together" in m.text()], "the summary came"
    assert nudges(world.alice) == [] and nudges(world.bob) == [], "no 'where you stand' DM on day one"
    for day in range(1, 30):
        await tick_at(paired_at + timedelta(days=day, hours=-6))  # 12:55 UTC each day of the month
        assert nudges(world.alice) == [] and nudges(world.bob) == [], f"day {day}"

    nudge = content(attune).checkup.monthly_nudge.strip()
    # Day 30, 19:00 UTC: Alice (UTC) gets it; for Bob it is 04:00 in Tokyo, so his waits for his day.
    await tick_at(paired_at + timedelta(days=30, minutes=5))
    assert [m.content for m in nudges(world.alice)] == [nudge]
    assert nudges(world.bob) == []
    # Sent like every DM: to her kept DM channel, and kept for /privacy delete to take down.
    sent = nudges(world.alice)[0]
    kept = query(attune, "SELECT dm_channel_id FROM people WHERE user_id = ?", world.alice.id)
    assert [row[0] for row in kept] == [int(sent["channel_id"])]
    kinds = query(attune, "SELECT kind FROM posted_messages WHERE message_id = ?", int(sent["id"]))
    assert [row[0] for row in kinds] == ["dm"]
    await tick_at(paired_at + timedelta(days=30, hours=7))  # 01:55 UTC, 10:55 in Tokyo
    assert len(nudges(world.alice)) == 1 and [m.content for m in nudges(world.bob)] == [nudge]
    await tick_at(paired_at + timedelta(days=45))
    assert len(nudges(world.alice)) == 1 and len(nudges(world.bob)) == 1, "once a month, not more"

    # A month later: Bob again; Alice did a check-up last week, so she isn't asked.
    attune.clock.set(paired_at + timedelta(days=52))
    await checkup(attune, world.alice, world.general, ["none"])
    await tick_at(datetime(2026, 5, 8, 10, 30, tzinfo=UTC))  # daytime for both of them
    assert len(nudges(world.alice)) == 1
    assert len(nudges(world.bob)) == 2


async def test_the_red_flags_exercise_has_an_i_feel_unsafe_button_on_every_step(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    await setup_server(attune, world, resources=SERVER_HELP)
    label = content(attune).safety.unsafe_button
    ix = await fake.slash(world.alice, world.general, "exercise start", exercise="red-flags")
    await ix.response()
    steps = len(content(attune).exercises["red-flags"].steps)
    for step in range(steps):
        assert label in [b[0] for b in ix.buttons()], f"step {step + 1}"
        if step + 1 < steps:
            await (await fake.press(world.alice, ix, "Next")).response()

    pressed = await fake.press(world.alice, ix, label)
    await pressed.response()
    await attune.settle()
    assert pressed.ephemeral
    assert_safety_guidance(attune, pressed.text(), "unsafe_lead")
    assert SERVER_HELP in pressed.text()

    other = await fake.slash(world.alice, world.general, "exercise start", exercise="set-boundaries")
    await other.response()
    assert label not in [b[0] for b in other.buttons()], "only where the content asks for it"


@pytest.fixture
def safe_prompt(attune: BotHarness) -> Prompt:
    prompt = content(attune).prompt("me-safe")
    assert prompt is not None and "safety" in prompt.themes
    return prompt


async def test_answering_do_i_feel_safe_is_followed_by_the_safety_guidance(
    attune: BotHarness, world: Any, safe_prompt: Prompt, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, bot = attune.fake, attune.running
    lead = "asked_lead"

    async def the_safe_prompt(user_id: int) -> Prompt:
        return safe_prompt

    monkeypatch.setattr(bot.services.journal, "pick_prompt", the_safe_prompt)
    opened = await fake.slash(world.carol, world.general, "journal write", prompt=True)
    await opened.response()
    assert opened.modal is not None and safe_prompt.text in str(opened.modal)
    written = await fake.submit_modal(world.carol, opened, {"body": "Mostly. Not when he drinks."})
    await written.response()
    await attune.settle()
    assert "Saved to your journal" in written.text()
    (guidance,) = written.followup_messages
    assert guidance.ephemeral
    assert_safety_guidance(attune, guidance.text(), lead)

    # A personal check-in by DM that asks the same question.
    dispatcher = attune.checkin_job

    def choose(owner: str, kind: str, usage: dict[str, PromptUsage], contexts: dict[str, Any]) -> Choice:
        return Choice(safe_prompt.id, new_cycle=False, borrowed=False)

    monkeypatch.setattr(bot.services.checkins, "_choose_prompt", choose)
    attune.clock.set(START)
    ix = await fake.slash(world.dave, world.general, "checkin personal set", time="1pm", timezone="UTC")
    await ix.response()
    attune.clock.set(START + timedelta(hours=1, seconds=1))
    await dispatcher.tick()
    dm = await fake.wait_for_message(fake.dm_channel(world.dave), lambda m: "Write" in str(m.buttons()))
    write = await fake.press(world.dave, dm, "Write")
    await write.response()
    done = await fake.submit_modal(world.dave, write, {"mood": ["2"], "answer": "Not really."})
    await done.response()
    await attune.settle()
    assert "journal" in done.text()
    (after,) = done.followup_messages
    assert after.ephemeral
    assert_safety_guidance(attune, after.text(), lead)

    # Any other prompt: no safety text pushed at anyone.
    other = content(attune).prompt("me-lonely")
    assert other is not None and "safety" not in other.themes

    async def the_other_prompt(user_id: int) -> Prompt:
        return other

    monkeypatch.setattr(bot.services.journal, "pick_prompt", the_other_prompt)
    plain = await fake.slash(world.carol, world.general, "journal write", prompt=True)
    await plain.response()
    saved = await fake.submit_modal(world.carol, plain, {"body": "Often, lately."})
    await saved.response()
    await attune.settle()
    assert saved.followup_messages == [] and "emergency" not in saved.text().lower()
