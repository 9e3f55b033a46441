"""The benchmark harness itself keeps working: `python -m bench --smoke` runs every benchmark at
the smallest scale and writes a results file (bench/README.md explains the real run)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # runs every benchmark in a child process (over a minute)

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.timeout(150)
def test_python_m_bench_smoke_runs_every_benchmark(tmp_path: Path) -> None:
    out = tmp_path / "RESULTS.md"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA"))}
    env["PYTHONPATH"] = str(REPO)
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--out", str(out), "--work", str(tmp_path / "work")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=140,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    text = out.read_text(encoding="utf-8")
    for heading in (
        "## 1. Interaction round-trip",
        "## 2. Under load",
        "## 3. Dispatch burst",
        "## 4. Cold start",
        "## 5. Storage",
        "## Targets",
    ):
        assert heading in text
    assert "discord.py 2.7" in text and "APScheduler" in text and "aiosqlite" in text
    assert "baseline: bare discord.py bot" in text
    assert "| failed" not in text, "an interaction failed in the smoke run"
    assert "Spec violations: 0" in text
