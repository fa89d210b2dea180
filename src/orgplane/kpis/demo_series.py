"""Demo KPI data, generated: a series of measurements per objective kind, scoring as planned.

Pure; imports only the standard library and ``kpis`` (``budget``, ``evaluate``,
``objective``, ``windows`` and the other ``demo_*`` modules). Everything here makes
GENERATED demo data, never measured data; ``services.demo`` stores it with its series
flagged as demo. ``generate_series`` fills a ``demo_plan.Frame`` with points shaped by the
objective's kind and unit so that the KPI scores the planned outcome at ``now`` under
``kpis.evaluate`` (checked with ``demo_score.score``, retried a few times):

- ratio SLOs (``kpis.budget.is_slo``): hourly good/total event counts with a daily and
  weekly rhythm, noise and an incident or two, spending a chosen share of the error
  budget (overspent when breached; nearly spent, or burning now, when at risk);
- other ratios: a daily value whose mean over the window is the chosen one;
- thresholds and percentiles: a sample every few hours (daily for slow metrics such as
  lead times) with noise; the last value, or the percentile, lands where it should;
- shares: one event every few hours, the chosen share of them meeting the limit;
- rates: daily counts summing to the chosen rate (a value per thing, e.g. per shift,
  otherwise);
- growth: a slowly drifting monthly value; cadences: an occurrence per period, or a
  missed one.

An outcome the evaluator cannot produce for an objective (at risk for an integer count,
or a target with no margin) falls back to breached.
"""

from __future__ import annotations

import math
import random
from datetime import timedelta

from orgplane.kpis.budget import BURN_ALERTS, budget_of, is_slo
from orgplane.kpis.demo_plan import (
    DAY,
    HOUR,
    Frame,
    Point,
    daily_rhythm,
    few_hours,
    grid,
    indices_in_window,
    with_window_point,
)
from orgplane.kpis.demo_score import score
from orgplane.kpis.demo_values import (
    ar1,
    bounds,
    higher_is_better,
    outcome_value,
    round_whole,
    spread,
    tidy,
    whole_counts,
    whole_valued,
)
from orgplane.kpis.evaluate import Assessment, Status, nearest_rank
from orgplane.kpis.objective import Comparator, Kind, Period, Unit
from orgplane.kpis.windows import PERIOD_SECONDS, SHIFT_HOURS

__all__ = ["generate_series"]


def generate_series(
    frame: Frame, planned: Status, rng: random.Random
) -> tuple[list[Point], Assessment]:
    """Points that score ``planned`` (or breached, when at risk cannot be had); else the
    first points made for the last outcome tried, with whatever they score."""
    outcomes = (planned, Status.BREACHED) if planned is Status.AT_RISK else (planned,)
    fallback: tuple[list[Point], Assessment] | None = None
    for outcome in outcomes:
        fallback = None
        for _ in range(4):
            points = _points(frame, outcome, rng)
            assessment = score(frame, points)
            if assessment.status is outcome:
                return points, assessment
            fallback = fallback or (points, assessment)
    assert fallback is not None
    return fallback


