"""/appreciate end to end: an appreciation saved before anything else, kept private or shared after
the standard preview (the partner told once), the log paged for its owner alone, a form open across
a restart, a failed save that gives the words back, and the weekly offer by DM: sent once by the
real job across restarts, never late, never to someone who opted out, quiet when DMs are closed.
Then the privacy promises: sealed at rest, exported, erased with its posts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from tests.support.couples import pair, query
from tests.support.harness import BotHarness
from tests.support.mentions import pinged
from tests.support.storage import fill_the_disk, free_the_disk
from tests.test_failed_saves_e2e import reply_to, texts_of
from tests.test_privacy_authorization import crafted
from tests.test_privacy_e2e import export_files

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday
# Sunday 8 March, 19:00 in Paris (UTC+1 until 29 March) is 18:00 UTC.
FIRST_OFFER = datetime(2026, 3, 8, 18, 0, tzinfo=UTC)
WHAT = "Made me tea when I came home late and didn't ask why"
MEANT = "I felt looked after, not alone with a long day"
PREVIEW = "This is what your partner will see in your thread. Post it?"
ANNOUNCED = "alice shared an appreciation with you."
NOT_YOURS = "This isn't yours, so it does nothing for you. Nothing was changed."


async def ok(ix: Any) -> Any:
    await ix.response()
    if ix.response_type == 5:
        await ix.followups(1)
    return ix


async def add(attune: BotHarness, world: Any, user: Any, what: str = WHAT, meant: str = MEANT) -> Any:
    """/appreciate add and the form sent: the private answer (saved, then the choice)."""
    opened = await ok(await attune.fake.slash(user, world.general, "appreciate add"))
    assert opened.modal is not None and len(opened.modal["title"]) <= 45
    return await ok(await attune.fake.submit_modal(user, opened, {"what": what, "meaning": meant}))


def rows(attune: BotHarness, table: str = "appreciations") -> list[Any]:
    return query(attune, f"SELECT * FROM {table} ORDER BY rowid")


def offers_dms(attune: BotHarness, user: Any) -> list[Any]:
    return [m for m in attune.fake.dm_messages(user) if "attune:appreciate:offer-post" in str(m.buttons())]


async def weekly_on(attune: BotHarness, world: Any, user: Any, **options: Any) -> Any:
    await ok(await attune.fake.slash(user, world.general, "timezone", zone="Europe/Paris"))
    return await ok(await attune.fake.slash(user, world.general, "appreciate reminder on", **options))


async def tick_at(attune: BotHarness, moment: datetime) -> None:
    attune.clock.set(moment)
    await attune.appreciation_job.tick()
    await attune.settle()


# -- adding: saved first, then kept or shared ------------------------------------------------------


async def test_an_appreciation_is_saved_first_and_kept_private(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    before = len(fake.messages_in(thread))

    opened = await ok(await fake.slash(world.alice, world.general, "appreciate add"))
    labels = [c.get("label") for c in opened.modal["components"]]
    assert "What did your partner do?" in labels and "What did it mean to you?" in labels
    assert any("Small things count" in c.get("content", "") for c in opened.modal["components"])
    saved = await ok(await fake.submit_modal(world.alice, opened, {"what": WHAT, "meaning": MEANT}))
    assert saved.ephemeral and "Saved in your appreciation log" in saved.text()
    assert WHAT in saved.text() and MEANT in saved.text()
    [row] = rows(attune)  # saved before the person chose anything
    assert row["user_id"] == world.alice.id and row["shared_at"] is None
    assert [label for label, _, _ in saved.buttons()] == ["Share it in our thread…", "Keep it private"]

    kept = await ok(await fake.press(world.alice, saved, "Keep it private"))
    assert "Kept just for you" in kept.text() and kept.buttons() == []
    assert len(fake.messages_in(thread)) == before, "private unless shared"
    listed = await ok(await fake.slash(world.alice, world.general, "appreciate list"))
    assert listed.ephemeral and WHAT in listed.text() and "shared" not in listed.text()

    # Someone with nobody to share with gets their appreciation kept, and no share button.
    alone = await add(attune, world, world.dave, "Held the door", "I felt seen")
    assert "Kept just for you" in alone.text() and alone.buttons() == []
    assert len(rows(attune)) == 2


async def test_an_appreciation_is_shared_after_a_preview_and_the_partner_is_told_once(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    saved = await add(attune, world, world.alice)
    before = len(fake.messages_in(thread))

    preview = await ok(await fake.press(world.alice, saved, "Share it in our thread…"))
    assert preview.content == PREVIEW
    assert WHAT in preview.text() and MEANT in preview.text()
    assert [(label, c.split(":")[2]) for label, c, _ in preview.buttons() if c] == [
        ("Post", "post"),
        ("Cancel", "cancel"),
    ]
    assert len(fake.messages_in(thread)) == before, "nothing is posted before Post"

    stranger = await ok(await fake.press(world.carol, preview, "Post"))
    assert stranger.ephemeral and stranger.text() == NOT_YOURS
    assert len(fake.messages_in(thread)) == before
    post_id = next(c for label, c, _ in preview.buttons() if label == "Post")

    await attune.restart()  # the preview outlives the process
    requests_before = len(fake.requests)
    dms_before = {u.id: len(fake.dm_messages(u)) for u in (world.alice, world.bob)}
    posted = await ok(await fake.press(world.alice, preview, "Post"))
    await attune.settle()
    assert "Posted in" in posted.text()
    [post] = fake.messages_in(thread)[before:]
    assert post.content == ANNOUNCED
    embed = post["embeds"][0]
    assert embed["author"]["name"] == "alice" and WHAT in post.text() and MEANT in post.text()
    assert not any(ch.isdigit() for ch in json.dumps(embed["title"] + embed["fields"][0]["name"])), (
        "nothing shared carries a number"
    )
    bodies = [
        r.json
        for r in fake.requests[requests_before:]
        if r.method == "POST" and r.path == f"/channels/{thread.id}/messages" and r.status == 200
    ]
    assert [pinged(b) for b in bodies] == [set()], "Bob is told by DM (his nudges are on), not pinged too"
    [told] = fake.dm_messages(world.bob)[dms_before[world.bob.id] :]
    assert told.content.startswith(ANNOUNCED) and str(post.id) in told.content
    assert len(fake.dm_messages(world.alice)) == dms_before[world.alice.id], "the author is told nothing"

    # The same Post pressed again (a second copy of the preview) posts nothing more.
    again = await ok(
        await fake.press(world.alice, crafted(fake, world.general, post_id, select=False), post_id)
    )
    assert again.ephemeral and "shared this appreciation already" in again.text()
    assert len(fake.messages_in(thread)) == before + 1
    listed = await ok(await fake.slash(world.alice, world.general, "appreciate list"))
    assert "· shared" in listed.text()

    # Cancel on another one posts nothing and keeps it.
    other = await add(attune, world, world.alice, "Listened all the way through", "I felt heard")
    cancel = await ok(await fake.press(world.alice, other, "Share it in our thread…"))
    cancelled = await ok(await fake.press(world.alice, cancel, "Cancel"))
    assert "Nothing was posted" in cancelled.text()
    assert len(fake.messages_in(thread)) == before + 1
    assert [r["shared_at"] is None for r in rows(attune)] == [False, True]


async def test_the_log_pages_newest_first_for_its_owner_alone(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    service = attune.running.services.appreciations
    for n in range(7):
        await service.add(world.alice.id, world.guild.id, f"Kindness {chr(65 + n)}", f"Meaning {chr(65 + n)}")
        attune.clock.advance(days=1)
    await service.add(world.bob.id, world.guild.id, "Bob's own", "Bob's meaning")

    listed = await ok(await fake.slash(world.alice, world.general, "appreciate list"))
    first = listed.text()
    assert [f"Kindness {c}" in first for c in "GFEDCBA"] == [True] * 5 + [False] * 2
    assert first.index("Kindness G") < first.index("Kindness C"), "newest first"
    assert "Page 1 of 2" in first and "Bob's own" not in first

    stranger = await ok(await fake.press(world.carol, listed, "Older ▶"))
    assert stranger.ephemeral and stranger.text() == NOT_YOURS
    assert listed.text() == first, "a stranger's press changes nothing"

    await attune.restart()
    older = await ok(await fake.press(world.alice, listed, "Older ▶"))
    assert "Kindness B" in older.text() and "Kindness A" in older.text() and "Kindness C" not in older.text()
    assert "Page 2 of 2" in older.text()

    empty = await ok(await fake.slash(world.carol, world.general, "appreciate list"))
    assert "empty for now" in empty.text() and "Algoe" in empty.text() and "Gottman" in empty.text()


async def test_a_form_open_across_a_restart_still_saves(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    await pair(attune, world, world.alice, world.bob)
    opened = await ok(await fake.slash(world.alice, world.general, "appreciate add"))
    await attune.restart()
    saved = await ok(await fake.submit_modal(world.alice, opened, {"what": WHAT, "meaning": MEANT}))
    assert "Saved in your appreciation log" in saved.text()
    [appreciation] = await attune.running.services.appreciations.all_for(world.alice.id)
    assert (appreciation.what, appreciation.meaning) == (WHAT, MEANT)


async def test_a_failed_save_or_a_refusal_gives_the_words_back(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    opened = await ok(await fake.slash(world.alice, world.general, "appreciate add"))
    await fill_the_disk(attune)
    reply = await reply_to(await fake.submit_modal(world.alice, opened, {"what": WHAT, "meaning": MEANT}))
    await free_the_disk(attune)
    text = texts_of(reply)
    assert reply.ephemeral and "NOT saved" in text and "Saved" not in text
    assert WHAT in text and MEANT in text
    assert rows(attune) == []

    opened = await ok(await fake.slash(world.alice, world.general, "appreciate add"))
    refused = await reply_to(await fake.submit_modal(world.alice, opened, {"what": WHAT, "meaning": "   "}))
    assert refused.ephemeral and "Nothing was saved" in refused.text() and WHAT in texts_of(refused)
    assert rows(attune) == []


# -- the weekly offer ------------------------------------------------------------------------------


async def test_the_weekly_offer_is_sent_once_by_the_real_job_across_restarts(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await add(attune, world, world.alice)  # the oldest kept one is offered first
    attune.clock.advance(hours=1)
    await add(attune, world, world.alice, "Walked the dog in the rain", "A quiet evening for me")

    on = await weekly_on(attune, world, world.alice, day="sun", time="7pm")
    assert on.ephemeral and "Sundays at 19:00 (Europe/Paris)" in on.text()
    assert f"<t:{int(FIRST_OFFER.timestamp())}:F>" in on.text() and "Algoe" in on.text()

    await tick_at(attune, datetime(2026, 3, 8, 17, 59, tzinfo=UTC))
    assert offers_dms(attune, world.alice) == []
    await tick_at(attune, datetime(2026, 3, 8, 18, 0, 30, tzinfo=UTC))
    [dm] = offers_dms(attune, world.alice)
    assert "weekly appreciation moment" in dm.text() and WHAT in dm.text() and MEANT in dm.text()
    assert "Walked the dog" not in dm.text()
    assert [label for label, _, _ in dm.buttons()] == ["Post", "Not now"]
    await attune.appreciation_job.tick()
    await attune.restart()
    await tick_at(attune, datetime(2026, 3, 8, 18, 5, tzinfo=UTC))
    assert len(offers_dms(attune, world.alice)) == 1, "one offer a week, never twice after a restart"
    assert offers_dms(attune, world.bob) == [] and fake.messages_in(thread)[-1].content != ANNOUNCED

    stranger = await ok(await fake.press(world.bob, dm, "Post"))
    assert stranger.ephemeral and stranger.text() == NOT_YOURS
    bob_dms = len(fake.dm_messages(world.bob))
    posted = await ok(await fake.press(world.alice, dm, "Post"))
    await attune.settle()
    assert "Posted in" in posted.text()
    post = fake.messages_in(thread)[-1]
    assert post.content == ANNOUNCED and WHAT in post.text()
    assert len(fake.dm_messages(world.bob)) == bob_dms + 1, "the partner is told once"
    assert query(attune, "SELECT answer FROM appreciations_weekly_offers")[0]["answer"] == "posted"

    # The next week offers the other one; "Not now" keeps it and posts nothing.
    posts = len(fake.messages_in(thread))
    await tick_at(attune, datetime(2026, 3, 15, 18, 0, 10, tzinfo=UTC))
    second = offers_dms(attune, world.alice)[-1]
    assert second.id != dm.id and "Walked the dog" in second.text()
    skipped = await ok(await fake.press(world.alice, second, "Not now"))
    assert "stays private in your log" in skipped.text() and skipped.buttons() == []
    assert len(fake.messages_in(thread)) == posts
    assert [r["status"] for r in rows(attune, "appreciations_weekly_offers")] == ["sent", "sent"]


async def test_an_offer_recorded_before_a_crash_is_sent_once_after_the_restart(
    attune: BotHarness, world: Any
) -> None:
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    await add(attune, world, world.alice)
    await weekly_on(attune, world, world.alice, day="sun", time="19:00")
    attune.clock.set(datetime(2026, 3, 8, 18, 0, 5, tzinfo=UTC))
    await attune.running.services.appreciations.record_due_offers()  # then the process dies
    await attune.restart()
    await attune.appreciation_job.tick()
    await attune.settle()
    await attune.appreciation_job.tick()
    await attune.settle()
    assert len(offers_dms(attune, world.alice)) == 1


async def test_an_offer_is_never_sent_late_beyond_the_grace(attune: BotHarness, world: Any) -> None:
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    await add(attune, world, world.alice)
    await weekly_on(attune, world, world.alice, day="sun", time="19:00")

    await attune.stop()  # away over the Sunday evening, back in the night
    attune.clock.set(datetime(2026, 3, 8, 22, 30, tzinfo=UTC))
    await attune.start()
    await tick_at(attune, datetime(2026, 3, 8, 22, 30, tzinfo=UTC))
    assert offers_dms(attune, world.alice) == [], "4.5 hours late: recorded as missed, not sent"
    assert [r["status"] for r in rows(attune, "appreciations_weekly_offers")] == ["missed"]

    # A little late (within the grace) still goes, and the schedule carries on from there.
    await tick_at(attune, datetime(2026, 3, 15, 19, 30, tzinfo=UTC))
    assert len(offers_dms(attune, world.alice)) == 1
    [reminder] = rows(attune, "appreciations_weekly")
    assert reminder["next_due_at"] == int(datetime(2026, 3, 22, 18, 0, tzinfo=UTC).timestamp())


async def test_turning_the_offer_off_is_honoured(attune: BotHarness, world: Any) -> None:
    fake = attune.fake
    attune.clock.set(START)
    await pair(attune, world, world.alice, world.bob)
    await add(attune, world, world.alice)
    nothing = await ok(await fake.slash(world.alice, world.general, "appreciate reminder off"))
    assert nothing.ephemeral and "isn't on" in nothing.text()

    await weekly_on(attune, world, world.alice, day="sun", time="19:00")
    off = await ok(await fake.slash(world.alice, world.general, "appreciate reminder off"))
    assert off.ephemeral and "is off" in off.text()
    await tick_at(attune, datetime(2026, 3, 8, 18, 0, 30, tzinfo=UTC))
    await tick_at(attune, datetime(2026, 3, 15, 18, 0, 30, tzinfo=UTC))
    assert offers_dms(attune, world.alice) == [] and rows(attune, "appreciations_weekly_offers") == []

    bad = await ok(await fake.slash(world.alice, world.general, "appreciate reminder on", time="25:99"))
    assert bad.ephemeral and "not a time of day" in bad.text()
    assert rows(attune, "appreciations_weekly")[0]["next_due_at"] is None, "a refusal changes nothing"


async def test_closed_dms_are_recorded_quietly_and_nothing_goes_to_the_thread(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    await add(attune, world, world.alice)
    await weekly_on(attune, world, world.alice, day="sun", time="19:00")
    fake.close_dms(world.alice)
    posts = len(fake.messages_in(thread))
    await tick_at(attune, datetime(2026, 3, 8, 18, 0, 30, tzinfo=UTC))
    await tick_at(attune, datetime(2026, 3, 8, 18, 2, tzinfo=UTC))
    assert [r["status"] for r in rows(attune, "appreciations_weekly_offers")] == ["undelivered"]
    assert len(fake.messages_in(thread)) == posts, "no thread fallback for a private offer"
    assert fake.failed_requests_for(world.alice) == 1, "tried once, not retried"

    # A week with nothing kept passes quietly too.
    fake.close_dms(world.alice, False)
    await ok(
        await fake.press(world.alice, (await add(attune, world, world.alice)), "Share it in our thread…")
    )
    for appreciation in await attune.running.services.appreciations.all_for(world.alice.id):
        await attune.running.services.appreciations.claim_share(appreciation.id, world.alice.id)
    await tick_at(attune, datetime(2026, 3, 15, 18, 0, 30, tzinfo=UTC))
    assert offers_dms(attune, world.alice) == []
    assert [r["status"] for r in rows(attune, "appreciations_weekly_offers")] == ["undelivered", "nothing"]


# -- privacy ---------------------------------------------------------------------------------------


async def test_the_words_are_never_in_the_database_file_in_the_clear(attune: BotHarness, world: Any) -> None:
    await pair(attune, world, world.alice, world.bob)
    what, meant = "Fixed the lighthouse lamp at dusk", "The harbour felt safe again"
    await add(attune, world, world.alice, what, meant)
    data = attune.settings.database_path
    raw = data.read_bytes() + data.with_name(data.name + "-wal").read_bytes()
    for fragment in (what, meant, "lighthouse", "dusk", "harbour"):
        assert fragment.lower().encode() not in raw.lower(), fragment
        assert fragment.encode("utf-16-le") not in raw
    [row] = rows(attune)
    assert b"lighthouse" not in bytes(row["what_sealed"]) and b"harbour" not in bytes(row["meaning_sealed"])


async def test_export_holds_it_all_and_delete_erases_it_with_its_posts(
    attune: BotHarness, world: Any
) -> None:
    fake = attune.fake
    attune.clock.set(START)
    thread = await pair(attune, world, world.alice, world.bob)
    kept_what, kept_meant = "Remembered my sister's birthday", "I felt part of a team"
    await add(attune, world, world.alice, kept_what, kept_meant)
    shared = await add(attune, world, world.alice)
    preview = await ok(await fake.press(world.alice, shared, "Share it in our thread…"))
    await ok(await fake.press(world.alice, preview, "Post"))
    await attune.settle()
    post = fake.messages_in(thread)[-1]
    await weekly_on(attune, world, world.alice, day="sun", time="19:00")
    await tick_at(attune, datetime(2026, 3, 8, 18, 0, 30, tzinfo=UTC))
    [offer] = offers_dms(attune, world.alice)
    await add(attune, world, world.bob, "Bob's appreciation of alice", "Bob's meaning")

    exported = await ok(await fake.slash(world.alice, world.general, "privacy export"))
    data, markdown = export_files(exported)
    blob = json.dumps(data, ensure_ascii=False)
    for text in (kept_what, kept_meant, WHAT, MEANT):
        assert text in blob and text in markdown, text
    assert "Bob's appreciation" not in blob and "Bob's appreciation" not in markdown
    assert "## Your appreciation log (2)" in markdown and "**What it meant to you**" in markdown
    assert "Sundays at 19:00 (Europe/Paris): on" in markdown and ": sent" in markdown
    journal = await ok(await fake.slash(world.alice, world.general, "journal export"))
    files = [data.decode() for message in journal.all_messages() for data in message.files.values()]
    assert files and all(kept_meant in f and "# Your appreciation log" in f for f in files)

    opened = await ok(await fake.slash(world.alice, world.general, "privacy delete"))
    done = await ok(await fake.submit_modal(world.alice, opened, {"phrase": "delete my data"}))
    await attune.settle()
    assert "erased" in done.text()
    for table in ("appreciations", "appreciations_weekly", "appreciations_weekly_offers"):
        assert query(attune, f"SELECT 1 FROM {table} WHERE user_id = ?", world.alice.id) == [], table
    assert len(query(attune, "SELECT 1 FROM appreciations WHERE user_id = ?", world.bob.id)) == 1
    assert post.id not in [m.id for m in fake.messages_in(thread)], "the shared post is taken down"
    assert offer.id not in [m.id for m in fake.dm_messages(world.alice)], "so is the offer sent by DM"
