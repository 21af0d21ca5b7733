"""The dashboard's bar chart, laid out here and drawn by the template as inline SVG.

No JavaScript library and no inline style (the console's Content-Security-Policy forbids both):
every size is an SVG attribute, and the chart scales to its box through its viewBox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WIDTH = 720
HEIGHT = 220
LEFT = 44  # room for the value axis' labels
BOTTOM = 24  # ... and the days'
TOP = 10
MAX_SPAN = 92  # days: a quarter
MIN_SPAN = 14  # days: a first day of registrations shows as one bar of a fortnight, not a wall


@dataclass(frozen=True)
class Bar:
    day: str
    n: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Tick:
    label: str
    x: float
    y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    value_ticks: list[Tick]  # along the left side
    day_ticks: list[Tick]  # along the bottom
    baseline: float
    total: int


def nice_top(largest: int) -> int:
    """The axis' top: `largest` rounded up to 1, 2 or 5 times a power of ten."""
    magnitude = 10 ** (len(str(max(largest, 1))) - 1)
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= largest)


def bar_chart(days: list[tuple[str, int]]) -> Chart:
    """Bars for (day, count) pairs, oldest first; days without registrations inside the span get
    an empty slot, so gaps (an office closed, a link down) show as gaps."""
    filled = _every_day(days)
    plot_width, plot_height = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    largest = max((n for _, n in filled), default=0)
    top = nice_top(max(largest, 1))
    slot = plot_width / max(len(filled), 1)
    baseline = TOP + plot_height
    bars = []
    for i, (day, n) in enumerate(filled):
        height = plot_height * n / top
        bars.append(Bar(day, n, LEFT + i * slot + slot * 0.1, baseline - height, max(slot * 0.8, 1), height))
    value_ticks = [
        Tick(f"{top * k // 2:,}".replace(",", "."), LEFT - 6, baseline - plot_height * k / 2) for k in range(3)
    ]
    every = max(1, len(filled) // 6)
    newest = len(filled) - 1  # counted back from the newest day, so today always has its label
    day_ticks = [
        Tick(_short(day), LEFT + i * slot + slot / 2, HEIGHT - 6)
        for i, (day, _) in enumerate(filled)
        if (newest - i) % every == 0
    ]
    return Chart(WIDTH, HEIGHT, bars, value_ticks, day_ticks, baseline, sum(n for _, n in filled))


def _every_day(days: list[tuple[str, int]]) -> list[tuple[str, int]]:
    if not days:
        return []
    counts = dict(days)
    last = dt.date.fromisoformat(days[-1][0])
    span = min(max((last - dt.date.fromisoformat(days[0][0])).days + 1, MIN_SPAN), MAX_SPAN)
    every = [(last - dt.timedelta(days=back)).isoformat() for back in reversed(range(span))]
    return [(day, counts.get(day, 0)) for day in every]


def _short(day: str) -> str:
    """2026-03-02 -> 02/03 (day/month, as Indonesia writes it)."""
    return f"{day[8:10]}/{day[5:7]}"
