"""The fields of one measurement record: a KPI reference, a moment, a number, a count.

Imports ``kpis.instants`` (the moments orgplane supports). Each parser takes a value as a file holds it (CSV text, or
a JSON value) and returns it typed, or raises ``InvalidValueError`` saying what is wrong
and how to write it; ``services.measurement_files`` turns that into a diagnostic with
its file, line and column.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from orgplane.kpis.instants import InstantRangeError, check_instant, range_text

__all__ = [
    "InvalidValueError",
    "json_type",
    "parse_count",
    "parse_moment",
    "parse_number",
    "parse_reference",
]

_REFERENCE = re.compile(r"^[^\s#]+#[^\s#]+$")
_UNIX_SECONDS = re.compile(r"^[+-]?\d+(\.\d+)?$")
#: Unix seconds from here on are far more likely milliseconds (year 5138 onwards).
_MAX_UNIX_SECONDS = 1e11
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_TIME_HINT = "write an offset, like 2024-06-01T10:00:00Z or 2024-06-01T12:00:00+02:00"


class InvalidValueError(ValueError):
    """A field's value is wrong; the message says how."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.hint = hint


def json_type(item: object) -> str:
    if item is None:
        return "null"
    if isinstance(item, bool):
        return "true/false"
    if isinstance(item, int | float):
        return "a number"
    if isinstance(item, str):
        return "a string"
    return "a list" if isinstance(item, list) else "an object"


def parse_reference(raw: Any) -> str:
    if not isinstance(raw, str):
        raise InvalidValueError(f"expected a KPI reference, found {json_type(raw)}")
    text = raw.strip()
    if not _REFERENCE.match(text):
        raise InvalidValueError(
            f"{text!r} is not a KPI reference",
            hint="write GROUP#kpi-id, like B-2#p95-latency or CIPO:1B/B-2#p95-latency",
        )
    return text


def parse_moment(raw: Any) -> datetime:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValueError(f"expected a time, found {json_type(raw)}")
    if isinstance(raw, str) and not _UNIX_SECONDS.match(raw.strip()):
        text = raw.strip()
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise InvalidValueError(
                f"{text!r} is not a time",
                hint="ISO 8601 with an offset, like 2024-06-01T10:00:00Z, or unix seconds",
            ) from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise InvalidValueError(f"{text!r} has no UTC offset", hint=_TIME_HINT)
        try:
            return check_instant(moment)
        except InstantRangeError:
            raise InvalidValueError(
                f"{_short(text)!r} is outside the moments orgplane supports",
                hint=f"write a moment {range_text()}",
            ) from None
    try:
        seconds = float(raw)
    except OverflowError:  # an integer of hundreds of digits
        seconds = math.inf
    shown = _short(str(raw).strip())
    if math.isnan(seconds) or seconds < 0:
        raise InvalidValueError(f"{shown} is not a moment after 1970 in unix seconds")
    if seconds >= _MAX_UNIX_SECONDS:
        raise InvalidValueError(
            f"{shown} is too large for unix seconds", hint="unix seconds, not milliseconds"
        )
    return _EPOCH + timedelta(seconds=seconds)


def _short(text: str) -> str:
    """``text``, cut to fit a one-line message."""
    return text if len(text) <= 24 else f"{text[:20]}…"


def parse_number(raw: Any) -> float:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidValueError(f"expected a number, found {json_type(raw)}")
    text = raw.strip() if isinstance(raw, str) else raw
    try:
        number = float(text)
    except OverflowError:  # an integer of hundreds of digits
        raise InvalidValueError("the number is too large") from None
    except ValueError:
        raise InvalidValueError(f"{text!r} is not a number") from None
    if not math.isfinite(number):
        raise InvalidValueError(f"{raw!s} is not a finite number")
    return number


def parse_count(raw: Any) -> float:
    number = parse_number(raw)
    if number < 0:
        raise InvalidValueError(f"{number:g} is negative")
    return number
