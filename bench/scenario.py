"""Benchmark 1's fake side: the world, and each interaction sent and timed where the fake runs.

The same code runs in the bot's process (the old way, as the tests run) or in a process of its own
(bench/apart.py), so both figures come from one definition. Every method takes and returns plain
JSON values, which is what lets it answer over the control channel. Latency is timed here, on the
fake's clock: INTERACTION_CREATE on the wire (FakeInteraction.sent_at: encoded, compressed and
handed to the socket) to the callback request's arrival (RecordedRequest.at: before its body is
read, parsed and checked against the OpenAPI spec). The fake's work on either side, bigger for a
button's event, which carries its whole message, is not counted as the bot's.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

from bench.world import kinds
from tests.fake_discord.driver import FakeInteraction
from tests.fake_discord.gateway import GatewaySession
from tests.fake_discord.models import FakeChannel, FakeUser, snowflake
from tests.fake_discord.server import FakeDiscord
from tests.support.couples import pair
from tests.support.harness import BotHarness

# The five interactions benchmark 1 times, in the order one round of them runs.
STEPS = {
    "help": "/help",
    "journal_write": "/journal write (modal opens)",
    "journal_submit": "journal modal submit (entry saved)",
    "answer_button": "Answer button (modal opens)",
    "answer_submit": "check-in answer submit (answer saved)",
}
# /journal write allows 5 a minute per person (bot/cooldowns.py): writers take turns.
WRITERS = 400


def people_ids(writers: int = WRITERS) -> dict[str, Any]:
    """The ids of everyone in the world, chosen before it is built (the seed needs them first)."""
    return {
        "alice": snowflake(),
        "bob": snowflake(),
        "mod": snowflake(),
        "pinger": snowflake(),
        "writers": [snowflake() for _ in range(writers)],
    }


class Scenario:
    """Benchmark 1's world on one fake Discord, and the interactions it times."""

    def __init__(self, fake: FakeDiscord) -> None:
        self.fake = fake
        self._round: Any = None
        self._opened: FakeInteraction | None = None
        self._press: FakeInteraction | None = None
        # Both bots stay connected while they take turns (bench/roundtrip.py): each interaction
        # goes to the session of the bot it is for, as Discord sends an application its own events.
        self._sessions: dict[str, GatewaySession | None] = {}

    async def connected(self, bot: str) -> None:
        """The session that identified last is `bot`'s ("baseline" or "attune")."""
        self._sessions[bot] = self.fake.gateway.current

    async def use(self, bot: str) -> None:
        """Send what follows to `bot`'s session (one remembered by `connected`)."""
        if bot in self._sessions:
            self.fake.gateway.current = self._sessions[bot]

    async def build(self, ids: dict[str, Any]) -> dict[str, Any]:
        """Two servers: Attune's (a couples channel, alice, bob, a moderator, the writers) and the
        baseline's (a lobby, one person who pings). Returns what the bot's side needs to know."""
        fake = self.fake
        self.home = fake.add_guild("Home")
        self.general = fake.add_text_channel(self.home, "couples")

        def member(guild: Any, name: str, user_id: int, **options: Any) -> FakeUser:
            return fake.add_member(guild, FakeUser(name, id=user_id), **options)

        self.alice = member(self.home, "alice", ids["alice"])
        self.bob = member(self.home, "bob", ids["bob"])
        self.mod = member(self.home, "mod", ids["mod"], permissions=0x20)
        self.writers = [member(self.home, f"writer{i}", uid) for i, uid in enumerate(ids["writers"])]
        self.lobby_guild = fake.add_guild("Baseline")
        self.lobby: FakeChannel = fake.add_text_channel(self.lobby_guild, "lobby")
        self.pinger = member(self.lobby_guild, "pinger", ids["pinger"])
        return {"home": self.home.id, "lobby_guild": self.lobby_guild.id}

    async def validate(self, on: bool) -> None:
        self.fake.validate = on

    async def ping(self) -> float:
        """The baseline bot's /ping."""
        await self.use("baseline")
        ix = await self.fake.slash(self.pinger, self.lobby, "ping")
        await ix.response()
        return latency(ix)

    async def pair(self) -> None:
        """Alice and Bob pair the way people do (/setup, /pair invite, Accept)."""
        world = SimpleNamespace(general=self.general, mod=self.mod)
        attune = cast(BotHarness, SimpleNamespace(fake=self.fake))  # pair() needs only its fake
        self.thread = await pair(attune, world, self.alice, self.bob)

    async def checkin_now(self) -> None:
        await (await self.fake.slash(self.alice, self.general, "checkin now")).response()

    async def round_posted(self, within: float = 10.0) -> None:
        """Wait for the round the bot's dispatcher posts in the couple's thread."""

        def posts() -> list[Any]:
            return [
                m
                for m in self.thread.messages
                if any("attune:checkin:answer" in (b[1] or "") for b in m.buttons())
            ]

        self._round = (await self.fake.wait_for(lambda: posts(), within))[-1]

    async def step(self, key: str, n: int) -> float:
        """One interaction of round `n`; returns its latency (s). A wrong answer raises."""
        await self.use("attune")
        fake = self.fake
        writer = self.writers[n % len(self.writers)]
        if key == "help":
            ix = await fake.slash(self.alice, self.general, "help")
        elif key == "journal_write":
            ix = self._opened = await fake.slash(writer, self.general, "journal write")
        elif key == "journal_submit":
            assert self._opened is not None, "open the form first"
            entry = {"title": f"Evening {n}", "body": "We cooked together and it felt easy.", "mood": ["4"]}
            ix = await fake.submit_modal(writer, self._opened, entry)
        elif key == "answer_button":
            ix = self._press = await fake.press(self.alice, self._round, "Answer")
        elif key == "answer_submit":
            assert self._press is not None, "open the form first"
            reply = {"mood": ["4"], "answer": f"Glad we talked, take {n}"}
            ix = await fake.submit_modal(self.alice, self._press, reply)
        else:
            raise ValueError(f"no step {key!r}")
        await ix.response()
        expected = {"help": ("/",), "journal_submit": ("Saved",), "answer_submit": ("Saved", "Updated")}
        if key in expected and not any(needle in ix.text() for needle in expected[key]):
            raise AssertionError(f"unexpected answer to {ix.describe()}: {ix.text()[:200]}")
        if key in ("journal_write", "answer_button") and ix.modal is None:
            raise AssertionError(f"{ix.describe()} opened no form: {ix.text()[:200]}")
        return latency(ix)

    async def report(self) -> dict[str, Any]:
        """The fake's requests by kind and status, and its OpenAPI spec violations."""
        statuses: dict[str, int] = {}
        for request in self.fake.requests:
            statuses[str(request.status)] = statuses.get(str(request.status), 0) + 1
        return {
            "kinds": dict(kinds(self.fake.requests).most_common(6)),
            "statuses": statuses,
            "violations": [str(v) for v in self.fake.violations],
        }


def latency(ix: FakeInteraction) -> float:
    return float("inf") if ix.latency is None else float(ix.latency)
