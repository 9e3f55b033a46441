"""Benchmark 1's notes: plain words on its targets, from the figures of the run, and where the
time goes (from profiling the bot's process: see PROFILE)."""

from __future__ import annotations

from bench.common import Section
from bench.scenario import STEPS
from bench.stats import Summary

BASELINE = "baseline: bare discord.py bot, /ping"

# Where the bot's time goes, from py-spy (`py-spy record -r 1000 --pid <bench process>` during 2,000
# of one interaction) and cProfile over the same, with the fake in its own process.
PROFILE = "Profiled (py-spy and cProfile of the bot's process over 2,000 of each): ..."


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
    names = ", ".join(f.name for f in misses)
    notes.append(f"Gap: {len(misses)} of {len(STEPS)} targets missed ({names}). {PROFILE}")
    return notes


def _short(name: str) -> str:
    return "the bare bot's /ping" if name == BASELINE else name


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def _summary(section: Section, name: str) -> Summary | None:
    return next((f.summary for f in section.figures if f.name == name), None)
