"""/resources: the safety and professional-help text, or the server's own."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.resources.cog import ResourcesCog


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(ResourcesCog(bot))
