"""The private journal (/journal) and /reflect."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.journal.cog import JournalCog
from cogs.journal.views import DYNAMIC_ITEMS, MODAL_HANDLERS


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(JournalCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    for pattern, handler, given_back in MODAL_HANDLERS:
        bot.modals.register(pattern, handler, give_back=given_back)
