"""Demo measurements: plausible, flagged, scoring as planned, never touching real data;
on SQLite and PostgreSQL.

Statuses are computed here from the database with ``kpis.evaluate`` and
``store.measurements.window_aggregates`` (the scorecard's way), not taken from the
service's own report.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.kpis import parse_objective
from orgplane.kpis.budget import BURN_ALERTS, budget_of, is_slo
from orgplane.kpis.evaluate import Aggregate, Assessment, Status, assess
from orgplane.kpis.objective import Comparator, Kind, Objective
from orgplane.kpis.windows import parse_window
from orgplane.model import Org
from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.services.demo import (
    CLEAR_ACTION,
    DEMO_ACTION,
    DemoKpi,
    DemoReport,
    clear_demo,
    generate_demo,
    plan_outcome,
)
from orgplane.spec import load_spec
from orgplane.spec.examples import bundled_examples
from orgplane.spec.loader import load_spec_text
from orgplane.store import audit, begin_write
from orgplane.store.kpi_series import Series, find_series, list_series
from orgplane.store.measurements import (
    count_measurements,
    insert_measurements,
    series_points,
    to_ms,
    window_aggregates,
)
from orgplane.store.orgs import list_orgs
from orgplane.store.tables import MeasurementRow

NOW = datetime(2026, 3, 15, 12, 0, tzinfo=UTC)

#: An org with a KPI of every kind and shape the examples lack.
KINDS = """\
version: 1
org: {code: KND, name: Every kind}
groups:
- code: K
  kind: team
  name: Kinds
  kpis:
  - TTR L1 ≤ 2h (90%)
  - MOS > 3.8 (80%)
  - Roadmap published quarterly
  - Security review every month
  - ≥ 4 technical articles per quarter
  - Toil < 2h / Shift
  - Request volume
  - Vault TTL = 24h
  - Cost -10% YoY
  - text: Availability ≥ 99.5%
    window: month
  - text: Error budget burn < 1%
    window: quarter
  - Error rate < 20%
  - Score ≥ 4.2/5
  - Throughput ≥ 10 Gbps
  - ≥ 3 incidents reviewed / week
  - P10 Throughput ≥ 100 Mbps
  - P99 Query time ≤ 2s
"""


def _apply(session: Session, org: Org) -> None:
    apply_spec(
        session=session,
        org=org,
        findings=default_registry().check(org),
        actor="test",
        accept_errors=True,
    )


@pytest.fixture
def examples(session: Session) -> Session:
    """The bundled example orgs, applied."""
    for path in bundled_examples():
        _apply(session, load_spec(path))
    return session


def _meets(objective: Objective, value: float) -> bool:
    target, comparator = objective.value, objective.comparator
    assert target is not None
    assert comparator is not None
    return {
        Comparator.GE: value >= target,
        Comparator.LE: value <= target,
        Comparator.GT: value > target,
        Comparator.LT: value < target,
        Comparator.EQ: value == target,
    }[comparator]


def _aggregate(
    session: Session, series: Series, start: datetime, end: datetime
) -> Aggregate | None:
    """The window's sums from the database; the ends and the values meeting the limit
    from the window's points."""
    objective = series.objective
    percentiles = (
        {series.id: objective.percentile}
        if objective.kind is Kind.PERCENTILE and objective.percentile is not None
        else None
    )
    found = window_aggregates(session, [series.id], start, end, percentiles=percentiles)
    if series.id not in found:
        return None
    points = series_points(session, series.id, start, end, limit=1_000_000)
    meeting = sum(1 for p in points if _meets(objective, p.value)) if objective.typed else 0
    return dataclasses.replace(
        found[series.id], first=points[0].value, last=points[-1].value, meeting=meeting
    )


