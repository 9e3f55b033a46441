"""Progress buttons and the checkup modal. Share buttons are DynamicItems that reload the preview
from the database; only the person who made the preview can post or cancel it."""

from __future__ import annotations

import asyncio
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import discord

from bot.clock import from_unix
from bot.components import AttuneButton, persistent_items, persistent_view
from bot.content.models import CHECKUP_QUESTIONS_MAX
from bot.giveback import Kept
from bot.modals import PersistentModal, Values, choice_values
from bot.notify import Notifier, share_announcement
from bot.services.charts import MIN_DAYS, Line, days_with_moods, render_mood_chart
from bot.sharing import CANCEL_LABEL, CANCEL_STYLE, POST_LABEL, POST_STYLE
from bot.ui import ATTUNE_COLOUR, GENTLE_WARNING_COLOUR, cached_display_name
from cogs.resources.cog import send_resources, server_resources_text
from cogs.resources.render import Section, pack_messages, section_embeds
from cogs.resources.safety import safety_embeds, send_messages

if TYPE_CHECKING:
    from bot.client import AttuneBot
    from bot.content import Checkup, ContentLibrary
    from bot.records.couples import Couple
    from bot.services.checkups import CheckupResult
    from bot.services.progress import ChartSeries

CHART_FILE = "progress.png"
MODAL_TITLE_MAX = 45


NOT_ENOUGH_TOGETHER = (
    "Your mood chart together starts once you've both answered check-ins on {need} different days "
    "({have} so far). There's no hurry: it fills in as you go."
)
NOT_ENOUGH_OWN = (
    "Your mood chart starts once you've noted a mood on {need} different days, in check-ins or your "
    "journal ({have} so far). There's no hurry: it fills in as you go."
)


@dataclass(frozen=True)
class Drawn:
    """A chart, or (file None) the kind sentence saying there isn't enough to draw yet."""

    file: discord.File | None
    note: str | None


def lines_for(bot: AttuneBot, guild_id: int | None, series: list[ChartSeries], own: bool) -> list[Line]:
    """One line per person, each mood at that person's own local time."""
    lines: list[Line] = []
    for item in series:
        label = "You" if own else cached_display_name(bot, guild_id or 0, item.user_id)
        lines.append(Line(label, tuple((from_unix(p.at).astimezone(item.zone), p.mood) for p in item.points)))
    return lines


async def _draw(
    bot: AttuneBot, lines: list[Line], series: list[ChartSeries], title: str, days: int, note: str
) -> Drawn:
    now = bot.services.progress.now()
    today = max(now.astimezone(item.zone).date() for item in series)
    png = await asyncio.to_thread(render_mood_chart, lines, title, today, days)
    if png is None:
        return Drawn(None, note.format(need=MIN_DAYS, have=days_with_moods(lines, today, days)))
    return Drawn(discord.File(io.BytesIO(png), filename=CHART_FILE, description="Mood chart"), None)


async def couple_chart(bot: AttuneBot, couple: Couple, days: int) -> Drawn:
    """The couple chart: both partners' revealed moods, rendered in a worker thread."""
    series = await bot.services.progress.couple_series(couple, days)
    lines = lines_for(bot, couple.guild_id, series, own=False)
    return await _draw(bot, lines, series, "Your moods together", days, NOT_ENOUGH_TOGETHER)


async def own_chart(bot: AttuneBot, user_id: int, guild_id: int | None, days: int) -> Drawn:
    series = await bot.services.progress.own_series(user_id, guild_id, days)
    lines = lines_for(bot, None, series, own=True)
    return await _draw(bot, lines, series, "Your moods", days, NOT_ENOUGH_OWN)


class _ShareButton(AttuneButton):
    """The Post and Cancel of a chart preview: only the person who made it may press them (anyone
    else gets the service's NotFound, exactly like a preview that does not exist)."""

    share_id: int

    async def may_press(self, interaction: discord.Interaction[AttuneBot]) -> bool:
        await interaction.client.services.progress.share_for(self.share_id, interaction.user.id)
        return True


class CancelShareButton(
    _ShareButton, route="progress:cancel-share:{share_id}", legacy=["progress:share:{share_id}:cancel"]
):
    label = CANCEL_LABEL
    style = CANCEL_STYLE

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        await interaction.client.services.progress.cancel_share(self.share_id, interaction.user.id)
        await interaction.response.edit_message(
            content="Cancelled. Nothing was posted.", embed=None, attachments=[], view=None
        )


class PostShareButton(
    _ShareButton, route="progress:post-share:{share_id}", legacy=["progress:share:{share_id}:post"]
):
    label = POST_LABEL
    style = POST_STYLE

    async def pressed(self, interaction: discord.Interaction[AttuneBot]) -> None:
        bot = interaction.client
        service = bot.services.progress
        share = await service.claim_share(self.share_id, interaction.user.id)
        await interaction.response.defer()
        message_id: int | None = None
        try:
            couple = await bot.services.couples.couple_by_id(share.couple_id)
            if couple is None or couple.status != "active" or not couple.includes(interaction.user.id):
                await interaction.followup.send(
                    "You're not paired with anyone here right now, so there's no thread to post to.",
                    ephemeral=True,
                )
                return
            chart = await couple_chart(bot, couple, share.days)
            if chart.file is None:
                await interaction.followup.send(chart.note or "", ephemeral=True)
                return
            thread = await bot.threads.ensure_thread(couple)
            announced = await share_announcement(bot, couple, interaction.user, "chart")
            posted = await thread.send(
                content=announced.content,
                embed=chart_embed(share.days, interaction.user.display_name),
                file=chart.file,
                allowed_mentions=announced.allowed_mentions,
            )
            message_id = posted.id
        finally:
            await service.finish_share(self.share_id, message_id)
        await Notifier(bot).follow_up(announced, posted)
        await interaction.edit_original_response(
            content=f"Posted to your thread: {posted.jump_url}", embed=None, attachments=[], view=None
        )


