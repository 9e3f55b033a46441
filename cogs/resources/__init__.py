"""/resources: the safety and professional-help text, or the server's own; and the safety guidance
given at once wherever someone says they feel unsafe (cogs/resources/safety.py)."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.resources.cog import ResourcesCog
from cogs.resources.safety import UnsafeButton


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(ResourcesCog(bot))
    bot.add_dynamic_items(UnsafeButton)
