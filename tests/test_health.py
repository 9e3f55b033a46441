"""The heartbeat (bot/heartbeat.py) and `python -m bot health` (bot/health.py), in-process: the
verdict on written heartbeats (stale, disconnected, a dispatcher that stopped running), the lock
probe, the command line, and the heartbeat of a running bot (BotHarness) as the gateway drops and
comes back, as a job runs, and once it stops."""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from bot.__main__ import main
from bot.health import Thresholds, check_health, duration, judge
from bot.heartbeat import Heartbeat, heartbeat_path
from tests.support.couples import pair
from tests.support.harness import BotHarness

DISPATCHER = "attune:checkins:dispatch"
NOW = 1_800_000_000.0


def beat(**changes: Any) -> dict[str, Any]:
    """A heartbeat as a healthy bot writes it at NOW, with `changes` applied."""
    data: dict[str, Any] = {
        "version": 1,
        "pid": 4242,
        "started_at": NOW - 3600,
        "written_at": NOW - 2,
        "stopped_at": None,
        "gateway": {"connected": True, "connected_since": NOW - 3500, "disconnected_since": None},
        "jobs": {
            DISPATCHER: {
                "interval_seconds": 30,
                "installed_at": NOW - 3600,
                "last_started": NOW - 10,
                "last_finished": NOW - 9,
                "last_ok": NOW - 9,
            },
            "attune:progress:weekly": {
                "interval_seconds": 3600,
                "installed_at": NOW - 3600,
                "last_started": NOW - 3000,
                "last_finished": NOW - 2999,
                "last_ok": NOW - 2999,
            },
        },
        "last_post": NOW - 60,
        "schema": 23,
    }
    data.update(changes)
    return data


def dispatcher(**changes: Any) -> dict[str, Any]:
    jobs = beat()["jobs"]
    jobs[DISPATCHER].update(changes)
    return jobs


# -- the verdict on a heartbeat ---------------------------------------------------------------------


def test_a_fresh_heartbeat_of_a_connected_bot_whose_jobs_run_is_healthy() -> None:
    verdict = judge(beat(), Thresholds(), NOW)
    assert verdict.healthy and verdict.exit_code == 0
    assert verdict.line == "healthy: connected to Discord, 2 jobs running on time, schema 23"


def test_a_stale_heartbeat_means_the_bot_is_not_responding() -> None:
    verdict = judge(beat(written_at=NOW - 130), Thresholds(), NOW)
    assert verdict.exit_code == 1
    assert verdict.line == "bot is not responding (last heartbeat 2 min ago): restart it"
    assert judge(beat(written_at=NOW - 25), Thresholds(), NOW).healthy
    assert not judge(beat(written_at=NOW - 25), Thresholds(heartbeat_max_age=10), NOW).healthy


def test_disconnected_longer_than_the_grace_is_unhealthy_and_a_moment_is_not() -> None:
    gone = {"connected": False, "connected_since": None, "disconnected_since": NOW - 200}
    verdict = judge(beat(gateway=gone), Thresholds(), NOW)
    assert not verdict.healthy
    assert verdict.line.startswith("not connected to Discord for 3 min: ")
    blip = {"connected": False, "connected_since": None, "disconnected_since": NOW - 20}
    verdict = judge(beat(gateway=blip), Thresholds(), NOW)
    assert verdict.healthy and "reconnecting" in verdict.line
    assert not judge(beat(gateway=blip), Thresholds(disconnected_max=5), NOW).healthy


def test_a_dispatcher_that_has_not_run_for_minutes_is_unhealthy() -> None:
    verdict = judge(beat(jobs=dispatcher(last_started=NOW - 300, last_finished=NOW - 299)), Thresholds(), NOW)
    assert not verdict.healthy
    assert verdict.line.startswith(f"dispatcher {DISPATCHER} has not run for 5 min: ")
    # Late after 3 intervals, and 2 minutes at least: 100 s is fine by default, not with a 60 s floor.
    recent = beat(jobs=dispatcher(last_started=NOW - 100, last_finished=NOW - 99))
    assert judge(recent, Thresholds(), NOW).healthy
    assert not judge(recent, Thresholds(job_min_delay=60), NOW).healthy


