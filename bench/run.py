"""`python -m bench`: every benchmark against the tests' fake Discord, then bench/RESULTS.md.

    python -m bench            the full run (long: benchmark 3 alone takes about 18 minutes)
    python -m bench --quick    scaled down, under 3 minutes
    python -m bench --smoke    the smallest path through every benchmark (the test suite runs it)

Generated data lives in bench/.work/ (git-ignored). Figures are medians and p99s over several
runs; each ratio is against a baseline measured in the same run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import time
from datetime import UTC, datetime
from pathlib import Path

from bench import common
from bench.burst import bench_burst
from bench.cold_start import bench_cold_start
from bench.common import BENCH, FULL, QUICK, SMOKE, Scale, Section
from bench.load import bench_load
from bench.results import render
from bench.roundtrip import bench_interactions


async def run_all(scale: Scale, only: set[str]) -> list[Section]:
    sections: list[Section] = []
    if "1" in only or "5" in only:
        print("bench: 1/5 interaction round-trip and storage", flush=True)
        interactions, in_process, storage = await bench_interactions(scale)
        sections += [interactions, in_process]
        storage_section = storage
    else:
        storage_section = None
    if "2" in only:
        print("bench: 2 under load", flush=True)
        sections.append(await bench_load(scale))
    if "3" in only:
        print("bench: 3 dispatch burst", flush=True)
        sections.append(await bench_burst(scale))
    if "4" in only:
        print("bench: 4 cold start", flush=True)
        sections.append(await bench_cold_start(scale))
    if storage_section is not None:
        sections.append(storage_section)
    return sections


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="scaled down: a couple of minutes")
    size.add_argument("--smoke", action="store_true", help="the smallest path through every benchmark")
    parser.add_argument("--only", default="12345", help="which benchmarks, e.g. 14 (default: all)")
    parser.add_argument("--out", type=Path, default=None, help="where to write the results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default bench/.work)")
    args = parser.parse_args(argv)
    common.WORK = work = args.work or common.WORK
    scale = SMOKE if args.smoke else QUICK if args.quick else FULL
    out = args.out or (BENCH / "RESULTS.md" if scale is FULL else work / f"RESULTS-{scale.name}.md")
    work.mkdir(parents=True, exist_ok=True)
    logging.basicConfig(
        level=logging.WARNING,
        filename=work / "bench.log",
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    started = datetime.now(UTC)
    clock = time.monotonic()
    sections = asyncio.run(run_all(scale, set(args.only)))
    text = render(sections, scale, started, time.monotonic() - clock)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    print(text)
    print(f"bench: wrote {out}", flush=True)
    return 0
