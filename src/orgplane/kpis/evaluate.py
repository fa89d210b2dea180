"""Scoring one KPI: from the measurements of its window to a value, a status and a budget.

Pure; imports only ``kpis``. The store sums a window's measurements into an ``Aggregate``
(in SQL, for every KPI of an org at once); ``assess`` turns it into an ``Assessment`` by
the objective's kind:

- threshold: the last value; percentile: that percentile of the values (nearest rank);
- ratio: good/total when measurements carry them, else the mean of the values;
- share: the share of values that meet the limit, against the required share;
- rate: the sum per period ("≥ 20 Deploys/day") or the mean per thing ("/ Shift");
- growth: the change from the first to the last value of the window;
- cadence: met when the window holds at least one measurement (an occurrence).

Status: ``no data`` without measurements (and for qualitative KPIs); ``breached`` when the
value misses the target; ``at risk`` when it meets it within 5% of the target (an SLO:
when less than a quarter of its error budget is left or a burn-rate alert fires);
``met`` otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from orgplane.kpis.budget import BURN_ALERTS, bad_share, budget_of, is_slo, remaining_budget
from orgplane.kpis.objective import Comparator, Kind, Objective, Period, Unit
from orgplane.kpis.windows import PERIOD_SECONDS

__all__ = [
    "AT_RISK_BUDGET",
    "AT_RISK_MARGIN",
    "Aggregate",
    "Assessment",
    "Status",
    "assess",
    "compare",
    "measured_value",
    "nearest_rank",
]

#: A met value within this share of its target is at risk.
AT_RISK_MARGIN = 0.05
#: An SLO with less than this share of its error budget left is at risk.
AT_RISK_BUDGET = 0.25


class Status(StrEnum):
    """How a KPI (or a group's KPIs) stands; ordered from best to worst by ``rank``."""

    MET = "met"
    AT_RISK = "at_risk"
    BREACHED = "breached"
    NO_DATA = "no_data"

    @property
    def rank(self) -> int:
        """Severity for "worst status": breached > at risk > met; no data is least."""
        return {"no_data": 0, "met": 1, "at_risk": 2, "breached": 3}[self.value]

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


@dataclass(frozen=True, slots=True)
class Aggregate:
    """The measurements of one KPI in one window, summed up."""

    count: int = 0
    total_value: float = 0.0
    first: float | None = None
    last: float | None = None
    #: Sum of ``good`` and ``total`` over the measurements that carry them.
    good: float | None = None
    total: float | None = None
    #: How many values meet the objective's limit (for shares).
    meeting: int = 0
    #: The objective's percentile of the values (for percentile objectives).
    percentile: float | None = None

    @property
    def mean(self) -> float | None:
        return self.total_value / self.count if self.count else None


@dataclass(frozen=True, slots=True)
class Assessment:
    """One KPI scored: its value in the window, its status and, for an SLO, its budget."""

    status: Status
    value: float | None = None
    count: int = 0
    #: For SLOs: the share of the error budget left (1 untouched, negative overspent).
    budget_remaining: float | None = None
    #: For SLOs: burn rate by alert window name (``page-1h`` …), where measured.
    burn_rates: dict[str, float] = field(default_factory=dict)
    #: Names of the burn-rate alerts that fire.
    alerts: tuple[str, ...] = ()
    reason: str | None = None


#: Float noise: a sum of measurements may miss its exact value by a few units in the last
#: place, but an objective of eleven nines (0.99999999999) must still tell 1e-11 apart.
_REL_TOL = 1e-13
_ABS_TOL = 1e-15


def compare(comparator: Comparator, value: float, target: float) -> bool:
    """Whether ``value`` satisfies ``comparator target`` (equality within float noise)."""
    close = math.isclose(value, target, rel_tol=_REL_TOL, abs_tol=_ABS_TOL)
    if comparator is Comparator.GE:
        return value >= target or close
    if comparator is Comparator.LE:
        return value <= target or close
    if comparator is Comparator.GT:
        return value > target and not close
    if comparator is Comparator.LT:
        return value < target and not close
    return close


def nearest_rank(values: list[float], percentile: float) -> float:
    """The ``percentile`` (0–100) of ``values`` by the nearest-rank method."""
    ordered = sorted(values)
    rank = max(1, math.ceil(percentile / 100 * len(ordered)))
    return ordered[rank - 1]


def measured_value(objective: Objective, aggregate: Aggregate, span: timedelta) -> float | None:
    """The value the window's measurements give the objective (see the module docs)."""
    if aggregate.count == 0:
        return None
    kind = objective.kind
    if kind is Kind.PERCENTILE:
        return aggregate.percentile
    if kind is Kind.RATIO:
        if aggregate.total:
            return (aggregate.good or 0.0) / aggregate.total
        return aggregate.mean
    if kind is Kind.SHARE:
        return aggregate.meeting / aggregate.count
    if kind is Kind.RATE:
        per = _period(objective.per)
        if per is None:
            return aggregate.mean
        periods = max(span.total_seconds() / PERIOD_SECONDS[per], 1.0)
        return aggregate.total_value / periods
    if kind is Kind.GROWTH:
        if aggregate.first is None or aggregate.last is None or aggregate.first == 0:
            return None
        return (aggregate.last - aggregate.first) / abs(aggregate.first)
    if kind is Kind.CADENCE:
        return float(aggregate.count)
    return aggregate.last


def _period(per: str | None) -> Period | None:
    try:
        return Period(per) if per else None
    except ValueError:
        return None


def assess(
    objective: Objective,
    aggregate: Aggregate,
    span: timedelta,
    *,
    slo_window: timedelta | None = None,
    burn_windows: dict[timedelta, Aggregate] | None = None,
) -> Assessment:
    """Score ``objective`` from its window's ``aggregate``.

    ``span`` is how long the window is (for rates). For SLOs, ``slo_window`` is the
    window's full length and ``burn_windows`` the aggregates of the alert windows (1 h,
    5 min, 6 h, 30 min, 3 d), from which burn rates and firing alerts are computed.
    """
    if not objective.typed:
        return Assessment(Status.NO_DATA, reason=objective.reason or "qualitative")
    value = measured_value(objective, aggregate, span)
    if value is None:
        return Assessment(Status.NO_DATA, count=aggregate.count, reason="no measurements")
    if objective.kind is Kind.CADENCE:
        status = Status.MET if value >= 1 else Status.BREACHED
        return Assessment(status, value, aggregate.count)
    target, comparator = _target(objective)
    slo = is_slo(objective)
    if not compare(comparator, value, target):
        status = Status.BREACHED
    elif not slo and _close(comparator, value, target) and not _at_the_limit(objective, target):
        # An SLO's margin is its error budget, not a share of its target.
        status = Status.AT_RISK
    else:
        status = Status.MET
    if not slo:
        return Assessment(status, value, aggregate.count)
    budget = budget_of(objective)
    assert budget is not None
    bad = 1 - value if objective.kind is Kind.SHARE else bad_share(objective, value)
    remaining = remaining_budget(bad, budget)
    rates, alerts = _burn(objective, budget, slo_window or span, burn_windows or {})
    if remaining < 0:
        status = Status.BREACHED  # the budget is overspent, whatever rounding said
    elif status is Status.MET and (remaining < AT_RISK_BUDGET or alerts):
        status = Status.AT_RISK
    return Assessment(status, value, aggregate.count, remaining, rates, alerts)


def _target(objective: Objective) -> tuple[float, Comparator]:
    if objective.kind is Kind.SHARE:
        return objective.share or 0.0, Comparator.GE
    assert objective.value is not None
    assert objective.comparator is not None
    return objective.value, objective.comparator


def _at_the_limit(objective: Objective, target: float) -> bool:
    """A target at the end of the scale ("100% inventory accuracy", "PII Incident = 0"
    as "≤ 0%"): meeting it cannot be done by a wider margin, so it is never at risk."""
    if objective.unit is not Unit.RATIO:
        return False
    if objective.comparator in (Comparator.GE, Comparator.GT):
        return target >= 1
    return target <= 0


def _close(comparator: Comparator, value: float, target: float) -> bool:
    margin = abs(target) * AT_RISK_MARGIN
    if comparator in (Comparator.GE, Comparator.GT):
        return value < target + margin
    if comparator in (Comparator.LE, Comparator.LT):
        return value > target - margin
    return False


def _burn(
    objective: Objective,
    budget: float,
    slo_window: timedelta,
    windows: dict[timedelta, Aggregate],
) -> tuple[dict[str, float], tuple[str, ...]]:
    rates: dict[str, float] = {}
    firing: list[str] = []
    for alert in BURN_ALERTS:
        long_rate = _rate(objective, budget, windows.get(alert.long))
        short_rate = _rate(objective, budget, windows.get(alert.short))
        if long_rate is not None:
            rates[alert.name] = long_rate
        threshold = alert.threshold(slo_window)
        if (
            long_rate is not None
            and short_rate is not None
            and min(long_rate, short_rate) > threshold
        ):
            firing.append(alert.name)
    return rates, tuple(firing)


def _rate(objective: Objective, budget: float, aggregate: Aggregate | None) -> float | None:
    if aggregate is None:
        return None
    value = measured_value(objective, aggregate, timedelta(0))
    if value is None:
        return None
    bad = 1 - value if objective.kind is Kind.SHARE else bad_share(objective, value)
    return max(bad, 0.0) / budget
