"""The appreciation form, how an appreciation looks, and the buttons after saving one.

Saving comes first: the form's words are in the log before the person is asked anything. Then
they choose: keep it private, or see the standard preview (bot/sharing.py) and Post or Cancel.

custom_ids: attune:appreciate:add (the form), attune:appreciate:<share|keep|post|cancel>:<owner>:<id>
and attune:appreciate:page:<owner>:<page>. Only the owner may press them; the appreciation id is
looked up among the presser's own, so a forged id answers exactly like one that does not exist.
"""

from __future__ import annotations

import re
import zoneinfo

import discord

from bot.client import AttuneBot
from bot.clock import from_unix
from bot.components import AttuneButton, persistent_view
from bot.content import Appreciations
from bot.modals import PersistentModal, Values, headings, text_value
from bot.records.appreciations import Appreciation, AppreciationPage
from bot.services.appreciations import MEANING_MAX, WHAT_MAX
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE, PREVIEW_TEXT
from bot.ui import ATTUNE_COLOUR
from cogs.exercises.share import has_active_couple, post_to_couple_thread, require_active_couple
from cogs.resources.render import AUTHOR_MAX, DESCRIPTION_MAX, FIELD_VALUE_MAX, truncate

Interaction = discord.Interaction[AttuneBot]

WHAT_LABEL = "What did your partner do?"
MEANING_LABEL = "What did it mean to you?"
SHARED_TITLE = "Something I appreciate"
NOT_YOURS = "This isn't yours, so it does nothing for you. Nothing was changed."
NOT_POSTED = "Nothing was posted. It stays private in your appreciation log."
LIST_PART_MAX = 400  # each part of an appreciation in the list: five fit in one embed's 6,000


# -- how an appreciation looks -------------------------------------------------------------------


def private_embed(appreciation: Appreciation) -> discord.Embed:
    """The writer's own view: both parts, and whether it was shared."""
    embed = discord.Embed(title="Your appreciation", colour=ATTUNE_COLOUR)
    embed.add_field(name="What they did", value=truncate(appreciation.what, FIELD_VALUE_MAX), inline=False)
    embed.add_field(
        name="What it meant to you", value=truncate(appreciation.meaning, FIELD_VALUE_MAX), inline=False
    )
    shared = "Shared in your thread." if appreciation.is_shared else "Private: only you can see it."
    embed.set_footer(text=shared)
    return embed


def shared_embed(appreciation: Appreciation, author: str) -> discord.Embed:
    """What the partner sees in the thread: the writer's words, and no number of any kind."""
    embed = discord.Embed(
        title=SHARED_TITLE, description=truncate(appreciation.what, DESCRIPTION_MAX), colour=ATTUNE_COLOUR
    )
    embed.set_author(name=truncate(author, AUTHOR_MAX))
    embed.add_field(
        name="What it meant to me", value=truncate(appreciation.meaning, FIELD_VALUE_MAX), inline=False
    )
    return embed


def page_embed(found: AppreciationPage, zone: zoneinfo.ZoneInfo, texts: Appreciations) -> discord.Embed:
    """One page of the person's own log, newest first. Their own pages only: no totals, no tally."""
    embed = discord.Embed(title="Your appreciation log", colour=ATTUNE_COLOUR)
    if not found.appreciations:
        embed.description = f"{texts.empty_log}\n\n{texts.why}"
    for appreciation in found.appreciations:
        shared = " · shared" if appreciation.is_shared else ""
        embed.add_field(
            name=f"{written_on(appreciation, zone)}{shared}",
            value=(
                f"**They:** {truncate(appreciation.what, LIST_PART_MAX)}\n"
                f"**It meant:** {truncate(appreciation.meaning, LIST_PART_MAX)}"
            ),
            inline=False,
        )
    embed.set_footer(text=f"Page {found.page + 1} of {found.pages} · Only you can see this.")
    return embed


def written_on(appreciation: Appreciation, zone: zoneinfo.ZoneInfo) -> str:
    """'Mon 2 Mar 2026' on the person's own calendar, as journal entries are dated."""
    moment = from_unix(appreciation.created_at).astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y}"


# -- the form ------------------------------------------------------------------------------------


class AppreciationModal(PersistentModal, title="Something you appreciate", route="appreciate:add"):
    """Answered through bot.modals, so a form open across a restart still saves."""

    # What comes back to the person, privately, if it can't be saved (bot/modals.py).
    given_back = headings(what="What your partner did", meaning="What it meant to you")

    def __init__(self, texts: Appreciations) -> None:
        super().__init__(custom_id=self.custom_id_for())
        self.add_item(discord.ui.TextDisplay(texts.form_intro))
        self.what: discord.ui.TextInput[AppreciationModal] = discord.ui.TextInput(
            custom_id="what",
            style=discord.TextStyle.paragraph,
            max_length=WHAT_MAX,
            placeholder="Made me tea when I came home late and didn't ask why.",
        )
        self.meaning: discord.ui.TextInput[AppreciationModal] = discord.ui.TextInput(
            custom_id="meaning",
            style=discord.TextStyle.paragraph,
            max_length=MEANING_MAX,
            placeholder="I felt looked after, and not alone with a long day.",
        )
        self.add_item(discord.ui.Label(text=WHAT_LABEL, component=self.what))
        self.add_item(discord.ui.Label(text=MEANING_LABEL, component=self.meaning))

    @classmethod
    async def submitted(cls, interaction: Interaction, match: re.Match[str], values: Values) -> None:
        bot = interaction.client
        user_id = interaction.user.id
        # Saved (committed) before anything else can go wrong; the choice comes after.
        saved = await bot.services.appreciations.add(
            user_id, interaction.guild_id, text_value(values, "what"), text_value(values, "meaning")
        )
        texts = bot.content.appreciations
        if not await has_active_couple(bot, interaction.guild_id, user_id):
            await interaction.response.send_message(texts.kept, embed=private_embed(saved), ephemeral=True)
            return
        await interaction.response.send_message(
            texts.saved, embed=private_embed(saved), view=choice_view(user_id, saved.id), ephemeral=True
        )


