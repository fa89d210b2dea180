"""Scoring windows: the stretch of time a KPI is scored over, ending at a moment.

Pure; imports only ``kpis.objective`` and ``kpis.instants``. A window is rolling (``28d``: the 28 days up to the
moment) or calendar (``quarter``: from the start of the current calendar quarter, UTC, up
to the moment). ``default_window`` picks one from the objective when the spec names none;
docs/kpis.md lists the defaults.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from orgplane.kpis.instants import minus
from orgplane.kpis.objective import Kind, Objective, Period

__all__ = [
    "PERIOD_SECONDS",
    "SHIFT_HOURS",
    "Window",
    "default_window",
    "parse_duration",
    "parse_window",
]

#: The length of each period in seconds (a month is 30 days, a quarter 91, a year 365).
PERIOD_SECONDS: dict[Period, int] = {
    Period.HOUR: 3600,
    Period.DAY: 86_400,
    Period.WEEK: 7 * 86_400,
    Period.MONTH: 30 * 86_400,
    Period.QUARTER: 91 * 86_400,
    Period.HALF_YEAR: 182 * 86_400,
    Period.YEAR: 365 * 86_400,
}
#: Shifts are 8 hours, starting at 00:00, 08:00 and 16:00 UTC.
SHIFT_HOURS = 8

_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
_DURATION = re.compile(r"^(\d{1,6})(ms|s|m|h|d|w)$")
_CALENDAR = ("month", "quarter", "year", "shift")


def parse_duration(text: str) -> timedelta:
    """``5m`` → 5 minutes; Prometheus' duration units (ms, s, m, h, d, w)."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise ValueError(f"{text!r} is not a duration like 30s, 5m, 1h, 7d")
    return timedelta(seconds=int(match[1]) * _UNIT_SECONDS[match[2]])


@dataclass(frozen=True, slots=True)
class Window:
    """A scoring window, as written (``28d``, ``quarter``)."""

    text: str
    #: The length of a rolling window; ``None`` for a calendar one.
    length: timedelta | None
    #: ``month``, ``quarter``, ``year`` or ``shift`` for a calendar window.
    calendar: str | None = None

    def bounds(self, at: datetime) -> tuple[datetime, datetime]:
        """``(start, end)`` of the window that ends at ``at``: start included, end excluded.

        A rolling window longer than the time since the epoch starts at the epoch (its
        length is the spec's to choose: ``999999w`` must not overflow).
        """
        at = at.astimezone(UTC)
        end = at
        if self.length is not None:
            return minus(end, self.length), end
        if self.calendar == "shift":
            start = at.replace(
                hour=at.hour - at.hour % SHIFT_HOURS, minute=0, second=0, microsecond=0
            )
        elif self.calendar == "month":
            start = at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        elif self.calendar == "quarter":
            month = at.month - (at.month - 1) % 3
            start = at.replace(month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
        else:
            start = at.replace(month=1, day=1, hour=0, minute=0, second=0, microsecond=0)
        return start, end

    def span(self, at: datetime) -> timedelta:
        """How long the window ending at ``at`` is (a calendar window grows through its period)."""
        start, end = self.bounds(at)
        return end - start

    @property
    def nominal(self) -> timedelta:
        """The full length of the window: a calendar window's whole period."""
        if self.length is not None:
            return self.length
        return {
            "shift": timedelta(hours=SHIFT_HOURS),
            "month": timedelta(days=30),
            "quarter": timedelta(days=91),
        }.get(self.calendar or "", timedelta(days=365))

    def __str__(self) -> str:
        return self.text


def parse_window(text: str) -> Window:
    """A window from its spec text: ``7d``, ``28d``, ``12h``, ``2w``, ``rolling-quarter``,
    ``month``, ``quarter``, ``year``, ``shift``."""
    text = text.strip()
    if text in _CALENDAR:
        return Window(text, None, text)
    if text == "rolling-quarter":
        return Window(text, timedelta(days=91))
    return Window(text, parse_duration(text))


def default_window(objective: Objective) -> Window:
    """The window a KPI is scored over when its spec names none.

    A period the text names is a calendar window ("SLO Miss < 2% / quarter" → this
    quarter), except for cadences and growth, which look back one whole period
    ("published quarterly" → the last 91 days; "-10% YoY" → the last 365 days). Anything
    else is scored over the last 28 days.
    """
    period = objective.period
    if period is not None and objective.kind in (Kind.CADENCE, Kind.GROWTH):
        return parse_window(
            f"{PERIOD_SECONDS[period] // 86_400}d" if period != Period.HOUR else "1h"
        )
    if period in (Period.MONTH, Period.QUARTER, Period.YEAR) and objective.kind is not Kind.RATE:
        return parse_window(period.value)
    return parse_window("28d")
