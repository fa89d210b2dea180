"""Demo measurements: plausible, clearly labelled, generated KPI data for trying orgplane.

Imports ``kpis``, ``store`` and ``errors``. ``generate_demo`` fills every active KPI
series of an org (or of every org) with ``days`` of generated measurements ending at
``now``; ``clear_demo`` removes them. Demo data must never pass for measured data: every
series that holds it is flagged (``kpi_series.demo``), which the scorecard, the API and
the UI show, and a series that holds real measurements is never touched.

Each series gets an outcome drawn from ``(seed, org, series reference)`` alone — about
60% met, 25% breached or at risk, 15% left without data (qualitative KPIs always) — so
the same seed gives the same picture, and adding a KPI changes no other KPI's outcome.
Values follow the objective's kind and unit and are shaped so that the KPI scores that
outcome at ``now`` under ``kpis.evaluate`` (each series is checked by scoring its rows
here, the way ``services.scorecard`` scores them from the database):

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
or a target with no margin) falls back to breached; the report gives, for every KPI,
the outcome planned and the status its generated data scores at ``now``.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.kpis.budget import BURN_ALERTS, budget_of, is_slo
from orgplane.kpis.evaluate import Aggregate, Assessment, Status, assess, nearest_rank
from orgplane.kpis.objective import Comparator, Kind, Objective, Period, Unit
from orgplane.kpis.windows import PERIOD_SECONDS, SHIFT_HOURS, Window, parse_window
from orgplane.store import audit, begin_write, kpi_series, orgs
from orgplane.store.measurements import delete_measurements, insert_measurements, latest_at, to_ms
from orgplane.store.sync import table_of
from orgplane.store.tables import KpiSeriesRow

__all__ = [
    "CLEAR_ACTION",
    "DEMO_ACTION",
    "MAX_DAYS",
    "DemoKpi",
    "DemoProgress",
    "DemoReport",
    "OrgDemo",
    "clear_demo",
    "generate_demo",
    "plan_outcome",
]

#: The audit log's actions.
DEMO_ACTION = "kpi.demo"
CLEAR_ACTION = "kpi.demo.clear"
#: The longest history ``generate_demo`` makes.
MAX_DAYS = 400

#: How often each outcome is drawn (the rest: no data).
_MET, _BREACHED, _AT_RISK = 0.60, 0.15, 0.10

_HOUR = 3_600_000
_DAY = 24 * _HOUR

#: ``(at ms, value, good, total)`` of one generated measurement.
_Point = tuple[int, float, float | None, float | None]

#: Called after each series: a label (``ORG:group#kpi``), series done, series in all.
DemoProgress = Callable[[str, int, int], None]


@dataclass(frozen=True, slots=True)
class DemoKpi:
    """One series handled: the outcome drawn for it and what its demo data scores."""

    ref: str
    series_id: int
    planned: Status
    #: The status the generated measurements score at ``now`` (what the scorecard shows).
    status: Status
    measurements: int


@dataclass(frozen=True, slots=True)
class OrgDemo:
    """What ``generate_demo`` did to one org."""

    org_code: str
    #: Every series that may hold demo data, in tree order: filled or left without data.
    kpis: tuple[DemoKpi, ...]
    #: References of the series left alone because they hold real measurements.
    skipped: tuple[str, ...]
    #: Demo measurements of an earlier run that were deleted (replaced).
    replaced: int

    @property
    def filled(self) -> tuple[str, ...]:
        """References of the series that now hold demo measurements."""
        return tuple(kpi.ref for kpi in self.kpis if kpi.measurements)

    @property
    def without_data(self) -> tuple[str, ...]:
        """References of the series left without measurements."""
        return tuple(kpi.ref for kpi in self.kpis if not kpi.measurements)

    @property
    def measurements(self) -> int:
        """Demo measurements added."""
        return sum(kpi.measurements for kpi in self.kpis)

    def statuses(self) -> Counter[Status]:
        """How many of the series score each status at ``now``."""
        return Counter(kpi.status for kpi in self.kpis)


@dataclass(frozen=True, slots=True)
class DemoReport:
    """What ``generate_demo`` did, org by org."""

    now: datetime
    days: int
    seed: int
    orgs: tuple[OrgDemo, ...] = field(default=())

    @property
    def measurements(self) -> int:
        return sum(org.measurements for org in self.orgs)

    def statuses(self) -> Counter[Status]:
        total: Counter[Status] = Counter()
        for org in self.orgs:
            total.update(org.statuses())
        return total


def plan_outcome(seed: int, org_code: str, ref: str, objective: Objective) -> Status:
    """The outcome drawn for one series: met, breached, at risk, or no data."""
    if not objective.typed:
        return Status.NO_DATA
    draw = _rng(seed, org_code, ref, "outcome").random()
    if draw < _MET:
        return Status.MET
    if draw < _MET + _BREACHED:
        return Status.BREACHED
    if draw < _MET + _BREACHED + _AT_RISK:
        return Status.AT_RISK
    return Status.NO_DATA


def generate_demo(
    session: Session,
    org_code: str | None,
    *,
    days: int = 90,
    now: datetime,
    seed: int = 0,
    actor: str = "system",
    progress: DemoProgress | None = None,
) -> DemoReport:
    """Fill the KPI series of ``org_code`` (every org when ``None``) with ``days`` of
    demo measurements ending at ``now``; see the module docs.

    Series holding real measurements are skipped; series holding demo measurements are
    cleared first, so running again replaces rather than adds. Each org is one
    transaction (under its apply lock) with one audit entry.
    """
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"days must be between 1 and {MAX_DAYS}, not {days}")
    if now.tzinfo is None:
        raise UsageError("now must be an aware datetime (UTC)")
    try:
        codes = _org_codes(session, org_code)
        total = sum(len(kpi_series.list_series(session, code)) for code in codes)
    finally:
        session.rollback()  # a read: end it before the writes (see store.engine)
    done = 0
    results: list[OrgDemo] = []
    for code in codes:

        def step(ref: str, code: str = code) -> None:
            nonlocal done
            done += 1
            if progress is not None:
                progress(f"{code}:{ref}", done, total)

        try:
            begin_write(session)
            orgs.lock_org(session, code)
            result = _fill_org(session, code, days=days, now=now, seed=seed, step=step)
            audit.append_audit(
                session,
                at=datetime.now(UTC),
                actor=actor,
                action=DEMO_ACTION,
                target=f"org:{code}",
                after={
                    "demo": True,
                    "days": days,
                    "seed": seed,
                    "until": now.isoformat(),
                    "filled": len(result.filled),
                    "measurements": result.measurements,
                    "without_data": len(result.without_data),
                    "skipped": len(result.skipped),
                    "replaced": result.replaced,
                },
            )
            session.commit()
        except BaseException:
            session.rollback()
            raise
        results.append(result)
    return DemoReport(now=now, days=days, seed=seed, orgs=tuple(results))


def clear_demo(
    session: Session,
    org_code: str | None,
    *,
    actor: str = "system",
) -> int:
    """Delete the demo measurements of ``org_code`` (every org when ``None``) and unflag
    their series, retired ones included; how many measurements were deleted."""
    try:
        begin_write(session)
        codes = _org_codes(session, org_code)
        deleted = 0
        for code in codes:
            orgs.lock_org(session, code)
            ids = _demo_series_ids(session, code)
            if not ids:
                continue
            removed = delete_measurements(session, ids)
            kpi_series.set_demo(session, ids, False)
            deleted += removed
            audit.append_audit(
                session,
                at=datetime.now(UTC),
                actor=actor,
                action=CLEAR_ACTION,
                target=f"org:{code}",
                before={"demo": True},
                after={"demo": False, "series": len(ids), "measurements": removed},
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return deleted


def _org_codes(session: Session, org_code: str | None) -> list[str]:
    if org_code is None:
        return [org.code for org in orgs.list_orgs(session)]
    if orgs.get_org(session, org_code) is None:
        known = ", ".join(org.code for org in orgs.list_orgs(session)) or "none"
        raise NotFoundError(f"no org {org_code!r} in the database (orgs: {known})")
    return [org_code]


def _demo_series_ids(session: Session, org_code: str) -> list[int]:
    # Retired series too (list_series gives active ones only): a KPI that left the spec
    # keeps its demo measurements until they are cleared.
    table = table_of(KpiSeriesRow)
    statement = select(table.c.id).where(table.c.org_code == org_code, table.c.demo.is_(True))
    return [int(series_id) for series_id in session.scalars(statement)]


def _fill_org(
    session: Session,
    org_code: str,
    *,
    days: int,
    now: datetime,
    seed: int,
    step: Callable[[str], None],
) -> OrgDemo:
    series = kpi_series.list_series(session, org_code)
    holding = latest_at(session, [s.id for s in series])
    real = [s for s in series if s.id in holding and not s.demo]
    earlier = [s.id for s in series if s.demo]
    replaced = delete_measurements(session, earlier)
    skipped = {s.id for s in real}
    kpis: list[DemoKpi] = []
    for item in series:
        if item.id in skipped:
            step(item.ref)
            continue
        planned = plan_outcome(seed, org_code, item.ref, item.objective)
        points: list[_Point] = []
        status = Status.NO_DATA
        if planned is not Status.NO_DATA:
            frame = _Frame(item.objective, parse_window(item.window), now, days)
            points, assessment = _generate(frame, planned, _rng(seed, org_code, item.ref, "values"))
            status = assessment.status
        added = insert_measurements(
            session, ((item.id, at, value, good, total) for at, value, good, total in points)
        )
        kpis.append(DemoKpi(item.ref, item.id, planned, status, added))
        step(item.ref)
    filled = [kpi.series_id for kpi in kpis if kpi.measurements]
    kpi_series.set_demo(session, filled, True)
    kpi_series.set_demo(session, sorted(set(earlier) - set(filled)), False)
    return OrgDemo(org_code, tuple(kpis), tuple(s.ref for s in real), replaced)


def _rng(seed: int, org_code: str, ref: str, purpose: str) -> random.Random:
    # A string seed is hashed (SHA-512), so the stream is the same on every run and
    # every platform, whatever PYTHONHASHSEED says.
    return random.Random(f"orgplane-demo:{seed}:{org_code}:{ref}:{purpose}")


# --- Scoring generated points the way the scorecard scores stored ones ---------------


@dataclass(frozen=True, slots=True)
class _Frame:
    """One series to generate: its objective and window, and the stretch to fill."""

    objective: Objective
    window: Window
    now: datetime
    days: int

    @property
    def end_ms(self) -> int:
        return to_ms(self.now)

    @property
    def start_ms(self) -> int:
        return self.end_ms - self.days * _DAY

    @property
    def window_ms(self) -> tuple[int, int]:
        start, end = self.window.bounds(self.now)
        return to_ms(start), to_ms(end)

    @property
    def span(self) -> timedelta:
        return self.window.span(self.now)


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


def _aggregate(objective: Objective, points: Sequence[_Point], lo: int, hi: int) -> Aggregate:
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


def _score(frame: _Frame, points: Sequence[_Point]) -> Assessment:
    """What the scorecard says of ``points`` at ``frame.now``."""
    objective = frame.objective
    lo, hi = frame.window_ms
    aggregate = _aggregate(objective, points, lo, hi)
    burn: dict[timedelta, Aggregate] = {}
    if is_slo(objective) and aggregate.count:
        for length in {a.long for a in BURN_ALERTS} | {a.short for a in BURN_ALERTS}:
            found = _aggregate(objective, points, to_ms(frame.now - length), frame.end_ms)
            if found.count:
                burn[length] = found
    return assess(
        objective,
        aggregate,
        frame.span,
        slo_window=frame.window.nominal,
        burn_windows=burn,
    )


def _generate(
    frame: _Frame, planned: Status, rng: random.Random
) -> tuple[list[_Point], Assessment]:
    """Points that score ``planned`` (or breached, when at risk cannot be had); else the
    first points made for the last outcome tried, with whatever they score."""
    outcomes = (planned, Status.BREACHED) if planned is Status.AT_RISK else (planned,)
    fallback: tuple[list[_Point], Assessment] | None = None
    for outcome in outcomes:
        fallback = None
        for _ in range(4):
            points = _points(frame, outcome, rng)
            assessment = _score(frame, points)
            if assessment.status is outcome:
                return points, assessment
            fallback = fallback or (points, assessment)
    assert fallback is not None
    return fallback


def _points(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
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
        return _mean_shaped(frame, outcome, rng, step=_DAY)
    return _threshold(frame, outcome, rng)


# --- Values -------------------------------------------------------------------------


def _bounds(objective: Objective) -> tuple[float, float]:
    """The range a measured value of the objective's unit can take."""
    if objective.unit is Unit.RATIO and objective.kind is not Kind.GROWTH:
        return 0.0, 1.0
    if objective.unit is Unit.NUMBER:
        low = 0.0 if (objective.value or 0.0) >= 0 else -math.inf
        return low, objective.max_value if objective.max_value is not None else math.inf
    if objective.kind is Kind.GROWTH:
        return -math.inf, math.inf
    return 0.0, math.inf


