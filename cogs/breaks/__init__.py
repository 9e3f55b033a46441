"""/break: a pause when a talk gets too heated, with a time to come back, and the reminder at that time."""

from __future__ import annotations

from bot.client import AttuneBot
from bot.components import persistent_items
from cogs.breaks.cog import BreakCog
from cogs.breaks.returns import AnotherTimeButton, BreakReturns, ReadyButton
from cogs.breaks.views import (
    CancelButton,
    EndButton,
    JournalButton,
    LongerButton,
    MoreButton,
    PostButton,
)


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(BreakCog(bot))
    await bot.add_cog(BreakReturns(bot))
    bot.add_dynamic_items(
        *persistent_items(
            PostButton,
            CancelButton,
            JournalButton,
            EndButton,
            MoreButton,
            LongerButton,
            ReadyButton,
            AnotherTimeButton,
        )
    )
