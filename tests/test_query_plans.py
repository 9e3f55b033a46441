"""Every query the bot issues during a broad end-to-end flow is planned with an index.

The flow drives most commands through the fake Discord while every statement sent to SQLite is
recorded (aiosqlite.Connection.execute, execute_fetchall and executemany are wrapped). Each distinct
statement is then run through EXPLAIN QUERY PLAN, with the parameters it was first used with, on the
migrated database the flow left behind; a full scan ("SCAN <table>" without an index) of any table
that grows with use fails.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import traceback
import warnings
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite
import pytest

from tests.fake_discord.driver import InteractionError
from tests.support.couples import pair
from tests.support.harness import BotHarness
from tests.support.meetings import meeting_flow

START = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)  # a Monday
DML = re.compile(r"^\s*(SELECT|INSERT|UPDATE|DELETE|WITH|REPLACE)\b", re.IGNORECASE)
FULL_SCAN = re.compile(r"^SCAN (\w+)(?: AS \w+)?$")
# Tables that do not grow with use: one row per key of the bot itself.
STATIC_TABLES = {"meta"}
# Scans found and reported but not fixed yet, keyed by (function issuing the query, table) with
# the fix as value: each shows up as a warning, any other scan fails. Fixed before: checkin_rounds
# by migration 008, invitations by 007, progress_shares and couples by 006, the start-up read of
# who is owed the DM notice by 018.
KNOWN_SCANS: dict[tuple[str, str], str] = {}


@dataclass
class Statement:
    sql: str
    params: Any
    origin: str


class SqlRecorder:
    def __init__(self) -> None:
        self.statements: dict[str, Statement] = {}

    def record(self, sql: str, params: Any) -> None:
        if not DML.match(sql) or sql in self.statements:
            return
        self.statements[sql] = Statement(sql, params, _origin())


def _origin() -> str:
    """The bot function that issued the statement (the repository method, usually)."""
    for frame in reversed(traceback.extract_stack()[:-3]):
        if "/bot/" in frame.filename or "/cogs/" in frame.filename:
            if "/bot/db/" in frame.filename:
                continue
            return f"{frame.filename.rsplit('/', 2)[-2]}/{frame.filename.rsplit('/', 1)[-1]}:{frame.name}"
    return "?"


@pytest.fixture
def recorder(monkeypatch: pytest.MonkeyPatch) -> SqlRecorder:
    recorder = SqlRecorder()
    execute = aiosqlite.Connection.execute
    execute_fetchall = aiosqlite.Connection.execute_fetchall
    executemany = aiosqlite.Connection.executemany

    def traced_execute(self: aiosqlite.Connection, sql: str, parameters: Any = None) -> Any:
        recorder.record(sql, parameters)
        return execute(self, sql, parameters)

    def traced_execute_fetchall(self: aiosqlite.Connection, sql: str, parameters: Any = None) -> Any:
        recorder.record(sql, parameters)
        return execute_fetchall(self, sql, parameters)

    def traced_executemany(self: aiosqlite.Connection, sql: str, parameters: Any) -> Any:
        rows = list(parameters)
        recorder.record(sql, rows[0] if rows else None)
        return executemany(self, sql, rows)

    monkeypatch.setattr(aiosqlite.Connection, "execute", traced_execute)
    monkeypatch.setattr(aiosqlite.Connection, "execute_fetchall", traced_execute_fetchall)
    monkeypatch.setattr(aiosqlite.Connection, "executemany", traced_executemany)
    return recorder


def full_scans(db: sqlite3.Connection, statement: Statement, growing: set[str]) -> list[str]:
    """The tables this statement reads from end to end without an index."""
    params = statement.params if statement.params is not None else ()
    plan = db.execute(f"EXPLAIN QUERY PLAN {statement.sql}", params).fetchall()
    scans = []
    for row in plan:
        match = FULL_SCAN.match(row[3])
        if match and match.group(1) in growing:
            scans.append(match.group(1))
    return scans


async def step(action: Callable[[], Awaitable[Any]]) -> Any:
    """One step of the flow; a command another feature has not shipped yet is skipped."""
    try:
        ix = await action()
    except InteractionError:
        return None
    if hasattr(ix, "response"):
        await ix.response()
    return ix


async def drive_everything(attune: BotHarness, world: Any) -> None:
    fake, general, alice, bob, carol = attune.fake, world.general, world.alice, world.bob, world.carol
    attune.clock.set(START)
    thread = await pair(attune, world, alice, bob)
    dispatcher = attune.checkin_job

    async def slash(user: Any, command: str, **options: Any) -> Any:
        return await step(lambda: fake.slash(user, general, command, **options))

    async def modal(user: Any, opened: Any, values: dict[str, Any]) -> Any:
        if opened is None or opened.modal is None:
            return None
        return await step(lambda: fake.submit_modal(user, opened, values))

    for command in ("help", "resources", "pair status", "timezone"):
        await slash(alice, command) if command != "timezone" else await slash(
            alice, command, zone="Europe/Paris"
        )

    # Journal: write, list, read, search, share, export.
    for n in range(3):
        opened = await slash(alice, "journal write")
        await modal(alice, opened, {"title": f"Day {n}", "body": f"Porch coffee {n}", "mood": ["4"]})
    await slash(alice, "journal list")
    choices = await fake.autocomplete(alice, general, "journal read", focused="entry", entry="porch")
    if choices:
        entry = choices[0]["value"]
        await slash(alice, "journal read", entry=entry)
        edit = await slash(alice, "journal edit", entry=entry)
        await modal(alice, edit, {"title": "Edited", "body": "Porch coffee, edited", "mood": ["3"]})
        shared = await slash(alice, "journal share", entry=entry)
        if shared is not None and any(label == "Post" for label, _, _ in shared.buttons()):
            await step(lambda: fake.press(alice, shared, "Post"))
        await slash(alice, "journal unshare", entry=entry)
    await slash(alice, "journal search", text="porch")
    await slash(alice, "journal export")

    # Boundaries.
    opened = await slash(bob, "boundary add")
    await modal(bob, opened, {"boundary": "No phones at dinner", "consequence": "I'll step away"})
    await slash(bob, "boundary list")

    # Appreciations: one shared after its preview, one kept, the log, and the weekly offer turned on.
    for what, choice in (("Cooked dinner", "Share it in our thread…"), ("Walked the dog", "Keep it private")):
        opened = await slash(alice, "appreciate add")
        saved = await modal(alice, opened, {"what": what, "meaning": "I felt cared for"})
        if saved is not None and saved.buttons():
            chosen = await step(lambda saved=saved, choice=choice: fake.press(alice, saved, choice))
            if chosen is not None and any(label == "Post" for label, _, _ in chosen.buttons()):
                await step(lambda chosen=chosen: fake.press(alice, chosen, "Post"))
    await slash(alice, "appreciate list")
    await slash(alice, "appreciate reminder on", day="thu", time="9:00")  # 08:00 UTC in Paris

    # A break: previewed, posted, reminded by its job at the return time and answered; /break end.
    preview = await slash(alice, "break start", duration="20m", line="Back soon")
    if preview is not None and any(label == "Post" for label, _, _ in preview.buttons()):
        await step(lambda: fake.press(alice, preview, "Post"))
        attune.clock.set(datetime(2026, 3, 2, 8, 25, tzinfo=UTC))
        await attune.break_job.tick()
        back = [m for m in fake.messages_in(thread) if "attune:break:ready" in str(m.buttons())]
        if back:
            await step(lambda: fake.press(bob, back[-1], "I'm ready to talk"))
    await slash(alice, "break end")

    # Exercises.
    await slash(alice, "exercise list")
    offered = await fake.autocomplete(alice, general, "exercise start", focused="exercise", exercise="")
    if offered:
        started = await slash(alice, "exercise start", exercise=offered[0]["value"])
        if started is not None and any(label == "Reflect" for label, _, _ in started.buttons()):
            reflect = await step(lambda: fake.press(alice, started, "Reflect"))
            await modal(alice, reflect, {"reflection": "I listened more than I talked."})
            await step(lambda: fake.press(alice, started, "Next"))
        await slash(alice, "exercise resume")

    # Check-ins: schedule, a round at its time, both answer, reveal, history, timers, personal.
    await slash(alice, "checkin schedule", time="9pm", timezone="UTC")
    await slash(bob, "checkin show")
    attune.clock.set(datetime(2026, 3, 2, 21, 0, 5, tzinfo=UTC))
    await dispatcher.tick()
    posts = [m for m in fake.messages_in(thread) if "attune:checkin:answer" in str(m.buttons())]
    for user, text in ((alice, "Tired but glad"), (bob, "Grateful for the walk")):
        if posts:
            opened = await step(lambda user=user: fake.press(user, posts[-1], "Answer"))
            await modal(user, opened, {"mood": ["4"], "answer": text})
    await dispatcher.tick()
    await slash(alice, "checkin history")
    await slash(alice, "checkin now")
    await dispatcher.tick()
    attune.clock.set(datetime(2026, 3, 3, 3, 0, tzinfo=UTC))  # reminders fall due
    await dispatcher.tick()
    attune.clock.set(datetime(2026, 3, 4, 0, 0, tzinfo=UTC))  # rounds close
    await dispatcher.tick()
    await slash(alice, "checkin skip")
    await slash(alice, "checkin pause", until="2026-03-10")
    await slash(alice, "checkin resume")
    await slash(alice, "checkin nudges", enabled=False)
    await slash(carol, "checkin personal set", time="8am", timezone="UTC")
    attune.clock.set(datetime(2026, 3, 5, 8, 0, 1, tzinfo=UTC))
    await dispatcher.tick()
    await attune.appreciation_job.tick()  # Alice's weekly appreciation offer, by DM
    offers = [m for m in fake.dm_messages(alice) if "offer-post" in str(m.buttons())]
    if offers:
        await step(lambda: fake.press(alice, offers[-1], "Post"))
    dms = [m for m in fake.dm_messages(carol) if "Write" in str(m.buttons())]
    if dms:
        write = await step(lambda: fake.press(carol, dms[-1], "Write"))
        await modal(carol, write, {"mood": ["3"], "answer": "Quiet morning"})
    await slash(carol, "checkin personal off")
    # Couple meetings: a schedule, a topic ahead, one both write in, ended; one posted by the job.
    await slash(alice, "meeting schedule", day=0, time="10:00", timezone="UTC")
    await slash(bob, "meeting show")
    await meeting_flow(attune, world)
    attune.clock.set(datetime(2026, 3, 9, 10, 0, 5, tzinfo=UTC))
    await attune.meeting_job.tick()
    # Invitations: one sent and withdrawn, one left to expire, and the sweep that expires it.
    await slash(carol, "pair invite", partner=world.dave)
    await slash(carol, "pair cancel")
    await slash(carol, "pair invite", partner=world.dave)
    attune.clock.set(datetime(2026, 3, 13, 8, 0, tzinfo=UTC))
    await attune.invitation_job.tick()
    await attune.meeting_job.tick()  # the meeting of the 9th closes: its day is over
    progress = attune.progress_job
    await progress.tick()  # weekly summaries, heads-ups
    attune.clock.set(datetime(2026, 4, 2, 12, 0, tzinfo=UTC))  # past the couple's first month
    await progress.tick()  # and the monthly check-up offer

    # Progress and privacy (when shipped), then a restart and the end of the pairing.
    for command in ("progress show", "progress summary", "progress checkups", "privacy export"):
        await slash(alice, command)
    await asyncio.sleep(0.3)  # follow-ups (the export's file) finish before the restart
    await attune.restart()
    await slash(alice, "checkin off")
    await slash(alice, "pair leave")


async def test_no_query_scans_a_growing_table(attune: BotHarness, world: Any, recorder: SqlRecorder) -> None:
    await drive_everything(attune, world)
    statements = list(recorder.statements.values())
    assert len(statements) > 40, "the flow should reach most of the repository layer"
    origins = {s.origin for s in statements}
    for expected in (
        "journal.py",
        "checkins.py",
        "couples.py",
        "boundaries.py",
        "exercises.py",
        "meetings.py",
    ):
        assert any(expected in origin for origin in origins), f"no query from {expected}: {origins}"

    db = sqlite3.connect(attune.settings.database_path)
    try:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        growing = tables - STATIC_TABLES
        problems, known = [], []
        for statement in statements:
            for table in full_scans(db, statement, growing):
                fix = KNOWN_SCANS.get((statement.origin, table))
                line = f"{statement.origin} scans {table}: {statement.sql}"
                (known if fix else problems).append(f"{line}\n    fix: {fix}" if fix else line)
    finally:
        db.close()
    for item in known:
        warnings.warn(f"known full scan, reported: {item}", stacklevel=1)
    assert not problems, "queries that scan a table that grows with use:\n" + "\n".join(problems)


def test_the_scan_detector_catches_a_full_scan(tmp_path: Any) -> None:
    db = sqlite3.connect(tmp_path / "t.db")
    db.execute("CREATE TABLE journal_entries (id INTEGER PRIMARY KEY, user_id INTEGER, created_at INTEGER)")
    scan = Statement("SELECT id FROM journal_entries WHERE user_id = ?", (1,), "test")
    assert full_scans(db, scan, {"journal_entries"}) == ["journal_entries"]
    db.execute("CREATE INDEX by_user ON journal_entries (user_id, created_at)")
    assert full_scans(db, scan, {"journal_entries"}) == []
    db.close()
