"""Registering Attune's recurring jobs with APScheduler, the one way every feature does it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any


def install_interval_job(
    scheduler: Any, run: Callable[[], Awaitable[None]], *, job_id: str, seconds: float
) -> None:
    """A job that runs now and then every `seconds`: one instance at a time, missed runs folded
    into one, never skipped for being late. A stable id, so installing again replaces it."""
    scheduler.add_job(
        run,
        "interval",
        seconds=seconds,
        id=job_id,
        replace_existing=True,
        next_run_time=datetime.now(UTC),
        max_instances=1,
        coalesce=True,
        misfire_grace_time=None,
    )