def _integer(objective: Objective) -> bool:
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


def _higher(objective: Objective) -> bool:
    return objective.comparator in (Comparator.GE, Comparator.GT)


def _outcome_value(
    objective: Objective, limit: float, outcome: Status, rng: random.Random
) -> float:
    """A value that meets ``limit`` comfortably (met), narrowly (at risk: within the 5%
    margin of ``kpis.evaluate``), or misses it (breached), inside the unit's range."""
    comparator = objective.comparator
    low, high = _bounds(objective)
    integer = _integer(objective)
    scale = abs(limit) or 1.0
    if comparator is Comparator.EQ:
        if outcome is not Status.BREACHED:
            return limit
        offset = max(scale * rng.uniform(0.1, 0.4), 1.0 if integer else 0.0)
        up = limit + offset <= high and (limit - offset < low or rng.random() < 0.7)
        value = limit + offset if up else limit - offset
        return _round(value, up, integer)
    sign = 1.0 if _higher(objective) else -1.0
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
    return min(max(_round(value, better, integer), low), high)


def _round(value: float, up: bool, integer: bool) -> float:
    if not integer:
        return value
    return float(math.ceil(value) if up else math.floor(value))


def _tidy(value: float) -> float:
    """Six significant digits: what a measuring tool would report."""
    return float(f"{value:.6g}")


