"""Server-side SVG charts: pure functions producing path data and ticks, no JavaScript, works offline.

`line_chart` fits one or more series sharing an x axis (e.g. months) in a width × height box. A missing value
(None, e.g. a secret or unavailable month) breaks the line rather than being drawn as 0. Coordinates are
rounded to 0.1 px. `classes` cuts values in quantile classes for choropleth maps; `centre` gives a label
position for an SVG path.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from gtec_core.french import format_fr

NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@dataclass(frozen=True)
class Tick:
    value: float
    pos: float  # pixel position along the axis (y for the value axis, x for the category axis)
    label: str


@dataclass(frozen=True)
class Series:
    key: str
    label: str
    d: str  # SVG path data, one « M … L … » run per unbroken stretch of values
    points: list[tuple[float, float]] = field(default_factory=list)  # (x, y) of each drawn value


@dataclass(frozen=True)
class LineChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    series: list[Series]
    yticks: list[Tick]
    xticks: list[Tick]
    empty: bool

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"

    @property
    def plot_bottom(self) -> int:
        return self.height - self.bottom

    @property
    def plot_right(self) -> int:
        return self.width - self.right


def nice_step(span: float, target: int = 4) -> float:
    """A round step (1, 2, 2.5 or 5 × 10^k) cutting `span` in about `target` intervals."""
    if span <= 0 or not math.isfinite(span):
        return 1.0
    raw = span / target
    power = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * power >= raw:
            return m * power
    return 10 * power


def format_number(value: float) -> str:
    """French format with a narrow no-break space as thousands separator and a decimal comma."""
    return format_fr(value, 0 if float(value).is_integer() else 1)


def line_chart(
    series: Sequence[tuple[str, str, Sequence[float | None]]],
    labels: Sequence[str],
    *,
    width: int = 640,
    height: int = 220,
    left: int = 56,
    right: int = 12,
    top: int = 12,
    bottom: int = 28,
    zero: bool = True,
    max_xticks: int = 6,
) -> LineChart:
    """Chart of `series` = [(key, label, values)] over the categories `labels` (one value per label)."""
    n = len(labels)
    for key, _, values in series:
        if len(values) != n:
            raise ValueError(f"la série {key} a {len(values)} valeurs pour {n} abscisses")
    known = [float(v) for _, _, values in series for v in values if v is not None]
    plot_w = width - left - right
    plot_h = height - top - bottom
    if not known or n == 0:
        return LineChart(width, height, left, right, top, bottom, [], [], [], True)
    lo, hi = min(known), max(known)
    if zero:
        lo = min(lo, 0.0)
    if hi == lo:
        hi = lo + 1.0
    step = nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step

    def x_of(i: int) -> float:
        return left + (plot_w * i / (n - 1) if n > 1 else plot_w / 2)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - (v - lo) / (hi - lo))

    out = []
    for key, label, values in series:
        runs: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        for i, v in enumerate(values):
            if v is None:
                if current:
                    runs.append(current)
                current = []
                continue
            current.append((round(x_of(i), 1), round(y_of(float(v)), 1)))
        if current:
            runs.append(current)
        d = " ".join(
            "M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in run) + ("" if len(run) > 1 else " h0.01")
            for run in runs
        )
        out.append(Series(key, label, d, [p for run in runs for p in run]))
    yticks = []
    k = 0
    while lo + k * step <= hi + step * 1e-9:
        v = lo + k * step
        yticks.append(Tick(v, round(y_of(v), 1), format_number(round(v, 6))))
        k += 1
    every = max(1, math.ceil(n / max_xticks))
    xticks = [Tick(i, round(x_of(i), 1), str(labels[i])) for i in range(0, n, every)]
    return LineChart(width, height, left, right, top, bottom, out, yticks, xticks, False)


def classes(values: Sequence[float | None], k: int = 5) -> tuple[list[int | None], list[float]]:
    """Quantile classes 0..k-1 of the values (None stays None) and the k+1 class bounds."""
    known = sorted(float(v) for v in values if v is not None)
    if not known:
        return [None for _ in values], []
    bounds = [known[min(len(known) - 1, round(q * (len(known) - 1) / k))] for q in range(k + 1)]
    out: list[int | None] = []
    for v in values:
        if v is None:
            out.append(None)
            continue
        c = 0
        while c < k - 1 and v > bounds[c + 1]:
            c += 1
        out.append(c)
    return out, bounds


def centre(d: str) -> tuple[float, float] | None:
    """Centre of the bounding box of the largest ring of an SVG path (where to put a label)."""
    best = None
    for ring in d.split("M")[1:]:
        nums = [float(x) for x in NUMBER.findall(ring)]
        xs, ys = nums[0::2], nums[1::2]
        if not xs or not ys:
            continue
        area = (max(xs) - min(xs)) * (max(ys) - min(ys))
        if best is None or area > best[0]:
            best = (area, (round((min(xs) + max(xs)) / 2, 1), round((min(ys) + max(ys)) / 2, 1)))
    return best[1] if best else None


@dataclass(frozen=True)
class Segment:
    key: str
    x: float
    width: float
    value: float


@dataclass(frozen=True)
class Bar:
    label: str
    y: float
    segments: list[Segment]
    total: float


@dataclass(frozen=True)
class BarChart:
    width: int
    height: int
    left: int
    bar_height: int
    zero: float
    bars: list[Bar]
    xticks: list[Tick]
    empty: bool

    @property
    def viewbox(self) -> str:
        return f"0 0 {self.width} {self.height}"


def stacked_bars(
    rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
    *,
    width: int = 640,
    left: int = 220,
    right: int = 16,
    bar_height: int = 18,
    gap: int = 8,
    top: int = 8,
    bottom: int = 24,
) -> BarChart:
    """Horizontal stacked bars: rows = [(label, [(segment key, value)])]. Positive segments stack to the
    right of zero, negative ones to its left (e.g. job losses beside replacement needs)."""
    height = top + bottom + len(rows) * (bar_height + gap)
    if not rows:
        return BarChart(width, height, left, bar_height, float(left), [], [], True)
    pos = [sum(v for _, v in segs if v > 0) for _, segs in rows]
    neg = [sum(v for _, v in segs if v < 0) for _, segs in rows]
    lo, hi = min(0.0, min(neg)), max(0.0, max(pos))
    if hi == lo:
        hi = lo + 1.0
    step = nice_step(hi - lo)
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    plot_w = width - left - right

    def x_of(v: float) -> float:
        return left + plot_w * (v - lo) / (hi - lo)

    bars = []
    for i, (label, segs) in enumerate(rows):
        y = top + i * (bar_height + gap)
        up, down, out = 0.0, 0.0, []
        for key, v in segs:
            if v >= 0:
                start, up = up, up + v
                out.append(Segment(key, round(x_of(start), 1), round(x_of(up) - x_of(start), 1), v))
            else:
                end, down = down, down + v
                out.append(Segment(key, round(x_of(down), 1), round(x_of(end) - x_of(down), 1), v))
        bars.append(Bar(label, y, out, sum(v for _, v in segs)))
    ticks = []
    k = 0
    while lo + k * step <= hi + step * 1e-9:
        v = lo + k * step
        ticks.append(Tick(v, round(x_of(v), 1), format_number(round(v, 6))))
        k += 1
    return BarChart(width, height, left, bar_height, round(x_of(0.0), 1), bars, ticks, False)
