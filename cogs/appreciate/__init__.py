"""/appreciate: appreciations kept in your own log, shared after a preview, offered back weekly."""

from __future__ import annotations

from bot.client import AttuneBot
from bot.components import persistent_items
from cogs.appreciate.cog import AppreciateCog
from cogs.appreciate.offers import AppreciationOffers, OfferPostButton, OfferSkipButton
from cogs.appreciate.views import (
    AppreciationModal,
    CancelButton,
    KeepButton,
    PageButton,
    PostButton,
    ShareButton,
)


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(AppreciateCog(bot))
    await bot.add_cog(AppreciationOffers(bot))
    bot.add_dynamic_items(
        *persistent_items(
            ShareButton, KeepButton, PostButton, CancelButton, PageButton, OfferPostButton, OfferSkipButton
        )
    )
    bot.modals.add(AppreciationModal)


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(AppreciationModal)
