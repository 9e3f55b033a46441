"""A loopback fake of Discord's v10 HTTP API and gateway for driving the real discord.py client."""

from .driver import FakeInteraction, InteractionError
from .models import FakeChannel, FakeGuild, FakeMember, FakeMessage, FakeRole, FakeUser
from .server import DiscordError, FakeDiscord, RecordedRequest, Violation
from .spec import DiscordSpec, load_spec

__all__ = [
    "DiscordError",
    "DiscordSpec",
    "FakeChannel",
    "FakeDiscord",
    "FakeGuild",
    "FakeInteraction",
    "FakeMember",
    "FakeMessage",
    "FakeRole",
    "FakeUser",
    "InteractionError",
    "RecordedRequest",
    "Violation",
    "load_spec",
]
