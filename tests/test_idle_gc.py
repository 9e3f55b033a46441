"""The cyclic garbage collector runs while the bot is idle (bot/idle_gc.py), and still runs when
the bot is never idle, so memory cannot grow because of it."""

from __future__ import annotations

import asyncio
import gc

import pytest

from bot import idle_gc
from bot.idle_gc import IdleCollector
from tests.support.harness import BotHarness


def make_young_cycles(count: int) -> None:
    for _ in range(count):
        cycle: list[object] = []
        cycle.append(cycle)


async def collections_after(collector: IdleCollector, looks: int) -> int:
    for _ in range(looks):
        await asyncio.sleep(idle_gc.INTERVAL)
    return collector.collections


async def test_an_idle_bot_collects_and_a_busy_one_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(idle_gc, "INTERVAL", 0.01)
    monkeypatch.setattr(idle_gc, "PATIENCE", 5)
    busy = True
    collector = IdleCollector(lambda: busy)
    before = gc.get_threshold()
    collector.start()
    try:
        assert gc.get_threshold()[0] == idle_gc.BACKSTOP
        make_young_cycles(2 * idle_gc.YOUNG)
        assert await collections_after(collector, 3) == 0  # busy, and still patient
        assert await collections_after(collector, 6) >= 1  # busy for too long: collected anyway
        busy = False
        counted = collector.collections
        make_young_cycles(2 * idle_gc.YOUNG)
        await collections_after(collector, 3)
        assert collector.collections > counted
    finally:
        await collector.stop()
    assert gc.get_threshold() == before


def test_the_oldest_generation_due_is_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    collected: list[int] = []
    monkeypatch.setattr(idle_gc.gc, "collect", lambda generation=2: collected.append(generation) or 0)
    collector = IdleCollector(lambda: False)
    for counts, expected in (
        ((10, 0, 0), None),
        ((idle_gc.YOUNG, 0, 0), 0),
        ((5, idle_gc.MIDDLE, 0), 1),
        ((idle_gc.YOUNG, idle_gc.MIDDLE, idle_gc.OLD), 2),
    ):
        monkeypatch.setattr(idle_gc.gc, "get_count", lambda counts=counts: counts)
        assert collector.collect_due() == expected
    assert collected == [0, 1, 2]


async def test_the_bot_raises_the_threshold_and_collects_while_idle(attune: BotHarness) -> None:
    bot = attune.running
    assert gc.get_threshold()[0] == idle_gc.BACKSTOP
    await attune.settle()
    make_young_cycles(2 * idle_gc.YOUNG)
    for _ in range(40):  # up to 20 s of looks; an idle bot collects at its next look
        if bot.idle_gc.collections:
            break
        await asyncio.sleep(idle_gc.INTERVAL)
    assert bot.idle_gc.collections >= 1
