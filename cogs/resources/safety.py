"""The safety guidance, given at once wherever someone says they feel afraid or unsafe.

Used by the check-up (marking "I felt afraid or unsafe with my partner"), by the "I feel unsafe"
button on the steps of an exercise that offers it (content: `unsafe_button: true`), and after an
answer to a prompt about feeling safe (theme `safety`). The words live in content/safety.yaml;
the server's own text from /setup follows them, as /resources shows it.
"""

from __future__ import annotations

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton
from bot.content import ContentLibrary, Prompt
from cogs.resources.cog import server_resources_text
from cogs.resources.render import pack_messages, safety_sections, section_embeds

SAFETY_THEME = "safety"  # a prompt with this theme asks whether the person feels safe


def asks_about_safety(prompt: Prompt | None) -> bool:
    return prompt is not None and SAFETY_THEME in prompt.themes


def safety_embeds(content: ContentLibrary, server_text: str | None, lead: str) -> list[discord.Embed]:
    return [e for section in safety_sections(content, server_text, lead) for e in section_embeds(section)]


async def send_messages(
    interaction: discord.Interaction[AttuneBot], messages: list[list[discord.Embed]]
) -> None:
    """Each message privately: the first as the answer when there is none yet, the rest after it."""
    for embeds in messages:
        if interaction.response.is_done():
            await interaction.followup.send(embeds=embeds, ephemeral=True)
        else:
            await interaction.response.send_message(embeds=embeds, ephemeral=True)


async def send_safety(bot: AttuneBot, interaction: discord.Interaction[AttuneBot], lead: str) -> None:
    server_text = await server_resources_text(bot, interaction.guild_id)
    await send_messages(interaction, pack_messages(safety_embeds(bot.content, server_text, lead)))


def unsafe_button(content: ContentLibrary) -> UnsafeButton:
    return UnsafeButton(label=content.safety.unsafe_button)


class UnsafeButton(AttuneButton, route="safety:unsafe"):
    """ "I feel unsafe": whoever presses it gets the safety guidance at once, privately. It acts on
    nobody's data, so there is nothing to refuse."""

    anyone_may_press = True
    label = "I feel unsafe"
    style = discord.ButtonStyle.danger

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        await send_safety(bot, interaction, bot.content.safety.unsafe_lead)
