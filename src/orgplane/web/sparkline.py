"""Sparklines as inline SVG: a KPI's values over its window, drawn on the server.

Pure; imports only the standard library. ``sparkline_svg`` turns the values of equal
slices of a window (``None`` for a slice without measurements) into one small ``<svg>``:
a line through the values, broken where a slice is empty, scaled between the lowest and
the highest value (and the target, when one is drawn, so the line sits above or below
it); a dot on the last value and on values with no neighbour to join. The picture is
described in words for people who cannot see it (``<title>`` and ``aria-label``: the
lowest, highest and last value). Every string that goes in is escaped.

Lines are ``<path>`` elements rather than ``<polyline>``: one path holds every piece of
a broken line (a gap is a move), and the pages' tests allow only a small set of tags.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from html import escape

__all__ = ["describe", "sparkline_svg"]

#: Room left around the line so strokes and dots are not clipped (viewBox units).
PAD = 3.0
DOT_RADIUS = 2.0


def _plain(value: float) -> str:
    return f"{value:.4g}"


def _finite(values: Sequence[float | None]) -> list[float | None]:
    return [v if v is not None and math.isfinite(v) else None for v in values]


def describe(
    values: Sequence[float | None],
    *,
    label: str = "",
    fmt: Callable[[float], str] = _plain,
    target: float | None = None,
) -> str:
    """The sparkline in words: ``label: min …, max …, last …`` (and the target)."""
    present = [v for v in _finite(values) if v is not None]
    prefix = f"{label}: " if label else ""
    if not present:
        return f"{prefix}no measurements"
    text = f"{prefix}min {fmt(min(present))}, max {fmt(max(present))}, last {fmt(present[-1])}"
    if target is not None and math.isfinite(target):
        text += f", target {fmt(target)}"
    return text


def _number(value: float) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def sparkline_svg(
    values: Sequence[float | None],
    *,
    label: str = "",
    fmt: Callable[[float], str] = _plain,
    target: float | None = None,
    width: int = 120,
    height: int = 28,
    css_class: str = "spark",
) -> str:
    """``values`` as an inline SVG sparkline (see the module docs); ``""`` when no value
    is present, so the caller can say "no data" in words instead of drawing nothing."""
    points = _finite(values)
    present = [v for v in points if v is not None]
    if not present:
        return ""
    if target is not None and not math.isfinite(target):
        target = None
    low = min([*present, target] if target is not None else present)
    high = max([*present, target] if target is not None else present)
    inner_w, inner_h = width - 2 * PAD, height - 2 * PAD

    def x_of(index: int) -> float:
        if len(points) == 1:
            return width / 2
        return PAD + index * inner_w / (len(points) - 1)

    def y_of(value: float) -> float:
        if high == low:
            return height / 2
        return PAD + (high - value) / (high - low) * inner_h

    runs: list[list[tuple[float, float]]] = []
    run: list[tuple[float, float]] = []
    for index, value in enumerate(points):
        if value is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append((x_of(index), y_of(value)))
    if run:
        runs.append(run)
    line = " ".join(
        "M" + " L".join(f"{_number(x)},{_number(y)}" for x, y in piece)
        for piece in runs
        if len(piece) > 1
    )
    alone = [piece[0] for piece in runs if len(piece) == 1]
    last = runs[-1][-1]
    description = escape(describe(values, label=label, fmt=fmt, target=target), quote=True)
    parts = [
        f'<svg class="{escape(css_class, quote=True)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{description}">',
        f"<title>{description}</title>",
    ]
    if target is not None:
        y = _number(y_of(target))
        parts.append(f'<path class="target" d="M{_number(PAD)},{y} H{_number(width - PAD)}"/>')
    if line:
        parts.append(f'<path class="line" d="{line}"/>')
    if alone:
        parts.append(f'<path class="dot" d="{_dots(alone)}"/>')
    parts.append(f'<path class="last" d="{_dots([last])}"/>')
    parts.append("</svg>")
    return "".join(parts)


def _dots(centres: list[tuple[float, float]]) -> str:
    """Filled circles as path data (two half arcs each)."""
    r = _number(DOT_RADIUS)
    return " ".join(
        f"M{_number(x - DOT_RADIUS)},{_number(y)} a{r},{r} 0 1,0 {_number(2 * DOT_RADIUS)},0 "
        f"a{r},{r} 0 1,0 {_number(-2 * DOT_RADIUS)},0"
        for x, y in centres
    )
