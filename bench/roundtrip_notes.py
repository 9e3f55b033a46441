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
    "perf_counter, the fake in its own process; medians at quick scale, from the gateway message "
    "read): the bare /ping is parsed at 0.24 ms, begins its reply at 0.34 ms and has sent it at "
    "0.69 ms. The Answer button is parsed at 0.45 ms (the event carries the whole round message, "
    "which discord.py turns into a Message), reaches Attune's callback at 0.68 ms (discord.py "
    "rebuilds the message's view to find the pressed button, then Attune's DynamicItem is made "
    "from its custom_id), has its one read done at 0.88 ms (on the event loop since this round: "
    "the query, the earlier answer decrypted), begins the form at 1.11 ms (the question and the "
    "form built) and has sent it at 1.57 ms (the form's JSON, 4 times /ping's). The saves commit "
    "one statement each through aiosqlite's worker thread (0.45 ms from the hop out to the "
    "commit's answer back) before they reply. /help's reply is an embed and an 11-option select "
    "(2.2 KB of JSON against /ping's 59 bytes), built once but encoded and written by discord.py "
    "for every reply. Python's garbage collector now runs while the bot is idle (above). What is "
    "left is discord.py's own work for a bigger event and a bigger reply, which a bare /ping does "
    "not do: an Answer button's p99 within 1.5 × a bare reply's leaves it about 0.5 ms of work at "
    "the tail, and it does 0.9 ms more at the median."
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
            + ". The rest is the fake's side (building and sending the event, reading the request) "
            "and the loopback, the same for both bots."
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
