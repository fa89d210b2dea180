"""OpenSLO time windows → KPI windows: rolling and calendar windows, durations.

Imports ``importers.openslo.documents`` (field accessors) and ``model``. A rolling
window keeps its length (months, quarters and years in days); a calendar window is one
of orgplane's (month, quarter, year, shift), with a note when its start or time zone
differs from orgplane's.
"""

from __future__ import annotations

import re
from datetime import datetime

from orgplane.importers.openslo.documents import (
    error_at,
    field_flag,
    field_items,
    field_text,
    required_text,
)
from orgplane.model.kpi import WINDOW_PATTERN
from orgplane.model.source import SourcedDict

__all__ = ["duration_step", "time_window"]

#: OpenSLO duration shorthands: a positive integer and a case-sensitive unit.
_DURATION = re.compile(r"^(\d+)([mhdwMQY])$")
#: v1alpha time windows name a unit and a count.
_ALPHA_UNITS = {"Minute": "m", "Hour": "h", "Day": "d", "Week": "w", "Month": "M"}
_ALPHA_UNITS |= {"Quarter": "Q", "Year": "Y"}
#: Calendar windows orgplane has, by OpenSLO duration.
_CALENDAR = {"1M": "month", "1Q": "quarter", "1Y": "year", "8h": "shift"}
_UTC = frozenset({"UTC", "Etc/UTC", "Z", "GMT", "Etc/GMT", "Universal", "Zulu", "Etc/Universal"})
_WINDOW_TEXT = re.compile(WINDOW_PATTERN)


def time_window(spec: SourcedDict, version: str) -> tuple[str | None, tuple[str, ...]]:
    """The KPI window of an SLO's time window, and notes on what changed."""
    key = "timeWindow" if version == "openslo/v1" else "timeWindows"
    items = field_items(spec, key, "SLO spec")
    if not items:
        return None, ()
    if len(items) > 1:
        raise error_at(spec, key, f"'{key}' has exactly one item", index=1)
    _, item = items[0]
    if version == "openslo/v1":
        duration = required_text(item, "duration", "time window")
    else:
        unit = required_text(item, "unit", "time window")
        count = required_text(item, "count", "time window")
        if unit not in _ALPHA_UNITS or not count.isdigit():
            raise error_at(item, "unit", f"a time window of {count} {unit} is not supported")
        duration = f"{int(count)}{_ALPHA_UNITS[unit]}"
    match = _DURATION.match(duration)
    if match is None or int(match[1]) == 0:
        raise error_at(item, "duration", f"{duration!r} is not a duration like 28d, 1M, 1Q")
    number, unit_letter = int(match[1]), match[2]
    calendar = item.get("calendar")
    rolling = field_flag(item, "isRolling", "time window")
    if rolling is None:
        rolling = calendar is None
    if rolling:
        return _rolling(item, number, unit_letter)
    if duration not in _CALENDAR:
        raise error_at(
            item,
            "duration",
            f"a calendar window of {duration} is not supported",
            hint="orgplane's calendar windows are 1M (month), 1Q (quarter), 1Y (year) and "
            "8h (shift); use a rolling window",
        )
    window = _CALENDAR[duration]
    notes: tuple[str, ...] = ()
    if isinstance(calendar, SourcedDict):
        notes = _calendar_notes(calendar, window)
    return window, notes


def _rolling(item: SourcedDict, number: int, unit: str) -> tuple[str, tuple[str, ...]]:
    days = {"M": 30, "Q": 91, "Y": 365}
    if unit == "Q" and number == 1:
        return "rolling-quarter", ()
    notes: tuple[str, ...] = ()
    if unit in days:
        notes = (
            f"OpenSLO window {number}{unit}: orgplane counts a month as 30 days, a quarter "
            "as 91, a year as 365.",
        )
        number, unit = number * days[unit], "d"
    window = f"{number}{unit}"
    if not _WINDOW_TEXT.match(window):
        raise error_at(item, None, f"a rolling window of {window} is longer than orgplane keeps")
    return window, notes


def _calendar_notes(calendar: SourcedDict, window: str) -> tuple[str, ...]:
    start = field_text(calendar, "startTime", "calendar")
    zone = field_text(calendar, "timeZone", "calendar")
    moment = None
    if start is not None:
        for layout in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d"):
            try:
                moment = datetime.strptime(start, layout)
                break
            except ValueError:
                continue
        if moment is None:
            raise error_at(calendar, "startTime", f"startTime {start!r} is not a date with a time")
    aligned = moment is None or (
        moment.minute == moment.second == 0
        and (
            moment.hour % 8 == 0
            if window == "shift"
            else moment.hour == 0
            and moment.day == 1
            and (window != "quarter" or moment.month % 3 == 1)
            and (window != "year" or moment.month == 1)
        )
    )
    if aligned and (zone is None or zone in _UTC):
        return ()
    return (
        f"OpenSLO calendar starts {start or 'unset'} ({zone or 'no time zone'}); orgplane's "
        f"{window} windows start at each {window} in UTC.",
    )


def duration_step(where: SourcedDict, key: str, text: str) -> str:
    """A timeSliceWindow as a Prometheus step: a number is minutes."""
    if text.isdigit():
        return f"{int(text)}m"
    match = _DURATION.match(text)
    if match is None or match[2] in "MQY":
        raise error_at(where, key, f"timeSliceWindow {text!r} is not a duration like 1m, 5m, 1h")
    return text
