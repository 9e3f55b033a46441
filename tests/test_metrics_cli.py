"""`python -m bot check` reports the metrics settings: off, or where they would be served; a bad
METRICS_PORT is refused in one line like any other setting."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_cli import TOKEN, run_bot

pytestmark = pytest.mark.slow  # each test starts `python -m bot` in a child process


def test_check_says_metrics_are_off_or_where_they_would_be_served(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp_path)}
    off = run_bot("check", env=env, cwd=tmp_path)
    assert off.returncode == 0, off.stderr
    assert "Metrics: off (set METRICS_PORT to serve Prometheus metrics)" in off.stdout.splitlines()
    on = run_bot("check", env={**env, "METRICS_PORT": "9108", "METRICS_HOST": "0.0.0.0"}, cwd=tmp_path)
    assert on.returncode == 0, on.stderr
    assert "Metrics: http://0.0.0.0:9108/metrics" in on.stdout.splitlines()


def test_a_port_out_of_range_is_refused_in_one_line(tmp_path: Path) -> None:
    env = {"DISCORD_TOKEN": TOKEN, "XDG_DATA_HOME": str(tmp_path), "METRICS_PORT": "99999"}
    result = run_bot("check", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("attune: METRICS_PORT ")
    assert len(result.stderr.strip().splitlines()) == 1
