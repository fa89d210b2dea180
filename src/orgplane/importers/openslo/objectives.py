"""OpenSLO objectives in orgplane's terms: the ``Objective`` an SLO's numbers say, and
the KPI draft an objective becomes.

Imports ``kpis``, ``model`` and the standard library. A ratio of good events is
"≥ target", of bad events "≤ 1 − target"; a threshold with a target is a share.
``objective_agrees`` tells whether a typed ``displayName`` says the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import Decimal

from orgplane.kpis import Comparator, Direction, Kind, Objective, Unit, render_objective
from orgplane.model import Kpi
from orgplane.model.source import SourcedDict

__all__ = ["KpiDraft", "built_objective", "comparator_family", "objective_agrees"]


@dataclass(frozen=True, slots=True)
class KpiDraft:
    """One KPI an SLO objective becomes, and the service it goes to."""

    kpi: Kpi
    objective: Objective
    service: str
    #: The SLO's ``spec``, where ``service`` is written.
    spec: SourcedDict


def comparator_family(comparator: Comparator | None) -> str | None:
    if comparator in (Comparator.GE, Comparator.GT):
        return "higher"
    if comparator in (Comparator.LE, Comparator.LT):
        return "lower"
    return None


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def objective_agrees(written: Objective, built: Objective) -> bool:
    """Whether a typed ``displayName`` says what the OpenSLO structure says."""
    return (
        written.kind is built.kind
        and comparator_family(written.comparator) == comparator_family(built.comparator)
        and written.unit is built.unit
        and _close(written.value, built.value)
        and _close(written.share, built.share)
        and _close(written.percentile, built.percentile)
    )


def built_objective(
    *,
    metric: str,
    scope: str | None,
    polarity: str,
    method: str,
    target: Decimal,
    op: Comparator | None,
    value: Decimal | None,
    slice_target: Decimal | None,
    hint: Objective | None,
) -> Objective:
    """The objective the OpenSLO numbers say, in orgplane's terms: a ratio of good events
    is "≥ target", of bad events "≤ 1 − target"; under Timeslices, the share of slices
    whose ratio meets ``timeSliceTarget``; a threshold, the share of values meeting it
    (or the percentile the hint names, which says the same)."""
    unit = Unit.RATIO
    share: Decimal | None = target
    percentile = None
    if polarity == "threshold":
        assert op is not None
        assert value is not None
        comparator, amount = op, value
        # The value is in the hint's normalized unit (seconds …); else a plain number.
        unit = hint.unit if hint is not None and hint.unit is not None else Unit.NUMBER
        if (
            hint is not None
            and hint.kind is Kind.PERCENTILE
            and hint.percentile is not None
            and Decimal(repr(hint.percentile)) / 100 == target
        ):
            share, percentile = None, hint.percentile
    elif method == "Timeslices":
        assert slice_target is not None
        good = polarity == "good"
        comparator = Comparator.GE if good else Comparator.LE
        amount = slice_target if good else 1 - slice_target
    else:
        good = polarity == "good"
        comparator = Comparator.GE if good else Comparator.LE
        amount, share = (target if good else 1 - target), None
    kind = (
        Kind.PERCENTILE
        if percentile is not None
        else Kind.SHARE
        if share is not None
        else Kind.RATIO
    )
    built = Objective(
        text="",
        metric=metric,
        kind=kind,
        comparator=comparator,
        value=float(amount),
        unit=unit,
        direction=Direction.HIGHER
        if comparator_family(comparator) == "higher"
        else Direction.LOWER,
        percentile=percentile,
        share=float(share) if share is not None else None,
        scope=scope,
    )
    return replace(built, text=render_objective(built))
