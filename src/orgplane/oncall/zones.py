"""Wall-clock times as instants, with one explicit rule for the times DST makes odd.

Imports the standard library only. A local time in a *gap* (the hour a spring-forward
skips) does not exist: it becomes the first valid instant after it, the moment of the
transition. A local time in a *fold* (the hour a fall-back repeats) exists twice: it
takes its first occurrence. Both rules keep a sequence of handoffs in order: later wall
times never become earlier instants, so consecutive shifts never overlap or leave a gap.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

__all__ = ["UnknownZoneError", "to_utc", "zone_named"]


class UnknownZoneError(ValueError):
    """A time zone name that is not in the IANA database."""


def zone_named(name: str) -> ZoneInfo:
    """The IANA zone ``name`` ("Europe/Berlin"); ``UnknownZoneError`` with a close name
    when there is none."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        import difflib

        close = difflib.get_close_matches(name, sorted(available_timezones()), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise UnknownZoneError(f"unknown time zone {name!r}{hint}") from None


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The instant the naive wall-clock time ``local`` names in ``zone``, in UTC.

    A time in a gap is the transition itself (the first instant whose wall time is
    past it); a time in a fold is its first occurrence."""
    if local.tzinfo is not None:
        raise ValueError("to_utc takes a naive wall-clock time")
    first = local.replace(tzinfo=zone, fold=0).astimezone(UTC)
    if _wall(first, zone) == local:
        return first  # it exists; fold=0 is the first occurrence of an ambiguous time
    return _transition(local, zone)


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _transition(local: datetime, zone: ZoneInfo) -> datetime:
    """The first instant whose wall time is past ``local``, a time in a gap.

    The two readings of ``local`` (with the offset before and after the gap) bracket
    the transition; transitions fall on whole seconds, so bisecting seconds finds it."""
    readings = sorted(
        local.replace(tzinfo=zone, fold=fold).astimezone(UTC).replace(microsecond=0)
        for fold in (0, 1)
    )
    low, high = readings[0] - timedelta(seconds=1), readings[1] + timedelta(seconds=1)
    # Invariant: the wall time at ``low`` is before ``local``; at ``high``, past it.
    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if _wall(middle, zone) < local:
            low = middle
        else:
            high = middle
    return high
