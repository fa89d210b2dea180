"""The parts of an on-call rotation beyond who is primary: layers, windows, overrides.

Pure model. A rotation without ``layers`` has one implied layer, its ``primary``
handing off at ``handoff`` every ``period``; with layers, they say who holds it when
(the later layer wins where it has someone), and ``overrides`` win over every layer.
Times of layers and windows are wall-clock times in the rotation's ``timezone``;
overrides are instants (with an offset or ``Z``).
"""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import AwareDatetime, Field, field_validator, model_validator

from orgplane.model.base import Located, NameStr, Text

__all__ = ["WEEKDAYS", "OnCallLayer", "OnCallOverride", "OnCallWindow"]

#: Weekdays as the spec writes them, Monday first.
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"
#: A turn's length: hours, days or weeks ("12h", "1d", "2w").
TURN_PATTERN = r"^[1-9]\d{0,3}[hdw]$"
_TURN = re.compile(TURN_PATTERN)


class OnCallWindow(Located):
    """A window a layer covers: from ``start`` to ``end`` local time on each of ``days``.
    An ``end`` at or before ``start`` runs past midnight; equal ones are the whole day."""

    days: list[str] = Field(default_factory=lambda: list(WEEKDAYS), min_length=1)
    start: str = Field(default="00:00", pattern=_HHMM)
    end: str = Field(default="00:00", pattern=_HHMM)

    @field_validator("days")
    @classmethod
    def _days(cls, value: list[str]) -> list[str]:
        days = [day.strip().lower()[:3] for day in value]
        unknown = [given for given, day in zip(value, days, strict=True) if day not in WEEKDAYS]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not a weekday (mon, tue, … sun)")
        return days


class OnCallLayer(Located):
    """Members (people's ids or role names) taking turns from ``start``, a local
    date-time whose time of day is the handoff time: ``turn`` long each ("12h", "1d",
    "1w"), or at the occurrences of ``rrule`` (RFC 5545, from ``start``)."""

    name: NameStr | None = None
    members: list[NameStr] = Field(min_length=1)
    start: datetime
    turn: str = "1d"
    rrule: str | None = Field(default=None, min_length=1, max_length=500)
    restrictions: list[OnCallWindow] = Field(default_factory=list)

    @field_validator("turn")
    @classmethod
    def _turn(cls, value: str) -> str:
        if not _TURN.match(value):
            raise ValueError("not a number of hours, days or weeks (12h, 1d, 2w)")
        return value

    @field_validator("start")
    @classmethod
    def _local(cls, value: datetime) -> datetime:
        if value.tzinfo is not None:
            raise ValueError(
                "a layer starts at a local date-time, without an offset "
                "(its zone is the rotation's timezone): e.g. 2026-01-05T09:00"
            )
        return value


class OnCallOverride(Located):
    """``person`` holds the rotation from ``start`` until ``end``, whoever would."""

    person: NameStr
    start: AwareDatetime
    end: AwareDatetime
    note: Text = ""

    @model_validator(mode="after")
    def _ends_after_it_starts(self) -> OnCallOverride:
        if self.end <= self.start:
            raise ValueError(
                f"the override ends ({self.end.isoformat()}) before it starts "
                f"({self.start.isoformat()})"
            )
        return self
