"""The meeting's agenda in the thread: the card's buttons (Write, Show the topic, Next step or
Finish, End meeting), the answers to its forms, revealing a step and ending the meeting.

Buttons are DynamicItems that reload the meeting from the database, so they answer after a restart;
only the couple's two partners may press them (anyone else is refused privately and nothing
changes). Either partner may move on or end the meeting. The replies say only what has happened.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import discord

from bot.client import AttuneBot
from bot.components import AttuneButton, persistent_items, persistent_view
from bot.errors import NotFound, UserFacingError
from bot.modals import Values, text_value
from bot.records.meetings import LAST_STEP, TOPIC_STEP
from bot.services.meeting_agenda import NOT_YOURS
from cogs.meetings.forms import AnswerModal
from cogs.meetings.posting import MeetingPosting
from cogs.meetings.render import card_embed
from cogs.meetings.reveals import post_reveal

if TYPE_CHECKING:
    from bot.records.couples import Couple
    from bot.records.meetings import Meeting

log = logging.getLogger(__name__)

Interaction = discord.Interaction[AttuneBot]

WRITTEN = "Saved, privately. Your partner sees it once they've written too."
UPDATED = "Updated. Your partner sees it once they've written too."
REVEALED_NOW = "Saved. You've both written, so your words are in your thread now."
REVEAL_LATER = (
    "Saved. You've both written, but I couldn't post your words in your thread just now. "
    "I'll keep trying for a little while."
)
OVER = "This meeting is over. `/meeting now` starts another whenever you're ready."
ALREADY_SHOWN = "You've both shared this step already. Move on whenever you're ready."
TOPIC_IN_MEETING = "Saved, privately. You'll both see it when your meeting reaches its topic step."
TOPIC_AHEAD = (
    "Saved, privately, for your next meeting. You'll both see what each of you chose when it "
    "reaches its topic step."
)


# -- the card ----------------------------------------------------------------------------------


class _PartnerButton(AttuneButton):
    """Only the meeting's two partners may press it: anyone else gets the same answer as for a
    meeting that does not exist."""

    meeting_id: int

    async def may_press(self, interaction: Interaction) -> bool:
        await interaction.client.services.meetings.meeting_for_partner(self.meeting_id, interaction.user.id)
        return True

    async def open_meeting(self, interaction: Interaction) -> Meeting:
        meeting = await interaction.client.services.meetings.meeting_for_partner(
            self.meeting_id, interaction.user.id
        )
        if meeting.status != "open":
            raise UserFacingError(OVER)
        return meeting


class WriteButton(_PartnerButton, route="meeting:write:{meeting_id}"):
    label = "Write"
    style = discord.ButtonStyle.primary

    async def pressed(self, interaction: Interaction) -> None:
        meeting = await self.open_meeting(interaction)
        service = interaction.client.services.meetings
        if await service.reveal(meeting.id, meeting.step) is not None:
            raise UserFacingError(ALREADY_SHOWN)
        earlier = await service.answer_of(meeting.id, meeting.step, interaction.user.id)
        await interaction.response.send_modal(
            AnswerModal(
                meeting.id, meeting.step, service.step_words(meeting.step), earlier.body if earlier else None
            )
        )


class ShowTopicButton(_PartnerButton, route="meeting:show:{meeting_id}"):
    label = "Show the topic"
    style = discord.ButtonStyle.success

    async def pressed(self, interaction: Interaction) -> None:
        meeting = await self.open_meeting(interaction)
        claimed = await interaction.client.services.meetings.show_topic(meeting, interaction.user.id)
        await interaction.response.defer()
        posting = MeetingPosting.of(interaction.client)
        if claimed:
            await reveal_step(posting, meeting.id, TOPIC_STEP)
        else:
            await refresh_card(posting, meeting.id)


class NextButton(_PartnerButton, route="meeting:next:{meeting_id}:{step}"):
    """Moves on from the step it was drawn for: a second press of an old card moves nothing."""

    label = "Next step"
    step: int

    async def pressed(self, interaction: Interaction) -> None:
        meeting = await self.open_meeting(interaction)
        await interaction.response.defer()
        posting = MeetingPosting.of(interaction.client)
        moved, reveal_now = await posting.service.move_on(meeting, self.step, interaction.user.id)
        if moved is not None and reveal_now:
            await reveal_step(posting, moved.id, moved.step)
        else:
            await refresh_card(posting, meeting.id)


class FinishButton(_PartnerButton, route="meeting:finish:{meeting_id}"):
    label = "Finish"
    style = discord.ButtonStyle.success
    reason = "finished"

    async def pressed(self, interaction: Interaction) -> None:
        meeting = await self.open_meeting(interaction)
        await interaction.response.defer()
        posting = MeetingPosting.of(interaction.client)
        ended = await posting.service.end(meeting, self.reason)
        if ended is not None:
            await close(posting, ended)
        else:
            await refresh_card(posting, meeting.id)


class EndButton(FinishButton, route="meeting:end:{meeting_id}"):
    label = "End meeting"
    style = discord.ButtonStyle.secondary
    reason = "ended"


def card_view(meeting: Meeting, *, revealed: bool, topic_waiting: bool) -> discord.ui.View:
    items: list[AttuneButton] = []
    if not revealed:
        items.append(WriteButton(meeting_id=meeting.id))
        if meeting.step == TOPIC_STEP and topic_waiting:
            items.append(ShowTopicButton(meeting_id=meeting.id))
    if meeting.step < LAST_STEP:
        items += [NextButton(meeting_id=meeting.id, step=meeting.step), EndButton(meeting_id=meeting.id)]
    else:
        items.append(FinishButton(meeting_id=meeting.id))
    return persistent_view(*items)


async def card(
    posting: MeetingPosting, meeting: Meeting, couple: Couple
) -> tuple[discord.Embed, discord.ui.View | None]:
    """The card as the meeting stands: where it is, who has written (never what), its buttons."""
    service = posting.service
    reveals = await service.reveals_of(meeting.id)
    written = await service.written_by(meeting.id, meeting.step)
    partners = [(uid, posting.name(couple.guild_id, uid)) for uid in couple.partner_ids]
    embed = card_embed(posting.bot.content.meeting, meeting, partners, written, reveals)
    if meeting.status not in ("open", "pending"):
        return embed, None
    return embed, card_view(meeting, revealed=meeting.step in reveals, topic_waiting=bool(written))


async def refresh_card(posting: MeetingPosting, meeting_id: int) -> None:
    meeting = await posting.service.meeting(meeting_id)
    if meeting is None or meeting.channel_id is None or meeting.message_id is None:
        return
    couple = await posting.couples.couple_by_id(meeting.couple_id)
    if couple is None:
        return
    embed, view = await card(posting, meeting, couple)
    await posting.edit_card(meeting.channel_id, meeting.message_id, embed, view)


# -- revealing and ending ----------------------------------------------------------------------


async def reveal_step(posting: MeetingPosting, meeting_id: int, step: int) -> bool:
    """Post a step just claimed, then redraw the card; True when it is up. A failure is logged,
    not raised: the reveal stays due and the job tries again."""
    reveal = await posting.service.reveal(meeting_id, step)
    shown = False
    if reveal is not None:
        try:
            shown = await post_reveal(posting, reveal)
        except Exception:
            log.exception("Meeting %s: revealing step %s failed; will retry", meeting_id, step)
    await after_reveal(posting, meeting_id, step)
    return shown


async def after_reveal(posting: MeetingPosting, meeting_id: int, step: int) -> None:
    """The card shows the step as shared; the last step shared by both ends the meeting."""
    service = posting.service
    reveal = await service.reveal(meeting_id, step)
    meeting = await service.meeting(meeting_id)
    if step == LAST_STEP and reveal is not None and reveal.status == "revealed" and meeting is not None:
        ended = await service.end(meeting, "finished")
        if ended is not None:
            await close(posting, ended)
            return
    await refresh_card(posting, meeting_id)


async def close(posting: MeetingPosting, meeting: Meeting) -> None:
    """A meeting just ended: its card says so, and each partner's record goes to their journal
    (the job writes any record that fails here)."""
    await refresh_card(posting, meeting.id)
    couple = await posting.couples.couple_by_id(meeting.couple_id)
    if couple is not None:
        await posting.service.write_records(meeting, couple)


# -- the forms' answers ------------------------------------------------------------------------


async def answer_submitted(interaction: Interaction, match: re.Match[str], values: Values) -> None:
    posting = MeetingPosting.of(interaction.client)
    service = posting.service
    meeting = await service.meeting_for_partner(int(match["meeting_id"]), interaction.user.id)
    step = int(match["step"])
    # Saved (committed) before the form is acknowledged: acknowledged words are never lost.
    written = await service.write(meeting, step, interaction.user.id, text_value(values, "answer"))
    if not written.reveal_now:
        await interaction.response.send_message(UPDATED if written.edited else WRITTEN, ephemeral=True)
        await refresh_card(posting, meeting.id)
        return
    # The reply waits for the reveal's outcome, so it says what really happened.
    await interaction.response.defer(ephemeral=True, thinking=True)
    shown = await reveal_step(posting, meeting.id, step)
    await interaction.followup.send(REVEALED_NOW if shown else REVEAL_LATER, ephemeral=True)


async def topic_submitted(interaction: Interaction, match: re.Match[str], values: Values) -> None:
    posting = MeetingPosting.of(interaction.client)
    couple = await posting.couples.couple_by_id(int(match["couple_id"]))
    if couple is None or couple.status == "ended" or not couple.includes(interaction.user.id):
        raise NotFound(NOT_YOURS)
    saved = await posting.service.choose_topic(couple, interaction.user.id, text_value(values, "answer"))
    if saved.meeting is not None and saved.reveal_now:
        await interaction.response.defer(ephemeral=True, thinking=True)
        shown = await reveal_step(posting, saved.meeting.id, TOPIC_STEP)
        await interaction.followup.send(REVEALED_NOW if shown else REVEAL_LATER, ephemeral=True)
        return
    await interaction.response.send_message(
        TOPIC_IN_MEETING if saved.meeting is not None else TOPIC_AHEAD, ephemeral=True
    )
    if saved.meeting is not None and saved.meeting.step == TOPIC_STEP:
        await refresh_card(posting, saved.meeting.id)


DYNAMIC_ITEMS = persistent_items(WriteButton, ShowTopicButton, NextButton, FinishButton, EndButton)
