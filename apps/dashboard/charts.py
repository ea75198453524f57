"""Geometry of the small charts the dashboard draws as inline SVG, computed server-side (no JS library).

Templates (`dashboard/shared/_bar_chart.html`, `_line_chart.html`) only place the shapes computed here; every
text in them goes through Django's autoescaping.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 36, 8, 10, 22


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass
class Chart:
    width: int
    height: int
    title: str
    bars: list[Bar] = field(default_factory=list)
    points: str = ""  # polyline points of a line chart
    dots: list[Bar] = field(default_factory=list)  # line chart markers (x, y, label, value)
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    baseline: float = 0.0

    @property
    def empty(self) -> bool:
        return not self.bars and not self.dots

    @property
    def plot_left(self) -> int:
        return PAD_LEFT

    @property
    def plot_right(self) -> int:
        return self.width - PAD_RIGHT


def _nice_max(value: float) -> float:
    """A round upper bound for the y axis (1, 2 or 5 times a power of ten)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        bound = step * 10**exponent
        if bound >= value:
            return float(bound)
    return float(10 ** (exponent + 1))


def _number(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _y_ticks(low: float, high: float, top: float, bottom: float) -> list[Tick]:
    ticks = []
    for i in range(3):
        value = low + (high - low) * i / 2
        y = bottom - (bottom - top) * i / 2
        ticks.append(Tick(round(y, 1), _number(value)))
    return ticks


def daily_bar_chart(
    counts: dict[dt.date, int], *, end: dt.date, days: int, title: str, width: int = 640, height: int = 160
) -> Chart:
    """One bar per day for `days` days up to `end`, zero-filled."""
    dates = [end - dt.timedelta(days=days - 1 - i) for i in range(days)]
    values = [counts.get(d, 0) for d in dates]
    top_value = _nice_max(max(values, default=0))
    top, bottom = PAD_TOP, height - PAD_BOTTOM
    plot_width = width - PAD_LEFT - PAD_RIGHT
    slot = plot_width / days
    chart = Chart(width, height, title, baseline=bottom, y_ticks=_y_ticks(0, top_value, top, bottom))
    for i, (date, value) in enumerate(zip(dates, values, strict=True)):
        bar_height = (bottom - top) * value / top_value
        chart.bars.append(
            Bar(
                x=round(PAD_LEFT + i * slot + slot * 0.15, 1),
                y=round(bottom - bar_height, 1),
                width=round(slot * 0.7, 1),
                height=round(bar_height, 1),
                label=date.strftime("%a %d %b"),
                value=value,
            )
        )
        if i % 7 == (days - 1) % 7:
            chart.x_ticks.append(Tick(round(PAD_LEFT + i * slot + slot / 2, 1), date.strftime("%d %b")))
    return chart


def line_chart(
    points: Sequence[tuple[dt.date, float]], *, title: str, width: int = 320, height: int = 120
) -> Chart:
    """A line over dated values (sorted by date); x is proportional to time, so gaps show as gaps."""
    chart = Chart(width, height, title)
    if not points:
        return chart
    low = min(0.0, min(v for _, v in points))
    high = max(v for _, v in points)
    high = _nice_max(high) if high > 0 else 1.0
    top, bottom = PAD_TOP, height - PAD_BOTTOM
    chart.baseline = bottom
    chart.y_ticks = _y_ticks(low, high, top, bottom)
    first, last = points[0][0], points[-1][0]
    span = max((last - first).days, 1)
    plot_width = width - PAD_LEFT - PAD_RIGHT
    coords = []
    for date, value in points:
        x = PAD_LEFT + plot_width * ((date - first).days / span if len(points) > 1 else 0.5)
        y = bottom - (bottom - top) * (value - low) / (high - low)
        coords.append(f"{x:.1f},{y:.1f}")
        chart.dots.append(Bar(round(x, 1), round(y, 1), 0, 0, date.isoformat(), value))
    chart.points = " ".join(coords)
    chart.x_ticks = [Tick(chart.dots[0].x, first.strftime("%d %b %Y"))]
    if len(points) > 1:
        chart.x_ticks.append(Tick(chart.dots[-1].x, last.strftime("%d %b %Y")))
    return chart
