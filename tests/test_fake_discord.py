"""Tests of the Discord fake, driven by a real (unmodified) discord.py bot defined here."""

from __future__ import annotations

import asyncio
import io
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import discord
import pytest
import pytest_asyncio
from discord import app_commands
from discord.ext import commands

from tests.fake_discord import FakeChannel, FakeDiscord, FakeGuild, FakeUser, load_spec

# ---------------------------------------------------------------------------- the bot under test


class FeedbackModal(discord.ui.Modal, title="Feedback"):
    """Old style: a text input placed directly in the modal (sent wrapped in an action row)."""

    answer: discord.ui.TextInput[Any] = discord.ui.TextInput(label="How are you?", custom_id="answer")

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.answer.value}", ephemeral=True)


class MoodModal(discord.ui.Modal, title="Mood"):
    """New style: Label (type 18) wrapping a text input and a select."""

    def __init__(self) -> None:
        super().__init__(custom_id="mood-modal")
        self.note: discord.ui.TextInput[Any] = discord.ui.TextInput(custom_id="note", required=False)
        self.mood: discord.ui.Select[Any] = discord.ui.Select(
            custom_id="mood",
            options=[
                discord.SelectOption(label="Calm", value="calm"),
                discord.SelectOption(label="Tense", value="tense"),
            ],
        )
        self.add_item(discord.ui.Label(text="A note", component=self.note))
        self.add_item(discord.ui.Label(text="Your mood", component=self.mood))

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"mood={self.mood.values[0]} note={self.note.value}")


class LongTitleModal(discord.ui.Modal, title="T" * 46):
    field_: discord.ui.TextInput[Any] = discord.ui.TextInput(label="x")


