"""Demo KPI data, checked: generated points scored the way the scorecard scores stored ones.

Pure; imports only the standard library and ``kpis`` (``budget``, ``evaluate``,
``objective``, ``demo_plan``). For GENERATED demo data only, never for measured data:
``kpis.demo_series`` makes a series, scores it here at ``now`` and tries again until it
scores its planned outcome. The aggregates are computed as ``store.measurements`` computes
them from the database (plain comparisons with the stored target, nearest-rank
percentiles, good/total sums), so the status here is the status the scorecard shows.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import timedelta

from orgplane.kpis.budget import BURN_ALERTS, is_slo
from orgplane.kpis.demo_plan import Frame, Point
from orgplane.kpis.evaluate import Aggregate, Assessment, assess, nearest_rank
from orgplane.kpis.objective import Comparator, Kind, Objective

__all__ = ["score"]


def _meets(objective: Objective, value: float) -> bool:
    """Whether one value meets the objective's limit, exactly as the database counts it
    (``store.measurements``: plain comparisons with the stored target)."""
    target, comparator = objective.value, objective.comparator
    if target is None or comparator is None:
        return False
    return {
        Comparator.GE: value >= target,
        Comparator.LE: value <= target,
        Comparator.GT: value > target,
        Comparator.LT: value < target,
        Comparator.EQ: value == target,
    }[comparator]


def _aggregate(objective: Objective, points: Sequence[Point], lo: int, hi: int) -> Aggregate:
    inside = [p for p in points if lo <= p[0] < hi]
    if not inside:
        return Aggregate()
    values = [p[1] for p in inside]
    goods = [p[2] for p in inside if p[2] is not None]
    totals = [p[3] for p in inside if p[3] is not None]
    percentile = objective.percentile if objective.kind is Kind.PERCENTILE else None
    return Aggregate(
        count=len(inside),
        total_value=math.fsum(values),
        first=values[0],
        last=values[-1],
        good=math.fsum(goods) if goods else None,
        total=math.fsum(totals) if totals else None,
        meeting=sum(1 for value in values if _meets(objective, value)),
        percentile=nearest_rank(values, percentile) if percentile is not None else None,
    )


def score(frame: Frame, points: Sequence[Point]) -> Assessment:
    """What the scorecard says of ``points`` at ``frame.now``."""
    objective = frame.objective
    lo, hi = frame.window_ms
    aggregate = _aggregate(objective, points, lo, hi)
    burn: dict[timedelta, Aggregate] = {}
    if is_slo(objective) and aggregate.count:
        for length in {a.long for a in BURN_ALERTS} | {a.short for a in BURN_ALERTS}:
            found = _aggregate(objective, points, frame.ms_before_now(length), frame.end_ms)
            if found.count:
                burn[length] = found
    return assess(
        objective,
        aggregate,
        frame.span,
        slo_window=frame.window.nominal,
        burn_windows=burn,
    )
