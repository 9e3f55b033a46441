"""Benchmark 1's notes: plain words on its targets, from the figures of the run, and where the
time goes (from profiling the bot's process: see PROFILE)."""

from __future__ import annotations

from bench.common import Section
from bench.scenario import STEPS
from bench.stats import Summary

BASELINE = "baseline: bare discord.py bot, /ping"

# Where the bot's time goes, from profiling its process with the fake in its own (py-spy, cProfile,
# and the stages timed one by one with perf_counter: gateway message read, Interaction parsed,
# dynamic item dispatched, Attune's callback reached, SQL done, reply begun, request sent), every
# interaction after the same 20 ms pause as here (a pause leaves the CPU's caches cold, so each
# stage costs 3 to 5 times what a hot loop of it does).
PROFILE = (
    "Where the time goes (profiled: cProfile of the bot's process and each stage timed with "
    "perf_counter, the fake in its own process, both bots taking turns; medians at quick scale, "
    "from the gateway message read): the bare /ping has its Interaction parsed at 0.24 ms, begins "
    "its reply at 0.33 ms, hands it to aiohttp at 0.43 ms and has sent it at 0.65 ms. The Answer "
    "button is parsed at 0.41 ms (its event carries the whole round message, which discord.py "
    "turns into a Message: 0.16 ms against /ping's 0.09), its DynamicItem task starts at 0.46 ms, "
    "discord.py has rebuilt the message's view to find the pressed button at 0.55 ms, Attune's "
    "callback starts at 0.60 ms, its one read is done at 0.78 ms (0.15 ms: the first read after a "
    "commit elsewhere makes SQLite reload its pages, 0.02 ms when they are warm), the earlier "
    "answer is decrypted at 0.86 ms, the form is built at 0.98 ms, handed to aiohttp at 1.12 ms "
    "and sent at 1.38 ms. aiohttp's own preparation of a request (URL, headers, the pooled "
    "connection) is 0.2 ms for both bots. Tried and measured without a gain end to end: warming "
    "the read connection's pages after each commit (its read 0.16 to 0.11 ms), and answering "
    "buttons without discord.py rebuilding the view (0.05 ms at the median). The saves commit one "
    "statement each through aiosqlite's worker thread (0.45 ms from the hop out to the commit's "
    "answer back) before they reply. What is left is discord.py's own work on a component's "
    "bigger event and a form's bigger reply, one read and one decryption: 0.7 to 0.8 ms more than "
    "a bare /ping at the median, where a p99 within 1.5 × a bare reply's leaves about 0.6 ms at "
    "the tail."
)


def interaction_notes(section: Section, old: Section, own: dict[str, Summary]) -> list[str]:
    """How the separate-process figures compare with the old in-process ones, the bot's own share
    of each, and, for every target missed, where the time goes."""
    notes: list[str] = []
    base, old_base = _summary(section, BASELINE), _summary(old, BASELINE)
    if base is not None and old_base is not None:
        notes.append(
            f"The bare bot's p99 is {_ms(base.p99)} with the fake in its own process and "
            f"{_ms(old_base.p99)} with the fake in the bot's event loop (1a below)."
        )
    if own:
        notes.append(
            "The bot's own share of each round-trip, timed in its process from the gateway message "
            "read to the callback request sent (bench/botside.py), median / p99: "
            + "; ".join(f"{_short(name)} {_ms(s.median)} / {_ms(s.p99)}" for name, s in own.items())
            + ". The rest is the loopback and the fake's sockets, the same for both bots."
        )
    misses = [f for f in section.figures if f.met is False]
    if not misses:
        notes.append(f"Every target is met ({len(STEPS)} of {len(STEPS)}).")
        return notes
    base_own = own.get(BASELINE)
    gaps = []
    for figure in misses:
        mine = own.get(figure.name)
        share = ""
        if mine is not None and base_own is not None:
            share = f", the bot's share {_ms(mine.median)} against {_ms(base_own.median)}"
        gaps.append(f"{figure.name} ({figure.ratio or 0:.2f}× for {figure.target.split('≤ ')[-1]}{share})")
    notes.append(f"Gap: {len(misses)} of {len(STEPS)} targets missed: {'; '.join(gaps)}. {PROFILE}")
    return notes


def _short(name: str) -> str:
    return "the bare bot's /ping" if name == BASELINE else name


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _summary(section: Section, name: str) -> Summary | None:
    return next((f.summary for f in section.figures if f.name == name), None)
