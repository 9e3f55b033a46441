"""Mood charts, rendered off-screen with matplotlib's Agg backend into PNG bytes.

Made to be read on a phone in Discord's dark theme: large type (about 3% of the width, so it stays
readable when Discord shrinks the picture to a phone's width), Discord's own dark background, the
Okabe-Ito colour-blind-safe palette, and a different marker and line style per person so colour is
never the only cue. Uses matplotlib's object API (no pyplot): no global state, safe in a worker thread;
matplotlib itself is imported when a chart is first drawn, not when the bot starts.

What a chart shows:

* nothing until there are moods on MIN_DAYS different days (`render_mood_chart` returns None and the
  caller says so in words): one or two dots in an empty frame read as a verdict, not a trend;
* each person's day as one dot, the day's average, with an error bar for the day's range
  (the person's own local dates: the caller passes local datetimes);
* a window from the first day with a mood (or the start of the asked period) to today, so the first
  days aren't lost in an empty month, with margins wide enough that no dot is ever cut at an edge;
* every date tick as "24 Nov" (the year added only where a window crosses one), in English month
  abbreviations chosen here, never the machine's locale, and no offset text in a corner;
* lines join days at most GAP_DAYS apart; across a longer gap the dots stand alone (no line pretends
  to know those days);
* over more than WEEKLY_AFTER_DAYS days, a dot a week (its days' average) instead of a blur of days.
"""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

WIDTH_PX, HEIGHT_PX, DPI = 1200, 900, 100
BACKGROUND = "#2b2d31"
FOREGROUND = "#f2f3f5"
GRID = "#4e5058"
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
MARKERS = ("o", "s", "^", "D")
LINESTYLES: tuple[Literal["-", "--", "-.", ":"], ...] = ("-", "--", "-.", ":")
MOOD_LABELS = {1: "really\nhard", 2: "low", 3: "okay", 4: "good", 5: "really\ngood"}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

RANGE_ALPHA, RANGE_WIDTH, LINE_WIDTH = 0.7, 3.5, 4.5
MIN_DAYS = 3  # a chart needs moods on this many different days
GAP_DAYS = 2  # days further apart than this are not joined by a line
WEEKLY_AFTER_DAYS = 62  # a longer window shows a dot a week
MAX_TICKS = 6
TICK_STEPS = (1, 2, 3, 7, 14, 28, 56, 91)
AXES_BOX = (0.19, 0.14, 0.76, 0.66)  # left, bottom, width, height (figure fractions)
AXES_HEIGHT_ALONE = 0.72  # one person: no names under the title, so the chart takes their room
Y_LIMITS = (0.55, 5.45)
TITLE_PT, TEXT_PT = 33, 27
NAME_MAX = 16


@dataclass(frozen=True)
class Line:
    """One person's moods; each datetime is already in that person's own time zone."""

    label: str
    points: tuple[tuple[datetime, int], ...]


@dataclass(frozen=True)
class Day:
    """One person's day: the average mood and the range it moved in."""

    day: date
    mean: float
    low: int
    high: int


def daily(points: Sequence[tuple[datetime, int]], start: date | None = None) -> list[Day]:
    """One Day per local date from `start` on, in date order."""
    by_day: dict[date, list[int]] = defaultdict(list)
    for at, mood in points:
        if start is None or at.date() >= start:
            by_day[at.date()].append(mood)
    return [
        Day(day, sum(moods) / len(moods), min(moods), max(moods)) for day, moods in sorted(by_day.items())
    ]


def weekly(days: Sequence[Day], start: date, end: date) -> list[Day]:
    """Days gathered into Monday-to-Sunday weeks, each drawn mid-week (within start..end): for long
    windows, where a dot a day would be a blur on a phone. The mean is of the days' means."""
    by_week: dict[date, list[Day]] = defaultdict(list)
    for day in days:
        by_week[day.day - timedelta(days=day.day.weekday())].append(day)
    weeks: list[Day] = []
    for monday, group in sorted(by_week.items()):
        middle = min(max(monday + timedelta(days=3), start), end)
        weeks.append(
            Day(
                middle,
                sum(d.mean for d in group) / len(group),
                min(d.low for d in group),
                max(d.high for d in group),
            )
        )
    return weeks


def window_start(today: date, days: int) -> date:
    return today - timedelta(days=days - 1)


def days_with_moods(lines: Sequence[Line], today: date, days: int) -> int:
    """How many different days in the window have a mood, for anyone on the chart."""
    first = window_start(today, days)
    return len({at.date() for line in lines for at, _ in line.points if at.date() >= first})


def date_label(day: date, with_year: bool = False) -> str:
    text = f"{day.day} {MONTHS[day.month - 1]}"
    return f"{text}\n{day.year}" if with_year else text


