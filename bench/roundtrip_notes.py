"""Benchmark 1's notes: plain words on its targets, from the figures of the run, and where the
time goes (from profiling the bot's process: see PROFILE)."""

from __future__ import annotations

from bench.common import Section
from bench.scenario import STEPS
from bench.stats import Summary

BASELINE = "baseline: bare discord.py bot, /ping"

# Where the bot's time goes, from profiling its process with the fake in its own (py-spy at 1 kHz
# and cProfile over 2,000 of each interaction, and the stages timed one by one: gateway message
# read, Interaction built, command reached, reply begun, request built, request sent), every
# interaction after the same 20 ms pause as here.
PROFILE = (
    "Where the time goes (profiled: py-spy and cProfile of the bot's process, and each stage timed, "
    "the fake in its own process): in both bots about a quarter of the bot's share is discord.py "
    "reading the event (zlib, JSON, the Interaction and Member objects) and a third to a half is "
    "discord.py and aiohttp building and writing the callback request; Attune's extra is (1) /help: "
    "its reply, an embed and an 11-option select (2.2 KB of JSON against /ping's 59 bytes), built "
    "once but still turned into a payload, encoded and written by discord.py for every reply, and "
    "parsed back from the callback's answer; (2) the Answer button: its one read (a hop to "
    "aiosqlite's worker thread and back, 0.2-0.4 ms), opening the earlier answer, and discord.py "
    "rebuilding the round message's view to find the button, then the form; (3) the saves: one "
    "committed statement each (the hop plus SQLite's WAL commit); (4) everywhere: Python's cyclic "
    "garbage collector (above), whose young collections free the reference cycles discord.py leaves "
    "behind each interaction and land on whichever interaction runs then, which is what the p99s "
    "pick up. What would close the rest: point reads on the event loop itself (a second, read-only "
    "SQLite connection: tens of microseconds instead of a thread hop), or the open rounds kept in "
    "memory like the owed DM notices, for the Answer button; /help's JSON body sent pre-encoded, "
    "past discord.py's reply path (it has no public way to); young collections moved to idle "
    "moments."
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
