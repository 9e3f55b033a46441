"""The private journal (/journal) and /reflect."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.journal.cog import JournalCog
from cogs.journal.views import DYNAMIC_ITEMS, MODALS


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(JournalCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.add(*MODALS)


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(*MODALS)
