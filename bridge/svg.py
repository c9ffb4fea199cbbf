"""Tiny server-rendered SVG charts for the municipality dashboard.

No JavaScript and no ``style`` attributes (the Content Security Policy allows only our own
stylesheet): colours are SVG presentation attributes (``fill="#0d5566"``). Every chart carries
a ``<title>`` and a ``<desc>`` and is labelled by them (``role="img"``); the page puts a data
table with the same numbers next to it, which is the real text alternative.

A value can be *suppressed*: the viewer reads "< 5" instead of the number. Its bar is not drawn,
because the length of a bar would tell the number the text hides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import format_html
from django.utils.safestring import SafeString

WIDTH = 520
LABEL_RIGHT = 190  # labels end here (text-anchor="end")
BAR_LEFT = 198
BAR_RIGHT = 470  # the longest bar ends here; its value label follows
FONT_SIZE = 14
TEXT = "#1d2a33"
MUTED = "#4a5863"
GRID = "#d5dbd9"
LABEL_CHARS = 24


@dataclass(frozen=True)
class Value:
    """One number as the viewer may read it: `amount` sets the bar, `text` is what they read."""

    amount: int
    text: str
    drawn: bool = True

    @classmethod
    def of(cls, amount: int, shown: int | str) -> Value:
        """`shown` is the number or the "< 5" that replaces it (bridge.gaps.shown_families)."""
        return cls(amount=amount, text=str(shown), drawn=str(shown) == str(amount))


@dataclass(frozen=True)
class Series:
    """One kind of bar in a grouped chart. `hatched` bars are striped as well as coloured, so
    two series differ by more than colour."""

    label: str
    fill: str
    hatched: bool = False


@dataclass(frozen=True)
class Row:
    """One label with a value per series; `fill` overrides the series colour (a status colour)."""

    label: str
    values: tuple[Value, ...]
    fill: str | None = None


def shorten(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _svg(chart_id: str, title: str, desc: str, height: int, body: SafeString) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" id="{id}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
        'font-size="{fs}" preserveAspectRatio="xMinYMin meet">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        id=chart_id,
        w=WIDTH,
        h=height,
        fs=FONT_SIZE,
        title=title,
        desc=desc,
        body=body,
    )


def _hatch_id(chart_id: str, index: int) -> str:
    return f"{chart_id}-hatch-{index}"


def _defs(chart_id: str, series: Sequence[Series]) -> SafeString:
    patterns = [
        format_html(
            '<pattern id="{id}" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">'
            '<rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="{fill}"/></pattern>',
            id=_hatch_id(chart_id, index),
            fill=item.fill,
        )
        for index, item in enumerate(series)
        if item.hatched
    ]
    if not patterns:
        return SafeString("")
    return format_html("<defs>{}</defs>", SafeString("".join(patterns)))


def _paint(chart_id: str, series: Sequence[Series], index: int, row: Row) -> str:
    item = series[index]
    if item.hatched:
        return f"url(#{_hatch_id(chart_id, index)})"
    return row.fill or item.fill


def bar_chart(
    *,
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[Row],
    series: Sequence[Series],
) -> SafeString:
    """A horizontal bar chart: one group of bars per row, one bar per series, the number after
    each bar. With more than one series a legend comes first."""
    series = list(series)
    bar_height = 20 if len(series) == 1 else 16
    group_gap = 12
    legend_height = 28 if len(series) > 1 else 0
    group_height = bar_height * len(series) + group_gap
    height = legend_height + max(len(rows), 1) * group_height + 8
    top = legend_height + 4
    largest = max((value.amount for row in rows for value in row.values if value.drawn), default=0)
    scale = (BAR_RIGHT - BAR_LEFT) / largest if largest else 0

    parts: list[SafeString] = [_defs(chart_id, series)]
    if len(series) > 1:
        x = BAR_LEFT
        for index, item in enumerate(series):
            paint = f"url(#{_hatch_id(chart_id, index)})" if item.hatched else item.fill
            parts.append(
                format_html(
                    '<rect x="{x}" y="6" width="14" height="14" fill="{paint}" stroke="{stroke}"/>'
                    '<text x="{tx}" y="18" fill="{text}">{label}</text>',
                    x=x,
                    paint=paint,
                    stroke=item.fill,
                    tx=x + 20,
                    text=TEXT,
                    label=item.label,
                )
            )
            x += 36 + 9 * len(str(item.label))
    parts.append(
        format_html(
            '<line x1="{x}" y1="{y1}" x2="{x}" y2="{y2}" stroke="{grid}" stroke-width="1" aria-hidden="true"/>',
            x=BAR_LEFT,
            y1=top - 2,
            y2=height - 4,
            grid=GRID,
        )
    )
    for row_index, row in enumerate(rows):
        y = top + row_index * group_height
        label = shorten(row.label, LABEL_CHARS)
        parts.append(
            format_html(
                '<text x="{x}" y="{y}" text-anchor="end" fill="{text}">{label}{full}</text>',
                x=LABEL_RIGHT,
                y=y + (bar_height * len(series)) / 2 + FONT_SIZE / 2 - 2,
                text=TEXT,
                label=label,
                full=format_html("<title>{}</title>", row.label) if label != row.label else "",
            )
        )
        for index, value in enumerate(row.values):
            bar_y = y + index * bar_height
            width = round(value.amount * scale, 1) if value.drawn else 0
            if width:
                parts.append(
                    format_html(
                        '<rect class="bar" x="{x}" y="{y}" width="{w}" height="{h}" fill="{paint}" stroke="{stroke}" '
                        'stroke-width="1"/>',
                        x=BAR_LEFT,
                        y=bar_y + 1,
                        w=max(width, 2),
                        h=bar_height - 2,
                        paint=_paint(chart_id, series, index, row),
                        stroke=row.fill or series[index].fill,
                    )
                )
            parts.append(
                format_html(
                    '<text x="{x}" y="{y}" fill="{fill}">{text}</text>',
                    x=BAR_LEFT + max(width, 0) + 6,
                    y=bar_y + bar_height / 2 + FONT_SIZE / 2 - 2,
                    fill=TEXT if value.drawn else MUTED,
                    text=value.text,
                )
            )
    return _svg(chart_id, title, desc, height, SafeString("".join(parts)))


def share_bar(*, chart_id: str, title: str, desc: str, part: int, whole: int, fill: str, shown: bool) -> SafeString:
    """One bar for a share: the filled part of the whole. Not drawn when the share is hidden."""
    height = 36
    body: list[SafeString] = [
        format_html(
            '<rect x="1" y="4" width="{w}" height="28" fill="#ffffff" stroke="{stroke}" stroke-width="1"/>',
            w=WIDTH - 2,
            stroke=MUTED,
        )
    ]
    if shown and whole:
        body.append(
            format_html(
                '<rect x="1" y="4" width="{w}" height="28" fill="{fill}"/>',
                w=round((WIDTH - 2) * part / whole, 1),
                fill=fill,
            )
        )
    return _svg(chart_id, title, desc, height, SafeString("".join(body)))
