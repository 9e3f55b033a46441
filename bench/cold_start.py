"""Benchmark 4: cold start of the real `python -m bot` process with many active schedules."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import sys
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.common import REPO, Figure, Scale, Section, cipher, copy_db, fresh_dir, prompt_ids
from bench.seed import SeedSpec, seed
from bench.stats import summarize
from bench.world import add_threads, members, running_fake
from tests.fake_discord.server import FakeDiscord
from tests.support.harness import TEST_KEY

GUILD_READY_TIMEOUT = 2.0  # discord.py's default, which `python -m bot` keeps
FIRST_ROUND_TARGET = 0.5  # seconds from READY, with scale.cold_schedules active schedules
MEMORY_TARGET_KB = 0.1  # a schedule, above the 5-schedule bot (medians of peak RSS)


def proc_status(pid: int) -> dict[str, int]:
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status", encoding="ascii") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0]) * 1024
    return values


async def cold_start_once(
    fake: FakeDiscord, guild_id: int, template: Path, run_dir: Path, thread_ids: set[int], settle: float
) -> dict[str, float]:
    data = run_dir / "data"
    shutil.rmtree(data, ignore_errors=True)
    copy_db(template, data)
    ready_at: list[float] = []
    original = fake.gateway._ready_payload

    def ready_payload(session: Any) -> dict[str, Any]:
        ready_at.append(time.monotonic())
        return original(session)

    fake.gateway._ready_payload = ready_payload
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "DATA"))}
    env.update(
        DISCORD_TOKEN=fake.token,
        DISCORD_API_BASE=fake.api_base,
        DISCORD_GUILD_ID=str(guild_id),
        DATABASE_URL=f"sqlite:///{data / 'attune.db'}",
        DATA_ENCRYPTION_KEY=TEST_KEY,
        LOG_LEVEL="INFO",
        PYTHONPATH=str(REPO),
    )
    seen = len(fake.requests)
    with (run_dir / "bot.log").open("ab") as out:
        started = time.monotonic()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=run_dir, env=env, stdout=out, stderr=out
        )
        first_round = float("nan")
        memory: dict[str, int] = {}
        try:
            deadline = started + 60
            while time.monotonic() < deadline and process.returncode is None:
                found = any(
                    r.method == "POST"
                    and r.status == 200
                    and r.path.startswith("/channels/")
                    and int(r.path.split("/")[2]) in thread_ids
                    for r in fake.requests[seen:]
                )
                if found:
                    first_round = time.monotonic()
                    break
                await asyncio.sleep(0.005)
            # The peak is read once on_ready has fired too (the jobs that wait for it have run):
            # `settle` seconds after the later of the first round and READY + guild_ready_timeout.
            on_ready = (ready_at[0] if ready_at else started) + GUILD_READY_TIMEOUT
            await asyncio.sleep(max(0.0, on_ready - time.monotonic()) + settle)
            if process.returncode is None:
                memory = proc_status(process.pid)
        finally:
            fake.gateway._ready_payload = original
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                try:
                    await asyncio.wait_for(process.wait(), 15)
                except TimeoutError:
                    process.kill()
                    await process.wait()
    ready = ready_at[0] if ready_at else float("nan")
    return {
        "ready": ready - started,
        "first_round": first_round - started,
        "first_after_ready": first_round - ready,
        "peak": float(memory.get("VmHWM", 0)),
        "rss": float(memory.get("VmRSS", 0)),
        "exit": float(process.returncode if process.returncode is not None else -1),
    }


async def bench_cold_start(scale: Scale) -> Section:
    section = Section("4. Cold start of `python -m bot`")
    due_now = 5
    async with running_fake() as fake:
        guild = fake.add_guild("Home")
        general = fake.add_text_channel(guild, "couples")
        people = members(fake, guild, "p", 2 * due_now)
        threads = add_threads(
            fake, guild, general, [(people[2 * i].id, people[2 * i + 1].id) for i in range(due_now)]
        )
        thread_ids = {t.id for t in threads}
        run_dir = fresh_dir("cold")
        now = int(time.time())
        base = SeedSpec(
            real_user_ids=[p.id for p in people],
            real_thread_ids=[t.id for t in threads],
            guild_id=guild.id,
            channel_id=general.id,
            now=now,
            due_at=[now - 1] * due_now,  # due right away (well inside the 2 h grace)
        )
        small = replace(base, couples=due_now, schedules=due_now)
        large = replace(base, couples=scale.cold_schedules, schedules=scale.cold_schedules)
        templates = {}
        for label, spec in (("empty", small), ("large", large)):
            path = run_dir / f"{label}.db"
            report = await asyncio.to_thread(seed, path, cipher(), spec, prompt_ids())
            templates[label] = path
            section.facts.append(
                f"{label}: {spec.schedules:,} active schedules ({spec.couples:,} couples), "
                f"{report.size_bytes / 1e6:.1f} MB, seeded in {report.seconds:.1f} s."
            )
        results: dict[str, list[dict[str, float]]] = {"empty": [], "large": []}
        for _ in range(scale.cold_runs):
            for label in ("empty", "large"):
                results[label].append(
                    await cold_start_once(
                        fake, guild.id, templates[label], run_dir / label, thread_ids, scale.settle
                    )
                )
        violations = len(fake.violations)
    for label, count in (("empty", due_now), ("large", scale.cold_schedules)):
        runs = results[label]
        for key, title in (
            ("ready", "process start → READY (s)"),
            ("first_round", "process start → first round sent (s)"),
            ("first_after_ready", "READY → first round sent (s)"),
        ):
            summary = summarize([r[key] for r in runs])
            target, met = "", None
            if key == "first_after_ready" and label == "large":
                target, met = f"≤ {FIRST_ROUND_TARGET} s", summary.max <= FIRST_ROUND_TARGET
            section.figures.append(Figure(f"{count:,} schedules: {title}", summary, target, met))
        peaks = summarize([r["peak"] / 1e6 for r in runs])
        section.figures.append(Figure(f"{count:,} schedules: peak RSS (MB)", peaks))
    empty_peak = summarize([r["peak"] for r in results["empty"]]).median
    large_peak = summarize([r["peak"] for r in results["large"]]).median
    per_schedule = (large_peak - empty_peak) / (scale.cold_schedules - due_now) / 1024
    section.figures.append(
        Figure(
            "memory per schedule above the 5-schedule bot (KB, medians of peak RSS)",
            None,
            f"≤ {MEMORY_TARGET_KB} KB",
            per_schedule <= MEMORY_TARGET_KB,
            None,
            f"{per_schedule:.3f} KB ({(large_peak - empty_peak) / 1e6:+.1f} MB for "
            f"{scale.cold_schedules - due_now:,} more schedules)",
        )
    )
    section.facts += [
        "READY = the fake sending the gateway READY; discord.py then waits guild_ready_timeout (2 s, "
        "the library default, which `python -m bot` keeps) for GUILD_CREATEs before on_ready. The "
        "check-in dispatcher does not wait for on_ready: it starts when READY is parsed, asks Discord "
        "(gateway op 8) about just the partners of the rounds due, then posts; the server's whole "
        "membership check (every couple of the benchmark is in the one server) goes on meanwhile, "
        "a page of 100 people at a time, paced.",
        f"{due_now} of the schedules are due at start; peak RSS = VmHWM of the bot process "
        f"{scale.settle:.1f} s after the later of its first round and on_ready (READY + 2 s), so "
        "the jobs that wait for on_ready have run their first tick too. Exit codes on SIGTERM: "
        f"{sorted({int(r['exit']) for rs in results.values() for r in rs})}. Spec violations: {violations}.",
    ]
    return section
