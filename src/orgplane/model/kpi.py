"""KPIs as the spec writes them: the text, a stable id, where measurements come from, and
the window they are scored over.

Pure model; imports ``model.base`` only. The text is kept exactly; ``orgplane.kpis``
types it into an objective. ``id`` is the KPI's identity for measurements: written in
the spec, or derived from the objective's metric (``orgplane.kpis.identity``), so stored
measurements keep pointing at their KPI after any number of applies.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import ClassVar

from pydantic import Field, field_validator, model_validator

from orgplane.model.base import NameStr, Shorthand, Slug, Text

__all__ = ["WINDOW_PATTERN", "InternalHook", "Kpi", "MeasureSource", "SourceType"]

#: A KPI's scoring window: rolling (``7d``, ``28d``, ``30d``, ``12h``, ``2w``,
#: ``rolling-quarter``) or calendar (``month``, ``quarter``, ``year``, ``shift``).
WINDOW_PATTERN = r"^(\d{1,4}[mhdw]|rolling-quarter|month|quarter|year|shift)$"
#: A Prometheus duration (``30s``, ``5m``, ``1h``, ``7d``).
DURATION_PATTERN = r"^\d{1,6}(ms|s|m|h|d|w)$"

_window = re.compile(WINDOW_PATTERN)


class SourceType(StrEnum):
    """Where a KPI's measurements come from."""

    MANUAL = "manual"  #: recorded by people: ``orgplane kpi record`` or the API
    FILE = "file"  #: a CSV or JSON-lines file, read by ``orgplane kpi pull``
    PROMETHEUS = "prometheus"  #: a PromQL query against a Prometheus HTTP API
    INTERNAL = "internal"  #: computed by orgplane from its own records (a hook)


class InternalHook(StrEnum):
    """What orgplane can compute from its own records (the process features feed them)."""

    INCIDENT_MTTR = "incident_mttr"
    INCIDENT_MTTD = "incident_mttd"
    CHANGE_SUCCESS_RATE = "change_success_rate"
    ROLLBACK_SUCCESS_RATE = "rollback_success_rate"
    PRR_TURNAROUND = "prr_turnaround"
    DEPLOYS_PER_DAY = "deploys_per_day"


#: The fields each source type takes besides ``type``; every other field must be unset.
_FIELDS: dict[SourceType, tuple[frozenset[str], frozenset[str]]] = {
    # (required, allowed)
    SourceType.MANUAL: (frozenset(), frozenset()),
    SourceType.FILE: (frozenset({"path"}), frozenset({"path", "format"})),
    SourceType.PROMETHEUS: (
        frozenset({"url"}),
        frozenset({"url", "query", "good", "total", "step", "range"}),
    ),
    SourceType.INTERNAL: (frozenset({"hook"}), frozenset({"hook"})),
}


_ALL_FIELDS = frozenset().union(*(allowed for _, allowed in _FIELDS.values()))


class MeasureSource(Shorthand):
    """Where the measurements of a KPI come from (``measure:`` of a KPI).

    ``manual`` needs nothing else. ``file`` reads ``path`` (CSV or JSON lines; ``format``
    defaults from the extension; a relative path is relative to the spec file).
    ``prometheus`` asks ``url`` either a ``query`` whose value is the measurement, or a
    ``good`` and a ``total`` query whose ratio is (ratio SLOs), at every ``step`` over
    ``range`` back from now. ``internal`` names a ``hook``.
    """

    shorthand_field: ClassVar[str | None] = "type"

    type: SourceType
    path: Text | None = None
    format: str | None = Field(default=None, pattern=r"^(csv|jsonl)$")
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=2000)
    query: Text | None = None
    good: Text | None = None
    total: Text | None = None
    step: str | None = Field(default=None, pattern=DURATION_PATTERN)
    range: str | None = Field(default=None, pattern=DURATION_PATTERN)
    hook: InternalHook | None = None

    @model_validator(mode="after")
    def _fields_of_type(self) -> MeasureSource:
        required, allowed = _FIELDS[self.type]
        given = {name for name in _ALL_FIELDS if getattr(self, name) is not None}
        missing = sorted(required - given)
        if missing:
            raise ValueError(f"a {self.type.value} source needs {', '.join(missing)}")
        extra = sorted(given - allowed)
        if extra:
            raise ValueError(f"a {self.type.value} source takes no {', '.join(extra)}")
        if self.type is SourceType.PROMETHEUS:
            if self.query is None and (self.good is None or self.total is None):
                raise ValueError("a prometheus source needs a query, or a good and a total query")
            if self.query is not None and (self.good is not None or self.total is not None):
                raise ValueError("a prometheus source takes a query or good/total, not both")
        return self

    @property
    def file_format(self) -> str:
        """``csv`` or ``jsonl``: as written, else from the file's extension."""
        if self.format:
            return self.format
        return "csv" if (self.path or "").lower().endswith(".csv") else "jsonl"


class Kpi(Shorthand):
    """A key performance indicator as written ("P95 latency < 5ms").

    The text is kept exactly; the KPI engine types it into an objective.
    """

    shorthand_field: ClassVar[str | None] = "text"

    text: NameStr
    #: Identity of the KPI within its group (``p95-latency``); derived from the metric
    #: when not written.
    id: Slug | None = None
    name: NameStr | None = None
    weight: float = Field(default=1.0, ge=0)
    #: Where its measurements come from; none means recorded by hand.
    measure: MeasureSource | None = None
    #: The scoring window; none means the objective's default (docs/kpis.md).
    window: str | None = None
    note: Text = ""

    @field_validator("window")
    @classmethod
    def _window(cls, value: str | None) -> str | None:
        if value is not None and not _window.match(value):
            raise ValueError(
                f"window {value!r} is not a rolling window (7d, 28d, 30d, 12h, 2w, "
                "rolling-quarter) or a calendar one (month, quarter, year, shift)"
            )
        return value
