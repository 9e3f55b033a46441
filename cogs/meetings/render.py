"""How a couple meeting looks in the thread: the agenda card (edited as the meeting moves on) and
each partner's words once a step is revealed. Rendering only; the words come from content/meeting.yaml."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import discord

from bot.content import Meeting as MeetingWords
from bot.records.meetings import Meeting, StepReveal
from bot.ui import ATTUNE_COLOUR

NOW_SHOWN = "You've both shared this step: your words are just below. Move on whenever you're ready."
TOPIC_SHOWN = "Your topics are just below. Take your time with them, then move on when you're ready."


def card_embed(
    words: MeetingWords,
    meeting: Meeting,
    partners: Sequence[tuple[int, str]],
    written: Collection[int],
    reveals: Mapping[int, StepReveal],
) -> discord.Embed:
    """The agenda card: the steps with where the meeting is, and who has written for this step
    (never what). Once the meeting is over it says so, without buttons."""
    is_open = meeting.status in ("open", "pending")
    embed = discord.Embed(title=words.title, description=_summary(words, meeting), colour=ATTUNE_COLOUR)
    agenda = []
    for index, step in enumerate(words.steps):
        shown = index in reveals and reveals[index].status != "dropped"
        if is_open and index == meeting.step:
            agenda.append(f"▶️ **{step.title}**")
        else:
            agenda.append(f"{'✅' if shown else '▫️'} {step.title}")
    embed.add_field(name="Agenda", value="\n".join(agenda), inline=False)
    if is_open:
        step = words.steps[meeting.step]
        if meeting.step in reveals:
            status = TOPIC_SHOWN if step.id == "topic" else NOW_SHOWN
        else:
            status = " · ".join(f"{'✅' if uid in written else '⏳'} {name}" for uid, name in partners)
        embed.add_field(name=f"Now: {step.title}", value=f"{step.question}\n\n{status}", inline=False)
        embed.set_footer(text=words.how)
    return embed


def _summary(words: MeetingWords, meeting: Meeting) -> str:
    if meeting.status in ("open", "pending"):
        return words.intro
    if meeting.end_reason == "finished":
        return words.finished
    if meeting.end_reason == "ended":
        return words.ended
    return words.closed


def answer_embed(step_title: str, name: str, body: str) -> discord.Embed:
    """One partner's words for a step, revealed (one message each, so erasing one partner's data
    takes down only their own)."""
    embed = discord.Embed(title=name[:256], description=body, colour=ATTUNE_COLOUR)
    embed.set_author(name=step_title)
    return embed
