"""Medians and percentiles, nearest-rank (no interpolation: every figure is a value that happened)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Summary:
    n: int
    median: float
    p99: float
    max: float


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summarize(values: Sequence[float]) -> Summary:
    return Summary(
        n=len(values),
        median=percentile(values, 50),
        p99=percentile(values, 99),
        max=max(values) if values else math.nan,
    )
