"""How a break looks (its note in the thread, the steps offered to the person who asked) and the
buttons of the person who asked: Post and Cancel on the preview, then their journal, "I'm back now"
and "I need a bit longer" with its choices.

custom_ids: attune:break:<post|cancel|end|more>:<owner>:<break>, attune:break:journal:<owner> and
attune:break:longer:<owner>:<break>:<minutes>. Only the owner may press them; the break is then
looked up among theirs, so a forged id answers exactly like one that does not exist.
"""

from __future__ import annotations

import logging

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton, persistent_view
from bot.content import Breaks
from bot.notify import Announcement, Notifier
from bot.records.breaks import Break
from bot.records.couples import Couple
from bot.services.breaks import EXTENSIONS, describe_minutes
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE
from bot.ui import ATTUNE_COLOUR
from cogs.exercises.share import post_to_couple_thread
from cogs.journal.views import WriteModal
from cogs.resources.render import AUTHOR_MAX, FIELD_VALUE_MAX, truncate

log = logging.getLogger(__name__)

Interaction = discord.Interaction[AttuneBot]

NOTE_TITLE = "Taking a pause"
NOT_YOURS = "This belongs to whoever asked for the break, so it does nothing for you. Nothing was changed."
ONLY_THE_ASKER = "Only the one who asked for this pause can ask for more time. Nothing was changed."
NOT_POSTED = "Nothing was posted, and no break was started. `/break start` is there whenever you need it."


def back_at(seconds: int) -> str:
    """Discord's timestamps: each person sees their own local time, and how long until then."""
    return f"<t:{seconds}:t> (<t:{seconds}:R>)"


def name_of(name: str) -> str:
    return discord.utils.escape_markdown(discord.utils.escape_mentions(name))


# -- how it looks ----------------------------------------------------------------------------------


def note_embed(name: str, back: int, line: str, texts: Breaks) -> discord.Embed:
    """The note in the couple's thread (and its preview): a pause, a time to come back, no blame."""
    embed = discord.Embed(
        title=NOTE_TITLE,
        description=f"{name_of(name)} needs a pause to calm down, and will be back at {back_at(back)}.",
        colour=ATTUNE_COLOUR,
    )
    embed.set_author(name=truncate(name, AUTHOR_MAX))
    if line:
        embed.add_field(name="In their words", value=truncate(line, FIELD_VALUE_MAX), inline=False)
    embed.set_footer(text=texts.safety)
    return embed


def partner_aside(back: int, texts: Breaks) -> str:
    """The partner's one line, in their DM or beside their mention: when, and how to use the time."""
    return f"They'll be back at {back_at(back)}. {texts.partner_line}"


def soothing_embed(texts: Breaks) -> discord.Embed:
    """Only for the person who asked, once the note is posted: ways to settle, and why it helps."""
    embed = discord.Embed(title="While you pause", description=texts.soothing_intro, colour=ATTUNE_COLOUR)
    for step in texts.soothing:
        embed.add_field(name=step.title, value=step.body, inline=False)
    embed.add_field(name="Why a pause helps", value=texts.why, inline=False)
    embed.set_footer(text=texts.safety)
    return embed


# -- telling the partner ---------------------------------------------------------------------------


async def tell_partner(
    bot: AttuneBot, couple: Couple, actor: discord.abc.User, text: str, *, embed: discord.Embed | None = None
) -> discord.Message:
    """A short note in the couple's thread about what `actor` did: the partner told once (mentioned
    in it, or by DM with a link), the actor not at all. Recorded as the actor's post, so /privacy
    delete takes it down with the rest of theirs."""
    thread = await bot.threads.ensure_thread(couple)
    plan = await bot.services.notifications.plan([couple.partner_of(actor.id)], actor_id=actor.id)
    announced = Announcement(plan, text)
    message = await thread.send(
        content=announced.content,
        embeds=[embed] if embed else [],
        allowed_mentions=announced.allowed_mentions,
    )
    await bot.services.privacy.record_post(actor.id, thread.id, message.id)
    await Notifier(bot).follow_up(announced, message)
    return message


async def strip_reminder(bot: AttuneBot, break_: Break) -> None:
    """The return reminder's buttons go once the break has moved on (best effort)."""
    if break_.reminder_channel_id is None or break_.reminder_message_id is None:
        return
    message = bot.get_partial_messageable(break_.reminder_channel_id).get_partial_message(
        break_.reminder_message_id
    )
    try:
        await message.edit(view=None)
    except discord.HTTPException:
        log.info("Could not take the buttons off a break's return reminder")


async def say_back(bot: AttuneBot, ended: Break, author: discord.abc.User) -> bool:
    """The short "back" note of a break ended early; False when the couple is no longer active."""
    await strip_reminder(bot, ended)
    couple = await bot.services.couples.couple_by_id(ended.couple_id)
    if couple is None or couple.status != "active":
        return False
    await tell_partner(
        bot, couple, author, f"{name_of(author.display_name)} is back, and ready when you are."
    )
    return True


# -- the preview, and after posting ----------------------------------------------------------------