def _score(session: Session, series: Series, now: datetime) -> Assessment:
    """The scorecard's reading of one series at ``now``, from the database."""
    objective = series.objective
    window = parse_window(series.window)
    start, end = window.bounds(now)
    aggregate = _aggregate(session, series, start, end) or Aggregate()
    burn: dict[timedelta, Aggregate] = {}
    if is_slo(objective) and aggregate.count:
        for length in {a.long for a in BURN_ALERTS} | {a.short for a in BURN_ALERTS}:
            recent = _aggregate(session, series, now - length, now)
            if recent is not None:
                burn[length] = recent
    return assess(objective, aggregate, end - start, slo_window=window.nominal, burn_windows=burn)


def _unreachable(objective: Objective, planned: Status, status: Status) -> bool:
    """The outcomes ``kpis.evaluate`` cannot give the objective, and what it gives instead."""
    if (planned, status) == (Status.AT_RISK, Status.BREACHED):
        return True  # no room for "at risk": a whole count, a target of 0, "= X"
    if objective.kind is Kind.CADENCE:
        # A missed cadence has no occurrence in its window: that scores "no data".
        return (planned, status) in (
            (Status.BREACHED, Status.NO_DATA),
            (Status.AT_RISK, Status.NO_DATA),
        )
    if (planned, status) == (Status.MET, Status.AT_RISK):
        # "≥ 100%": even 100% is within the 5% at-risk margin of the target.
        return (
            objective.kind is Kind.RATIO
            and not is_slo(objective)
            and objective.comparator in (Comparator.GE, Comparator.GT)
            and (objective.value or 0) * 1.05 > 1
        )
    if (planned, status) == (Status.BREACHED, Status.AT_RISK):
        # 11 nines: a miss is within the evaluator's float tolerance (1e-9) of the target.
        budget = budget_of(objective)
        return budget is not None and budget < 1e-9
    return False


def _check_report(session: Session, report: DemoReport) -> list[tuple[DemoKpi, Series]]:
    """Every KPI of the report scores, from the database, what the report says; the
    planned outcome unless the evaluator cannot give it; demo flags are right."""
    checked = []
    for org in report.orgs:
        by_id = {s.id: s for s in list_series(session, org.org_code)}
        for kpi in org.kpis:
            series = by_id[kpi.series_id]
            status = _score(session, series, report.now).status
            assert status is kpi.status, kpi
            assert kpi.planned is status or _unreachable(series.objective, kpi.planned, status), (
                series.text,
                kpi,
            )
            assert series.demo == bool(kpi.measurements), kpi
            assert count_measurements(session, [series.id]) == kpi.measurements
            if not series.objective.typed:
                assert kpi.planned is Status.NO_DATA
            checked.append((kpi, series))
    return checked


def _rows(session: Session) -> list[tuple[object, ...]]:
    table = MeasurementRow.__table__
    statement = select(table.c.series_id, table.c.at_ms, table.c.value, table.c.good, table.c.total)
    try:
        return sorted(tuple(row) for row in session.execute(statement))
    finally:
        session.rollback()


