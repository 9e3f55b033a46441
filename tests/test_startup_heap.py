"""Start-up moves what it built out of the garbage collector's way (bot.client.freeze_startup_heap)."""

from __future__ import annotations

import gc

from tests.support.harness import BotHarness


async def test_start_up_freezes_the_heap_once_per_process(attune: BotHarness) -> None:
    from bot.client import freeze_startup_heap

    assert gc.get_freeze_count() > 0
    frozen = gc.get_freeze_count()
    freeze_startup_heap()  # a second bot in the same process (a restart) does not freeze again
    assert gc.get_freeze_count() == frozen