class PanelView(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Check in", custom_id="panel:checkin", style=discord.ButtonStyle.primary)
    async def checkin(self, interaction: discord.Interaction, button: discord.ui.Button[Any]) -> None:
        await interaction.response.send_message(f"checked in {interaction.user.name}", ephemeral=True)

    @discord.ui.select(
        custom_id="panel:pick", options=[discord.SelectOption(label=x, value=x) for x in ("tea", "coffee")]
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select[Any]) -> None:
        await interaction.response.edit_message(content=f"picked {select.values[0]}")


class CounterButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"counter:(?P<n>\d+)"):
    def __init__(self, n: int) -> None:
        super().__init__(discord.ui.Button(label=f"Count {n}", custom_id=f"counter:{n}"))
        self.n = n

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str]
    ) -> CounterButton:
        return cls(int(match["n"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(CounterButton(self.n + 1))
        await interaction.response.edit_message(content=f"count={self.n + 1}", view=view)


pair = app_commands.Group(name="pair", description="Pairing")


@pair.command(name="invite", description="Invite your partner")
async def pair_invite(interaction: discord.Interaction, partner: discord.Member) -> None:
    assert isinstance(interaction.channel, discord.TextChannel)
    thread = await interaction.channel.create_thread(name="our space", invitable=False)
    await thread.add_user(partner)
    await thread.add_user(interaction.user)
    await thread.send(f"Welcome {partner.mention}")
    await interaction.response.send_message(f"thread {thread.name} ready", ephemeral=True)


@pair.command(name="end", description="Archive the pair thread")
async def pair_end(interaction: discord.Interaction, thread: discord.Thread) -> None:
    await interaction.response.defer(ephemeral=True)
    await thread.edit(archived=True, locked=True)
    await interaction.followup.send("archived", ephemeral=True)


def build_bot(events: dict[str, list[Any]]) -> commands.Bot:
    intents = discord.Intents.default()
    intents.members = True
    bot = commands.Bot(command_prefix="!", intents=intents, guild_ready_timeout=0.05)
    tree = bot.tree
    tree.add_command(pair)

    @tree.command(description="Say hello")
    async def hello(
        interaction: discord.Interaction, who: discord.Member, times: int = 1, loud: bool = False
    ) -> None:
        text = f"hello {who.display_name}" * times
        await interaction.response.send_message(text.upper() if loud else text, ephemeral=True)

    @tree.command(description="Give feedback")
    async def feedback(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(FeedbackModal())

    @tree.command(description="Share your mood")
    async def mood(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(MoodModal())

    @tree.command(description="Bad modal")
    async def badmodal(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_modal(LongTitleModal())
        except discord.HTTPException as exc:
            events["badmodal"].append(exc)

    @tree.command(description="Post the panel")
    async def panel(interaction: discord.Interaction) -> None:
        view = PanelView()
        view.add_item(CounterButton(0))
        await interaction.response.send_message("panel", view=view)

    @tree.command(description="Slow work")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.followup.send(
            "step 1 done", embed=discord.Embed(title="Progress", description="50%")
        )
        await interaction.followup.send("step 2 done", ephemeral=True)
        await interaction.edit_original_response(content="all done")

    @tree.command(description="Upload a file")
    async def upload(interaction: discord.Interaction) -> None:
        assert isinstance(interaction.channel, discord.TextChannel)
        await interaction.channel.send(
            "here", file=discord.File(io.BytesIO(b"hello file"), filename="notes.txt")
        )
        await interaction.response.send_message("uploaded", ephemeral=True)

    @tree.command(description="Answer with a file")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(
            "report", file=discord.File(io.BytesIO(b"r1"), filename="r.csv")
        )
        await interaction.followup.send("more", file=discord.File(io.BytesIO(b"r2"), filename="r2.csv"))
        await interaction.edit_original_response(
            content="report v2", attachments=[discord.File(io.BytesIO(b"r3"), filename="r3.csv")]
        )

    @tree.command(description="DM someone")
    async def nudge(interaction: discord.Interaction, who: discord.Member) -> None:
        try:
            await who.send("a gentle nudge")
        except discord.Forbidden as exc:
            events["forbidden"].append(exc)
            await interaction.response.send_message("their DMs are closed", ephemeral=True)
        else:
            await interaction.response.send_message("sent", ephemeral=True)

    @tree.command(description="Too slow to answer")
    async def sleepy(interaction: discord.Interaction) -> None:
        await asyncio.sleep(0.3)
        try:
            await interaction.response.send_message("late")
        except discord.NotFound as exc:
            events["late"].append(exc)

    @tree.command(description="Pick a timezone")
    async def timezone(interaction: discord.Interaction, zone: str) -> None:
        await interaction.response.send_message(zone, ephemeral=True)

    @timezone.autocomplete("zone")
    async def zone_autocomplete(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        zones = ["Europe/Paris", "Europe/Prague", "America/New_York"]
        return [app_commands.Choice(name=z, value=z) for z in zones if z.startswith(current)]

    @tree.command(description="Private ping")
    @app_commands.allowed_contexts(guilds=True, dms=True)
    async def ping(interaction: discord.Interaction) -> None:
        where = "dm" if interaction.guild is None else "guild"
        await interaction.response.send_message(f"pong from {where}", ephemeral=True)

    @bot.event
    async def setup_hook() -> None:
        bot.add_view(PanelView())
        bot.add_dynamic_items(CounterButton)

    @bot.event
    async def on_member_join(member: discord.Member) -> None:
        events["joined"].append(member.name)

    @bot.event
    async def on_member_remove(member: discord.Member) -> None:
        events["left"].append(member.name)

    @bot.event
    async def on_resumed() -> None:
        events["resumed"].append(True)

    return bot


# ---------------------------------------------------------------------------- fixtures


@dataclass
class World:
    fake: FakeDiscord
    bot: commands.Bot
    guild: FakeGuild
    general: FakeChannel
    alice: FakeUser
    bob: FakeUser
    events: dict[str, list[Any]] = field(default_factory=dict)


@pytest_asyncio.fixture
async def world(fake_discord: FakeDiscord) -> AsyncIterator[World]:
    fake = fake_discord
    guild = fake.add_guild("Home")
    general = fake.add_text_channel(guild, "general")
    alice = fake.add_member(guild, "alice")
    bob = fake.add_member(guild, "bob")
    fake.add_member(guild, "mod", permissions=discord.Permissions.all())
    events: dict[str, list[Any]] = {
        k: [] for k in ("joined", "left", "resumed", "forbidden", "late", "badmodal")
    }
    bot = build_bot(events)
    await bot.login(fake.token)
    gateway = await bot.http.request(discord.http.Route("GET", "/gateway/bot"))
    assert gateway["url"] == fake.gateway_url  # what bot code would put in DEFAULT_GATEWAY
    task = asyncio.create_task(bot.connect())
    try:
        await asyncio.wait_for(bot.wait_until_ready(), 5)
        await bot.tree.sync()
        yield World(fake, bot, guild, general, alice, bob, events)
    finally:
        await bot.close()
        await asyncio.wait_for(task, 5)


# ---------------------------------------------------------------------------- tests


async def test_login_ready_and_guild_create(world: World) -> None:
    bot, fake = world.bot, world.fake
    assert bot.user is not None and bot.user.id == fake.bot_user.id
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(world.guild.id)
    assert guild is not None and guild.name == "Home"
    assert {m.name for m in guild.members} >= {"alice", "bob", "mod", "attune"}
    assert guild.get_channel(world.general.id).name == "general"  # type: ignore[union-attr]
    mod = guild.get_member_named("mod")
    assert mod is not None and mod.guild_permissions.administrator
    assert guild.me.guild_permissions.manage_threads
    assert fake.identify_count == 1 and fake.gateway.intents == bot.intents.value
    assert fake.gateway.connections[0].compressed  # discord.py asked for ?compress=zlib-stream


async def test_member_add_and_remove_events(world: World) -> None:
    fake = world.fake
    carol = fake.add_member(world.guild, "carol")
    await fake.wait_for(lambda: "carol" in world.events["joined"])
    assert world.bot.get_guild(world.guild.id).get_member(carol.id) is not None  # type: ignore[union-attr]
    await fake.remove_member(world.guild, carol)
    await fake.wait_for(lambda: "carol" in world.events["left"])


async def test_guild_create_carries_only_the_bot_and_members_are_requested_over_the_gateway(
    world: World,
) -> None:
    fake, bot = world.fake, world.bot
    sent = [p for conn in fake.gateway.connections for p in conn.sent]
    create = next(p["d"] for p in sent if p.get("t") == "GUILD_CREATE")
    # No GUILD_PRESENCES intent: Discord sends only the bot itself, and the total as member_count.
    assert [m["user"]["id"] for m in create["members"]] == [str(fake.bot_user.id)]
    assert create["member_count"] == len(world.guild.members) == 5 and create["large"] is False
    # discord.py chunks at start (members intent): the whole list, query "" and limit 0.
    assert fake.gateway.member_requests[0]["query"] == "" and fake.gateway.member_requests[0]["limit"] == 0
    guild = bot.get_guild(world.guild.id)
    assert guild is not None

    gone = fake.add_member(world.guild, "gone", dispatch=False)
    await fake.remove_member(world.guild, gone, dispatch=False)
    found = await guild.query_members(user_ids=[world.alice.id, gone.id], cache=False)
    assert [m.id for m in found] == [world.alice.id]
    request = fake.gateway.member_requests[-1]
    chunk = next(
        p["d"]
        for p in reversed([p for conn in fake.gateway.connections for p in conn.sent])
        if p.get("t") == "GUILD_MEMBERS_CHUNK"
    )
    assert chunk["nonce"] == request["nonce"] and len(request["nonce"]) <= 32
    assert (chunk["chunk_index"], chunk["chunk_count"], chunk["not_found"]) == (0, 1, [str(gone.id)])
    assert [m.name for m in await guild.query_members("bo")] == ["bob"]
    assert world.events["left"] == [] and world.events["joined"] == []  # dispatch=False: silent

    # Discord returns at most 100 members for user_ids: asking for more is a mistake in the bot.
    await guild.query_members(user_ids=list(range(1, 102)), cache=False)
    assert [v.error for v in fake.violations] == ["101 user_ids: Discord returns at most 100 members"]
    fake.violations.clear()


async def test_a_session_that_cannot_resume_identifies_again(world: World) -> None:
    fake = world.fake
    world.bot.before_identify_hook = _no_identify_wait  # type: ignore[method-assign]
    carol = fake.add_member(world.guild, "carol", dispatch=False)
    await fake.drop_gateway(resumable=False)
    await fake.wait_for(lambda: fake.identify_count == 2, timeout=10)
    assert fake.resume_count == 0

    def carol_known() -> bool:
        guild = world.bot.get_guild(world.guild.id)  # a new Guild object for the new session
        return guild is not None and guild.get_member(carol.id) is not None

    await fake.wait_for(carol_known)
    assert world.events["joined"] == []  # known from the new session's member list, not an event


async def _no_identify_wait(shard_id: int | None, *, initial: bool = False) -> None:
    return None


async def test_command_sync_guild_and_global(world: World) -> None:
    fake, bot = world.fake, world.bot
    assert fake.command_sync_requests == 1
    names = {c["name"] for c in fake.global_commands}
    assert {"hello", "pair", "feedback", "panel"} <= names
    bot.tree.copy_global_to(guild=discord.Object(world.guild.id))
    synced = await bot.tree.sync(guild=discord.Object(world.guild.id))
    assert fake.command_sync_requests == 2
    assert {c.name for c in synced} == names
    assert all(c["guild_id"] == str(world.guild.id) for c in fake.guild_commands[world.guild.id])
    first_ids = {c["name"]: c["id"] for c in fake.global_commands}
    await bot.tree.sync()
    assert {c["name"]: c["id"] for c in fake.global_commands} == first_ids  # ids are stable across syncs
    fetched = await bot.tree.fetch_commands()
    assert {c.name for c in fetched} == names


async def test_slash_answered_ephemerally(world: World) -> None:
    ix = await world.fake.slash(world.alice, world.general, "hello", who=world.bob, times=2)
    response = await ix.response()
    assert response["type"] == 4
    assert ix.ephemeral and ix.content == "hello bobhello bob"
    assert ix.latency is not None and ix.latency < 1
    # Latency counts from the event on the wire (the fake's encoding is not the bot's time) to the
    # callback request's arrival.
    assert ix.sent_at is not None and ix.created_at <= ix.sent_at
    assert ix.latency == response_arrived(world, ix) - ix.sent_at
    assert world.fake.messages_in(world.general) == []  # ephemeral: not in the channel
    payload = ix.payload
    assert payload["data"]["resolved"]["users"][str(world.bob.id)]["username"] == "bob"
    assert payload["member"]["user"]["id"] == str(world.alice.id)


def response_arrived(world: World, ix: Any) -> float:
    """When the fake had the interaction's callback request (before reading its body)."""
    return next(r.at for r in world.fake.requests if r.path == f"/interactions/{ix.id}/{ix.token}/callback")


async def test_slash_errors_are_clear(world: World) -> None:
    from tests.fake_discord import InteractionError

    with pytest.raises(InteractionError, match="never synced"):
        await world.fake.slash(world.alice, world.general, "nope")
    with pytest.raises(InteractionError, match="missing required option 'who'"):
        await world.fake.slash(world.alice, world.general, "hello")
    with pytest.raises(InteractionError, match="needs a subcommand"):
        await world.fake.slash(world.alice, world.general, "pair")


async def test_slash_in_dm(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, fake.dm_channel(world.alice), "ping")
    await ix.response()
    assert ix.content == "pong from dm"
    assert "user" in ix.payload and "member" not in ix.payload


async def test_modal_in_action_row_submitted(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "feedback")
    await ix.response()
    assert ix.modal is not None and ix.modal["title"] == "Feedback"
    assert ix.modal["components"][0]["type"] == 1
    submitted = await fake.submit_modal(world.alice, ix, {"How are you?": "better"})
    await submitted.response()
    assert submitted.content == "thanks: better" and submitted.ephemeral


async def test_modal_with_labels_submitted(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "mood")
    await ix.response()
    assert ix.modal is not None and [c["type"] for c in ix.modal["components"]] == [18, 18]
    submitted = await fake.submit_modal(world.alice, ix, {"note": "long day", "Your mood": ["calm"]})
    await submitted.response()
    assert submitted.content == "mood=calm note=long day"
    assert fake.messages_in(world.general)[-1].content == "mood=calm note=long day"
    sent = submitted.payload["data"]["components"]
    assert sent[0] == {
        "type": 18,
        "id": 1,
        "component": {"type": 4, "id": 2, "custom_id": "note", "value": "long day"},
    }
    assert sent[1]["component"] == {"type": 3, "id": 4, "custom_id": "mood", "values": ["calm"]}


async def test_buttons_persistent_view_and_dynamic_item(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "panel")
    await ix.response()
    assert ("Check in", "panel:checkin", False) in ix.buttons()
    panel = fake.messages_in(world.general)[-1]
    pressed = await fake.press(world.bob, panel, "Check in")
    await pressed.response()
    assert pressed.content == "checked in bob" and pressed.ephemeral
    picked = await fake.select(world.alice, panel, "panel:pick", ["coffee"])
    await picked.response()
    assert panel.content == "picked coffee" and picked.response_type == 7
    counted = await fake.press(world.alice, panel, "counter:0")
    await counted.response()
    assert counted.response_type == 7 and panel.content == "count=1"
    assert panel.buttons() == [("Count 1", "counter:1", False)]


async def test_followups_and_edit_original(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "slow")
    assert (await ix.response())["type"] == 5
    followups = await ix.followups(2)
    await fake.wait_for(lambda: ix.content == "all done")
    assert followups[1].ephemeral and followups[1].content == "step 2 done"
    assert ix.original is not None and "Progress" in ix.text()
    channel_texts = [m.content for m in fake.messages_in(world.general)]
    assert channel_texts == ["all done"]  # the thinking message became step 1, then was edited


async def test_message_with_file_multipart(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "upload")
    await ix.response()
    message = await fake.wait_for_message(world.general, lambda m: m.content == "here")
    assert message["attachments"][0]["filename"] == "notes.txt"
    assert message.files["notes.txt"] == b"hello file"
    request = fake.requests_to("POST", rf"/channels/{world.general.id}/messages$")[-1]
    assert request.files and request.json["content"] == "here"


async def test_interaction_response_and_followup_with_files(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "report")
    await ix.response()
    (followup,) = await ix.followups(1)
    assert followup.files == {"r2.csv": b"r2"}
    await fake.wait_for(lambda: ix.content == "report v2")
    assert ix.original is not None and [a["filename"] for a in ix.original["attachments"]] == ["r3.csv"]
    assert [m.content for m in fake.messages_in(world.general)] == ["report v2", "more"]


async def test_bot_permissions_are_configurable(world: World) -> None:
    fake = world.fake
    fake.set_bot_permissions(world.guild, discord.Permissions(send_messages=True))
    guild = world.bot.get_guild(world.guild.id)
    assert guild is not None
    await fake.wait_for(lambda: not guild.me.guild_permissions.manage_threads)
    ix = await fake.slash(world.alice, world.general, "hello", who=world.bob)
    await ix.response()
    assert int(ix.payload["app_permissions"]) & discord.Permissions.manage_threads.flag == 0


async def test_private_thread_member_add_and_archive(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "pair invite", partner=world.bob)
    await ix.response()
    assert ix.content == "thread our space ready"
    (thread,) = fake.threads_in(world.general)
    assert thread.type == 12 and not thread.invitable
    assert {u.name for u in fake.thread_members(thread)} == {"attune", "alice", "bob"}
    assert fake.messages_in(thread)[0].content == f"Welcome <@{world.bob.id}>"
    bot_thread = world.bot.get_guild(world.guild.id).get_thread(thread.id)  # type: ignore[union-attr]
    assert bot_thread is not None
    end = await fake.slash(world.alice, world.general, "pair end", thread=thread)
    await end.followups(1)
    assert thread.archived and thread.locked
    await fake.wait_for(lambda: bot_thread.archived)


async def test_thread_member_add_unknown_user_404(world: World) -> None:
    guild = world.bot.get_guild(world.guild.id)
    assert guild is not None
    channel = guild.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    thread = await channel.create_thread(name="t")
    with pytest.raises(discord.NotFound) as err:
        await thread.add_user(discord.Object(12345))
    assert err.value.code == 10007


async def test_dm_and_closed_dms(world: World) -> None:
    fake = world.fake
    ix = await fake.slash(world.alice, world.general, "nudge", who=world.bob)
    await ix.response()
    assert ix.content == "sent" and fake.dm_messages(world.bob)[0].content == "a gentle nudge"
    fake.close_dms(world.bob)
    ix = await fake.slash(world.alice, world.general, "nudge", who=world.bob)
    await ix.response()
    assert ix.content == "their DMs are closed"
    (exc,) = world.events["forbidden"]
    assert exc.code == 50007 and exc.status == 403
    assert fake.failed_requests_for(world.bob) == 1


async def test_injected_429_is_waited_out(world: World) -> None:
    fake = world.fake
    fake.inject_fault("POST", r"/channels/\d+/messages$", status=429, retry_after=0.2)
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    started = asyncio.get_running_loop().time()
    await channel.send("after the wait")
    assert asyncio.get_running_loop().time() - started >= 0.2
    statuses = [r.status for r in fake.requests_to("POST", r"/channels/\d+/messages$")]
    assert statuses == [429, 200]
    assert fake.messages_in(world.general)[-1].content == "after the wait"


async def test_global_429_and_rate_limit_buckets(world: World) -> None:
    fake = world.fake
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    fake.inject_fault("GET", r"/users/\d+$", status=429, retry_after=0.1, global_=True)
    assert (await world.bot.fetch_user(world.bob.id)).name == "bob"
    fake.rate_limits(global_per_sec=50, per_channel=(2, 0.3))
    for n in range(3):
        await channel.send(f"burst {n}")
    statuses = [r.status for r in fake.requests_to("POST", r"/channels/\d+/messages$")]
    assert statuses == [200, 200, 429, 200]
    assert [m.content for m in fake.messages_in(world.general)] == ["burst 0", "burst 1", "burst 2"]


async def test_interaction_callbacks_are_outside_the_global_limit(world: World) -> None:
    """As on Discord: a bot at its global limit can still answer the people pressing its buttons."""
    fake = world.fake
    fake.rate_limits(global_per_sec=1)
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.send("uses the one request this second")
    for _ in range(3):
        ix = await fake.slash(world.alice, world.general, "hello", who=world.bob)
        await ix.response()
    callbacks = fake.requests_to("POST", r"/interactions/\d+/[^/]+/callback$")
    assert [r.status for r in callbacks] == [200, 200, 200]


async def test_injected_500_is_retried(world: World) -> None:
    fake = world.fake
    fake.inject_fault("GET", r"/users/\d+$", status=500)
    user = await world.bot.fetch_user(world.alice.id)
    assert user.name == "alice"
    assert [r.status for r in fake.requests_to("GET", r"/users/\d+$")] == [500, 200]


async def test_drop_gateway_resumes(world: World) -> None:
    fake = world.fake
    await fake.drop_gateway()
    # Sent while disconnected: must be replayed on RESUME.
    fake.add_member(world.guild, "dave")
    await fake.wait_for(lambda: fake.resume_count == 1 and world.events["resumed"], timeout=10)
    assert fake.identify_count == 1
    await fake.wait_for(lambda: "dave" in world.events["joined"])
    ix = await fake.slash(world.alice, world.general, "hello", who=world.bob)
    await ix.response()


async def test_autocomplete(world: World) -> None:
    choices = await world.fake.autocomplete(
        world.alice, world.general, "timezone", focused="zone", zone="Europe/P"
    )
    assert [c["value"] for c in choices] == ["Europe/Paris", "Europe/Prague"]


async def test_late_answer_is_unknown_interaction(world: World) -> None:
    fake = world.fake
    fake.interaction_deadline = 0.1
    ix = await fake.slash(world.alice, world.general, "sleepy")
    await fake.wait_for(lambda: world.events["late"])
    assert world.events["late"][0].code == 10062 and not ix.responded


async def test_answering_twice_is_rejected(world: World) -> None:
    fake = world.fake
    fake.interaction_deadline = 60
    ix = await fake.slash(world.alice, world.general, "hello", who=world.bob)
    await ix.response()
    url = f"{fake.api_base}/interactions/{ix.id}/{ix.token}/callback"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json={"type": 4, "data": {"content": "again"}}) as resp,
    ):
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060


async def test_spec_validator_directly() -> None:
    spec = load_spec()
    assert spec.validate("POST", "/channels/1/messages", {"content": "ok"}) == []
    (error,) = spec.validate("POST", "/channels/1/messages", {"content": "x" * 2001})
    assert "content" in error
    modal = {"type": 9, "data": {"custom_id": "m", "title": "T" * 46, "components": []}}
    errors = spec.validate("POST", "/interactions/1/tok/callback", modal)
    assert any("title" in e for e in errors)
    assert spec.validate("GET", "/no/such/route", None)


async def test_spec_violations_via_requests(world: World) -> None:
    fake = world.fake
    channel = world.bot.get_channel(world.general.id)
    assert isinstance(channel, discord.TextChannel)
    with pytest.raises(discord.HTTPException) as err:
        await channel.send("x" * 2001)
    assert err.value.status == 400 and err.value.code == 50035
    ix = await fake.slash(world.alice, world.general, "badmodal")
    await fake.wait_for(lambda: world.events["badmodal"])
    assert not ix.responded
    found = [str(v) for v in fake.violations]
    assert len(found) == 2, found
    assert "content" in found[0] and "title" in found[1]
    fake.violations.clear()  # handled here, so the fixture does not fail the test


async def test_a_dm_channel_is_one_per_user_until_discord_loses_it(world: World) -> None:
    """As on Discord: opening a DM with the same person gives the same channel every time; a channel
    Discord no longer knows answers 404 Unknown Channel (10003), and opening again gives a new one."""
    fake, http = world.fake, world.bot.http
    first = int((await http.start_private_message(world.alice.id))["id"])
    assert int((await http.start_private_message(world.alice.id))["id"]) == first
    assert int((await http.start_private_message(world.bob.id))["id"]) != first
    await world.bot.get_partial_messageable(first, type=discord.ChannelType.private).send("hello")

    fake.lose_dm_channel(world.alice)
    with pytest.raises(discord.NotFound) as refused:
        await world.bot.get_partial_messageable(first, type=discord.ChannelType.private).send("again")
    assert refused.value.code == 10003
    fresh = int((await http.start_private_message(world.alice.id))["id"])
    assert fresh != first
    await world.bot.get_partial_messageable(fresh, type=discord.ChannelType.private).send("again")
    assert [m.content for m in fake.dm_messages(world.alice)] == ["hello", "again"]
