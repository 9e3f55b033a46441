"""Recurring jobs (bot/jobs.py): a wake asked for while a run is in flight is not dropped (the
scheduler skips a run that would overlap one), but a run that asks for itself waits its interval."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from apscheduler.events import EVENT_JOB_MAX_INSTANCES
from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.jobs import IntervalJob


async def until(condition: object, within: float = 10.0) -> None:
    deadline = asyncio.get_running_loop().time() + within
    while not condition():  # type: ignore[operator]
        assert asyncio.get_running_loop().time() < deadline, "the scheduler did not get there"
        await asyncio.sleep(0.01)


async def test_a_wake_during_a_run_is_run_after_it() -> None:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    runs: list[int] = []
    first_started, release = asyncio.Event(), asyncio.Event()

    async def run() -> None:
        runs.append(len(runs) + 1)
        first_started.set()
        if len(runs) == 1:
            await release.wait()

    skipped: list[object] = []
    scheduler.add_listener(skipped.append, EVENT_JOB_MAX_INSTANCES)
    job = IntervalJob(scheduler, run, job_id="test:wake", seconds=3600)
    try:
        job.install()
        await first_started.wait()
        job.run_at(datetime.now(UTC))  # a schedule changed, from outside the run
        await until(lambda: skipped)  # the scheduler found it due while the run was in flight
        release.set()
        await until(lambda: len(runs) == 2)
    finally:
        scheduler.shutdown(wait=False)


async def test_a_run_that_asks_for_itself_waits_for_its_interval() -> None:
    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.start()
    runs: list[int] = []
    job: IntervalJob | None = None

    async def run() -> None:
        runs.append(1)
        assert job is not None
        job.run_at(datetime.now(UTC))  # e.g. what it could not record is still due
        await asyncio.sleep(0.05)

    job = IntervalJob(scheduler, run, job_id="test:self", seconds=3600)
    try:
        job.install()
        later = datetime.now(UTC) + timedelta(seconds=600)

        def rescheduled() -> bool:
            found = scheduler.get_job("test:self")
            return bool(runs) and found is not None and found.next_run_time > later

        await until(rescheduled)
        assert runs == [1]
    finally:
        scheduler.shutdown(wait=False)
