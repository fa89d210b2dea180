"""From what the grammar read to an ``Objective``: normalized value, kind and direction.

Imports ``kpis.objective``. The grammar collects a ``Target`` (the amount as written and
the trailers and qualifiers after it, as ``Item``s); ``build`` checks that they agree
(one period, one share, one percentile, a share between 0 and 100%) and computes the
normalized value, the implied comparator of a bare target, the kind and the direction.
It raises ``ReadingError`` for a reading that does not make sense; the grammar then tries the
next reading, and a text no reading fits is qualitative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from typing import TypeVar

from orgplane.kpis.objective import Comparator, Direction, Kind, Objective, Period, Unit

__all__ = ["Item", "ReadingError", "Target", "build"]

_T = TypeVar("_T")
_PERCENT = Decimal("0.01")
#: More nines than a float can tell apart from 1.
_MAX_NINES = 15


class ReadingError(ValueError):
    """The parts of a reading do not agree; it is not this objective."""


@dataclass(frozen=True, slots=True)
class Item:
    """A trailer or qualifier: "per", "period", "growth", "scope", "share", "percentile"."""

    kind: str
    text: str | None = None
    number: Decimal | None = None
    period: Period | None = None


@dataclass(slots=True)
class Target:
    """What the grammar read of the target, as written."""

    comparator: Comparator | None = None  #: None for a bare target ("Availability 99.9%")
    value_first: bool = False  #: the metric follows the amount ("≥ 20 Deploys/day")
    cadence: Period | None = None
    number: Decimal | None = None
    signed: bool = False
    percent: bool = False
    unit: Unit | None = None
    factor: Decimal = Decimal(1)
    nines: int | None = None
    max_value: Decimal | None = None
    count_unit: str | None = None
    within: Decimal | None = None  #: the share of "95% within 30 days"
    items: list[Item] = field(default_factory=list)

    def set_unit(self, unit: Unit, factor: Decimal, *, percent: bool = False) -> None:
        self.unit, self.factor, self.percent = unit, factor, percent

    def set_nines(self, count: int) -> None:
        if not 1 <= count <= _MAX_NINES:
            raise ReadingError(f"{count} nines: write between 1 and {_MAX_NINES}")
        with localcontext() as context:
            context.prec = 60
            self.number = 1 - Decimal(10) ** -count
        self.nines = count
        self.set_unit(Unit.RATIO, Decimal(1))

    def within_share(self, duration: Target) -> None:
        """``95% within 30 days``: the percentage becomes the share, the duration the value."""
        self.within = self.number
        self.number, self.signed, self.percent = duration.number, duration.signed, False
        self.set_unit(Unit.SECONDS, duration.factor)


def _one(values: list[_T], what: str) -> _T | None:
    distinct = list(dict.fromkeys(values))
    if len(distinct) > 1:
        raise ReadingError(f"it gives two {what}s")
    return distinct[0] if distinct else None


def _float(number: Decimal, factor: Decimal = Decimal(1)) -> float:
    with localcontext() as context:
        context.prec = 60
        value = float(number * factor)
    if not math.isfinite(value):
        raise ReadingError("a number is too large")
    return value


def build(text: str, metric: str, target: Target) -> Objective:
    """The objective of a reading, or ``ReadingError`` when its parts do not agree."""
    per: Item | None = None
    periods: list[Period] = []
    scopes: list[str] = []
    shares: list[Decimal] = [target.within] if target.within is not None else []
    percentiles: list[Decimal] = []
    growth = target.signed and target.percent
    for item in target.items:
        if item.kind == "per":
            if per is not None:
                raise ReadingError("it gives two rates")
            per = item
        elif item.kind in ("period", "growth") and item.period is not None:
            periods.append(item.period)
            growth = growth or item.kind == "growth"
        elif item.kind == "scope" and item.text:
            scopes.append(item.text)
        elif item.kind == "share" and item.number is not None:
            shares.append(item.number)
            if item.text:
                scopes.append(item.text)
        elif item.kind == "percentile" and item.number is not None:
            percentiles.append(item.number)
    if target.cadence is not None:
        if per is not None or growth:
            raise ReadingError("a cadence has no rate or growth")
        periods.append(target.cadence)
    unit = target.unit or (Unit.COUNT if target.count_unit else Unit.NUMBER)
    if per is not None and unit is Unit.RATIO and per.period is not None:
        periods.append(per.period)  # "2% / quarter": a ratio over a quarter, not a rate
        per = None
    if unit is Unit.NUMBER and target.max_value is None and (per or target.value_first):
        unit = Unit.COUNT
    period = _one(periods, "period") or (per.period if per else None)
    share = _one(shares, "share")
    if share is not None and not 0 < share <= 100:
        raise ReadingError("a share is more than 0% and at most 100%")
    percentile = _one(percentiles, "percentile")
    if target.cadence is not None:
        number = Decimal(1)
        comparator = Comparator.GE
        unit, per = Unit.COUNT, Item("per", target.cadence.value, period=target.cadence)
    else:
        if target.number is None:
            raise ReadingError("it has no value")
        number = target.number
        comparator = _comparator(target, number)
    value = _float(number, target.factor)
    max_value = _float(target.max_value) if target.max_value is not None else None
    if max_value is not None and not 0 <= value <= max_value:
        raise ReadingError("a score is between 0 and the top of its scale")
    share_value = _float(share, _PERCENT) if share is not None else None
    percentile_value = _float(percentile) if percentile is not None else None
    return Objective(
        text=text,
        metric=metric,
        kind=_kind(target, growth, share_value, percentile_value, per, unit),
        comparator=comparator,
        value=value,
        unit=unit,
        direction=_direction(comparator, value, unit, max_value),
        percentile=percentile_value,
        share=share_value,
        scope=", ".join(scopes) or None,
        period=period,
        per=per.text if per else None,
        max_value=max_value,
        nines=target.nines,
        count_unit=target.count_unit,
    )


def _kind(
    target: Target,
    growth: bool,
    share: float | None,
    percentile: float | None,
    per: Item | None,
    unit: Unit,
) -> Kind:
    if target.cadence is not None:
        return Kind.CADENCE
    if growth:
        return Kind.GROWTH
    if share is not None:
        return Kind.SHARE
    if percentile is not None:
        return Kind.PERCENTILE
    if per is not None:
        return Kind.RATE
    return Kind.RATIO if unit is Unit.RATIO else Kind.THRESHOLD


def _comparator(target: Target, number: Decimal) -> Comparator:
    if target.within is not None:
        # "95% within 30 days" and "≥ 95% within 30 days": at most 30 days, for 95%.
        if target.comparator not in (None, Comparator.GE):
            raise ReadingError("a share within a duration is written '95% within 30 days'")
        return Comparator.LE
    if target.comparator is not None:
        return target.comparator
    # A bare target means "at least" ("Availability 99.9%"); a negative one is a
    # reduction to reach ("Cost Efficiency -10% YoY"), and zero is "none at all". Only
    # a share-like amount goes bare: "Lead time 90 days" might mean at least or at most,
    # and in "ISO 27001 audit yearly" the number is a name.
    if not (target.percent or target.nines or target.max_value is not None):
        raise ReadingError(
            "no comparator: only a percentage, nines or a score may stand alone "
            "('Availability 99.9%'); write '≤' or '≥' before other values"
        )
    if number < 0:
        return Comparator.LE
    return Comparator.EQ if number == 0 else Comparator.GE


def _direction(
    comparator: Comparator, value: float, unit: Unit, max_value: float | None
) -> Direction:
    if comparator in (Comparator.GE, Comparator.GT):
        return Direction.HIGHER
    if comparator in (Comparator.LE, Comparator.LT):
        return Direction.LOWER
    if value == 0:
        return Direction.LOWER  # "PII Incident = 0"
    if (unit is Unit.RATIO and value == 1) or (max_value is not None and value == max_value):
        return Direction.HIGHER  # "Audit Pass = 100%"
    return Direction.EQUAL
