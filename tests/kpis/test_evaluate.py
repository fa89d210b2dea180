"""Scoring one KPI from its window's measurements, by the objective's kind."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orgplane.kpis import parse_objective
from orgplane.kpis.display import format_value
from orgplane.kpis.evaluate import Aggregate, Status, assess, measured_value, nearest_rank

DAYS_28 = timedelta(days=28)


def _values(values: list[float]) -> Aggregate:
    return Aggregate(count=len(values), total_value=sum(values), first=values[0], last=values[-1])


@pytest.mark.parametrize(
    ("text", "aggregate", "value", "status"),
    [
        # threshold: the last value
        ("Lead time ≤ 90 days", _values([100 * 86400, 60 * 86400]), 60 * 86400, Status.MET),
        ("Lead time ≤ 90 days", _values([60 * 86400, 89 * 86400]), 89 * 86400, Status.AT_RISK),
        ("Lead time ≤ 90 days", _values([60 * 86400, 91 * 86400]), 91 * 86400, Status.BREACHED),
        ("PII Incident = 0", _values([0.0]), 0.0, Status.MET),
        ("PII Incident = 0", _values([1.0]), 1.0, Status.BREACHED),
        # ratio without events: the mean of the values
        ("≥ 8% cost savings", _values([0.10, 0.12]), 0.11, Status.MET),
        # ratio with events: good / total
        (
            "Change Success Rate > 95%",
            Aggregate(count=2, total_value=0, good=90, total=100),
            0.9,
            Status.BREACHED,
        ),
        # rate per day: the sum over the window's days
        ("≥ 20 Deploys/day", _values([25.0] * 28), 25.0, Status.MET),
        ("≥ 20 Deploys/day", _values([25.0] * 14), 12.5, Status.BREACHED),
        # growth: first to last
        ("Cost Efficiency -10% YoY", _values([100.0, 85.0]), -0.15, Status.MET),
        ("Cost Efficiency -10% YoY", _values([100.0, 95.0]), -0.05, Status.BREACHED),
        # cadence: at least one occurrence in the window
        ("Roadmap published quarterly", _values([1.0]), 1.0, Status.MET),
        # share: values meeting the limit, against the share required
        (
            "TTR L1 ≤ 2h (90%)",
            Aggregate(count=10, total_value=0, meeting=9),
            0.9,
            Status.AT_RISK,  # exactly at the share; its error budget is spent
        ),
        ("TTR L1 ≤ 2h (90%)", Aggregate(count=10, total_value=0, meeting=8), 0.8, Status.BREACHED),
        # percentile: the store computes it
        (
            "P95 latency < 5ms",
            Aggregate(count=5, total_value=0, percentile=0.003),
            0.003,
            Status.MET,
        ),
        (
            "P95 latency < 5ms",
            Aggregate(count=5, total_value=0, percentile=0.006),
            0.006,
            Status.BREACHED,
        ),
    ],
)
def test_status_by_kind(text: str, aggregate: Aggregate, value: float, status: Status) -> None:
    objective = parse_objective(text)
    assert measured_value(objective, aggregate, DAYS_28) == pytest.approx(value)
    assert assess(objective, aggregate, DAYS_28).status is status


def test_no_measurements_is_no_data() -> None:
    result = assess(parse_objective("p99 < 100ms"), Aggregate(), DAYS_28)
    assert result.status is Status.NO_DATA
    assert result.reason == "no measurements"


def test_a_qualitative_kpi_is_never_scored() -> None:
    result = assess(parse_objective("Great collaboration"), _values([1.0]), DAYS_28)
    assert result.status is Status.NO_DATA


def test_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert nearest_rank(values, 95) == 95.0
    assert nearest_rank(values, 99.9) == 100.0
    assert nearest_rank([3.0], 50) == 3.0


def test_status_ranks_for_the_worst() -> None:
    ordered = sorted(Status, key=lambda s: s.rank)
    assert ordered == [Status.NO_DATA, Status.MET, Status.AT_RISK, Status.BREACHED]


def test_eleven_nines_are_told_apart() -> None:
    objective = parse_objective("Durability 11×9")
    ten_nines = Aggregate(count=1, total_value=0.0, good=9_999_999_999, total=10_000_000_000)
    assert assess(objective, ten_nines, DAYS_28).status is Status.BREACHED
    eleven = Aggregate(count=1, total_value=0.0, good=99_999_999_999, total=100_000_000_000)
    assert assess(objective, eleven, DAYS_28).status is not Status.BREACHED


def test_values_near_one_keep_their_nines() -> None:
    objective = parse_objective("Availability 99.9%")
    assert format_value(0.99999996, objective) == "99.999996%"
    assert format_value(0.9995, objective) == "99.95%"
    assert format_value(0.5, objective) == "50%"


def test_a_target_at_the_end_of_the_scale_is_met_when_reached() -> None:
    objective = parse_objective("100% inventory accuracy")
    assert assess(objective, _values([1.0]), DAYS_28).status is Status.MET
    assert assess(objective, _values([0.99]), DAYS_28).status is Status.BREACHED
