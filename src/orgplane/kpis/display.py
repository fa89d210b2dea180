"""Measured values for people: "4.2 ms", "99.93%", "21.5/day", in the objective's unit.

Pure; imports only ``kpis.objective``. Unlike ``render`` (exact canonical KPI text),
these are rounded readings of measurements, for tables, pages and sparklines' labels.
"""

from __future__ import annotations

from orgplane.kpis.objective import Kind, Objective, Unit

__all__ = ["format_value"]

_DURATIONS = ((86_400 * 2, 86_400, "d"), (7200, 3600, "h"), (120, 60, "min"), (1, 1, "s"))
_SCALES = ((1e12, "T"), (1e9, "G"), (1e6, "M"), (1e3, "k"))


def _number(value: float, digits: int = 3) -> str:
    text = f"{value:.{digits}g}"
    if "e" in text:
        text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return text


def _duration(seconds: float) -> str:
    size = abs(seconds)
    for threshold, factor, label in _DURATIONS:
        if size >= threshold:
            return f"{_number(seconds / factor)} {label}"
    if size >= 1e-3 or size == 0:
        return f"{_number(seconds * 1e3)} ms"
    return f"{_number(seconds * 1e6)} µs"


def _scaled(value: float, unit: str) -> str:
    for factor, prefix in _SCALES:
        if abs(value) >= factor:
            return f"{_number(value / factor)} {prefix}{unit}"
    return f"{_number(value)} {unit}"


def _percent(fraction: float) -> str:
    percent = fraction * 100
    if 99 <= abs(percent) < 100:
        # Nines matter: 99.95% is not 100%, nor is 99.999996%.
        for digits in range(2, 13):
            text = f"{percent:.{digits}f}".rstrip("0").rstrip(".")
            if text not in ("100", "-100"):
                return f"{text}%"
    return f"{_number(percent)}%"


def format_value(value: float | None, objective: Objective) -> str:
    """``value`` (in the objective's normalized unit) as people read it; "–" for none."""
    if value is None:
        return "–"
    if objective.kind is Kind.SHARE:
        return _percent(value)
    if objective.kind is Kind.GROWTH:
        return ("+" if value > 0 else "") + _percent(value)
    if objective.kind is Kind.CADENCE:
        count = int(value)
        return f"{count} time{'s' if count != 1 else ''}"
    unit = objective.unit
    if unit is Unit.SECONDS:
        text = _duration(value)
    elif unit is Unit.RATIO:
        text = _percent(value)
    elif unit is Unit.BITS_PER_SECOND:
        text = _scaled(value, "bps")
    elif unit is Unit.BYTES:
        text = _scaled(value, "B")
    elif unit is Unit.BUSINESS_DAYS:
        text = f"{_number(value)} business days"
    else:
        text = _number(value)
    if objective.kind is Kind.RATE and objective.per:
        text += f"/{objective.per}"
    return text
