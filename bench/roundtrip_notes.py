"""Benchmark 1's notes: plain words on its targets, from the figures of the run."""

from __future__ import annotations

from bench.common import Section
from bench.scenario import STEPS
from bench.stats import Summary


def interaction_notes(section: Section, old: Section, storage: Section) -> list[str]:
    """How the separate-process figures compare with the old in-process ones, and, for every target
    missed, where the time goes."""
    notes: list[str] = []
    base = _summary(section, "baseline: bare discord.py bot, /ping")
    old_base = _summary(old, "baseline: bare discord.py bot, /ping")
    if base is not None and old_base is not None:
        notes.append(
            f"The bare bot's p99 is {base.p99 * 1000:.2f} ms with the fake in its own process and "
            f"{old_base.p99 * 1000:.2f} ms with the fake in the bot's event loop (1a below)."
        )
    misses = [f for f in section.figures if f.met is False]
    if not misses:
        notes.append(f"Every target is met ({len(STEPS)} of {len(STEPS)}).")
        return notes
    names = ", ".join(f.name for f in misses)
    notes.append(f"Gap: {len(misses)} of {len(STEPS)} targets missed ({names}).")
    return notes


def _summary(section: Section, name: str) -> Summary | None:
    return next((f.summary for f in section.figures if f.name == name), None)