def _ar1(rng: random.Random, n: int, sigma: float, phi: float = 0.85) -> list[float]:
    """Autocorrelated noise: each value leans on the one before (drifts, not static)."""
    x = rng.gauss(0.0, sigma / math.sqrt(1 - phi * phi))
    out = []
    for _ in range(n):
        x = phi * x + rng.gauss(0.0, sigma)
        out.append(x)
    return out


def _grid(frame: _Frame, step: int) -> list[int]:
    """Moments every ``step`` ms on the clock (whole hours, days…) in the filled stretch,
    oldest first; the last one before ``now``."""
    last = (frame.end_ms - 1) // step * step
    first = max(frame.start_ms, 0)
    return list(range(last - (last - first) // step * step, last + 1, step))


def _with_window_point(frame: _Frame, times: list[int]) -> list[int]:
    """``times`` plus one moment inside the window when none is (a window shorter than
    the step, such as the current shift)."""
    lo, hi = frame.window_ms
    if any(lo <= t < hi for t in times) or lo >= hi:
        return times
    return sorted([*times, (lo + hi) // 2])


def _in_window(frame: _Frame, times: Sequence[int]) -> list[int]:
    lo, hi = frame.window_ms
    return [i for i, t in enumerate(times) if lo <= t < hi]


def _daily_rhythm(at_ms: int, amplitude: float) -> float:
    """Busier in the (UTC) afternoon and on weekdays."""
    hour = at_ms // _HOUR % 24
    weekday = (at_ms // _DAY + 3) % 7  # 1970-01-01 was a Thursday
    weekend = 0.7 if weekday >= 5 else 1.0
    return (1 + amplitude * math.sin(2 * math.pi * (hour - 8) / 24)) * weekend


def _few_hours(rng: random.Random) -> int:
    return rng.choice((2, 3, 4, 6)) * _HOUR


# --- Kinds --------------------------------------------------------------------------


def _threshold(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
    """A sample every few hours (daily for slow metrics); the last one decides."""
    objective = frame.objective
    assert objective.value is not None
    slow = objective.unit is Unit.BUSINESS_DAYS or (
        objective.unit is Unit.SECONDS and objective.value >= 86_400
    )
    times = _with_window_point(frame, _grid(frame, _DAY if slow else _few_hours(rng)))
    target = _outcome_value(objective, objective.value, outcome, rng)
    low, high = _bounds(objective)
    integer = _integer(objective)
    noise = _ar1(rng, len(times), rng.uniform(0.02, 0.06))
    level = abs(target) or abs(objective.value) or 1.0
    values: list[float] = []
    for e in noise:
        if objective.comparator is Comparator.EQ or (integer and target == 0):
            # Targets met exactly ("= 0", "= 24h") are mostly exactly met.
            value = target if rng.random() > 0.03 else target + max(level * abs(e) * 4, 1.0)
        else:
            value = target + level * e
        value = round(value) if integer else _tidy(value)
        values.append(min(max(value, low), high))
    values[-1] = target if integer or objective.comparator is Comparator.EQ else _tidy(target)
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _percentile(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
    """A sample every few hours, log-normally spread, busier hours slower; scaled so the
    window's percentile lands on the chosen value."""
    objective = frame.objective
    assert objective.value is not None
    assert objective.percentile is not None
    times = _with_window_point(frame, _grid(frame, _few_hours(rng)))
    sigma = rng.uniform(0.2, 0.45)
    raw = [math.exp(rng.gauss(0.0, sigma)) * _daily_rhythm(t, 0.15) for t in times]
    window = [raw[i] for i in _in_window(frame, times)]
    target = _outcome_value(objective, objective.value, outcome, rng)
    scale = target / nearest_rank(window, objective.percentile) if window else target
    return [(t, _tidy(r * scale), None, None) for t, r in zip(times, raw, strict=True)]


def _mean_shaped(frame: _Frame, outcome: Status, rng: random.Random, *, step: int) -> list[_Point]:
    """A value every ``step`` with noise whose mean over the window is the chosen value
    (ratios without event counts, rates per thing)."""
    objective = frame.objective
    assert objective.value is not None
    times = _with_window_point(frame, _grid(frame, step))
    target = _outcome_value(objective, objective.value, outcome, rng)
    low, high = _bounds(objective)
    noise = _ar1(rng, len(times), rng.uniform(0.03, 0.08), phi=0.6)
    inside = _in_window(frame, times)
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
        values = [_tidy(value) for value in values]
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _slo_events(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
    """Hourly good/total event counts spending a chosen share of the error budget.

    Met spends 15–60% of it, at risk 80–94% (or less, with an incident burning right
    now), breached overspends it. Part of the spend is an incident or two; the rest a
    noisy background rate of bad events.
    """
    objective = frame.objective
    budget = budget_of(objective)
    assert budget is not None
    times = _grid(frame, _HOUR)
    inside = _in_window(frame, times)
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
        float(round(base * _daily_rhythm(t, 0.35) * math.exp(rng.gauss(0.0, 0.08)))) for t in times
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
    background = _spread(rest, [wobble[i] for i in inside], [room[i] for i in inside])
    for i, amount in zip(inside, background, strict=True):
        bad[i] += amount
    rate = rest / math.fsum(wobble[i] for i in inside)
    for i in history:
        bad[i] += min(rate * wobble[i], room[i])

    points: list[_Point] = []
    carry = 0.0
    counts_bad = objective.comparator in (Comparator.LE, Comparator.LT)
    for t, total, share in zip(times, totals, bad, strict=True):
        carry += min(share, total)
        bad_events = min(math.floor(carry), total)
        carry -= bad_events
        good = bad_events if counts_bad else total - bad_events
        points.append((t, good / total if total else 1.0, float(good), total))
    return points


def _spread(amount: float, weights: list[float], room: list[float]) -> list[float]:
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


def _share(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
    """One event every few hours; the chosen share of them meets the limit."""
    objective = frame.objective
    assert objective.value is not None
    assert objective.share is not None
    required = objective.share
    times = _with_window_point(frame, _grid(frame, _few_hours(rng)))
    inside = _in_window(frame, times)
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
        quiet = [i for i in inside if times[i] < frame.end_ms - 3 * _DAY]
        pool = quiet if outcome is Status.MET and len(quiet) >= n - meeting else inside
        failing = set(rng.sample(pool, n - meeting))
    miss_rate = 1 - (meeting / n if n else required)
    inside_set = set(inside)
    values: list[float] = []
    for i in range(len(times)):
        meets = i not in failing if i in inside_set else rng.random() >= miss_rate
        value = _outcome_value(
            objective, objective.value, Status.MET if meets else Status.BREACHED, rng
        )
        values.append(value if _integer(objective) else _tidy(value))
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _rate(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
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
        return _mean_shaped(frame, outcome, rng, step=SHIFT_HOURS * _HOUR if shift else _DAY)
    times = _with_window_point(frame, _grid(frame, _DAY))
    inside = _in_window(frame, times)
    if not inside:
        return []
    rate = _outcome_value(objective, objective.value, outcome, rng)
    periods = max(frame.span.total_seconds() / PERIOD_SECONDS[per], 1.0)
    wanted = rate * periods
    integer = _integer(objective)
    if integer:
        wanted = float(_round(wanted, _higher(objective) == (outcome is not Status.BREACHED), True))
    weights = [_daily_rhythm(t + 12 * _HOUR, 0.0) * math.exp(rng.gauss(0.0, 0.25)) for t in times]
    inside_weight = math.fsum(weights[i] for i in inside)
    values = [wanted * w / inside_weight for w in weights]
    if integer:
        values = _whole(values, inside, wanted)
    return [(t, v, None, None) for t, v in zip(times, values, strict=True)]


def _whole(values: list[float], inside: list[int], wanted: float) -> list[float]:
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


def _growth(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
    """A value reported monthly (more often in a short window), drifting from the
    window's first value to the last by the chosen change."""
    objective = frame.objective
    assert objective.value is not None
    span_ms = min(frame.days * _DAY, frame.window_ms[1] - frame.window_ms[0])
    step = max(min(30 * _DAY, frame.days * _DAY // 3, span_ms // 2) // _HOUR * _HOUR, _HOUR)
    times = _grid(frame, step)
    inside = _in_window(frame, times)
    if len(inside) < 2:
        return [(t, 100.0, None, None) for t in times]
    change = _outcome_value(objective, objective.value, outcome, rng)
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


def _cadence(frame: _Frame, outcome: Status, rng: random.Random) -> list[_Point]:
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
        latest = hi - int(min(hi - lo, every, frame.days * _DAY) * rng.uniform(0.05, 0.9))
    times: list[int] = []
    at = latest
    while at >= frame.start_ms:
        on_the_hour = at // _HOUR * _HOUR
        if frame.start_ms <= on_the_hour < frame.end_ms:
            times.append(on_the_hour)
        at -= int(every * rng.uniform(0.9, 1.1))
    return [(t, 1.0, None, None) for t in sorted(set(times))]