def tick_days(first: date, last: date) -> list[date]:
    """At most MAX_TICKS evenly spaced days, ending on `last` (today) so today is always named."""
    span = (last - first).days
    step = next((s for s in TICK_STEPS if span // s + 1 <= MAX_TICKS), TICK_STEPS[-1])
    ticks = [last - timedelta(days=step * i) for i in range(span // step + 1)]
    return sorted(ticks)


def tick_labels(ticks: Sequence[date], crosses: bool) -> list[str]:
    """'24 Nov' everywhere; when the window crosses a year, the first tick and each new year say which."""
    labels: list[str] = []
    for index, day in enumerate(ticks):
        new_year = index == 0 or day.year != ticks[index - 1].year
        labels.append(date_label(day, with_year=crosses and new_year))
    return labels


def _runs(days: Sequence[Day], gap: int) -> list[list[Day]]:
    """Consecutive stretches of days no more than `gap` days apart."""
    runs: list[list[Day]] = []
    for day in days:
        if runs and (day.day - runs[-1][-1].day).days <= gap:
            runs[-1].append(day)
        else:
            runs.append([day])
    return runs


def build_mood_figure(lines: Sequence[Line], title: str, today: date, days: int) -> Figure | None:
    """The chart as a matplotlib Figure (for inspection), or None when there isn't enough yet."""
    if days_with_moods(lines, today, days) < MIN_DAYS:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    start = window_start(today, days)
    people = [(line.label, daily(line.points, start)) for line in lines]
    shown = [(label, summary) for label, summary in people if summary]
    first = min(d.day for _, summary in shown for d in summary)
    last = max([today, *(d.day for _, summary in shown for d in summary)])
    gap, ranges = GAP_DAYS, True
    if (last - first).days + 1 > WEEKLY_AFTER_DAYS:
        shown = [(label, weekly(summary, first, last)) for label, summary in shown]
        gap, ranges = GAP_DAYS * 7, False  # a week's range is mostly noise at this size

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    figure.text(0.04, 0.95, title, color=FOREGROUND, fontsize=TITLE_PT, va="top", ha="left")
    left, bottom, width, height = AXES_BOX
    axes = figure.add_axes((left, bottom, width, height if len(shown) > 1 else AXES_HEIGHT_ALONE))
    _style_axes(axes)

    span_days = (last - first).days + 1
    px_per_day = WIDTH_PX * AXES_BOX[2] / (span_days + 1)
    marker_px = max(17.0, min(28.0, px_per_day * 0.5))
    dodge = 0.0 if len(shown) < 2 else min(0.25, marker_px * 0.7 / px_per_day)
    margin = max(0.6, (marker_px / 2 + 8) / px_per_day) + dodge * (len(shown) - 1) / 2
    axes.set_xlim(first.toordinal() - margin, last.toordinal() + margin)
    ticks = tick_days(first, last)
    axes.set_xticks([t.toordinal() for t in ticks], tick_labels(ticks, first.year != last.year))

    for index, (label, summary) in enumerate(shown):
        shift = (index - (len(shown) - 1) / 2) * dodge
        _draw_person(axes, index, label, summary, shift, marker_px, gap, ranges)
    if len(shown) > 1:
        _legend(figure, [label for label, _ in shown])
    return figure


def _legend(figure: Figure, labels: Sequence[str]) -> None:
    """Names in a row under the title, each with its own colour, marker and line style."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D(
            [],
            [],
            color=PALETTE[i % len(PALETTE)],
            linestyle=LINESTYLES[i % len(LINESTYLES)],
            linewidth=LINE_WIDTH,
            marker=MARKERS[i % len(MARKERS)],
            markersize=16,
            markeredgecolor=BACKGROUND,
        )
        for i in range(len(labels))
    ]
    names = [label if len(label) <= NAME_MAX else label[: NAME_MAX - 1] + "…" for label in labels]
    legend = figure.legend(
        handles,
        names,
        loc="upper left",
        bbox_to_anchor=(0.03, 0.885),
        fontsize=TEXT_PT,
        frameon=False,
        ncols=len(names),
        handlelength=2.2,
        columnspacing=1.6,
        borderaxespad=0,
    )
    for text in legend.get_texts():
        text.set_color(FOREGROUND)


def _style_axes(axes: Axes) -> None:
    axes.set_facecolor(BACKGROUND)
    axes.set_ylim(*Y_LIMITS)
    axes.set_yticks(list(MOOD_LABELS), [MOOD_LABELS[m] for m in MOOD_LABELS])
    axes.tick_params(colors=FOREGROUND, labelsize=TEXT_PT, length=0, pad=10)
    axes.grid(True, axis="y", color=GRID, linewidth=1.2, alpha=0.9)
    axes.grid(True, axis="x", color=GRID, linewidth=1, alpha=0.35)
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)


def _draw_person(
    axes: Axes,
    index: int,
    label: str,
    summary: list[Day],
    shift: float,
    marker_px: float,
    gap: int,
    ranges: bool,
) -> None:
    """One person: an error bar for each day's range, a line through nearby days, a dot per day."""
    colour = PALETTE[index % len(PALETTE)]
    marker_pt = marker_px * 72 / DPI
    for day in summary:
        if ranges and day.high > day.low:
            x = day.day.toordinal() + shift
            axes.errorbar(
                [x],
                [day.mean],
                yerr=[[day.mean - day.low], [day.high - day.mean]],
                color=colour,
                alpha=RANGE_ALPHA,
                elinewidth=RANGE_WIDTH,
                capsize=marker_pt * 0.45,
                capthick=RANGE_WIDTH,
                linewidth=0,
                zorder=1,
            )
    for run in _runs(summary, gap):
        if len(run) > 1:
            axes.plot(
                [d.day.toordinal() + shift for d in run],
                [d.mean for d in run],
                color=colour,
                linestyle=LINESTYLES[index % len(LINESTYLES)],
                linewidth=LINE_WIDTH,
                zorder=2,
            )
    axes.plot(
        [d.day.toordinal() + shift for d in summary],
        [d.mean for d in summary],
        label=label,
        color=colour,
        linewidth=0,
        marker=MARKERS[index % len(MARKERS)],
        markersize=marker_pt,
        markeredgecolor=BACKGROUND,
        markeredgewidth=1.5,
        zorder=3,
    )


def render_png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


def render_mood_chart(lines: Sequence[Line], title: str, today: date, days: int) -> bytes | None:
    """A PNG of exactly WIDTH_PX x HEIGHT_PX, or None when there are moods on fewer than MIN_DAYS days."""
    figure = build_mood_figure(lines, title, today, days)
    return None if figure is None else render_png(figure)


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; raises ValueError when it isn't a PNG."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
