"""The real `python -m bot` process killed with SIGKILL mid-dispatch and started again: no duplicate
post, no lost answer."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.couples import pair
from tests.support.harness import TEST_KEY

pytestmark = pytest.mark.slow  # starts the real `python -m bot` process three times

REPO = Path(__file__).resolve().parents[1]


@dataclass
class Shim:
    """What tests.support.couples.pair needs from a harness: the fake."""

    fake: Any


class Process:
    def __init__(self, fake: Any, database: Path) -> None:
        self.fake = fake
        self.database = database
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA"))}
        env.update(
            DISCORD_TOKEN=self.fake.token,
            DISCORD_API_BASE=self.fake.api_base,
            DATABASE_URL=f"sqlite:///{self.database}",
            DATA_ENCRYPTION_KEY=TEST_KEY,
            PYTHONPATH=str(REPO),
        )
        identified = self.fake.identify_count
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            env=env,
            cwd=self.database.parent,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        await self.fake.wait_for(lambda: self.fake.identify_count > identified, timeout=30)
        await self.fake.gateway.ready.wait()
        await asyncio.sleep(0.5)  # GUILD_CREATE and command sync

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.kill()
            await self.proc.wait()


def rounds(database: Path) -> list[sqlite3.Row]:
    db = sqlite3.connect(database)
    db.row_factory = sqlite3.Row
    try:
        return db.execute("SELECT * FROM checkin_rounds ORDER BY id").fetchall()
    finally:
        db.close()


def round_posts(fake: Any, thread: Any) -> list[Any]:
    return [m for m in fake.messages_in(thread) if "attune:checkin:answer" in str(m.buttons())]


async def test_sigkill_mid_dispatch_then_restart_posts_once_and_keeps_the_answer(
    fake_discord: Any, world: Any, tmp_path: Path
) -> None:
    fake = fake_discord
    bot = Process(fake, tmp_path / "attune.db")
    try:
        await bot.start()
        thread = await pair(Shim(fake), world, world.alice, world.bob)  # type: ignore[arg-type]

        # The round's post meets a long 429: the process is killed while it waits.
        fake.inject_fault("POST", rf"^/channels/{thread.id}/messages$", 429, times=1, retry_after=5.0)
        now = await fake.slash(world.alice, world.general, "checkin now")
        await now.response()
        await fake.wait_for(
            lambda: any(
                r.status == 429 for r in fake.requests_to("POST", rf"/channels/{thread.id}/messages")
            ),
            timeout=15,
        )
        await bot.kill()
        assert round_posts(fake, thread) == []
        assert [r["status"] for r in rounds(bot.database)] == ["pending"], "recorded before posting"

        await bot.start()
        await fake.wait_for(lambda: round_posts(fake, thread), timeout=20)
        await asyncio.sleep(1.0)  # a second dispatch pass must not post again
        assert len(round_posts(fake, thread)) == 1
        assert [r["status"] for r in rounds(bot.database)] == ["open"]

        # Alice's answer is acknowledged, then the process dies at once: the answer survives.
        posted = round_posts(fake, thread)[0]
        opened = await fake.press(world.alice, posted, "Answer")
        await opened.response()
        saved = await fake.submit_modal(
            world.alice, opened, {"mood": ["4"], "answer": "Said before the crash"}
        )
        await saved.response()
        assert "Saved" in saved.text()
        await bot.kill()

        await bot.start()
        opened = await fake.press(world.bob, posted, "Answer")
        await opened.response()
        done = await fake.submit_modal(world.bob, opened, {"mood": ["5"], "answer": "Said after the restart"})
        await done.response()
        reveal = await fake.wait_for_message(thread, lambda m: "both answered" in m.content, timeout=15)
        assert "Said before the crash" in reveal.text() and "Said after the restart" in reveal.text()
        assert len(round_posts(fake, thread)) <= 1
        assert len([m for m in fake.messages_in(thread) if "both answered" in m.content]) == 1
    finally:
        await bot.stop()
