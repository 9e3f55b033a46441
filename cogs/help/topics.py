"""/help's pages: how to begin, in order, then every command grouped by what people want to do.

Each command stands in exactly one topic (a test walks the command tree to keep it so)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    title: str
    emoji: str
    blurb: str
    commands: tuple[str, ...]


TOPICS: tuple[Topic, ...] = (
    Topic(
        "together",
        "Check-ins together",
        "💬",
        "A short question at a time you choose. You each answer privately, then see both answers.",
        (
            "checkin schedule",
            "checkin now",
            "checkin show",
            "checkin history",
            "checkin themes",
            "checkin prompts add",
            "checkin prompts list",
            "checkin prompts remove",
            "checkin pause",
            "checkin resume",
            "checkin skip",
            "checkin off",
            "checkin nudges",
            "timezone",
        ),
    ),
    Topic(
        "meeting",
        "Your weekly meeting",
        "🗓️",
        "A short weekly sit-down in your thread: appreciations first, then what went well, one "
        "thing to talk about, and the week ahead. You each write privately; you see both together.",
        ("meeting schedule", "meeting now", "meeting show", "meeting topic", "meeting skip", "meeting off"),
    ),
    Topic(
        "private",
        "Just for you",
        "📓",
        "Your own space. Nothing here reaches your partner unless you share it.",
        (
            "journal write",
            "journal list",
            "journal read",
            "journal search",
            "journal edit",
            "journal delete",
            "journal export",
            "checkin personal set",
            "checkin personal off",
            "progress checkup",
            "progress checkups",
        ),
    ),
    Topic(
        "practice",
        "Exercises and boundaries",
        "🌱",
        "Guided steps drawn from two articles on emotional availability, at your own pace.",
        (
            "exercise start",
            "exercise resume",
            "exercise list",
            "boundary add",
            "boundary list",
            "boundary remove",
            "bid note",
            "bid week",
        ),
    ),
    Topic(
        "sharing",
        "Sharing with your partner",
        "🤝",
        "You always see a preview first; nothing is posted until you press Post.",
        ("reflect", "journal share", "journal unshare", "boundary share", "bid share", "progress share"),
    ),
    Topic(
        "pause",
        "A pause when it gets heated",
        "⏸️",
        "When a talk runs too hot, take a pause of 20 minutes to a day, with a time to come back. Your "
        "partner sees a kind note; you get a few ways to settle. A pause never pauses safety: /resources "
        "is always there.",
        ("break start", "break end"),
    ),
    Topic(
        "appreciate",
        "Appreciations",
        "💛",
        "Note what your partner did and what it meant to you. Keep it in your log, or share it after a "
        "preview; if you like, one you kept comes back to you by DM once a week. Never a score.",
        ("appreciate add", "appreciate list", "appreciate reminder on", "appreciate reminder off"),
    ),
    Topic(
        "progress",
        "How it's going",
        "📈",
        "A gentle look back: what you've done together, and your own path.",
        ("progress show", "progress summary"),
    ),
    Topic(
        "pairing",
        "Your pairing",
        "🔗",
        "Pairing starts with an invitation your partner accepts.",
        ("pair invite", "pair status", "pair cancel", "pair leave", "setup"),
    ),
    Topic(
        "privacy",
        "Privacy and real help",
        "🛟",
        "Your data is yours: take it with you, or erase it. And help beyond Attune, any time.",
        ("privacy export", "privacy delete", "resources", "help"),
    ),
)

START_KEY = "start"

FIRST_STEPS = (
    "1. Someone with Manage Server runs `/setup` once and picks a channel.\n"
    "2. `/pair invite` your partner; they press **Accept**. You get a private thread.\n"
    "3. `/checkin schedule` picks a time for your check-in together.\n"
    "4. Then try an exercise (`/exercise start`) and your private journal (`/journal write`)."
)


def topic(key: str) -> Topic | None:
    return next((t for t in TOPICS if t.key == key), None)
