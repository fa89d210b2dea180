"""Error budgets and the SRE Workbook's multiwindow burn-rate alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orgplane.kpis import parse_objective
from orgplane.kpis.budget import BURN_ALERTS, budget_of, is_slo, remaining_budget
from orgplane.kpis.evaluate import Aggregate, Status, assess

THIRTY_DAYS = timedelta(days=30)


@pytest.mark.parametrize(
    ("severity", "consumed", "long", "short", "threshold"),
    [
        # The Workbook's table: 2% of the budget in 1 h (5 min short window) pages at
        # 14.4×; 5% in 6 h (30 min) pages at 6×; 10% in 3 days (6 h) opens a ticket at 1×.
        ("page", 0.02, timedelta(hours=1), timedelta(minutes=5), 14.4),
        ("page", 0.05, timedelta(hours=6), timedelta(minutes=30), 6.0),
        ("ticket", 0.10, timedelta(days=3), timedelta(hours=6), 1.0),
    ],
)
def test_the_workbook_burn_rate_table(
    severity: str, consumed: float, long: timedelta, short: timedelta, threshold: float
) -> None:
    alert = next(a for a in BURN_ALERTS if a.long == long)
    assert (alert.severity, alert.consumed, alert.short) == (severity, consumed, short)
    assert alert.threshold(THIRTY_DAYS) == pytest.approx(threshold)


def test_there_are_exactly_the_three_recommended_alerts() -> None:
    assert [a.name for a in BURN_ALERTS] == ["page-1h", "page-6h", "ticket-3d"]


@pytest.mark.parametrize(
    ("text", "budget", "slo"),
    [
        ("Availability 99.9%", 0.001, True),
        ("API Uptime ≥ 99.95%", 0.0005, True),
        ("Failed Pipelines < 2%", 0.02, True),
        ("On-Time Release ≥ 90%", 0.1, True),
        ("TTR L1 ≤ 2h (90%)", 0.1, True),
        ("≥ 8% cost savings", 0.92, False),
        ("100% inventory accuracy", 0.0, False),
        ("P95 latency < 5ms", None, False),
    ],
)
def test_which_objectives_have_an_error_budget(text: str, budget: float | None, slo: bool) -> None:
    objective = parse_objective(text)
    assert budget_of(objective) == (pytest.approx(budget) if budget is not None else None)
    assert is_slo(objective) is slo


def test_remaining_budget() -> None:
    assert remaining_budget(0.0, 0.001) == 1.0
    assert remaining_budget(0.0005, 0.001) == pytest.approx(0.5)
    assert remaining_budget(0.002, 0.001) == pytest.approx(-1.0)


def _ratio(bad: float, total: float = 1_000_000.0) -> Aggregate:
    return Aggregate(count=60, total_value=0.0, good=total * (1 - bad), total=total)


def test_a_fast_burn_pages_when_both_windows_burn() -> None:
    objective = parse_objective("Availability 99.9%")
    # 2% of a 30-day budget in the last hour: a burn rate of 14.4. Burn 20× in both the
    # hour and its 5-minute window, while the 30 days overall are still within budget.
    windows = {
        timedelta(hours=1): _ratio(0.02),
        timedelta(minutes=5): _ratio(0.02),
        timedelta(hours=6): _ratio(0.004),
        timedelta(minutes=30): _ratio(0.004),
        timedelta(days=3): _ratio(0.0005),
        timedelta(hours=6): _ratio(0.004),
    }
    result = assess(
        objective, _ratio(0.0002), THIRTY_DAYS, slo_window=THIRTY_DAYS, burn_windows=windows
    )
    assert result.burn_rates["page-1h"] == pytest.approx(20.0)
    assert "page-1h" in result.alerts
    assert "page-6h" not in result.alerts  # 4× is below 6×
    assert result.status is Status.AT_RISK
    assert result.budget_remaining == pytest.approx(0.8)


def test_a_burn_that_has_stopped_does_not_page() -> None:
    objective = parse_objective("Availability 99.9%")
    windows = {
        timedelta(hours=1): _ratio(0.02),
        timedelta(minutes=5): _ratio(0.0),  # recovered: the short window resets the alert
    }
    result = assess(
        objective, _ratio(0.0002), THIRTY_DAYS, slo_window=THIRTY_DAYS, burn_windows=windows
    )
    assert result.alerts == ()
    assert result.status is Status.MET


def test_an_overspent_budget_is_breached() -> None:
    objective = parse_objective("Availability 99.9%")
    result = assess(objective, _ratio(0.003), THIRTY_DAYS, slo_window=THIRTY_DAYS)
    assert result.status is Status.BREACHED
    assert result.budget_remaining == pytest.approx(-2.0)
