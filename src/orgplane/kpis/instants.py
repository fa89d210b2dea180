"""The moments orgplane supports, in one place: from the epoch to the start of year 9999.

Pure; imports nothing from orgplane. Every entry point that takes a moment (a
measurement's ``at``, a scorecard's ``at``, a listing's ``from``/``to``, a file's
records, a command's ``--at``) checks it with ``check_instant``; reads skip stored
moments outside the range (``EARLIEST_MS``, ``END_MS``) rather than fail on them.

Why these bounds: Python's ``datetime`` ends at 9999-12-31 in every offset, so a moment
late in year 9999 overflows when it is turned into another offset or has a period added
(``at + 91 days``); one spare year above the range covers every period orgplane adds and
every UTC offset (±23:59). Below, nothing orgplane measures predates the epoch, and unix
seconds (which measurement files may hold) start there. Going back from a moment (a
rolling window's start, ``at - 28 days``) is clamped to the epoch by ``minus``, so a
window of any length is safe.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = [
    "EARLIEST",
    "EARLIEST_MS",
    "END",
    "END_MS",
    "InstantRangeError",
    "check_instant",
    "minus",
    "range_text",
]

#: The first supported moment (included).
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
#: The first moment past the range (excluded).
END = datetime(9999, 1, 1, tzinfo=UTC)
#: The range in milliseconds since the epoch, as the database stores moments.
EARLIEST_MS = 0
END_MS = (END - EARLIEST) // timedelta(milliseconds=1)


class InstantRangeError(ValueError):
    """A moment outside the supported range, or without a UTC offset."""


def range_text() -> str:
    """The supported range, as messages show it."""
    return "from 1970-01-01T00:00:00Z to before 9999-01-01T00:00:00Z"


def check_instant(at: datetime) -> datetime:
    """``at`` in UTC, if it is an aware moment in the supported range; else
    ``InstantRangeError`` saying why (compared before any conversion, which would
    overflow for the moments refused)."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise InstantRangeError(f"{at.isoformat()} has no UTC offset (write Z or +01:00)")
    if not EARLIEST <= at < END:
        raise InstantRangeError(
            f"{at.isoformat()} is outside the moments orgplane supports: {range_text()}"
        )
    return at.astimezone(UTC)


def minus(at: datetime, length: timedelta) -> datetime:
    """``at - length``, or the epoch if that is earlier: never overflows for a moment
    ``check_instant`` accepted, whatever the length."""
    if length >= at - EARLIEST:
        return EARLIEST
    return at - length
