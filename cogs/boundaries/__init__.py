"""/boundary: the boundaries you keep, private unless you share one."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.boundaries.cog import BoundariesCog
from cogs.boundaries.views import BOUNDARY_GIVEN_BACK, BOUNDARY_MODAL, DYNAMIC_ITEMS, on_boundary_submit


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(BoundariesCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.register(BOUNDARY_MODAL, on_boundary_submit, give_back=BOUNDARY_GIVEN_BACK)