def test_a_job_with_a_long_interval_is_judged_by_its_own_interval() -> None:
    jobs = beat()["jobs"]
    jobs["attune:progress:weekly"].update(last_started=NOW - 3 * 3600 + 60, last_finished=NOW - 3 * 3600 + 61)
    assert judge(beat(jobs=jobs), Thresholds(), NOW).healthy
    jobs["attune:progress:weekly"].update(last_started=NOW - 4 * 3600, last_finished=NOW - 4 * 3600 + 1)
    assert judge(beat(jobs=jobs), Thresholds(), NOW).line.startswith(
        "dispatcher attune:progress:weekly has not run for 4 h"
    )


def test_a_dispatcher_that_never_ran_since_it_was_installed_is_unhealthy() -> None:
    jobs = dispatcher(installed_at=NOW - 600, last_started=None, last_finished=None, last_ok=None)
    verdict = judge(beat(jobs=jobs), Thresholds(), NOW)
    assert verdict.line.startswith(f"dispatcher {DISPATCHER} has not run for 10 min")


def test_a_run_stuck_for_minutes_is_unhealthy() -> None:
    jobs = dispatcher(last_started=NOW - 600, last_finished=NOW - 630)
    verdict = judge(beat(jobs=jobs), Thresholds(), NOW)
    assert verdict.line.startswith(f"dispatcher {DISPATCHER} has been running for 10 min")


def test_a_bot_stopping_says_so() -> None:
    verdict = judge(beat(stopped_at=NOW - 1), Thresholds(), NOW)
    assert not verdict.healthy and "stopping" in verdict.line


def test_durations_read_as_a_person_reads_them() -> None:
    assert [duration(s) for s in (0, 45, 119, 120, 3599, 7199, 7200, 86400 * 3)] == [
        "0 s",
        "45 s",
        "119 s",
        "2 min",
        "59 min",
        "119 min",
        "2 h",
        "3 days",
    ]


# -- the lock and the file ---------------------------------------------------------------------------


