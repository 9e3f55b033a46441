"""The foundation, end to end: Attune starts through `serve` (as `python -m bot` does) against the fake."""

from __future__ import annotations

import asyncio

from tests.support.harness import BotHarness


async def test_start_syncs_commands_once_and_help_answers_privately(attune: BotHarness, world) -> None:
    fake = attune.fake
    assert fake.command_sync_requests == 1
    ix = await fake.slash(world.alice, world.general, "help")
    await ix.response()
    assert ix.ephemeral
    assert "not therapy" in ix.text().lower()
    assert "How to begin" in ix.text()

    await attune.restart()
    assert fake.command_sync_requests == 1, "unchanged commands must not be synced again"
    ix = await fake.slash(world.alice, world.general, "help")
    await ix.response()
    assert ix.ephemeral


async def test_a_dropped_gateway_resumes_without_repeating_start_up(attune: BotHarness, world) -> None:
    fake, bot = attune.fake, attune.running
    await fake.drop_gateway()
    await fake.wait_for(lambda: fake.resume_count == 1, timeout=10)
    assert fake.identify_count == 1
    assert bot.setup_runs == 1
    assert fake.command_sync_requests == 1
    ix = await fake.slash(world.bob, world.general, "help")
    await ix.response()
    assert ix.ephemeral


async def test_stop_closes_everything_cleanly(attune: BotHarness) -> None:
    bot = attune.running
    await attune.stop()
    assert bot.is_closed()
    assert not bot.scheduler.running
    await asyncio.sleep(0)


async def test_without_a_dev_guild_commands_sync_globally_once(fake_discord, world, tmp_path, clock) -> None:
    from tests.support.harness import BotHarness, make_settings

    runner = BotHarness(fake_discord, make_settings(fake_discord, tmp_path / "data"), clock)
    try:
        await runner.start()
        assert fake_discord.command_sync_requests == 1
        assert {c["name"] for c in fake_discord.global_commands} >= {"help", "journal", "checkin", "pair"}
        assert not fake_discord.guild_commands.get(world.guild.id)
        await runner.restart()
        assert fake_discord.command_sync_requests == 1
        ix = await fake_discord.slash(world.alice, world.general, "help")
        await ix.response()
        assert ix.ephemeral
    finally:
        await runner.stop()


async def test_a_stop_while_connecting_to_the_gateway_ends_cleanly(
    fake_discord, world, tmp_path, clock
) -> None:
    """SIGTERM can arrive while discord.py is still opening the gateway (seen under load): the
    stop closes the HTTP session under the connect, and aiohttp then fails the connect with an
    AssertionError. That is a clean stop, not a crash (exit 0, no traceback)."""
    from bot.__main__ import serve
    from tests.support.harness import make_settings

    settings = make_settings(fake_discord, tmp_path / "data", discord_guild_id=world.guild.id)
    connecting, stopping = asyncio.Event(), asyncio.Event()
    built = []

    def on_built(bot) -> None:
        built.append(bot)

        async def ws_connect(url, **kwargs):
            connecting.set()
            await stopping.wait()
            raise AssertionError  # what aiohttp raised when its session was closed mid-connect

        bot.http.ws_connect = ws_connect

    running = asyncio.create_task(serve(settings, clock=clock, handle_signals=False, on_built=on_built))
    await asyncio.wait_for(connecting.wait(), 10)  # set up, and now connecting
    close = asyncio.create_task(built[0].close())
    await fake_discord.wait_for(built[0].is_closed)  # the stop has reached discord.py's close
    stopping.set()
    await asyncio.wait_for(close, 10)
    await asyncio.wait_for(running, 10)  # returns, raising nothing