def chart_embed(days: int, author: str) -> discord.Embed:
    """The shared chart, as previewed and as posted (who shared what: the line above it)."""
    embed = discord.Embed(
        title="How we've been feeling",
        description=f"Your moods from check-ins you both answered, the last {days} days. "
        "Look for the small steps, not a score.",
        colour=ATTUNE_COLOUR,
    )
    embed.set_author(name=author[:256])
    embed.set_image(url=f"attachment://{CHART_FILE}")
    return embed


def share_view(share_id: int) -> discord.ui.View:
    return persistent_view(PostShareButton(share_id=share_id), CancelShareButton(share_id=share_id))


class CheckupModal(PersistentModal, route="progress:checkup"):
    """The privacy line, then one Label + Select per question (at most four: a modal holds five
    components), answered privately through bot.modals, so answers picked across a restart are
    still saved."""

    def __init__(self, checkup: Checkup) -> None:
        super().__init__(title=checkup.title[:MODAL_TITLE_MAX], custom_id=self.custom_id_for())
        self.selects: dict[str, discord.ui.Select[Any]] = {}
        self.add_item(discord.ui.TextDisplay(checkup.intro.strip()))
        for question in checkup.questions[:CHECKUP_QUESTIONS_MAX]:
            select: discord.ui.Select[Any] = discord.ui.Select(
                custom_id=question.id,
                placeholder=(question.placeholder or "")[:150] or None,
                min_values=1,
                max_values=len(question.options) if question.multiple else 1,
                options=[
                    discord.SelectOption(
                        label=option.label[:100],
                        value=option.value,
                        description=option.description[:100] if option.description else None,
                    )
                    for option in question.options
                ],
            )
            self.selects[question.id] = select
            self.add_item(discord.ui.Label(text=question.text[:45], component=select))

    @classmethod
    async def submitted(
        cls, interaction: discord.Interaction[AttuneBot], match: re.Match[str], values: Values
    ) -> None:
        bot = interaction.client
        picked = {
            question.id: choice_values(values, question.id)
            for question in bot.content.checkup.questions[:CHECKUP_QUESTIONS_MAX]
        }
        result = await bot.services.progress.save_checkup(interaction.user.id, picked, interaction.guild_id)
        # Someone who felt afraid or unsafe gets the safety guidance in this very reply, first.
        server_text = await server_resources_text(bot, interaction.guild_id) if result.unsafe else None
        await send_messages(interaction, checkup_messages(bot.content, result, server_text))
        if result.flagged_twice and not result.unsafe:
            await send_resources(bot, interaction)

    @classmethod
    def give_back(cls, interaction: discord.Interaction[AttuneBot], values: Values) -> list[Kept]:
        """What was chosen, question by question, in words (if the checkup can't be saved)."""
        bot = interaction.client
        picked = {
            question.id: choice_values(values, question.id)
            for question in bot.content.checkup.questions[:CHECKUP_QUESTIONS_MAX]
        }
        return [Kept(question, chosen) for question, chosen in bot.services.progress.describe_checkup(picked)]


def checkup_messages(
    content: ContentLibrary, result: CheckupResult, server_text: str | None
) -> list[list[discord.Embed]]:
    """The private reply to a check-up, as messages: the safety guidance first when they marked
    feeling unsafe (with the server's own help text, when /setup gave one); 'saved'; then the words
    for each other red flag they marked. Every time word is the person's own ("tonight" only in
    their evening)."""
    checkup, words = content.checkup, result.words
    saved = discord.Embed(
        title="Saved, just for you",
        description=words.fill(checkup.closing.strip())
        + "\n\nOnly you can see this. `/progress checkups` shows your own history.",
        colour=ATTUNE_COLOUR,
    )
    about: list[str] = [
        f"**{option.label}**\n{words.fill(option.note.strip())}"
        for option in result.flagged
        if option.note is not None and not option.safety
    ]
    if about:
        about.append(words.fill(checkup.red_flag_note.strip()))
    if result.flagged_twice:
        about.append(words.fill(checkup.repeated_note.strip()))
    embeds = [saved]
    if about:
        section = Section("About what you marked", "\n\n".join(about), colour=GENTLE_WARNING_COLOUR)
        embeds += section_embeds(section)
    if result.unsafe:
        embeds = safety_embeds(content, server_text, content.safety.unsafe_lead) + embeds
    return pack_messages(embeds)


DYNAMIC_ITEMS = persistent_items(PostShareButton, CancelShareButton)
MODALS = (CheckupModal,)
