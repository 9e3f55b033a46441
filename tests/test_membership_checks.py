"""bot/membership.py: whom the check-in dispatcher asks about before a server's whole check is done."""

from __future__ import annotations

import asyncio
from collections.abc import Collection

from bot.membership import MembershipChecks


class Asked:
    def __init__(self, unanswered: Collection[int] = ()) -> None:
        self.calls: list[tuple[int, list[int]]] = []
        self.unanswered = set(unanswered)

    async def __call__(self, guild_id: int, user_ids: Collection[int]) -> Collection[int]:
        self.calls.append((guild_id, sorted(user_ids)))
        return [u for u in user_ids if u not in self.unanswered]


async def test_people_are_asked_about_once_a_session_until_the_servers_whole_check_is_done() -> None:
    checks = MembershipChecks()
    asked = Asked(unanswered=[4])
    checks.verifier = asked
    checks.begin_session([10, 20])
    assert checks.unchecked == {10, 20} and checks.pending == {10, 20}

    await checks.verify(10, [1, 2], patience=1)
    await checks.verify(10, [1, 2, 3, 4], patience=1)  # 1 and 2 were checked already
    await checks.verify(10, [4], patience=1)  # Discord did not answer about 4: asked again
    assert asked.calls == [(10, [1, 2]), (10, [3, 4]), (10, [4])]

    checks.done(10)  # the whole check finished: nobody in it is asked about one by one again
    await checks.verify(10, [5], patience=1)
    assert asked.calls[-1] == (10, [4]) and checks.unchecked == {20}

    checks.begin_session([10])  # a new session: everything is unchecked again
    await checks.verify(10, [1], patience=1)
    assert asked.calls[-1] == (10, [1])


async def test_a_server_given_up_on_is_not_asked_about_until_it_arrives() -> None:
    checks = MembershipChecks()
    asked = Asked()
    checks.verifier = asked
    checks.begin_session([10])
    checks.give_up(10)
    await checks.verify(10, [1], patience=1)
    assert asked.calls == []
    checks.expect([10])  # its GUILD_CREATE came: its check starts, the dispatcher asks again
    await checks.verify(10, [1], patience=1)
    assert asked.calls == [(10, [1])]


async def test_without_a_verifier_the_dispatcher_waits_for_every_check() -> None:
    checks = MembershipChecks()
    checks.begin_session([10])
    waiting = asyncio.create_task(checks.verify(10, [1], patience=5))
    await asyncio.sleep(0.01)
    assert not waiting.done()
    checks.done(10)
    await asyncio.wait_for(waiting, 1)
