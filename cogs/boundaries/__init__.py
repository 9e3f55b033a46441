"""/boundary: the boundaries you keep, private unless you share one."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.boundaries.cog import BoundariesCog
from cogs.boundaries.views import DYNAMIC_ITEMS, BoundaryModal


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(BoundariesCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.add(BoundaryModal)


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(BoundaryModal)
