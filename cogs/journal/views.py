"""Journal modals and buttons.

Modals save first and reply second, so a Discord error after saving never loses what was written.
Buttons are DynamicItems carrying the owner's id: they survive restarts, reload the entry from the
database, and answer anyone but the owner with a private "this isn't for you".
"""

from __future__ import annotations

import re
import zoneinfo
from typing import TYPE_CHECKING, Any

import discord

from bot.components import AttuneButton, persistent_items, persistent_view
from bot.content import Prompt
from bot.modals import PersistentModal, Values, choice_values, headings, text_value
from bot.records.journal import Entry
from bot.services.journal import (
    BODY_MAX,
    ENTRY_KEY,
    MOODS,
    TITLE_MAX,
    entry_datetime,
    entry_key,
    number_of_key,
)
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE, PREVIEW_TEXT
from bot.tree import AttuneModal
from bot.ui import mood_select
from cogs.journal.render import page_embed, shared_embed
from cogs.journal.sharing import post_entry, refresh_post, remove_post, zone_for
from cogs.resources.safety import asks_about_safety, send_safety

if TYPE_CHECKING:
    from bot.client import AttuneBot

NOT_YOURS = "This isn't for you, so nothing changed."
NOT_POSTED = "Nothing was posted. It stays private in your journal{where}; /journal share can post it later."


# -- modals ------------------------------------------------------------------------------------


def chosen_mood(select: discord.ui.Select[Any]) -> int | None:
    return int(select.values[0]) if select.values else None


class _EntryModal(AttuneModal):
    """Title (optional), the entry itself and a mood; `entry` prefills them for editing."""

    def __init__(
        self,
        *,
        title: str,
        body_label: str,
        prompt: Prompt | None = None,
        entry: Entry | None = None,
        with_mood: bool = True,
        guide: str | None = None,
    ) -> None:
        super().__init__(title=title)
        self.prompt = prompt
        if prompt is not None:
            self.add_item(discord.ui.TextDisplay(f"**A prompt for you:** {prompt.text}"))
        elif guide is not None:
            self.add_item(discord.ui.TextDisplay(guide))
        self.title_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="title",
            max_length=TITLE_MAX,
            required=False,
            default=entry.title if entry else None,
            placeholder="A few words, if you like",
        )
        self.add_item(discord.ui.Label(text="Title (optional)", component=self.title_input))
        self.body_input: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="body",
            style=discord.TextStyle.paragraph,
            max_length=BODY_MAX,
            default=entry.body if entry else None,
            placeholder="Whatever is true for you right now.",  # the prompt, if any, stands above
        )
        self.add_item(discord.ui.Label(text=body_label, component=self.body_input))
        self.mood_input: discord.ui.Select[Any] | None = None
        if with_mood:
            self.mood_input = mood_select(entry.mood if entry else None, required=False)
            self.add_item(discord.ui.Label(text="Mood (optional)", component=self.mood_input))

    @property
    def mood(self) -> int | None:
        return None if self.mood_input is None else chosen_mood(self.mood_input)


# Submissions are answered through bot.modals (bot/modals.py), so a modal opened before a restart
# still saves what was typed. Each saves first and replies second.

# What comes back to the person, privately, if a submission can't be saved (bot/modals.py).
ENTRY_GIVEN_BACK = headings(title="Title", body="Your entry")
REFLECTION_GIVEN_BACK = headings(title="Title", body="What you'd like them to hear")
PROMPT_ID = r"[a-z0-9][a-z0-9-]{0,60}"


def _mood(values: Values) -> int | None:
    picked = choice_values(values, "mood")
    return int(picked[0]) if picked and picked[0] in {str(m) for m in MOODS} else None


class WriteModal(
    _EntryModal,
    PersistentModal,
    route="journal:write",
    legacy=["journal:write:{prompt_id}"],  # not older: the same form opened with a prompt
    patterns={"prompt_id": PROMPT_ID},
):
    given_back = ENTRY_GIVEN_BACK

    def __init__(self, prompt: Prompt | None) -> None:
        super().__init__(title="Write in your journal", body_label="Your entry", prompt=prompt)
        self.custom_id = self.routes[1].build({"prompt_id": prompt.id}) if prompt else self.custom_id_for()

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        prompt_id = match.groupdict().get("prompt_id")
        # Saved (committed) before anything else can go wrong; the same statement reads the timezone
        # the reply dates it in (the person's, else the server's, else UTC).
        entry, zone = await bot.services.journal.write_dated(
            interaction.user.id,
            title=text_value(values, "title"),
            body=text_value(values, "body"),
            mood=_mood(values),
            prompt_id=prompt_id,
            guild_id=interaction.guild_id,
        )
        await interaction.response.send_message(
            f"Saved to your journal as entry {entry.number} · {entry_datetime(entry, zone)}. "
            "Only you can see it.",
            ephemeral=True,
        )
        if asks_about_safety(bot.services.journal.prompt(prompt_id)):  # "Do I feel safe with my partner?"
            await send_safety(bot, interaction, bot.content.safety.asked_lead)


class EditModal(_EntryModal, PersistentModal, route="journal:edit:{key}", patterns={"key": ENTRY_KEY}):
    given_back = ENTRY_GIVEN_BACK

    def __init__(self, entry: Entry) -> None:
        super().__init__(title="Edit your entry", body_label="Your entry", entry=entry)
        self.custom_id = self.custom_id_for(key=entry_key(entry))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        journal = bot.services.journal
        entry = await journal.edit(
            interaction.user.id,
            (await journal.get_by_key(interaction.user.id, match["key"])).id,
            title=text_value(values, "title"),
            body=text_value(values, "body"),
            mood=_mood(values),
        )
        await interaction.response.defer(ephemeral=True, thinking=True)
        note = ""
        if entry.is_shared and not await refresh_post(bot, entry, interaction.user, interaction.guild_id):
            note = (
                " I couldn't update the copy in your shared thread, though; /journal unshare takes it down."
            )
        elif entry.is_shared:
            note = " The copy in your shared thread was updated too."
        await interaction.followup.send(f"Your entry is updated.{note}", ephemeral=True)


