"""/journal and /reflect: a private journal, shared only when its author chooses to."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from bot.client import AttuneBot
from bot.cooldowns import limit
from bot.errors import UserFacingError
from bot.services.journal import PAGE_SIZE, entry_key
from cogs.journal.render import entry_choice, entry_line, read_embed
from cogs.journal.sharing import active_couple, remove_post, zone_for
from cogs.journal.views import (
    EditModal,
    ReflectModal,
    WriteModal,
    delete_view,
    journal_page,
    send_preview,
)

ATTACHMENT_NAME = "attune-journal-{day}.md"


async def entry_autocomplete(
    interaction: discord.Interaction[AttuneBot], current: str
) -> list[app_commands.Choice[str]]:
    """Only ever the person's own entries."""
    bot = interaction.client
    zone = await zone_for(bot, interaction.user.id, interaction.guild_id)
    entries = await bot.services.journal.suggestions(interaction.user.id, current, zone)
    return [entry_choice(entry, zone) for entry in entries]


ENTRY_DESCRIBE = "One of your entries: its number, or start typing a title, words or a date"


class JournalCog(commands.Cog):
    journal = app_commands.Group(name="journal", description="Your private journal: only you can see it")

    def __init__(self, bot: AttuneBot) -> None:
        self.bot = bot

    @journal.command(name="write", description="Write a journal entry, privately")
    @limit("journal write")
    @app_commands.describe(prompt="Show a gentle prompt to write about")
    async def write(self, interaction: discord.Interaction[AttuneBot], prompt: bool = False) -> None:
        chosen = await self.bot.services.journal.pick_prompt(interaction.user.id) if prompt else None
        await interaction.response.send_modal(WriteModal(chosen))

    @journal.command(name="list", description="Your entries, newest first")
    async def list_(self, interaction: discord.Interaction[AttuneBot]) -> None:
        embed, view = await journal_page(interaction, interaction.user.id, 0)
        await interaction.response.send_message(embed=embed, view=view, ephemeral=True)

    @journal.command(name="read", description="Read one of your entries")
    @app_commands.describe(entry=ENTRY_DESCRIBE)
    @app_commands.autocomplete(entry=entry_autocomplete)
    async def read(self, interaction: discord.Interaction[AttuneBot], entry: str) -> None:
        journal = self.bot.services.journal
        found = await journal.get_by_ref(interaction.user.id, entry)
        zone = await zone_for(self.bot, interaction.user.id, interaction.guild_id)
        await interaction.response.send_message(
            embed=read_embed(found, zone, journal.prompt(found.prompt_id)), ephemeral=True
        )

    @journal.command(name="edit", description="Change one of your entries")
    @app_commands.describe(entry=ENTRY_DESCRIBE)
    @app_commands.autocomplete(entry=entry_autocomplete)
    async def edit(self, interaction: discord.Interaction[AttuneBot], entry: str) -> None:
        found = await self.bot.services.journal.get_by_ref(interaction.user.id, entry)
        await interaction.response.send_modal(EditModal(found))

    @journal.command(name="delete", description="Delete one of your entries (you'll be asked to confirm)")
    @app_commands.describe(entry=ENTRY_DESCRIBE)
    @app_commands.autocomplete(entry=entry_autocomplete)
    async def delete(self, interaction: discord.Interaction[AttuneBot], entry: str) -> None:
        found = await self.bot.services.journal.get_by_ref(interaction.user.id, entry)
        zone = await zone_for(self.bot, interaction.user.id, interaction.guild_id)
        shared = " It is shared in your thread; deleting takes that post down too." if found.is_shared else ""
        await interaction.response.send_message(
            f"Delete entry {found.number} for good?{shared} Your other entries keep their numbers, "
            f"and {found.number} won't be given to a new one.\n{entry_line(found, zone)}",
            view=delete_view(interaction.user.id, entry_key(found)),
            ephemeral=True,
        )

    @journal.command(name="search", description="Find words in your own entries")
    @app_commands.describe(text="A word or phrase to look for")
    async def search(self, interaction: discord.Interaction[AttuneBot], text: str) -> None:
        # Search decrypts every entry, which can take a while: answer Discord first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        found = await self.bot.services.journal.search(interaction.user.id, text, limit=10_000)
        if not found:
            await interaction.followup.send("Nothing in your journal matches that.", ephemeral=True)
            return
        zone = await zone_for(self.bot, interaction.user.id, interaction.guild_id)
        lines = [entry_line(entry, zone) for entry in found[:PAGE_SIZE]]
        more = f"\n…and {len(found) - PAGE_SIZE} older ones." if len(found) > PAGE_SIZE else ""
        count = f"{len(found)} {'entry matches' if len(found) == 1 else 'entries match'}"
        embed = discord.Embed(title=f"{count} your search", description="\n".join(lines) + more)
        embed.set_footer(text="Only you can see this. /journal read opens one.")
        await interaction.followup.send(embed=embed, ephemeral=True)

    @journal.command(name="share", description="Share one entry with your partner, after a preview")
    @app_commands.describe(entry=ENTRY_DESCRIBE)
    @app_commands.autocomplete(entry=entry_autocomplete)
    async def share(self, interaction: discord.Interaction[AttuneBot], entry: str) -> None:
        journal = self.bot.services.journal
        found = await journal.get_by_ref(interaction.user.id, entry)
        await journal.shareable(interaction.user.id, found.id)
        await active_couple(self.bot, interaction.guild_id, interaction.user.id)
        await send_preview(interaction, found)

    @journal.command(name="unshare", description="Take a shared entry back: its post is deleted")
    @app_commands.describe(entry=ENTRY_DESCRIBE)
    @app_commands.autocomplete(entry=entry_autocomplete)
    async def unshare(self, interaction: discord.Interaction[AttuneBot], entry: str) -> None:
        journal = self.bot.services.journal
        found = await journal.shared(
            interaction.user.id, (await journal.get_by_ref(interaction.user.id, entry)).id
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        await remove_post(self.bot, found)  # the post goes first; then the record says private
        await journal.clear_share(interaction.user.id, found)
        await interaction.followup.send(
            "Taken back: the post is gone from your thread, and the entry is private again.", ephemeral=True
        )

    @journal.command(name="export", description="Your whole journal as a Markdown file")
    async def export(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)  # decrypting everything takes time
        zone = await zone_for(self.bot, interaction.user.id, interaction.guild_id)
        text = await self.bot.services.journal.export_markdown(
            interaction.user.id, zone, interaction.user.display_name
        )
        # The appreciation log is part of the journal (/appreciate): it comes with it.
        appreciations = await self.bot.services.appreciations.export_markdown(interaction.user.id, zone)
        if appreciations is not None:
            text = appreciations if text is None else f"{text}\n{appreciations}"
        if text is None:
            raise UserFacingError("Your journal is empty, so there's nothing to export yet.")
        day = self.bot.clock.now().astimezone(zone).date().isoformat()
        await interaction.followup.send(
            "Here is your whole journal. Only you can see this message; keep the file somewhere safe.",
            file=discord.File(io.BytesIO(text.encode("utf-8")), filename=ATTACHMENT_NAME.format(day=day)),
            ephemeral=True,
        )

    @app_commands.command(
        name="reflect", description="Write something for your partner, shared after a preview"
    )
    @limit("reflect")
    async def reflect(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await active_couple(self.bot, interaction.guild_id, interaction.user.id)
        await interaction.response.send_modal(ReflectModal())
