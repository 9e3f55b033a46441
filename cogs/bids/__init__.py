"""/bid: noticing bids for connection, noted privately, one note shared only when the person chooses."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.bids.cog import BidsCog
from cogs.bids.views import DYNAMIC_ITEMS


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(BidsCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
