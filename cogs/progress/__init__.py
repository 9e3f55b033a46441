"""/progress: forgiving streaks, mood charts, weekly summaries and the private checkup."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.progress.cog import ProgressCog
from cogs.progress.dispatch import ProgressDispatcher
from cogs.progress.views import DYNAMIC_ITEMS, MODALS


async def setup(bot: AttuneBot) -> None:
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.add(*MODALS)
    await bot.add_cog(ProgressCog(bot))
    await bot.add_cog(ProgressDispatcher(bot))  # installs the job; unloading the extension stops it


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(*MODALS)
