"""OpenSLO plans: how one KPI is written as an SLO, or why it is skipped.

Imports ``orgplane.kpis`` and ``orgplane.model`` only. ``plan_kpi`` reads a KPI's typed
objective and its measure and gives a ``Plan`` (a ratio of good or bad events, or a
threshold, with the objective's numbers) or the reason it is left out, one of
``SKIP_REASONS``. docs/openslo.md has the mapping table this follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from orgplane.kpis import Comparator, Kind, Objective, Unit
from orgplane.kpis.budget import is_slo
from orgplane.kpis.units import exact
from orgplane.model import MeasureSource, SourceType

__all__ = ["SKIP_REASONS", "Plan", "plan_kpi"]

_OPS = {Comparator.GE: "gte", Comparator.GT: "gt", Comparator.LE: "lte", Comparator.LT: "lt"}

_QUALITATIVE = "qualitative: no measurable objective"
_NOT_SLO = "not an SLO: no share of events with an error budget of at most 10%"
_NEEDS_QUERY = "a percentile is exported only with a prometheus query of its values"
_THRESHOLD = (
    "a threshold must hold for every measurement, and OpenSLO targets are below 100% "
    "(write the share that must meet it: '(99%)')"
)
_EQUALS = "OpenSLO objectives compare with <, ≤, > or ≥, not ="
_NO_BUDGET = "a target of 100% leaves no error budget (OpenSLO targets are below 100%)"
_ONE_QUERY = (
    "a percentile, or a share of anything but a ratio, is measured by one query of values, "
    "not good and total"
)

#: Every reason a KPI is not exported, in the order the summary lists them.
SKIP_REASONS: tuple[str, ...] = (
    _QUALITATIVE,
    _NOT_SLO,
    _THRESHOLD,
    _NEEDS_QUERY,
    _ONE_QUERY,
    _EQUALS,
    _NO_BUDGET,
)


@dataclass(frozen=True, slots=True)
class Plan:
    """How one KPI is written: the kind of indicator and the objective's numbers."""

    #: ``good`` or ``bad`` (a ratio of events), or ``threshold``.
    indicator: str
    target: Decimal
    op: str | None = None
    value: float | None = None
    #: For a share of time slices (``Timeslices``): the good ratio a slice must reach.
    slice_target: Decimal | None = None


def plan_kpi(objective: Objective, measure: MeasureSource | None) -> Plan | str:
    """How to write the KPI, or why it is skipped."""
    if not objective.typed or objective.comparator is None or objective.value is None:
        return _QUALITATIVE
    prometheus = measure is not None and measure.type is SourceType.PROMETHEUS
    query = measure.query if measure is not None and prometheus else None
    if objective.kind is Kind.RATIO:
        if not is_slo(objective):
            return _NOT_SLO
        if objective.comparator in (Comparator.LE, Comparator.LT):
            return Plan("bad", 1 - exact(objective.value))
        return Plan("good", exact(objective.value))
    if objective.kind is Kind.SHARE and objective.share is not None:
        target = exact(objective.share)
        if prometheus and query is None and objective.unit is Unit.RATIO:
            return _slices(objective, target)
        if query is None and not is_slo(objective):
            return _NOT_SLO
    elif objective.kind is Kind.PERCENTILE and objective.percentile is not None:
        if query is None:
            return _ONE_QUERY if prometheus else _NEEDS_QUERY
        target = exact(objective.percentile) / 100
    elif objective.kind is Kind.THRESHOLD:
        return _THRESHOLD
    else:
        return _NOT_SLO
    if prometheus and query is None:
        return _ONE_QUERY
    if objective.comparator is Comparator.EQ:
        return _EQUALS
    if target >= 1:
        return _NO_BUDGET
    return Plan("threshold", target, _OPS[objective.comparator], objective.value)


def _slices(objective: Objective, target: Decimal) -> Plan | str:
    """A share of steps whose good/total ratio meets the value: OpenSLO's Timeslices."""
    assert objective.value is not None
    if objective.comparator is Comparator.EQ:
        return _EQUALS
    if target >= 1:
        return _NO_BUDGET
    value = exact(objective.value)
    if objective.comparator in (Comparator.LE, Comparator.LT):
        return Plan("bad", target, slice_target=1 - value)
    return Plan("good", target, slice_target=value)