def test_the_bundled_examples_get_90_days_scoring_the_planned_mix(examples: Session) -> None:
    session = examples
    calls: list[tuple[str, int, int]] = []
    report = generate_demo(
        session,
        None,
        now=NOW,
        progress=lambda label, done, total: calls.append((label, done, total)),
    )
    codes = [org.code for org in list_orgs(session)]
    assert [org.org_code for org in report.orgs] == codes
    checked = _check_report(session, report)
    series_count = sum(len(list_series(session, code)) for code in codes)
    assert len(checked) == series_count >= 50
    assert [done for _, done, _ in calls] == list(range(1, series_count + 1))
    assert {total for _, _, total in calls} == {series_count}
    assert calls[0][0].startswith(report.orgs[0].org_code + ":")

    # 90 days of history up to now for every KPI that has data; none for the others.
    start = NOW - timedelta(days=90)
    for kpi, series in checked:
        points = series_points(session, series.id, None, None, limit=1_000_000)
        if kpi.planned is Status.NO_DATA:
            assert points == [], series.text
            continue
        assert start <= points[0].at
        assert points[-1].at < NOW
        # Monthly values (growth) and occurrences (cadences) are sparse; the rest dense.
        if series.objective.kind not in (Kind.GROWTH, Kind.CADENCE):
            assert points[0].at < start + timedelta(days=1), series.text
            assert points[-1].at >= NOW - timedelta(days=1), series.text
        if is_slo(series.objective) and series.objective.kind is Kind.RATIO:
            assert len(points) == 90 * 24
            assert all(p.good is not None and p.total and 0 <= p.good <= p.total for p in points)

    # The mix: mostly met, some breached or at risk, some without data.
    planned = Counter(kpi.planned for kpi, _ in checked)
    statuses = Counter(kpi.status for kpi, _ in checked)
    assert planned[Status.MET] > len(checked) / 2
    assert planned[Status.BREACHED] + planned[Status.AT_RISK] >= len(checked) / 10
    assert 0 < planned[Status.NO_DATA] < len(checked) / 3
    assert all(statuses[status] for status in Status)
    slos = [
        _score(session, s, NOW) for kpi, s in checked if kpi.measurements and is_slo(s.objective)
    ]
    budgets = [a.budget_remaining for a in slos if a.budget_remaining is not None]
    assert len(budgets) == len(slos) >= 10
    assert any(0 < b < 0.75 for b in budgets)  # budgets partly spent
    assert any(b < 0 for b in budgets)  # and overspent
    assert all("page-1h" in a.burn_rates for a in slos)  # burn rates are measured

    # Modest: well under the 400k rows the issue allows.
    total = count_measurements(session)
    assert total == report.measurements < 400_000
    entries = audit.list_audit(session, action=DEMO_ACTION)
    assert sorted(e.target for e in entries) == sorted(f"org:{code}" for code in codes)
    assert entries[0].after is not None
    assert entries[0].after["demo"] is True


def test_every_kind_scores_as_planned(session: Session) -> None:
    _apply(session, load_spec_text(KINDS))
    for seed in range(3):
        report = generate_demo(session, "KND", now=NOW, seed=seed)
        checked = _check_report(session, report)
        kinds = {series.objective.kind for _, series in checked}
        assert kinds == set(Kind)
    qualitative = find_series(session, "KND", "K", "request-volume")
    assert qualitative is not None
    assert count_measurements(session, [qualitative.id]) == 0


def test_a_short_history_and_an_awkward_moment_still_score_as_planned(session: Session) -> None:
    _apply(session, load_spec_text(KINDS))
    at = datetime(2026, 4, 1, 3, 17, 42, 123_000, tzinfo=UTC)  # a quarter 3 hours old
    report = generate_demo(session, "KND", now=at, days=7, seed=5)
    for _, series in _check_report(session, report):
        points = series_points(session, series.id, None, None, limit=100_000)
        assert all(at - timedelta(days=7) <= p.at < at for p in points), series.text


def test_same_seed_same_data_and_a_rerun_replaces(examples: Session) -> None:
    session = examples
    first = generate_demo(session, None, now=NOW, seed=7)
    rows = _rows(session)
    assert len(rows) == first.measurements
    again = generate_demo(session, None, now=NOW, seed=7)
    assert _rows(session) == rows
    assert sum(org.replaced for org in again.orgs) == first.measurements
    assert [k for o in again.orgs for k in o.kpis] == [k for o in first.orgs for k in o.kpis]

    other = generate_demo(session, None, now=NOW, seed=8)
    assert _rows(session) != rows
    assert count_measurements(session) == other.measurements
    assert [k.planned for o in other.orgs for k in o.kpis] != [
        k.planned for o in first.orgs for k in o.kpis
    ]
    _check_report(session, other)  # what seed 7 left is gone, not mixed in


