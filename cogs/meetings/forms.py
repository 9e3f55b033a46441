"""The couple meeting's forms: a partner's words for one step, and a topic chosen ahead. Their
submissions are answered through bot.modals by the agenda flow (cogs/meetings/agenda.py), so words
typed across a restart are still kept, and come back to the person if they can't be."""

from __future__ import annotations

from typing import Any

import discord

from bot.content import MeetingStep
from bot.modals import PersistentModal, headings
from bot.services.meeting_agenda import ANSWER_MAX

TITLE = "Your couple meeting"
PRIVATE = "Only you see this until you've both written; then you both see both, in your thread."


class AnswerModal(PersistentModal, route="meeting:answer:{meeting_id}:{step}"):
    """A partner's words for the step the meeting is at; answered by agenda.answer_submitted."""

    given_back = headings(answer="Your words")

    def __init__(self, meeting_id: int, step: int, words: MeetingStep, earlier: str | None) -> None:
        super().__init__(title=TITLE, custom_id=self.custom_id_for(meeting_id=meeting_id, step=step))
        self.add_item(discord.ui.TextDisplay(f"**{words.question}**\n{PRIVATE}"))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_MAX,
            default=earlier,
            placeholder=words.placeholder,
        )
        self.add_item(discord.ui.Label(text=words.title, component=self.body))


class TopicModal(PersistentModal, route="meeting:topic:{couple_id}"):
    """/meeting topic: one thing to talk about, kept private until the meeting reveals it;
    answered by agenda.topic_submitted."""

    given_back = headings(answer="Your topic")

    def __init__(self, couple_id: int, words: MeetingStep, note: str, earlier: str | None) -> None:
        super().__init__(title=TITLE, custom_id=self.custom_id_for(couple_id=couple_id))
        self.add_item(discord.ui.TextDisplay(f"**{words.question}**\n{note}"))
        self.body: discord.ui.TextInput[Any] = discord.ui.TextInput(
            custom_id="answer",
            style=discord.TextStyle.paragraph,
            max_length=ANSWER_MAX,
            default=earlier,
            placeholder=words.placeholder,
        )
        self.add_item(discord.ui.Label(text=words.title, component=self.body))
