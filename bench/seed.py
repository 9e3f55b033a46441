"""Deterministic seed data, written straight into the migrated schema with sqlite3 executemany.

The schema comes from bot.db.Database.migrate (the real migrations), never from a copy. Sealed
columns hold real ciphertext from bot.crypto.Cipher: a handful of distinct sealed values are made
once per column and reused across the bulk rows, so every row still opens with the bench key.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.crypto import Cipher
from bot.db import Database

BATCH = 50_000
SYNTHETIC_USER_BASE = 9_000_000_000_000_000  # far from the fake's snowflakes
SYNTHETIC_GUILD = 8_000_000_000_000_000
DAY = 86_400

JOURNAL_TEXTS = (
    "Slept badly, but the morning walk helped.",
    "We laughed about the burnt toast. Small things.",
    "Felt unheard at dinner; I want to say it kindly tomorrow.",
    "Grateful for the quiet evening together.",
)
ANSWER_TEXTS = (
    "Tired but glad we talked.",
    "A heavy day, honestly.",
    "Calm. The weekend plans feel good.",
    "I missed you today.",
)


@dataclass(frozen=True)
class SeedSpec:
    couples: int = 0
    journal_entries: int = 0
    checkin_answers: int = 0  # two per revealed round
    schedules: int = 0  # one couple schedule per couple, for the first `schedules` couples
    # Real people (fake Discord users) take the first couples' places, in order, two per couple.
    real_user_ids: Sequence[int] = ()
    real_thread_ids: Sequence[int] = ()  # thread of couple i (1-based) for the first len() couples
    guild_id: int = SYNTHETIC_GUILD
    channel_id: int | None = None  # guild_settings.channel_id, when set
    now: int = 1_772_000_000
    due_at: Sequence[int] = ()  # next_due_at of schedule i (1-based) for the first len() schedules
    later_due_at: int | None = None  # the other schedules' next_due_at (default: spread over a week)
    dm_nudges: bool = True
    # people.dm_channel_id of person i (0-based) for the first len() people: the DM channels
    # Attune keeps once it has DMed someone (migration 017), as after a first week of nudges.
    dm_channel_ids: Sequence[int] = ()
    # When set, everyone was last offered the monthly check-up (by DM) this many days ago: a bot
    # that has been running a while, so the offers don't all fall due while a benchmark measures.
    checkup_offered_days_ago: int | None = None


@dataclass(frozen=True)
class SeedReport:
    rows: int
    seconds: float
    size_bytes: int


def user_id_of(spec: SeedSpec, index: int) -> int:
    """The person at position `index` (0-based): a real fake user first, then synthetic ids."""
    if index < len(spec.real_user_ids):
        return int(spec.real_user_ids[index])
    return SYNTHETIC_USER_BASE + index


def dm_channel_of(spec: SeedSpec, index: int) -> int | None:
    return int(spec.dm_channel_ids[index]) if index < len(spec.dm_channel_ids) else None


async def _migrate(path: Path) -> None:
    database = Database(path)
    await database.open(exclusive=False)
    try:
        await database.migrate()
    finally:
        await database.close()


def _batches(rows: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def seed(path: Path, cipher: Cipher, spec: SeedSpec, prompt_ids: Sequence[str]) -> SeedReport:
    """Create a migrated database at `path` (replacing it) and fill it per `spec`."""
    started = time.perf_counter()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(_migrate(path))
    rng = random.Random(20261122)
    journal_blobs = [cipher.seal(t, column="journal_entries.body_sealed") for t in JOURNAL_TEXTS]
    answer_blobs = [cipher.seal(t, column="checkin_answers.body_sealed") for t in ANSWER_TEXTS]
    people = 2 * spec.couples if spec.couples else max(1, len(spec.real_user_ids))
    rows = 0
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("BEGIN")

        def put(sql: str, generated: Iterator[tuple[object, ...]]) -> None:
            nonlocal rows
            for batch in _batches(generated):
                db.executemany(sql, batch)
                rows += len(batch)

        if spec.channel_id is not None:
            put(
                "INSERT INTO guild_settings (guild_id, channel_id, timezone, updated_by, updated_at) "
                "VALUES (?, ?, 'UTC', 0, ?)",
                iter([(spec.guild_id, spec.channel_id, spec.now)]),
            )
        put(
            "INSERT INTO people (user_id, timezone, created_at, dm_nudges, dm_channel_id) "
            "VALUES (?, NULL, ?, ?, ?)",
            (
                (user_id_of(spec, i), spec.now, int(spec.dm_nudges), dm_channel_of(spec, i))
                for i in range(people)
            ),
        )
        if spec.checkup_offered_days_ago is not None:
            offered = spec.now - spec.checkup_offered_days_ago * DAY
            month = time.strftime("%Y-%m", time.gmtime(offered))
            put(
                "INSERT INTO progress_checkup_offers (user_id, month, offered_at) VALUES (?, ?, ?)",
                ((user_id_of(spec, i), month, offered) for i in range(people)),
            )

        def thread_of(couple: int) -> int:
            if couple <= len(spec.real_thread_ids):
                return int(spec.real_thread_ids[couple - 1])
            return 7_000_000_000_000_000 + couple

        put(
            "INSERT INTO couples (id, guild_id, status, thread_id, created_at) VALUES (?, ?, 'active', ?, ?)",
            ((c, spec.guild_id, thread_of(c), spec.now - 90 * DAY) for c in range(1, spec.couples + 1)),
        )
        # Every couple that has been around a while has its weekly-summary row (the progress job
        # writes the default the first time it sees a couple): due next week, not during the run.
        put(
            "INSERT INTO progress_summary_settings (couple_id, timezone, next_due_at, updated_at) "
            "VALUES (?, 'UTC', ?, ?)",
            ((c, spec.now + 7 * DAY, spec.now - 90 * DAY) for c in range(1, spec.couples + 1)),
        )
        put(
            "INSERT INTO couple_members (couple_id, user_id, guild_id) VALUES (?, ?, ?)",
            (
                (c, user_id_of(spec, 2 * (c - 1) + k), spec.guild_id)
                for c in range(1, spec.couples + 1)
                for k in (0, 1)
            ),
        )
        # Journal: entries spread evenly over everyone, oldest first, one a few hours apart.
        put(
            "INSERT INTO journal_entries (user_id, kind, body_sealed, mood, created_at, updated_at) "
            "VALUES (?, 'entry', ?, ?, ?, ?)",
            (
                (
                    user_id_of(spec, i % people),
                    journal_blobs[i % len(journal_blobs)],
                    1 + i % 5,
                    spec.now - 400 * DAY + i * (400 * DAY) // max(1, spec.journal_entries),
                    spec.now - 400 * DAY + i * (400 * DAY) // max(1, spec.journal_entries),
                )
                for i in range(spec.journal_entries)
            ),
        )
        # Check-ins: revealed rounds (no schedule: like /checkin now), two answers each.
        rounds = spec.checkin_answers // 2
        if rounds and spec.couples:
            first_round = 1
            put(
                "INSERT INTO checkin_rounds (id, kind, couple_id, due_at, prompt_id, status, posted_at, "
                "revealed_at, channel_id, message_id, reveal_message_id, post_attempts, nudged) "
                "VALUES (?, 'couple', ?, ?, ?, 'revealed', ?, ?, ?, ?, ?, 1, 1)",
                (
                    (
                        first_round + r,
                        1 + r % spec.couples,
                        spec.now - 400 * DAY + r * (400 * DAY) // rounds,
                        prompt_ids[r % len(prompt_ids)],
                        spec.now - 400 * DAY + r * (400 * DAY) // rounds,
                        spec.now - 400 * DAY + r * (400 * DAY) // rounds + 3600,
                        thread_of(1 + r % spec.couples),
                        6_000_000_000_000_000 + 2 * r,
                        6_000_000_000_000_001 + 2 * r,
                    )
                    for r in range(rounds)
                ),
            )
            put(
                "INSERT INTO checkin_answers (round_id, user_id, mood, body_sealed, answered_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (
                    (
                        first_round + r,
                        user_id_of(spec, 2 * (r % spec.couples) + k),
                        1 + (r + k) % 5,
                        answer_blobs[(r + k) % len(answer_blobs)],
                        spec.now - 400 * DAY + r * (400 * DAY) // rounds + 600 * (k + 1),
                    )
                    for r in range(rounds)
                    for k in (0, 1)
                ),
            )

        # Schedules: one per couple, daily, UTC; the first ones due at the times asked for.
        def due(i: int) -> int:
            if i < len(spec.due_at):
                return int(spec.due_at[i])
            if spec.later_due_at is not None:
                return spec.later_due_at
            return spec.now + 3600 + rng.randrange(7 * DAY)

        def local_time(at: int) -> str:
            return time.strftime("%H:%M", time.gmtime(at))

        put(
            "INSERT INTO checkin_schedules (kind, couple_id, local_time, weekdays, timezone, next_due_at, "
            "updated_by, updated_at) VALUES ('couple', ?, ?, 127, 'UTC', ?, ?, ?)",
            (
                (c, local_time(at), at, user_id_of(spec, 2 * (c - 1)), spec.now)
                for c, at in ((c, due(c - 1)) for c in range(1, spec.schedules + 1))
            ),
        )
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
    return SeedReport(rows=rows, seconds=time.perf_counter() - started, size_bytes=path.stat().st_size)
