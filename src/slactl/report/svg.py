"""Inline SVG bar charts for the HTML report: one bar per window, the target as a dashed line.

Drawn here, by hand: no JavaScript, no fonts or files fetched, every text escaped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

MET = "#2e7d4f"
MISSED = "#c0392b"
EMPTY = "#c9ced6"
INK = "#2b3340"
MUTED = "#6b7585"


@dataclass(frozen=True)
class Bar:
    """One window: its short label, value (None: no data), whether it met the target, the value as shown."""

    label: str
    value: Decimal | None
    met: bool
    shown: str


def _scale(values: Sequence[Decimal], target: Decimal, unit: str, top: Decimal | None) -> tuple[Decimal, Decimal]:
    """The y range: zoomed in for percentages near 100 so a miss of 0.1 point is visible."""
    if unit == "count":
        hi = max([*values, target, Decimal(1)]) + 1
        return Decimal(0), hi
    if unit == "score":
        return Decimal(0), top or max([*values, target])
    low = min([*values, target])
    hi = Decimal(100)
    gap = hi - low
    if gap <= 0:
        return target - 1, hi
    lo = low - gap * Decimal("0.6")
    lo = max(Decimal(0), lo)
    return lo, hi


def bar_chart(
    bars: Sequence[Bar], target: Decimal, target_text: str, unit: str, *, top: Decimal | None = None, title: str = ""
) -> str:
    """An accessible SVG: a bar per window, green when met, red when missed, grey without data."""
    width, height = 640, 200
    # The top strip above the plot holds the legend (the target's label): never drawn over a bar.
    left, right, top_pad, bottom = 46, 12, 36, 34
    plot_w, plot_h = width - left - right, height - top_pad - bottom
    values = [b.value for b in bars if b.value is not None]
    lo, hi = _scale(values, target, unit, top)
    span = hi - lo or Decimal(1)

    def y(value: Decimal) -> float:
        clipped = min(max(value, lo), hi)
        return top_pad + float((hi - clipped) / span) * plot_h

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" class="chart" font-family="Liberation Sans, Helvetica, Arial, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]
    # Axis ticks: low, middle, high.
    for value in (lo, (lo + hi) / 2, hi):
        yy = y(value)
        label = _tick(value, unit)
        parts.append(
            f'<line x1="{left}" y1="{yy:.1f}" x2="{width - right}" y2="{yy:.1f}" stroke="#e6e9ee" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{yy + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{MUTED}">{escape(label)}</text>'
        )
    n = max(len(bars), 1)
    slot = plot_w / n
    bar_w = min(42.0, slot * 0.66)
    base = y(lo)
    for i, bar in enumerate(bars):
        x = left + i * slot + (slot - bar_w) / 2
        cx = x + bar_w / 2
        if bar.value is None:
            parts.append(
                f'<rect x="{x:.1f}" y="{base - 4:.1f}" width="{bar_w:.1f}" height="4" '
                f'fill="{EMPTY}"><title>{escape(bar.label)}: no data</title></rect>'
            )
        else:
            yy = y(bar.value)
            colour = MET if bar.met else MISSED
            h = max(base - yy, 1.5)
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" rx="2" fill="{colour}">'
                f"<title>{escape(bar.label)}: {escape(bar.shown)}</title></rect>"
            )
            if n <= 14:
                parts.append(
                    f'<text x="{cx:.1f}" y="{base - h - 4:.1f}" font-size="9.5" text-anchor="middle" '
                    f'fill="{INK}">{escape(bar.shown)}</text>'
                )
        if n <= 16 or i % max(1, n // 12) == 0:
            parts.append(
                f'<text x="{cx:.1f}" y="{height - bottom + 14:.1f}" font-size="10" text-anchor="middle" '
                f'fill="{MUTED}">{escape(bar.label)}</text>'
            )
    ty = y(target)
    parts.append(
        f'<line x1="{left}" y1="{ty:.1f}" x2="{width - right}" y2="{ty:.1f}" stroke="{INK}" stroke-width="1.2" '
        f'stroke-dasharray="5 4"/>'
    )
    # The legend, in the strip above the plot: a sample of the dashed line, then its label,
    # right-aligned. Bars and their value labels stay below top_pad - 4, the legend above 16.
    label = f"target {target_text}"
    text_x = width - right
    sample_end = text_x - 5.8 * len(label) - 6
    parts.append(
        f'<line x1="{sample_end - 22:.1f}" y1="11" x2="{sample_end:.1f}" y2="11" stroke="{INK}" stroke-width="1.2" '
        f'stroke-dasharray="5 4"/>'
    )
    parts.append(
        f'<text x="{text_x}" y="15" font-size="10.5" text-anchor="end" fill="{INK}" class="legend">'
        f"{escape(label)}</text>"
    )
    parts.append(
        f'<line x1="{left}" y1="{base:.1f}" x2="{width - right}" y2="{base:.1f}" stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _tick(value: Decimal, unit: str) -> str:
    if unit == "count":
        return str(int(value))
    if unit == "score":
        return f"{value.quantize(Decimal('0.1'))}"
    if value == value.to_integral_value():
        return f"{int(value)}%"
    return f"{value.quantize(Decimal('0.01'))}%"
