"""/checkin prompts add|list|remove: a couple's own questions, mixed into their check-ins.

Only the couple's two partners see them (every reply is private). Either partner may remove any
of them, whoever added it; the other partner then sees one line in the thread (a note that
mentions nobody, and holds no question text: the thread is where moderators can read too).
"""

from __future__ import annotations

import discord
from discord import app_commands

from bot.client import AttuneBot
from bot.records.couples import Couple
from bot.services.couple_prompts import OWN_PROMPTS_PER_COUPLE
from cogs.checkins.themes import tell_thread
from cogs.resources.render import Section, pack_messages, section_embeds, truncate

Interaction = discord.Interaction[AttuneBot]
NONE_YET = (
    "You haven't added any questions of your own yet. `/checkin prompts add` puts one into your "
    "check-ins, mixed in with Attune's."
)


async def add_own_prompt(interaction: Interaction, couple: Couple, question: str) -> None:
    added = await interaction.client.services.prompts.add(couple.id, interaction.user.id, question)
    await interaction.response.send_message(
        f"Added to your check-ins: **{added.text}**\nIt comes up in its turn, mixed in with the others. "
        "`/checkin prompts list` shows all of yours.",
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )


async def list_own_prompts(interaction: Interaction, couple: Couple) -> None:
    own = await interaction.client.services.prompts.list_for(couple.id)
    if not own:
        await interaction.response.send_message(NONE_YET, ephemeral=True)
        return
    lines = [
        f"{index}. {prompt.text}" + (" *(you added this)*" if prompt.user_id == interaction.user.id else "")
        for index, prompt in enumerate(own, start=1)
    ]
    section = Section(
        f"Your own questions ({len(own)} of {OWN_PROMPTS_PER_COUPLE})",
        "Only the two of you see these. They come up in turn with Attune's questions.\n\n" + "\n".join(lines),
    )
    for embeds in pack_messages(section_embeds(section)):
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)


async def remove_own_prompt(interaction: Interaction, couple: Couple, value: str) -> None:
    removed = await interaction.client.services.prompts.remove(couple.id, value)
    await interaction.response.send_message(
        f"Removed from your check-ins: **{removed.text}**",
        ephemeral=True,
        allowed_mentions=discord.AllowedMentions.none(),
    )
    await tell_thread(
        interaction.client,
        couple,
        f"{interaction.user.display_name} removed one of your own check-in questions. "
        "`/checkin prompts list` shows the ones you keep.",
    )


async def own_prompt_choices(
    interaction: Interaction, couple: Couple, typed: str
) -> list[app_commands.Choice[str]]:
    found = await interaction.client.services.prompts.search(couple.id, typed)
    return [app_commands.Choice(name=truncate(p.text, 100), value=str(p.id)) for p in found]