def _points(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    objective = frame.objective
    kind = objective.kind
    if kind is Kind.CADENCE:
        return _cadence(frame, outcome, rng)
    if objective.comparator is None or objective.value is None:
        return []
    if kind is Kind.RATIO and is_slo(objective):
        return _slo_events(frame, outcome, rng)
    if kind is Kind.SHARE:
        return _share(frame, outcome, rng)
    if kind is Kind.PERCENTILE:
        return _percentile(frame, outcome, rng)
    if kind is Kind.RATE:
        return _rate(frame, outcome, rng)
    if kind is Kind.GROWTH:
        return _growth(frame, outcome, rng)
    if kind is Kind.RATIO:
        return _mean_shaped(frame, outcome, rng, step=DAY)
    return _threshold(frame, outcome, rng)


def _threshold(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """A sample every few hours (daily for slow metrics); the last one decides."""
    objective = frame.objective
    assert objective.value is not None
    slow = objective.unit is Unit.BUSINESS_DAYS or (
        objective.unit is Unit.SECONDS and objective.value >= 86_400
    )
    times = with_window_point(frame, grid(frame, DAY if slow else few_hours(rng)))
    target = outcome_value(objective, objective.value, outcome, rng)
    low, high = bounds(objective)
    integer = whole_valued(objective)
    noise = ar1(rng, len(times), rng.uniform(0.02, 0.06))
    level = abs(target) or abs(objective.value) or 1.0
    values: list[float] = []
    for e in noise:
        if objective.comparator is Comparator.EQ or (integer and target == 0):
            # Targets met exactly ("= 0", "= 24h") are mostly exactly met.
            value = target if rng.random() > 0.03 else target + max(level * abs(e) * 4, 1.0)
        else:
            value = target + level * e
        value = round(value) if integer else tidy(value)
        values.append(min(max(value, low), high))
    values[-1] = target if integer or objective.comparator is Comparator.EQ else tidy(target)
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _percentile(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """A sample every few hours, log-normally spread, busier hours slower; scaled so the
    window's percentile lands on the chosen value."""
    objective = frame.objective
    assert objective.value is not None
    assert objective.percentile is not None
    times = with_window_point(frame, grid(frame, few_hours(rng)))
    sigma = rng.uniform(0.2, 0.45)
    raw = [math.exp(rng.gauss(0.0, sigma)) * daily_rhythm(t, 0.15) for t in times]
    window = [raw[i] for i in indices_in_window(frame, times)]
    target = outcome_value(objective, objective.value, outcome, rng)
    scale = target / nearest_rank(window, objective.percentile) if window else target
    return [(t, tidy(r * scale), None, None) for t, r in zip(times, raw, strict=True)]


def _mean_shaped(frame: Frame, outcome: Status, rng: random.Random, *, step: int) -> list[Point]:
    """A value every ``step`` with noise whose mean over the window is the chosen value
    (ratios without event counts, rates per thing)."""
    objective = frame.objective
    assert objective.value is not None
    times = with_window_point(frame, grid(frame, step))
    target = outcome_value(objective, objective.value, outcome, rng)
    low, high = bounds(objective)
    noise = ar1(rng, len(times), rng.uniform(0.03, 0.08), phi=0.6)
    inside = indices_in_window(frame, times)
    if not inside:
        return []
    mean = math.fsum(noise[i] for i in inside) / len(inside)
    noise = [e - mean for e in noise]
    # Never leave the unit's range inside the window, or the mean would move; a target
    # to hit exactly is hit every time.
    room = min(target - low, high - target, abs(target) or 1.0)
    if objective.comparator is Comparator.EQ:
        room = 0.0
    widest = max(abs(noise[i]) for i in inside)
    if widest > 0 and widest * (abs(target) or 1.0) > room:
        noise = [e * room / (widest * (abs(target) or 1.0)) for e in noise]
    level = abs(target) or 1.0
    values = [min(max(target + level * e, low), high) for e in noise]
    if objective.comparator is not Comparator.EQ:
        values = [tidy(value) for value in values]
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _slo_events(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """Hourly good/total event counts spending a chosen share of the error budget.

    Met spends 15–60% of it, at risk 80–94% (or less, with an incident burning right
    now), breached overspends it. Part of the spend is an incident or two; the rest a
    noisy background rate of bad events.
    """
    objective = frame.objective
    budget = budget_of(objective)
    assert budget is not None
    times = grid(frame, HOUR)
    inside = indices_in_window(frame, times)
    if not inside:
        return []
    burning_now = outcome is Status.AT_RISK and rng.random() < 0.5
    if outcome is Status.MET:
        remaining = rng.uniform(0.4, 0.85)
    elif burning_now:
        remaining = rng.uniform(0.3, 0.6)
    elif outcome is Status.AT_RISK:
        remaining = rng.uniform(0.06, 0.2)
    else:
        remaining = rng.uniform(-1.2, -0.15)
    base = math.exp(rng.uniform(math.log(20 / budget), math.log(400 / budget)))
    # Float sums stay exact (< 2**53) over 400 days of hourly totals.
    base = min(max(base, 100.0), 1e12)
    totals = [
        float(round(base * daily_rhythm(t, 0.35) * math.exp(rng.gauss(0.0, 0.08)))) for t in times
    ]
    in_window_total = math.fsum(totals[i] for i in inside)
    bad_budget = (1 - remaining) * budget * in_window_total

    incidents: list[list[int]] = []
    burning: list[int] = []
    intensity = 0.0
    if burning_now:
        # Bad enough, long enough for the slowest burn-rate alert (a ticket over 3 days)
        # to fire, twice over; at most 60% of the events of an hour fail.
        ticket = max(BURN_ALERTS, key=lambda alert: alert.long)
        over = ticket.threshold(frame.window.nominal) * budget * ticket.long / timedelta(hours=1)
        duration = min(max(3, math.ceil(2 * over / 0.5)), 24)
        burning = inside[-duration:]
        intensity = min(0.6, max(20 * budget, 2 * over / duration))
    else:
        count = rng.choice((0, 1, 1, 2)) if outcome is Status.MET else rng.choice((1, 1, 2))
        # A met SLO has no incident in the last three days (its ticket alert stays quiet).
        quiet = 72 if outcome is Status.MET else 0
        candidates = inside[: max(len(inside) - quiet, 0)]
        for _ in range(count):
            if len(candidates) < 8:
                break
            length = rng.randint(1, 3 if outcome is Status.MET else 5)
            begin = rng.randrange(len(candidates) - length)
            incidents.append(candidates[begin : begin + length])
    incident_share = 0.0
    if incidents:
        incident_share = rng.uniform(0.2, 0.5) if outcome is Status.MET else rng.uniform(0.4, 0.8)
    history = [i for i in range(len(times)) if i < inside[0]]
    for _ in range(rng.choice((0, 1, 2)) if len(history) > 48 else 0):
        length = rng.randint(1, 4)
        begin = rng.randrange(len(history) - length)
        incidents.append(history[begin : begin + length])

    # Incidents first: an incident fails at most 60% of its hours' events.
    bad = [0.0] * len(times)
    for i in burning:
        bad[i] = intensity * totals[i]
    in_window = sum(1 for hours in incidents if hours[0] >= inside[0])
    per_incident = incident_share * bad_budget / max(in_window, 1)
    for hours in incidents:
        # Incidents before the window are as bad as the window's, or as a typical one.
        size = per_incident if hours[0] >= inside[0] else max(per_incident, 0.3 * bad_budget)
        volume = math.fsum(totals[i] for i in hours)
        for i in hours:
            bad[i] += min(size * totals[i] / volume, 0.6 * totals[i]) if volume else 0.0
    # The rest of the spend is a noisy background, at most 90% of an hour's events.
    wobble = [min(math.exp(rng.gauss(0.0, 0.6)), 4.0) * total for total in totals]
    rest = max(bad_budget - math.fsum(bad[i] for i in inside), 0.0)
    room = [0.9 * total - b for total, b in zip(totals, bad, strict=True)]
    background = spread(rest, [wobble[i] for i in inside], [room[i] for i in inside])
    for i, amount in zip(inside, background, strict=True):
        bad[i] += amount
    rate = rest / math.fsum(wobble[i] for i in inside)
    for i in history:
        bad[i] += min(rate * wobble[i], room[i])

    points: list[Point] = []
    carry = 0.0
    counts_bad = objective.comparator in (Comparator.LE, Comparator.LT)
    for t, total, share in zip(times, totals, bad, strict=True):
        carry += min(share, total)
        bad_events = min(math.floor(carry), total)
        carry -= bad_events
        good = bad_events if counts_bad else total - bad_events
        points.append((t, good / total if total else 1.0, float(good), total))
    return points


def _share(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """One event every few hours; the chosen share of them meets the limit."""
    objective = frame.objective
    assert objective.value is not None
    assert objective.share is not None
    required = objective.share
    times = with_window_point(frame, grid(frame, few_hours(rng)))
    inside = indices_in_window(frame, times)
    n = len(inside)
    slo = is_slo(objective)
    # Met clears the 5% margin and, for an SLO, keeps a quarter of its budget.
    comfortable = max(required * 1.05, 0.25 + 0.75 * required if slo else 0.0)
    if outcome is Status.MET:
        wanted = min(comfortable + (1 - comfortable) * rng.uniform(0.2, 0.9), 1.0)
        meeting = math.ceil(wanted * n - 1e-9)
    elif outcome is Status.AT_RISK:
        wanted = required + (min(comfortable, 1.0) - required) * rng.uniform(0.2, 0.8)
        meeting = max(math.ceil(wanted * n - 1e-9), math.ceil(required * n - 1e-9))
    else:
        wanted = required * (1 - rng.uniform(0.05, 0.3))
        meeting = min(math.floor(wanted * n), math.ceil(required * n - 1e-9) - 1)
    meeting = min(max(meeting, 0), n)
    failing: set[int] = set()
    if n:
        # A met share fails no event in the last three days (no burn-rate alert).
        quiet = [i for i in inside if times[i] < frame.end_ms - 3 * DAY]
        pool = quiet if outcome is Status.MET and len(quiet) >= n - meeting else inside
        failing = set(rng.sample(pool, n - meeting))
    miss_rate = 1 - (meeting / n if n else required)
    inside_set = set(inside)
    values: list[float] = []
    for i in range(len(times)):
        meets = i not in failing if i in inside_set else rng.random() >= miss_rate
        value = outcome_value(
            objective, objective.value, Status.MET if meets else Status.BREACHED, rng
        )
        values.append(value if whole_valued(objective) else tidy(value))
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _rate(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """Daily counts whose sum over the window is the chosen rate; a rate per thing
    ("/ Shift") is a value per thing, whose mean counts."""
    objective = frame.objective
    assert objective.value is not None
    try:
        per = Period(objective.per) if objective.per else None
    except ValueError:
        per = None
    if per is None:
        shift = (objective.per or "").lower() == "shift"
        return _mean_shaped(frame, outcome, rng, step=SHIFT_HOURS * HOUR if shift else DAY)
    times = with_window_point(frame, grid(frame, DAY))
    inside = indices_in_window(frame, times)
    if not inside:
        return []
    rate = outcome_value(objective, objective.value, outcome, rng)
    periods = max(frame.span.total_seconds() / PERIOD_SECONDS[per], 1.0)
    wanted = rate * periods
    integer = whole_valued(objective)
    if integer:
        up = higher_is_better(objective) == (outcome is not Status.BREACHED)
        wanted = float(round_whole(wanted, up, True))
    weights = [daily_rhythm(t + 12 * HOUR, 0.0) * math.exp(rng.gauss(0.0, 0.25)) for t in times]
    inside_weight = math.fsum(weights[i] for i in inside)
    values = [wanted * w / inside_weight for w in weights]
    if integer:
        values = whole_counts(values, inside, wanted)
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _growth(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """A value reported monthly (more often in a short window), drifting from the
    window's first value to the last by the chosen change."""
    objective = frame.objective
    assert objective.value is not None
    span_ms = min(frame.days * DAY, frame.window_ms[1] - frame.window_ms[0])
    step = max(min(30 * DAY, frame.days * DAY // 3, span_ms // 2) // HOUR * HOUR, HOUR)
    times = grid(frame, step)
    inside = indices_in_window(frame, times)
    if len(inside) < 2:
        return [(t, 100.0, None, None) for t in times]
    change = outcome_value(objective, objective.value, outcome, rng)
    start = math.exp(rng.uniform(math.log(1_000), math.log(100_000)))
    first, last = inside[0], inside[-1]
    ratio = (1 + change) if change > -1 else 0.05
    values: list[float] = []
    for i in range(len(times)):
        progress = (i - first) / (last - first)
        value = start * ratio**progress
        if i not in (first, last):
            value *= math.exp(rng.gauss(0.0, 0.01))
        values.append(round(value, 2))
    values[last] = round(start * ratio, 2)
    values[first] = round(start, 2)
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _cadence(frame: Frame, outcome: Status, rng: random.Random) -> list[Point]:
    """An occurrence per period; breached misses the latest (none in the window)."""
    objective = frame.objective
    try:
        period = Period(objective.per) if objective.per else objective.period
    except ValueError:
        period = objective.period
    every = PERIOD_SECONDS[period or Period.QUARTER] * 1000
    lo, hi = frame.window_ms
    if outcome is Status.BREACHED:
        latest = lo - int(every * rng.uniform(0.05, 0.5))
    else:
        latest = hi - int(min(hi - lo, every, frame.days * DAY) * rng.uniform(0.05, 0.9))
    times: list[int] = []
    at = latest
    while at >= frame.start_ms:
        on_the_hour = at // HOUR * HOUR
        if frame.start_ms <= on_the_hour < frame.end_ms:
            times.append(on_the_hour)
        at -= int(every * rng.uniform(0.9, 1.1))
    return [(t, 1.0, None, None) for t in sorted(set(times))]
