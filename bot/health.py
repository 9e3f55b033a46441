"""`python -m bot health`: is the bot on this database alive? One line, and an exit code.

Healthy (exit 0) when a bot holds the database's process lock, its heartbeat (bot/heartbeat.py)
is fresh, its gateway is connected (or dropped only moments ago: discord.py reconnects by itself),
and every recurring job it installed, the check-in dispatcher among them, started a run recently.
Otherwise exit 1, with one line saying what is wrong and what to do. Needs only DATABASE_URL.

The lock is probed with a non-blocking flock, released at once. Checked first, it is what tells a
stopped or killed bot (the OS drops the lock even on SIGKILL) from one that is only slow.
"""

from __future__ import annotations

import fcntl
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.heartbeat import heartbeat_path

HEARTBEAT_MAX_AGE = 30.0
DISCONNECTED_MAX = 60.0
JOB_MIN_DELAY = 120.0
JOB_INTERVALS_LATE = 3  # a job is late after this many of its intervals (and JOB_MIN_DELAY at least)


@dataclass(frozen=True)
class Thresholds:
    """How long each thing may be behind before the bot counts as unhealthy, in seconds."""

    heartbeat_max_age: float = HEARTBEAT_MAX_AGE
    disconnected_max: float = DISCONNECTED_MAX
    job_min_delay: float = JOB_MIN_DELAY

    def job_late_after(self, interval: float) -> float:
        return max(JOB_INTERVALS_LATE * interval, self.job_min_delay)


@dataclass(frozen=True)
class Verdict:
    healthy: bool
    line: str

    @property
    def exit_code(self) -> int:
        return 0 if self.healthy else 1


def bot_holds_lock(database_path: Path) -> bool:
    """Whether a process holds the database's lock (bot/db/database.py takes it for the bot's life)."""
    try:
        fd = os.open(f"{database_path}.lock", os.O_RDONLY)
    except FileNotFoundError:
        return False  # no bot has ever run on this database
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def read_heartbeat(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def check_health(
    database_path: Path, thresholds: Thresholds = Thresholds(), *, now: float | None = None
) -> Verdict:
    if not bot_holds_lock(database_path):
        return Verdict(False, f"no bot running on this database ({database_path}): start it")
    beat = read_heartbeat(heartbeat_path(database_path))
    if beat is None:
        return Verdict(
            False,
            "a bot holds the database but has written no heartbeat: it is starting "
            "(try again in a minute) or stuck (restart it)",
        )
    return judge(beat, thresholds, time.time() if now is None else now)


def judge(beat: dict[str, Any], thresholds: Thresholds, now: float) -> Verdict:
    """The verdict on a heartbeat whose bot holds the lock."""
    if beat.get("stopped_at") is not None:
        return Verdict(False, "the bot is stopping: wait for it to stop, then start it again")
    age = now - _time(beat.get("written_at"), 0.0)
    if age > thresholds.heartbeat_max_age:
        return Verdict(False, f"bot is not responding (last heartbeat {duration(age)} ago): restart it")
    gateway = beat.get("gateway") or {}
    if not gateway.get("connected"):
        down = now - _time(gateway.get("disconnected_since"), _time(beat.get("started_at"), now))
        if down > thresholds.disconnected_max:
            return Verdict(
                False,
                f"not connected to Discord for {duration(down)}: check the network, "
                "and Discord's status (discordstatus.com)",
            )
    jobs: dict[str, Any] = beat.get("jobs") or {}
    for job_id, job in sorted(jobs.items()):
        problem = _job_problem(job_id, job, thresholds, now)
        if problem is not None:
            return Verdict(False, problem)
    schema = beat.get("schema")
    state = "connected to Discord" if gateway.get("connected") else "reconnecting to Discord"
    return Verdict(True, f"healthy: {state}, {len(jobs)} jobs running on time, schema {schema}")


def _job_problem(job_id: str, job: dict[str, Any], thresholds: Thresholds, now: float) -> str | None:
    late_after = thresholds.job_late_after(_time(job.get("interval_seconds"), 0.0))
    started = job.get("last_started")
    finished = job.get("last_finished")
    if started is not None and (finished is None or finished < started) and now - started > late_after:
        return (
            f"dispatcher {job_id} has been running for {duration(now - started)}: see the log, then restart"
        )
    since = _time(started, _time(job.get("installed_at"), now))
    if now - since > late_after:
        return f"dispatcher {job_id} has not run for {duration(now - since)}: see the log, then restart"
    return None


def _time(value: object, default: float) -> float:
    return float(value) if isinstance(value, int | float) else default


def duration(seconds: float) -> str:
    """'45 s', '3 min', '2 h', '3 days': as a person reads it, rounded down."""
    seconds = max(0, int(seconds))
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 2 * 3600:
        return f"{seconds // 60} min"
    if seconds < 2 * 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} days"
