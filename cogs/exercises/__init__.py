"""/exercise: guided exercises, step by step, with private reflections saved as you go."""

from __future__ import annotations

from bot.client import AttuneBot
from cogs.exercises.cog import ExercisesCog
from cogs.exercises.views import DYNAMIC_ITEMS, MODALS


async def setup(bot: AttuneBot) -> None:
    await bot.add_cog(ExercisesCog(bot))
    bot.add_dynamic_items(*DYNAMIC_ITEMS)
    bot.modals.add(*MODALS)


async def teardown(bot: AttuneBot) -> None:
    bot.modals.remove(*MODALS)
