"""Mood charts, rendered off-screen with matplotlib's Agg backend into PNG bytes.

Made to be read on Discord's dark theme and on a phone: 1200x600 px, a dark background (#2b2d31,
Discord's own), large type, the Okabe-Ito colour-blind-safe palette, and a different marker and
line style per person so colour is never the only cue. Uses matplotlib's object API (no pyplot):
no global state, safe to run in a worker thread.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

WIDTH_PX, HEIGHT_PX, DPI = 1200, 600, 100
BACKGROUND = "#2b2d31"
FOREGROUND = "#f2f3f5"
GRID = "#4e5058"
# Okabe-Ito: distinguishable with every common colour-vision deficiency.
PALETTE = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7")
MARKERS = ("o", "s", "^", "D")
LINESTYLES = ("-", "--", "-.", ":")
MOOD_LABELS = {1: "1 really hard", 2: "2 low", 3: "3 okay", 4: "4 good", 5: "5 really good"}


@dataclass(frozen=True)
class Line:
    label: str
    points: tuple[tuple[datetime, int], ...]


def render_mood_chart(lines: Sequence[Line], title: str, start: datetime, end: datetime) -> bytes:
    """A PNG of exactly WIDTH_PX x HEIGHT_PX with one line per person."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor=BACKGROUND)
    FigureCanvasAgg(figure)
    axes = figure.add_axes((0.17, 0.14, 0.79, 0.72))
    axes.set_facecolor(BACKGROUND)
    axes.set_title(title, color=FOREGROUND, fontsize=24, pad=16, loc="left")
    axes.set_ylim(0.6, 5.4)
    axes.set_yticks(list(MOOD_LABELS), [MOOD_LABELS[m] for m in MOOD_LABELS])
    axes.set_xlim(start, end)  # type: ignore[arg-type]
    locator = AutoDateLocator(minticks=3, maxticks=7)  # type: ignore[no-untyped-call]
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    axes.tick_params(colors=FOREGROUND, labelsize=17, length=0, pad=8)
    axes.xaxis.get_offset_text().set(color=FOREGROUND, fontsize=15)
    axes.grid(True, color=GRID, linewidth=1, alpha=0.8)
    for side in ("top", "right", "left", "bottom"):
        axes.spines[side].set_visible(False)

    plotted = 0
    for index, line in enumerate(lines):
        if not line.points:
            continue
        xs = [at for at, _ in line.points]
        ys = [mood for _, mood in line.points]
        axes.plot(
            xs,  # type: ignore[arg-type]
            ys,
            label=line.label,
            color=PALETTE[index % len(PALETTE)],
            marker=MARKERS[index % len(MARKERS)],
            linestyle=LINESTYLES[index % len(LINESTYLES)],
            linewidth=3.5,
            markersize=12,
            markeredgecolor=BACKGROUND,
            markeredgewidth=1.5,
        )
        plotted += 1
    if plotted:
        legend = axes.legend(
            loc="lower right",
            bbox_to_anchor=(1.0, 1.0),
            fontsize=17,
            frameon=True,
            facecolor=BACKGROUND,
            edgecolor=GRID,
            ncols=max(1, plotted),
        )
        for text in legend.get_texts():
            text.set_color(FOREGROUND)
    else:
        axes.text(
            0.5,
            0.5,
            "No moods to show yet",
            transform=axes.transAxes,
            ha="center",
            va="center",
            color=FOREGROUND,
            fontsize=22,
            bbox={"facecolor": BACKGROUND, "edgecolor": "none", "pad": 14},
        )

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor=BACKGROUND)
    return buffer.getvalue()


PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk; raises ValueError when it isn't a PNG."""
    if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
