"""/help: what Attune is, how to begin, and every command by topic."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.help.cog import HelpCog, HelpTopicSelect


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(HelpCog(bot))
    bot.add_dynamic_items(HelpTopicSelect)
