"""Charts as inline SVG, drawn here (no JavaScript, no external asset): a line chart for trends,
a reliability diagram and paired bars for label shares. Values are shares in [0, 1]. Every chart
carries a title and a description for screen readers; the numbers are also in the table beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

PALETTE = ("#1f4e79", "#a33a00", "#2d6a2d", "#6a2d6a")
WIDTH, HEIGHT = 520, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 16, 16, 40


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]


def _frame(
    chart_id: str, title: str, description: str, body: list[str], height: int = HEIGHT, width: int = WIDTH
) -> Markup:
    return Markup(
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{chart_id}-t {chart_id}-d" '
        f'xmlns="http://www.w3.org/2000/svg"><title id="{chart_id}-t">{escape(title)}</title>'
        f'<desc id="{chart_id}-d">{escape(description)}</desc>' + "".join(body) + "</svg>"
    )


def _y(value: float, top: int = TOP, bottom: int = HEIGHT - BOTTOM) -> float:
    return bottom - value * (bottom - top)


def _y_axis(body: list[str], right: int = WIDTH - RIGHT, bottom: int = HEIGHT - BOTTOM) -> None:
    for tick in (0.0, 0.25, 0.5, 0.75, 1.0):
        y = _y(tick, bottom=bottom)
        body.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#d0d0d0" stroke-width="1"/>')
        body.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end" fill="#222">{tick:.0%}</text>'
        )


def _legend(body: list[str], names: Sequence[str], y: float) -> None:
    x = LEFT
    for i, name in enumerate(names):
        color = PALETTE[i % len(PALETTE)]
        body.append(f'<rect x="{x}" y="{y - 9:.1f}" width="12" height="12" fill="{color}"/>')
        body.append(f'<text x="{x + 16}" y="{y + 1:.1f}" font-size="12" fill="#222">{escape(name)}</text>')
        x += 24 + 7 * len(name)


def line_chart(
    chart_id: str, title: str, description: str, x_labels: Sequence[str], series: Sequence[Series]
) -> Markup:
    """One line per series over the periods; a gap where a period has no value."""
    height = HEIGHT + 24
    bottom = HEIGHT - BOTTOM
    body: list[str] = []
    _y_axis(body, bottom=bottom)
    span = WIDTH - RIGHT - LEFT
    step = span / max(1, len(x_labels) - 1) if len(x_labels) > 1 else 0
    xs = [LEFT + (i * step if len(x_labels) > 1 else span / 2) for i in range(len(x_labels))]
    every = max(1, -(-len(x_labels) // 6))  # at most six labels, so they never overlap
    for i, label in enumerate(x_labels):
        if i % every == 0:
            body.append(
                f'<text x="{xs[i]:.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle" fill="#222">{escape(label)}</text>'
            )
    for s_index, one in enumerate(series):
        color = PALETTE[s_index % len(PALETTE)]
        segment: list[str] = []
        for x, value in zip(xs, one.values, strict=False):
            if value is None:
                if len(segment) > 1:
                    body.append(
                        f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>'
                    )
                segment = []
                continue
            segment.append(f"{x:.1f},{_y(value, bottom=bottom):.1f}")
            body.append(f'<circle cx="{x:.1f}" cy="{_y(value, bottom=bottom):.1f}" r="3" fill="{color}"/>')
        if len(segment) > 1:
            body.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{" ".join(segment)}"/>')
    _legend(body, [s.name for s in series], bottom + 36)
    return _frame(chart_id, title, description, body, height)


def reliability_chart(
    chart_id: str, title: str, description: str, points: Sequence[tuple[float, float, int]]
) -> Markup:
    """Agreement (y) against mean confidence (x) per bin, the diagonal for perfect calibration;
    the dot's area grows with the bin's count."""
    bottom = HEIGHT - BOTTOM
    size = bottom - TOP
    right = LEFT + size
    body: list[str] = []
    _y_axis(body, right=right, bottom=bottom)
    for tick in (0.0, 0.5, 1.0):
        x = LEFT + tick * size
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 16}" font-size="11" text-anchor="middle" fill="#222">{tick:.0%}</text>'
        )
    body.append(
        f'<line x1="{LEFT}" y1="{bottom}" x2="{right}" y2="{TOP}" stroke="#555" stroke-width="1" stroke-dasharray="4 3"/>'
    )
    largest = max((n for _, _, n in points), default=1) or 1
    for confidence, agreement, n in points:
        radius = 3 + 7 * (n / largest) ** 0.5
        body.append(
            f'<circle cx="{LEFT + confidence * size:.1f}" cy="{_y(agreement, bottom=bottom):.1f}" r="{radius:.1f}" '
            f'fill="{PALETTE[0]}" fill-opacity="0.75"/>'
        )
    return _frame(chart_id, title, description, body, width=right + RIGHT)


def paired_bars(chart_id: str, title: str, description: str, labels: Sequence[str], pairs: Sequence[Series]) -> Markup:
    """Horizontal bars, one group per label, one bar per series (e.g. now against training)."""
    bar, gap, label_width = 9, 8, 150
    group = bar * len(pairs) + gap
    height = TOP + group * len(labels) + 40
    span = WIDTH - RIGHT - label_width
    largest = max((v or 0.0 for s in pairs for v in s.values), default=0.0) or 1.0
    body: list[str] = []
    for i, label in enumerate(labels):
        y0 = TOP + i * group
        body.append(
            f'<text x="{label_width - 6}" y="{y0 + bar * len(pairs) / 2 + 4:.1f}" font-size="11" '
            f'text-anchor="end" fill="#222">{escape(label)}</text>'
        )
        for j, one in enumerate(pairs):
            value = one.values[i] or 0.0
            body.append(
                f'<rect x="{label_width}" y="{y0 + j * bar}" width="{span * value / largest:.1f}" height="{bar - 1}" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
            )
    _legend(body, [s.name for s in pairs], height - 14)
    return _frame(chart_id, title, description, body, height)