class _OwnedButton(AttuneButton):
    """Only the person who asked for the break may press it (their id is in the custom_id)."""

    owner_id: int
    break_id: int
    refusal = NOT_YOURS


class PostButton(_OwnedButton, route="break:post:{owner_id}:{break_id}"):
    label = POST_LABEL
    style = POST_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.breaks
        texts = bot.content.breaks
        await service.postable(self.break_id, self.owner_id)  # answered at once; the claim decides
        await interaction.response.defer()
        found, claimed_at = await service.claim_post(self.break_id, self.owner_id)
        assert found.return_at is not None  # set by the claim
        thread = await post_to_couple_thread(
            interaction,
            "break",
            note_embed(interaction.user.display_name, found.return_at, found.line, texts),
            still_kept=lambda: service.own(self.break_id, self.owner_id),
            release=lambda: service.release_post(self.break_id, self.owner_id, claimed_at),
            aside=partner_aside(found.return_at, texts),
        )
        await service.posted(found.id)
        await interaction.edit_original_response(
            content=f"Posted in {thread.mention}. You'll be back at {back_at(found.return_at)}.",
            embed=soothing_embed(texts),
            view=during_view(self.owner_id, found.id),
        )


class CancelButton(_OwnedButton, route="break:cancel:{owner_id}:{break_id}"):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.client.services.breaks.cancel(self.break_id, self.owner_id)
        await interaction.response.edit_message(content=NOT_POSTED, embed=None, view=None)


class JournalButton(AttuneButton, route="break:journal:{owner_id}"):
    """Their own journal's form, the same as /journal write (answered by the journal's registry)."""

    owner_id: int
    label = "Write in my journal"
    style = discord.ButtonStyle.primary
    refusal = NOT_YOURS

    async def pressed(self, interaction: Interaction) -> None:
        await interaction.response.send_modal(WriteModal(None))


class EndButton(_OwnedButton, route="break:end:{owner_id}:{break_id}"):
    label = "I'm back now"
    style = discord.ButtonStyle.success

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        await bot.services.breaks.endable(self.break_id, self.owner_id)  # answered at once
        await interaction.response.defer()
        ended = await bot.services.breaks.end(self.break_id, self.owner_id)
        told = await say_back(bot, ended, interaction.user)
        await interaction.edit_original_response(content=back_reply(told), embed=None, view=None)


def back_reply(told: bool) -> str:
    if told:
        return "Welcome back. Your partner knows you're back, in your thread."
    return "Welcome back. Your break is over."


class MoreButton(_OwnedButton, route="break:more:{owner_id}:{break_id}"):
    """On the return reminder too, where the partner sees it: only the one who asked may press it."""

    label = "I need a bit longer"
    refusal = ONLY_THE_ASKER

    async def pressed(self, interaction: Interaction) -> None:
        found = await interaction.client.services.breaks.extendable(self.break_id, self.owner_id)
        await interaction.response.send_message(
            "How much longer? You can take a little longer once, and your partner will see the new time.",
            view=longer_view(self.owner_id, found.id),
            ephemeral=True,
        )


class LongerButton(_OwnedButton, route="break:longer:{owner_id}:{break_id}:{minutes}"):
    minutes: int

    async def pressed(self, interaction: Interaction) -> None:
        bot = interaction.client
        service = bot.services.breaks
        await service.extendable(self.break_id, self.owner_id)
        await interaction.response.defer()
        extension = await service.extend(self.break_id, self.owner_id, self.minutes)
        await strip_reminder(bot, extension.before)
        back = extension.after.return_at
        assert back is not None  # a running break has its return time
        couple = await bot.services.couples.couple_by_id(extension.after.couple_id)
        if couple is not None and couple.status == "active":
            name = name_of(interaction.user.display_name)
            await tell_partner(
                bot,
                couple,
                interaction.user,
                f"{name} needs a little longer, and will be back at {back_at(back)}.",
            )
        await interaction.edit_original_response(
            content=f"Take the time you need: back at {back_at(back)}. Your partner sees the new time.",
            view=None,
        )


def preview_view(owner_id: int, break_id: int) -> discord.ui.View:
    return persistent_view(
        PostButton(owner_id=owner_id, break_id=break_id), CancelButton(owner_id=owner_id, break_id=break_id)
    )


def during_view(owner_id: int, break_id: int) -> discord.ui.View:
    return persistent_view(JournalButton(owner_id=owner_id), EndButton(owner_id=owner_id, break_id=break_id))


def running_view(owner_id: int, break_id: int) -> discord.ui.View:
    """For the person who asked, when they ask again while their break runs: end it, or extend it."""
    return persistent_view(
        EndButton(owner_id=owner_id, break_id=break_id), MoreButton(owner_id=owner_id, break_id=break_id)
    )


def longer_view(owner_id: int, break_id: int) -> discord.ui.View:
    return persistent_view(
        *(
            LongerButton(
                owner_id=owner_id,
                break_id=break_id,
                minutes=minutes,
                label=f"{describe_minutes(minutes)} more",
            )
            for minutes in EXTENSIONS
        )
    )
