"""/privacy: everything Attune keeps about you, as files you can keep, or erased for good."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.privacy.cog import PrivacyCog
from cogs.privacy.views import DeleteModal


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(PrivacyCog(bot))
    bot.modals.add(DeleteModal)


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(DeleteModal)
