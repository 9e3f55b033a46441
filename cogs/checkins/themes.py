"""/checkin themes: the theme catalogue with the couple's choice, and the select that changes it.

The select is persistent (it answers after a restart) and only the couple's two partners may use
it; a change is saved, then the partner sees one short line in the thread (a note that mentions
nobody, like a changed schedule), and the person who changed it sees the new choice at once.
"""

from __future__ import annotations

import discord

from bot.client import AttuneBot
from bot.components import AttuneSelect, persistent_view
from bot.errors import NotFound
from bot.records.couples import Couple
from bot.services.couple_prompts import ThemeChange
from bot.ui import ATTUNE_COLOUR

PLAYFUL = "🎈"
NOT_YOURS = "Those themes belong to another couple, so choosing them does nothing. Nothing was changed."


async def tell_thread(bot: AttuneBot, couple: Couple, text: str) -> None:
    """A note to the couple's thread that mentions nobody; best effort (the change is saved)."""
    try:
        thread = await bot.threads.ensure_thread(couple)
        await thread.send(text, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException:
        pass


async def themes_message(bot: AttuneBot, couple: Couple) -> tuple[discord.Embed, discord.ui.View]:
    prompts = bot.services.prompts
    catalogue = prompts.catalogue
    status = await bot.services.checkins.theme_status(couple.id)
    chosen = status.chosen
    showing = "Every theme (the default)." if chosen is None else ", ".join(prompts.theme_names(chosen)) + "."
    if not status.bank.matched:
        where = catalogue.no_match
    elif status.bank.borrowing:
        where = catalogue.borrowing
    elif status.bank.fresh == 0:
        where = "Every question has had its turn: the next check-in starts a new round of them."
    elif chosen is None:
        where = (
            f"{status.bank.fresh} of all {status.bank.eligible} questions are still to come before any "
            "comes back."
        )
    else:
        where = (
            f"{status.bank.fresh} of the {status.bank.eligible} questions in your themes (with your own) "
            "are still to come in this round."
        )
    embed = discord.Embed(title="Your check-in themes", description=catalogue.intro, colour=ATTUNE_COLOUR)
    embed.add_field(name="Your choice", value=showing, inline=False)
    embed.add_field(name="Where you are", value=where, inline=False)
    embed.set_footer(
        text=f"{PLAYFUL} marks the playful themes. Either of you can change this; the other sees a short "
        "note in your thread."
    )
    select = ThemeSelect.showing(bot, couple.id, chosen)
    return embed, persistent_view(select)


class ThemeSelect(AttuneSelect, route="checkin:themes:{couple_id}"):
    """Choose several themes at once. Only the couple's two partners may use it."""

    placeholder = "Choose the themes you'd like"
    couple_id: int

    @classmethod
    def showing(cls, bot: AttuneBot, couple_id: int, chosen: frozenset[str] | None) -> ThemeSelect:
        offered = bot.services.prompts.couple_themes()
        options = [
            discord.SelectOption(
                label=theme.name,
                value=theme.id,
                description=theme.description,
                emoji=PLAYFUL if theme.playful else None,
                default=chosen is None or theme.id in chosen,
            )
            for theme in offered
        ]
        select = cls(options=options, couple_id=couple_id)
        select.item.min_values = 1
        select.item.max_values = len(options)
        return select

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        couple = await interaction.client.services.couples.couple_by_id(self.couple_id)
        if couple is None or couple.status == "ended" or not couple.includes(interaction.user.id):
            raise NotFound(NOT_YOURS)
        return True

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        change = await bot.services.prompts.choose_themes(self.couple_id, self.chosen)
        couple = await bot.services.couples.couple_by_id(self.couple_id)
        assert couple is not None  # may_press found it
        embed, view = await themes_message(bot, couple)
        await interaction.response.edit_message(embed=embed, view=view)
        if change.changed:
            await tell_thread(bot, couple, change_line(bot, interaction.user.display_name, change))


def change_line(bot: AttuneBot, name: str, change: ThemeChange) -> str:
    if change.after is None:
        return f"{name} set your check-in themes back to every theme."
    return f"{name} chose your check-in themes: {', '.join(bot.services.prompts.theme_names(change.after))}."
