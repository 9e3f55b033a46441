"""/progress: forgiving streaks, mood charts, weekly summaries and the private checkup."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.progress.cog import ProgressCog
from cogs.progress.dispatch import ProgressDispatcher
from cogs.progress.views import ShareButton


async def setup(bot: AttuneBot) -> None:
    bot.add_dynamic_items(ShareButton)
    await bot.add_cog(ProgressCog(bot))
    await bot.add_cog(ProgressDispatcher(bot))  # installs the job; unloading the extension stops it