# -- after saving: keep it, or preview and post it -----------------------------------------------


class _OwnedButton(AttuneButton):
    """Only the owner may press it (their id is in the custom_id); the appreciation is then looked
    up among theirs, so a forged id answers like one that does not exist."""

    owner_id: int
    appreciation_id: int
    refusal = NOT_YOURS


class ShareButton(_OwnedButton, route="appreciate:share:{owner_id}:{appreciation_id}"):
    label = "Share it in our thread…"
    style = discord.ButtonStyle.primary

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        await require_active_couple(bot, interaction.guild_id, self.owner_id)
        found = await bot.services.appreciations.shareable(self.appreciation_id, self.owner_id)
        await interaction.response.edit_message(
            content=PREVIEW_TEXT,
            embed=shared_embed(found, interaction.user.display_name),
            view=preview_view(self.owner_id, found.id),
        )


class KeepButton(_OwnedButton, route="appreciate:keep:{owner_id}:{appreciation_id}"):
    label = "Keep it private"

    async def pressed(self, interaction: Interaction) -> None:
        found = await interaction.client.services.appreciations.get(self.appreciation_id, self.owner_id)
        await interaction.response.edit_message(
            content=interaction.client.content.appreciations.kept, embed=private_embed(found), view=None
        )


class PostButton(_OwnedButton, route="appreciate:post:{owner_id}:{appreciation_id}"):
    label = POST_LABEL
    style = POST_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        thread = await post_appreciation(interaction, self.owner_id, self.appreciation_id)
        await interaction.edit_original_response(content=f"Posted in {thread.mention}.", view=None)


class CancelButton(_OwnedButton, route="appreciate:cancel:{owner_id}:{appreciation_id}"):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        found = await interaction.client.services.appreciations.get(self.appreciation_id, self.owner_id)
        await interaction.response.edit_message(content=NOT_POSTED, embed=private_embed(found), view=None)


async def post_appreciation(
    interaction: Interaction, owner_id: int, appreciation_id: int, *, guild_id: int | None = None
) -> discord.Thread:
    """Claim the appreciation's one post and post it in the couple's thread, announced like every
    share (the partner told once, the author not at all). `guild_id`: the couple's server, when
    pressed in a DM."""
    bot = interaction.client
    service = bot.services.appreciations
    await require_active_couple(bot, guild_id or interaction.guild_id, owner_id)
    await service.shareable(appreciation_id, owner_id)  # answered at once; the claim below decides
    await interaction.response.defer()
    found, claimed_at = await service.claim_share(appreciation_id, owner_id)
    # In a DM the presser is a user, not a member: the name their server shows, as the DM did.
    author = await author_name(bot, guild_id, owner_id) if guild_id else interaction.user.display_name
    return await post_to_couple_thread(
        interaction,
        "appreciation",
        shared_embed(found, author),
        still_kept=lambda: service.get(appreciation_id, owner_id),
        release=lambda: service.release_share(appreciation_id, owner_id, claimed_at),
        guild_id=guild_id,
    )


async def author_name(bot: AttuneBot, guild_id: int | None, user_id: int) -> str:
    """The name the couple's server shows for the author, else their own display name."""
    guild = bot.get_guild(guild_id) if guild_id is not None else None
    member = guild.get_member(user_id) if guild is not None else None
    if member is not None:
        return member.display_name
    user = bot.get_user(user_id) or await bot.fetch_user(user_id)
    return user.display_name


def choice_view(owner_id: int, appreciation_id: int) -> discord.ui.View:
    return persistent_view(
        ShareButton(owner_id=owner_id, appreciation_id=appreciation_id),
        KeepButton(owner_id=owner_id, appreciation_id=appreciation_id),
    )


def preview_view(owner_id: int, appreciation_id: int) -> discord.ui.View:
    return persistent_view(
        PostButton(owner_id=owner_id, appreciation_id=appreciation_id),
        CancelButton(owner_id=owner_id, appreciation_id=appreciation_id),
    )


# -- the log, paged --------------------------------------------------------------------------------


class PageButton(AttuneButton, route="appreciate:page:{owner_id}:{page}"):
    owner_id: int
    page: int
    refusal = NOT_YOURS

    async def pressed(self, interaction: Interaction) -> None:
        embed, view = await log_page(interaction.client, self.owner_id, interaction.guild_id, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


async def log_page(
    bot: AttuneBot, owner_id: int, guild_id: int | None, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    found = await bot.services.appreciations.page(owner_id, page)
    zone = await bot.services.couples.timezone_for(owner_id, guild_id)
    view = discord.ui.View(timeout=None)
    if found.pages > 1:
        newer, older = max(found.page - 1, 0), found.page + 1
        view.add_item(PageButton(owner_id=owner_id, page=newer, label="◀ Newer", disabled=found.page == 0))
        view.add_item(
            PageButton(owner_id=owner_id, page=older, label="Older ▶", disabled=older >= found.pages)
        )
    return page_embed(found, zone, bot.content.appreciations), view
