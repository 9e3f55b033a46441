"""Couples: /setup (moderators), /pair (invite, cancel, status, leave) and each couple's private thread."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.couples.cog import PairCog, SetupCog
from cogs.couples.expiry import InvitationSweeper
from cogs.couples.members import MembershipCog
from cogs.couples.views import DYNAMIC_ITEMS


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(SetupCog(bot))
    await bot.add_cog(PairCog(bot))
    await bot.add_cog(MembershipCog(bot))  # registers its check for the dispatchers
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    await bot.add_cog(InvitationSweeper(bot))  # installs the job; unloading the extension stops it
