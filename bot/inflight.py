"""Work in flight: every task a Discord event or a scheduled job starts, and every task those start.

Shutdown and the tests need to know when the bot has settled (no handler, post or job still
running), not merely when the first visible sign of some work appeared. discord.py starts a task
per event handler, per command, per button press; APScheduler starts one per job run. Rather than
wrap each of those call sites, the two places all of them come from mark the current context as
"ours" (a context variable): the gateway's event parsers and the scheduler's executor. A loop task
factory then records each task created in such a context, and a task inherits its creator's
context, so whatever a handler spawns is counted too.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Callable, Coroutine, Generator, Iterator
from contextlib import contextmanager
from typing import Any

from apscheduler.executors.asyncio import AsyncIOExecutor

_OURS: contextvars.ContextVar[bool] = contextvars.ContextVar("attune_work", default=False)

# discord.py's view timeout waits out a view's whole timeout: idle, not work.
_IGNORED_COROUTINES = ("__timeout_task_impl",)

TaskFactory = Callable[..., "asyncio.Future[Any]"]


@contextmanager
def counted() -> Iterator[None]:
    """Tasks created inside this block (and everything they create) count as work in flight."""
    token = _OURS.set(True)
    try:
        yield
    finally:
        _OURS.reset(token)


def counting_parser(parse: Callable[[Any], None]) -> Callable[[Any], None]:
    """Wrap a discord.py gateway event parser so the handler tasks it starts are counted."""

    def parse_counted(data: Any) -> None:
        with counted():
            parse(data)

    return parse_counted


class CountingExecutor(AsyncIOExecutor):  # type: ignore[misc]
    """APScheduler's asyncio executor, with each job run counted as work in flight."""

    def _do_submit_job(self, job: Any, run_times: Any) -> Any:
        with counted():
            return super()._do_submit_job(job, run_times)


class InFlight:
    """Counts the tasks started in a counted context until they finish."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()
        self._idle = asyncio.Event()
        self._idle.set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._previous: TaskFactory | None = None

    @property
    def busy(self) -> bool:
        return bool(self._tasks)

    def describe(self) -> list[str]:
        return sorted(_name_of(task) for task in self._tasks)

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Record counted tasks on `loop` (once; chained to any factory already there)."""
        if self._loop is not None:
            return
        self._loop = loop
        self._previous = loop.get_task_factory()
        loop.set_task_factory(self._factory)

    def uninstall(self) -> None:
        if self._loop is not None and self._loop.get_task_factory() == self._factory:
            self._loop.set_task_factory(self._previous)
        self._loop = None

    def _factory(
        self,
        loop: asyncio.AbstractEventLoop,
        coro: Coroutine[Any, Any, Any] | Generator[Any, None, Any],
        **kw: Any,
    ) -> asyncio.Future[Any]:
        if self._previous is not None:
            task = self._previous(loop, coro, **kw)
        else:
            task = asyncio.Task(coro, loop=loop, **kw)
        if _OURS.get() and not getattr(coro, "__qualname__", "").endswith(_IGNORED_COROUTINES):
            self._tasks.add(task)
            self._idle.clear()
            task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Future[Any]) -> None:
        self._tasks.discard(task)
        if not self._tasks:
            self._idle.set()

    async def wait_idle(self, within: float) -> bool:
        """Wait until nothing counted is running; False when `within` seconds passed first."""
        try:
            await asyncio.wait_for(self._idle.wait(), within)
        except TimeoutError:
            return False
        return True


def _name_of(task: asyncio.Future[Any]) -> str:
    if isinstance(task, asyncio.Task):
        coro = task.get_coro()
        return f"{task.get_name()} ({getattr(coro, '__qualname__', '?')})"
    return repr(task)
