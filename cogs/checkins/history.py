"""/checkin history: a couple's revealed check-ins, a few per page, and the buttons that turn them."""

from __future__ import annotations

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton
from bot.errors import NotFound
from bot.records.couples import Couple
from bot.ui import ATTUNE_COLOUR, cached_display_name

HISTORY_PAGE = 3


async def render_history(
    bot: AttuneBot, couple: Couple, page: int
) -> tuple[discord.Embed, discord.ui.View | None]:
    history = await bot.services.checkins.history_page(couple.id, page, HISTORY_PAGE)
    page, pages = history.page, history.pages
    embed = discord.Embed(title="Your check-ins together", colour=ATTUNE_COLOUR)
    if history.total == 0:
        embed.description = "Nothing here yet. Once you've both answered a check-in, it appears here."
        return embed, None
    names = {uid: cached_display_name(bot, couple.guild_id, uid) for uid in couple.partner_ids}
    for round_, answers in history.rounds:
        lines = [f"**{names.get(a.user_id, 'partner')}** · mood {a.mood}/5\n{a.body}" for a in answers]
        value = "\n\n".join(lines)
        title = f"<t:{round_.due_at}:D> · {await bot.services.checkins.prompt_text(round_.prompt_id)}"
        embed.add_field(
            name=title[:256], value=value[:1021] + ("..." if len(value) > 1021 else ""), inline=False
        )
    embed.set_footer(text=f"Page {page + 1} of {pages}")
    view = discord.ui.View(timeout=None)
    if page > 0:
        view.add_item(HistoryPageButton(couple_id=couple.id, page=page - 1, label="Newer"))
    if page < pages - 1:
        view.add_item(HistoryPageButton(couple_id=couple.id, page=page + 1, label="Older"))
    return embed, view if view.children else None


class HistoryPageButton(AttuneButton, route="checkin:history:{couple_id}:{page}"):
    """Pages of a couple's check-in history: only its two partners may turn them."""

    couple_id: int
    page: int

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        couple = await interaction.client.services.couples.couple_by_id(self.couple_id)
        if couple is None or interaction.user.id not in couple.partner_ids:
            raise NotFound("That history isn't yours, so I can't show it.")
        return True

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        couple = await interaction.client.services.couples.couple_by_id(self.couple_id)
        assert couple is not None  # may_press found it
        embed, view = await render_history(interaction.client, couple, self.page)
        await interaction.response.edit_message(embed=embed, view=view)