def test_real_measurements_are_never_touched(examples: Session) -> None:
    session = examples
    real = find_series(session, "IOT", "IOT", "availability")
    assert real is not None
    measured = [(real.id, to_ms(NOW - timedelta(hours=h)), 0.9991, 9991.0, 10000.0) for h in (1, 2)]
    begin_write(session)
    insert_measurements(session, measured)
    session.commit()

    report = generate_demo(session, "IOT", now=NOW)
    iot = report.orgs[0]
    assert iot.skipped == ("IOT#availability",)
    assert "IOT#availability" not in {kpi.ref for kpi in iot.kpis}
    points = series_points(session, real.id, None, None, limit=100)
    assert [(to_ms(p.at), p.value, p.good, p.total) for p in points] == [
        (at, value, good, total) for _, at, value, good, total in reversed(measured)
    ]
    stored = find_series(session, "IOT", "IOT", "availability")
    assert stored is not None
    assert not stored.demo
    # Only the org asked for.
    assert all(not s.demo for s in list_series(session, "CIPO"))

    assert clear_demo(session, None) == iot.measurements
    assert count_measurements(session) == len(measured)


def test_clear_removes_demo_data_and_flags_even_of_retired_kpis(examples: Session) -> None:
    session = examples
    _apply(session, load_spec_text(KINDS))
    report = generate_demo(session, None, now=NOW)
    kinds = next(org for org in report.orgs if org.org_code == "KND")
    by_id = {s.id: s for s in list_series(session, "KND")}
    leaving = next(
        by_id[kpi.series_id]
        for kpi in kinds.kpis
        if kpi.measurements and f"  - {by_id[kpi.series_id].text}\n" in KINDS
    )
    _apply(session, load_spec_text(KINDS.replace(f"  - {leaving.text}\n", "")))
    retired = find_series(session, "KND", leaving.group_path, leaving.kpi_id)
    assert retired is not None
    assert (retired.active, retired.demo) == (False, True)

    with pytest.raises(NotFoundError, match="no org 'NOPE'"):
        clear_demo(session, "NOPE")
    assert clear_demo(session, None, actor="test") == report.measurements
    assert count_measurements(session) == 0
    assert not any(s.demo for org in list_orgs(session) for s in list_series(session, org.code))
    retired = find_series(session, "KND", leaving.group_path, leaving.kpi_id)
    assert retired is not None
    assert not retired.demo
    entries = audit.list_audit(session, action=CLEAR_ACTION)
    assert {e.target for e in entries} == {f"org:{org.org_code}" for org in report.orgs if org.kpis}
    assert {e.actor for e in entries} == {"test"}
    assert clear_demo(session, None) == 0
    assert len(audit.list_audit(session, action=CLEAR_ACTION)) == len(entries)


def test_bad_input_is_refused_before_anything_is_written(examples: Session) -> None:
    session = examples
    with pytest.raises(NotFoundError, match="no org 'NOPE' in the database"):
        generate_demo(session, "NOPE", now=NOW)
    for days in (0, 401):
        with pytest.raises(UsageError, match="days"):
            generate_demo(session, None, now=NOW, days=days)
    with pytest.raises(UsageError, match="aware"):
        generate_demo(session, None, now=NOW.replace(tzinfo=None))
    assert count_measurements(session) == 0
    assert audit.list_audit(session, action=DEMO_ACTION) == []


def test_outcomes_are_drawn_in_the_planned_shares() -> None:
    objective = parse_objective("P95 latency < 5ms")
    draws = Counter(plan_outcome(0, "ORG", f"G/{i}#kpi", objective) for i in range(6000))
    shares = {status: draws[status] / 6000 for status in Status}
    assert shares[Status.MET] == pytest.approx(0.60, abs=0.03)
    assert shares[Status.BREACHED] == pytest.approx(0.15, abs=0.03)
    assert shares[Status.AT_RISK] == pytest.approx(0.10, abs=0.03)
    assert shares[Status.NO_DATA] == pytest.approx(0.15, abs=0.03)
    assert plan_outcome(3, "ORG", "G#kpi", objective) == plan_outcome(3, "ORG", "G#kpi", objective)
    assert plan_outcome(0, "ORG", "G#x", parse_objective("Great collaboration")) is Status.NO_DATA
