"""The mood chart as a person sees it: the PNG for day 1 (not enough yet), day 7, day 30, a month with
gaps and a year, checked as files (valid PNG, size) and as drawn figures (no dot outside the axes,
no text outside the picture, every date tick '24 Nov', one dot per person per day)."""

from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bot.services.charts import (
    DPI,
    HEIGHT_PX,
    MIN_DAYS,
    WIDTH_PX,
    Day,
    Line,
    build_mood_figure,
    daily,
    png_size,
    render_mood_chart,
    render_png,
)

PARIS = ZoneInfo("Europe/Paris")
LOS_ANGELES = ZoneInfo("America/Los_Angeles")
TODAY = date(2026, 12, 4)
TICK = re.compile(r"\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)(\n\d{4})?")


def moods(days: int, seed: int, skip: frozenset[int] = frozenset(), twice: int = 3) -> tuple:
    """`days` days of moods ending today, a second mood every `twice`-th day, none on `skip` days back."""
    rng = random.Random(seed)
    points = []
    for back in range(days - 1, -1, -1):
        if back in skip:
            continue
        day = TODAY - timedelta(days=back)
        points.append((datetime(day.year, day.month, day.day, 8, 30, tzinfo=PARIS), rng.randint(1, 5)))
        if back % twice == 0:
            points.append((datetime(day.year, day.month, day.day, 21, 0, tzinfo=PARIS), rng.randint(1, 5)))
    return tuple(points)


def couple(days: int, skip: frozenset[int] = frozenset()) -> list[Line]:
    return [Line("Alice", moods(days, 1, skip)), Line("Bob", moods(days, 2, skip))]


def markers(figure: Figure) -> list[Line2D]:
    axes = figure.axes[0]
    return [line for line in axes.get_lines() if line.get_marker() not in (None, "None", "", " ")]


def check_readable(figure: Figure) -> None:
    """No dot cut at an edge, no text outside the picture, every date tick '24 Nov', no corner text."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    axes = figure.axes[0]
    box = axes.get_window_extent(renderer)
    x_low, x_high = axes.get_xlim()
    y_low, y_high = axes.get_ylim()
    dots = markers(figure)
    assert dots, "the chart has dots"
    for line in dots:
        radius = float(line.get_markersize()) * DPI / 72 / 2
        for x, y in zip(line.get_xdata(), line.get_ydata(), strict=True):
            assert x_low < x < x_high and y_low < y < y_high, "every dot inside the axis limits"
            px, py = axes.transData.transform((x, y))
            assert box.x0 + radius <= px <= box.x1 - radius, f"a dot cut at the left or right edge: {x}"
            assert box.y0 + radius <= py <= box.y1 - radius, f"a dot cut at the top or bottom: {y}"
    texts = [*axes.get_xticklabels(), *axes.get_yticklabels(), *figure.texts]
    for legend in figure.legends:
        texts += legend.get_texts()
    for text in texts:
        if not text.get_text():
            continue
        extent = text.get_window_extent(renderer)
        assert extent.x0 >= 0 and extent.y0 >= 0, text.get_text()
        assert extent.x1 <= WIDTH_PX and extent.y1 <= HEIGHT_PX, text.get_text()
    labels = [t.get_text() for t in axes.get_xticklabels()]
    assert labels and all(TICK.fullmatch(label) for label in labels), labels
    assert axes.xaxis.get_offset_text().get_text() == "", "no offset text in a corner"
    for line in axes.get_lines():  # no line ever joins two moods of one day into a vertical bar
        if line.get_linestyle() not in ("None", "") and line.get_marker() in (None, "None", ""):
            xs = list(line.get_xdata())
            assert xs == sorted(set(xs)), "a line only ever moves forward in time"


def check_png(png: bytes | None) -> None:
    assert png is not None and png.startswith(b"\x89PNG\r\n\x1a\n")
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX)


def test_day_one_says_not_enough_yet_instead_of_a_chart() -> None:
    for days_so_far in range(1, MIN_DAYS):
        lines = couple(days_so_far)
        assert build_mood_figure(lines, "Your moods together", TODAY, 30) is None
        assert render_mood_chart(lines, "Your moods together", TODAY, 30) is None
    assert render_mood_chart([Line("You", ())], "Your moods", TODAY, 30) is None
    check_png(render_mood_chart(couple(MIN_DAYS), "Your moods together", TODAY, 30))


@pytest.mark.parametrize(
    ("name", "lines", "asked", "span"),
    [
        ("day7", couple(7), 30, 7),
        ("day30", couple(30), 30, 30),
        ("gaps", couple(30, frozenset({*range(9, 17), 3, 25})), 30, 30),
        ("own7", [Line("You", moods(7, 5, twice=1))], 30, 7),
        ("year", couple(365, frozenset(range(0, 365, 4))), 365, 365),
    ],
)
def test_charts_read_well_with_every_dot_whole_and_dates_plain(
    name: str, lines: list[Line], asked: int, span: int
) -> None:
    figure = build_mood_figure(lines, "Your moods together", TODAY, asked)
    assert figure is not None
    check_readable(figure)
    check_png(render_png(figure))
    low, high = figure.axes[0].get_xlim()
    assert span <= high - low < span * 1.04 + 3, "the window is the days there are, not an empty month"
    assert high > TODAY.toordinal(), "today is inside the frame"


def test_each_day_is_one_dot_per_person_at_its_mean_with_the_range_as_an_error_bar() -> None:
    days = [TODAY - timedelta(days=n) for n in (3, 2, 1, 0)]
    evening = (datetime(TODAY.year, TODAY.month, TODAY.day, 22, tzinfo=PARIS), 2)
    alice = (*((datetime(d.year, d.month, d.day, 9, tzinfo=PARIS), 4) for d in days), evening)
    bob = tuple((datetime(d.year, d.month, d.day, 9, tzinfo=PARIS), 3) for d in days)
    figure = build_mood_figure([Line("Alice", alice), Line("Bob", bob)], "Us", TODAY, 30)
    assert figure is not None
    check_readable(figure)
    dots = [line for line in markers(figure) if line.get_label() in ("Alice", "Bob")]
    assert [len(line.get_xdata()) for line in dots] == [4, 4], "one dot per person per day"
    assert list(dots[0].get_ydata()) == [4, 4, 4, 3.0], "today's two moods (4 and 2) make one dot at 3"
    assert figure.axes[0].containers, "the day's range is drawn as an error bar"


def test_days_are_the_persons_own_local_dates() -> None:
    late = datetime(2026, 12, 3, 23, 30, tzinfo=LOS_ANGELES)  # already 4 Dec in UTC
    (day,) = daily([(late, 2), (late - timedelta(hours=12), 4)])
    assert day == Day(date(2026, 12, 3), 3.0, 2, 4)


def test_date_ticks_say_the_year_only_where_the_window_crosses_one() -> None:
    figure = build_mood_figure(couple(365), "Us", TODAY, 365)
    assert figure is not None
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert labels[0] == "5 Dec\n2025" and labels[1] == "6 Mar\n2026" and labels[-1] == "4 Dec", labels
    figure = build_mood_figure(couple(30), "Us", TODAY, 30)
    assert figure is not None
    assert all("\n" not in t.get_text() for t in figure.axes[0].get_xticklabels())
