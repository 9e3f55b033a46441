"""Attune's content: typed models and the loader for the YAML under the `content` package."""

from bot.content.loader import ContentError, load_content
from bot.content.models import (
    Appreciations,
    Breaks,
    Checkup,
    CheckupOption,
    CheckupQuestion,
    ContentLibrary,
    Exercise,
    Meeting,
    MeetingStep,
    Prompt,
    RedFlag,
    Safety,
    Step,
    Track,
)

__all__ = [
    "Appreciations",
    "Breaks",
    "Checkup",
    "CheckupOption",
    "CheckupQuestion",
    "ContentError",
    "ContentLibrary",
    "Exercise",
    "Meeting",
    "MeetingStep",
    "Prompt",
    "RedFlag",
    "Safety",
    "Step",
    "Track",
    "load_content",
]
