"""Server-rendered SVG bar charts: no script, no library. Each chart is an image with a
title and a text alternative; the page puts the table with the same figures beside it, so
nothing is only in the picture. Colours come from CSS classes (static/css/dashboard.css),
so the elder-friendly mode and printing restyle them."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

# Each row: the label on its own line, the bar under it, the value at the right. Narrow
# enough to stay legible when a phone scales it down, without a label column to squeeze.
WIDTH = 400
VALUE_WIDTH = 72
PLOT = WIDTH - VALUE_WIDTH - 8
ROW_HEIGHT = 44
BAR_HEIGHT = 14
TOP = 4
# Estimated advance of one character at the chart's 13px font: CJK is a full em.
WIDE_CHAR, NARROW_CHAR = 13.0, 7.0


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a label, up to two values (the second drawn thinner, e.g.
    promised beside actual) and an optional target drawn as a mark."""

    label: str | Promise
    value: float | None
    second: float | None = None
    target: float | None = None


def _short(label: str) -> str:
    """The label cut to the chart's width (the full text is in the table beside)."""
    room, used = WIDTH - 8, 0.0
    for index, char in enumerate(label):
        used += WIDE_CHAR if ord(char) >= 0x2E80 else NARROW_CHAR
        if used > room:
            return label[: max(index - 1, 1)] + "…"
    return label


def _coordinate(value: float) -> str:
    """format_html escapes its arguments into text: numbers are formatted first."""
    return f"{value:.1f}"


def _number(value: float, unit: str) -> str:
    text = f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else f"{value:.0f}"
    return text + unit


def bar_chart(
    *,
    chart_id: str,
    title: str | Promise,
    description: str | Promise,
    bars: Sequence[Bar],
    unit: str = "%",
    max_value: float | None = None,
    legend: tuple[str | Promise, str | Promise] | None = None,
) -> SafeString:
    """A horizontal bar chart. `max_value` fixes the scale (100 for percentages); otherwise
    the largest value or target sets it."""
    values = [v for bar in bars for v in (bar.value, bar.second, bar.target) if v is not None]
    scale_max = max_value or max(values, default=0) or 1
    legend_height = 24 if legend else 0
    height = TOP * 2 + legend_height + ROW_HEIGHT * max(len(bars), 1)

    def width(value: float) -> str:
        return _coordinate(PLOT * min(max(value, 0), scale_max) / scale_max)

    parts: list[SafeString] = []
    if legend:
        parts.append(
            format_html(
                '<rect class="chart-bar" x="0" y="{}" width="14" height="14"/>'
                '<text class="chart-text" x="20" y="{}">{}</text>'
                '<rect class="chart-bar second" x="200" y="{}" width="14" height="14"/>'
                '<text class="chart-text" x="220" y="{}">{}</text>',
                TOP,
                TOP + 12,
                legend[0],
                TOP,
                TOP + 12,
                legend[1],
            )
        )
    for index, bar in enumerate(bars):
        y = TOP + legend_height + index * ROW_HEIGHT
        bar_top = y + 20
        parts.append(
            format_html(
                '<text class="chart-text" x="0" y="{}">{}</text>', y + 14, _short(str(bar.label))
            )
        )
        thickness = BAR_HEIGHT if bar.second is None else BAR_HEIGHT / 2
        if bar.value is not None:
            parts.append(
                format_html(
                    '<rect class="chart-bar" x="0" y="{}" width="{}" height="{}"/>',
                    bar_top,
                    width(bar.value),
                    thickness,
                )
            )
        if bar.second is not None:
            parts.append(
                format_html(
                    '<rect class="chart-bar second" x="0" y="{}" width="{}" height="{}"/>',
                    bar_top + thickness,
                    width(bar.second),
                    thickness,
                )
            )
        # The track shows where the scale ends, so a short bar reads as short.
        parts.append(
            format_html(
                '<line class="chart-axis" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                PLOT,
                PLOT,
                bar_top - 2,
                bar_top + BAR_HEIGHT + 2,
            )
        )
        if bar.target is not None:
            parts.append(
                format_html(
                    '<line class="chart-target" x1="{}" x2="{}" y1="{}" y2="{}"/>',
                    width(bar.target),
                    width(bar.target),
                    bar_top - 4,
                    bar_top + BAR_HEIGHT + 4,
                )
            )
        shown = "–" if bar.value is None else _number(bar.value, unit)
        if bar.second is not None:
            shown += " / " + ("–" if bar.second is None else _number(bar.second, unit))
        parts.append(
            format_html(
                '<text class="chart-text value" x="{}" y="{}">{}</text>',
                PLOT + 8,
                bar_top + 12,
                shown,
            )
        )
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-title {}-desc" '
        'xmlns="http://www.w3.org/2000/svg"><title id="{}-title">{}</title>'
        '<desc id="{}-desc">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def legend_items(items: Sequence[tuple[str, str | Promise]]) -> SafeString:
    """A text legend (class, label) for charts whose marks need naming."""
    return format_html(
        '<ul class="chart-legend">{}</ul>',
        format_html_join(
            "", '<li><span class="chart-key {}" aria-hidden="true"></span>{}</li>', items
        ),
    )
