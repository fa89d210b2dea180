"""Demo KPI data, valued: single values and sums shaped to meet, nearly meet, or miss a limit.

Pure; imports only the standard library and ``kpis`` (``evaluate``, ``objective``). For
GENERATED demo data only, never for measured data: the helpers ``kpis.demo_series``
builds each kind of series from. ``outcome_value`` picks a value that meets a limit
comfortably (met), within the 5% margin of ``kpis.evaluate`` (at risk), or misses it
(breached), inside the range of the objective's unit; the rest keep values plausible —
whole counts where the unit counts things, six significant digits where a tool would
report them, autocorrelated noise, amounts shared out under a ceiling.
"""

from __future__ import annotations

import math
import random

from orgplane.kpis.evaluate import Status
from orgplane.kpis.objective import Comparator, Kind, Objective, Unit

__all__ = [
    "ar1",
    "bounds",
    "higher_is_better",
    "outcome_value",
    "round_whole",
    "spread",
    "tidy",
    "whole_counts",
    "whole_valued",
]


def bounds(objective: Objective) -> tuple[float, float]:
    """The range a measured value of the objective's unit can take."""
    if objective.unit is Unit.RATIO and objective.kind is not Kind.GROWTH:
        return 0.0, 1.0
    if objective.unit is Unit.NUMBER:
        low = 0.0 if (objective.value or 0.0) >= 0 else -math.inf
        return low, objective.max_value if objective.max_value is not None else math.inf
    if objective.kind is Kind.GROWTH:
        return -math.inf, math.inf
    return 0.0, math.inf


def whole_valued(objective: Objective) -> bool:
    """Whether the measured values are whole numbers (counts, "PII Incident = 0")."""
    value = objective.value
    if objective.unit is Unit.COUNT:
        return True
    return (
        objective.unit is Unit.NUMBER
        and objective.comparator is Comparator.EQ
        and value is not None
        and value.is_integer()
    )


def higher_is_better(objective: Objective) -> bool:
    """Whether the objective wants values above its limit (``≥``, ``>``)."""
    return objective.comparator in (Comparator.GE, Comparator.GT)


def outcome_value(objective: Objective, limit: float, outcome: Status, rng: random.Random) -> float:
    """A value that meets ``limit`` comfortably (met), narrowly (at risk: within the 5%
    margin of ``kpis.evaluate``), or misses it (breached), inside the unit's range."""
    comparator = objective.comparator
    low, high = bounds(objective)
    integer = whole_valued(objective)
    scale = abs(limit) or 1.0
    if comparator is Comparator.EQ:
        if outcome is not Status.BREACHED:
            return limit
        offset = max(scale * rng.uniform(0.1, 0.4), 1.0 if integer else 0.0)
        up = limit + offset <= high and (limit - offset < low or rng.random() < 0.7)
        value = limit + offset if up else limit - offset
        return round_whole(value, up, integer)
    sign = 1.0 if higher_is_better(objective) else -1.0
    if outcome is Status.MET:
        offset = scale * rng.uniform(0.07, 0.3 if sign > 0 else 0.6)
    elif outcome is Status.AT_RISK:
        offset = scale * rng.uniform(0.008, 0.04)
    else:
        offset = -scale * rng.uniform(0.1, 0.8)
    value = limit + sign * offset
    if value > high and outcome is not Status.BREACHED:
        # No room above the limit (a ratio near 100%): as close to the top as it goes.
        value = limit + (high - limit) * rng.uniform(0.4, 1.0)
    better = (sign > 0) == (outcome is not Status.BREACHED)
    return min(max(round_whole(value, better, integer), low), high)


def round_whole(value: float, up: bool, integer: bool) -> float:
    """``value`` rounded up or down to a whole number when ``integer``; else as it is."""
    if not integer:
        return value
    return float(math.ceil(value) if up else math.floor(value))


def tidy(value: float) -> float:
    """Six significant digits: what a measuring tool would report."""
    return float(f"{value:.6g}")


def ar1(rng: random.Random, n: int, sigma: float, phi: float = 0.85) -> list[float]:
    """Autocorrelated noise: each value leans on the one before (drifts, not static)."""
    x = rng.gauss(0.0, sigma / math.sqrt(1 - phi * phi))
    out = []
    for _ in range(n):
        x = phi * x + rng.gauss(0.0, sigma)
        out.append(x)
    return out


def spread(amount: float, weights: list[float], room: list[float]) -> list[float]:
    """``amount`` shared out in proportion to ``weights``, no share above its ``room``
    (what does not fit in one place goes to the others)."""
    shares = [0.0] * len(weights)
    open_ = [i for i, r in enumerate(room) if r > 0]
    left = amount
    for _ in range(10):
        weight = math.fsum(weights[i] for i in open_)
        if left <= amount * 1e-12 or weight <= 0:
            break
        rate = left / weight
        still_open = []
        for i in open_:
            give = min(rate * weights[i], room[i] - shares[i])
            shares[i] += give
            left -= give
            if shares[i] < room[i]:
                still_open.append(i)
        open_ = still_open
    return shares


def whole_counts(values: list[float], inside: list[int], wanted: float) -> list[float]:
    """Whole counts: the window's sum exactly ``wanted`` (largest remainders), the
    other days rounded with the remainder carried."""
    out = list(values)
    floors = {i: math.floor(values[i]) for i in inside}
    left = round(wanted) - sum(floors.values())
    by_remainder = sorted(inside, key=lambda i: values[i] - floors[i], reverse=True)
    for rank, i in enumerate(by_remainder):
        out[i] = float(floors[i] + (1 if rank < left else 0))
    carry = 0.0
    inside_set = set(inside)
    for i, value in enumerate(values):
        if i in inside_set:
            continue
        carry += value
        out[i] = float(math.floor(carry))
        carry -= out[i]
    return out
