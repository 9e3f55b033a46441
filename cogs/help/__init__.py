"""/help and /resources: what Attune is, every command, and where to find real help."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.help.cog import HelpCog, HelpTopicSelect


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(HelpCog(bot))
    bot.add_dynamic_items(HelpTopicSelect)