@contextmanager
def bot_lock(database: Path) -> Iterator[None]:
    """Hold the database's process lock as a running bot does (bot/db/database.py)."""
    fd = os.open(f"{database}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    try:
        yield
    finally:
        os.close(fd)


def test_no_lock_held_means_no_bot_whatever_the_heartbeat_says(tmp_path: Path) -> None:
    database = tmp_path / "attune.db"
    assert check_health(database).line == f"no bot running on this database ({database}): start it"
    heartbeat_path(database).write_text(json.dumps(beat(written_at=time.time())))
    (tmp_path / "attune.db.lock").touch()  # left by a bot killed with SIGKILL: the OS dropped the lock
    verdict = check_health(database)
    assert not verdict.healthy and verdict.line.startswith("no bot running on this database")


def test_a_held_lock_is_judged_by_the_heartbeat_and_the_probe_leaves_it_held(tmp_path: Path) -> None:
    database = tmp_path / "attune.db"
    with bot_lock(database):
        assert "has written no heartbeat" in check_health(database).line
        heartbeat_path(database).write_text("{not json")
        assert "has written no heartbeat" in check_health(database).line
        written = beat(written_at=NOW - 2)
        heartbeat_path(database).write_text(json.dumps(written))
        assert check_health(database, now=NOW).healthy
        assert not check_health(database, now=NOW + 60).healthy
        assert check_health(database, now=NOW).healthy  # the probe took nothing away


def test_the_command_line_prints_one_line_and_exits_by_the_verdict(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "attune.db"
    monkeypatch.chdir(tmp_path)  # no .env of a developer's
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)  # health needs no token
    assert main(["health"]) == 1
    assert capsys.readouterr().out == f"no bot running on this database ({database}): start it\n"
    with bot_lock(database):
        heartbeat_path(database).write_text(json.dumps(beat(written_at=time.time())))
        assert main(["health"]) == 0
        assert capsys.readouterr().out.startswith("healthy: connected to Discord")
        assert main(["health", "--max-heartbeat-age", "-1"]) == 1
        assert capsys.readouterr().out.startswith("bot is not responding (last heartbeat 0 s ago)")
    monkeypatch.setenv("DATABASE_URL", "postgres://elsewhere")
    assert main(["health"]) == 2
    assert "DATABASE_URL" in capsys.readouterr().err


# -- writing the heartbeat --------------------------------------------------------------------------


def test_the_heartbeat_is_written_whole_and_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "attune.db.heartbeat"
    path.write_text("old")
    path.chmod(0o644)
    heartbeat = Heartbeat(path)
    heartbeat.job_installed(DISPATCHER, 30)
    heartbeat.gateway(connected=True)
    assert heartbeat.write()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = json.loads(path.read_text())
    assert written["pid"] == os.getpid()
    assert written["gateway"]["connected"] is True and written["gateway"]["disconnected_since"] is None
    assert written["jobs"][DISPATCHER]["interval_seconds"] == 30
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left behind


def test_a_full_disk_is_logged_once_and_the_heartbeat_carries_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "attune.db.heartbeat"
    heartbeat = Heartbeat(path)
    real_replace = os.replace

    def full(source: Any, destination: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("bot.heartbeat.os.replace", full)
    with caplog.at_level(logging.INFO, logger="bot.heartbeat"):
        assert not heartbeat.write()
        assert not heartbeat.write()
        monkeypatch.setattr("bot.heartbeat.os.replace", real_replace)
        assert heartbeat.write()
    messages = [r.getMessage() for r in caplog.records]
    assert len([m for m in messages if "Could not write the heartbeat" in m]) == 1
    assert len([m for m in messages if "works again" in m]) == 1
    assert json.loads(path.read_text())["pid"] == os.getpid()


def read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


async def test_a_running_bot_beats_through_a_dropped_gateway_and_marks_its_stop(
    attune: BotHarness, world: Any
) -> None:
    fake, bot = attune.fake, attune.running
    path = heartbeat_path(attune.settings.database_path)
    await fake.wait_for(lambda: path.exists() and read(path)["gateway"]["connected"])
    first = read(path)
    assert first["pid"] == os.getpid() and first["stopped_at"] is None
    assert first["schema"] == await bot.database.schema_version()
    assert first["jobs"][DISPATCHER]["interval_seconds"] == 30
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    # The harness removed every scheduler job; the heartbeat is no job, so it beats on.
    assert not bot.scheduler.get_jobs()
    assert check_health(attune.settings.database_path).healthy

    await attune.checkin_job.run_ready()
    await fake.wait_for(lambda: read(path)["jobs"][DISPATCHER]["last_ok"] is not None)
    # The last message posted in a channel, as discord.py's HTTP session saw it go out.
    assert read(path)["last_post"] is None
    before = time.time()
    await pair(attune, world, world.alice, world.bob)
    last_post = bot.heartbeat.snapshot()["last_post"]
    assert isinstance(last_post, float) and before <= last_post <= time.time()

    # The gateway drops and the reconnection stalls: the heartbeat says so at once, not 5 s later.
    arrived, release = fake.gateway.hold_connections()
    await fake.drop_gateway()
    await arrived.wait()
    await fake.wait_for(lambda: not read(path)["gateway"]["connected"], timeout=3)
    dropped = read(path)["gateway"]
    assert dropped["disconnected_since"] is not None and dropped["connected_since"] is None
    assert check_health(attune.settings.database_path).healthy  # a moment: discord.py reconnects
    verdict = check_health(attune.settings.database_path, Thresholds(disconnected_max=0))
    assert verdict.line.startswith("not connected to Discord for 0 s")
    release.set()
    await fake.wait_for(lambda: read(path)["gateway"]["connected"], timeout=10)

    await attune.stop()
    stopped = read(path)
    assert stopped["stopped_at"] is not None and not stopped["gateway"]["connected"]
    assert check_health(attune.settings.database_path).line.startswith("no bot running on this database")