class ReflectModal(_EntryModal, PersistentModal, route="journal:reflect"):
    given_back = REFLECTION_GIVEN_BACK

    def __init__(self) -> None:
        super().__init__(
            title="Something for your partner",
            body_label="What you'd like them to hear",
            with_mood=False,
            guide="You'll see a preview before anything is posted. A copy stays in your journal.",
        )
        self.custom_id = self.custom_id_for()

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        (
            entry,
            zone,
        ) = await bot.services.journal.write_dated(  # kept in the journal first, posted on confirmation
            interaction.user.id,
            title=text_value(values, "title"),
            body=text_value(values, "body"),
            kind="reflection",
            guild_id=interaction.guild_id,
        )
        await send_preview(interaction, entry, zone, saved=True)


MODALS = (WriteModal, EditModal, ReflectModal)


async def send_preview(
    interaction: discord.Interaction[AttuneBot],
    entry: Entry,
    zone: zoneinfo.ZoneInfo | None = None,
    *,
    saved: bool = False,
) -> None:
    """The preview with Post and Cancel; `saved`: the entry was just written (/reflect), so say where
    it is kept."""
    if zone is None:
        zone = await zone_for(interaction.client, interaction.user.id, interaction.guild_id)
    kept = f"\n-# Kept in your journal as entry {entry.number}, whatever you choose." if saved else ""
    await interaction.response.send_message(
        PREVIEW_TEXT + kept,
        embed=shared_embed(entry, interaction.user, zone),
        view=share_preview_view(interaction.user.id, entry_key(entry)),
        ephemeral=True,
    )


# -- buttons -----------------------------------------------------------------------------------


class _OwnedButton(AttuneButton):
    """A button only its owner may press: the owner's id is in the custom_id."""

    owner_id: int
    refusal = NOT_YOURS


class PageButton(_OwnedButton, route="journal:page:{owner_id}:{page}"):
    page: int

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        embed, view = await journal_page(interaction, self.owner_id, self.page)
        await interaction.response.edit_message(embed=embed, view=view)


async def journal_page(
    interaction: discord.Interaction[AttuneBot], owner_id: int, page: int
) -> tuple[discord.Embed, discord.ui.View]:
    bot = interaction.client
    found = await bot.services.journal.page(owner_id, page)
    zone = await zone_for(bot, owner_id, interaction.guild_id)
    view = discord.ui.View(timeout=None)
    if found.pages > 1:
        newer, older = max(found.page - 1, 0), found.page + 1
        view.add_item(PageButton(owner_id=owner_id, page=newer, label="◀ Newer", disabled=found.page == 0))
        view.add_item(
            PageButton(owner_id=owner_id, page=older, label="Older ▶", disabled=older >= found.pages)
        )
    return page_embed(found, zone), view


class PostButton(_OwnedButton, route="journal:post:{owner_id}:{key}", patterns={"key": ENTRY_KEY}):
    label = POST_LABEL
    style = POST_STYLE
    key: str

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.defer()
        entry = await interaction.client.services.journal.get_by_key(self.owner_id, self.key)
        _, thread = await post_entry(interaction.client, interaction.user, interaction.guild_id, entry.id)
        await interaction.edit_original_response(
            content=f"Posted in {thread.mention}. /journal unshare takes it back whenever you like.",
            embed=None,
            view=None,
        )


class CancelButton(_OwnedButton, route="journal:cancel:{owner_id}:{key}", patterns={"key": ENTRY_KEY}):
    label = CANCEL_LABEL
    style = CANCEL_STYLE
    key: str

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        number = number_of_key(self.key)
        where = "" if number is None else f" as entry {number}"
        await interaction.response.edit_message(content=NOT_POSTED.format(where=where), embed=None, view=None)


def share_preview_view(owner_id: int, key: str) -> discord.ui.View:
    return persistent_view(PostButton(owner_id=owner_id, key=key), CancelButton(owner_id=owner_id, key=key))


class DeleteButton(_OwnedButton, route="journal:delete:{owner_id}:{key}", patterns={"key": ENTRY_KEY}):
    label = "Delete it"
    style = discord.ButtonStyle.danger
    key: str

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        journal = interaction.client.services.journal
        entry = await journal.get_by_key(self.owner_id, self.key)
        # Take the shared copy down first: an entry must never vanish while its post stays up.
        await remove_post(interaction.client, entry)
        await journal.delete(self.owner_id, entry.id)
        note = " The copy in your shared thread is gone too." if entry.is_shared else ""
        await interaction.response.edit_message(
            content=f"Deleted entry {entry.number} from your journal.{note}", embed=None, view=None
        )


class KeepButton(_OwnedButton, route="journal:keep:{owner_id}:{key}", patterns={"key": ENTRY_KEY}):
    label = "Keep it"
    key: str

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.response.edit_message(content="Kept. Nothing was deleted.", embed=None, view=None)


def delete_view(owner_id: int, key: str) -> discord.ui.View:
    return persistent_view(DeleteButton(owner_id=owner_id, key=key), KeepButton(owner_id=owner_id, key=key))


DYNAMIC_ITEMS = persistent_items(PageButton, PostButton, CancelButton, DeleteButton, KeepButton)
