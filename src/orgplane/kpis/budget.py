"""Error budgets and multiwindow burn-rate alerts of ratio objectives (SLOs).

Pure; imports only ``kpis.objective``. Follows the Google SRE Workbook ("Alerting on
SLOs"): the error budget is the share of bad events an objective allows (99.9% good
allows 0.1% bad); the burn rate over a window is the bad share in that window divided by
the budget (1 spends exactly the budget over the SLO window); an alert fires when the
burn rate over a long window *and* over its short window both exceed the threshold that
spends a given share of the budget in the long window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from orgplane.kpis.objective import Comparator, Direction, Kind, Objective

__all__ = [
    "BURN_ALERTS",
    "BurnAlert",
    "bad_share",
    "budget_of",
    "burn_rate",
    "is_slo",
    "remaining_budget",
]


@dataclass(frozen=True, slots=True)
class BurnAlert:
    """A multiwindow burn-rate alert: page (or ticket) when ``consumed`` of the budget is
    spent within ``long`` (confirmed over ``short``, so the alert resets quickly)."""

    severity: str
    consumed: float
    long: timedelta
    short: timedelta

    def threshold(self, slo_window: timedelta) -> float:
        """The burn rate that spends ``consumed`` of the budget of ``slo_window`` in ``long``.

        For a 30-day SLO: 2% in 1 h → 14.4, 5% in 6 h → 6, 10% in 3 days → 1.
        """
        return self.consumed * (slo_window / self.long)

    @property
    def name(self) -> str:
        return f"{self.severity}-{_short(self.long)}"


#: The Workbook's recommended alerts: two that page, one that opens a ticket.
BURN_ALERTS = (
    BurnAlert("page", 0.02, timedelta(hours=1), timedelta(minutes=5)),
    BurnAlert("page", 0.05, timedelta(hours=6), timedelta(minutes=30)),
    BurnAlert("ticket", 0.10, timedelta(days=3), timedelta(hours=6)),
)


def _short(length: timedelta) -> str:
    seconds = int(length.total_seconds())
    for unit, size in (("d", 86_400), ("h", 3600), ("m", 60)):
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def is_slo(objective: Objective) -> bool:
    """Whether the objective is an SLO with an error budget: a ratio or share of good
    events of at least 90% ("Availability 99.9%", "TTR ≤ 2h (90%)"), or of bad events of
    at most 10% ("Failed Pipelines < 2%"). Targets of exactly 100% or 0% have no budget
    to spend; other ratios ("≥ 8% cost savings") are not about events.
    """
    budget = budget_of(objective)
    return budget is not None and 0 < budget <= 0.1


def budget_of(objective: Objective) -> float | None:
    """The share of bad events the objective allows, or ``None`` if it is no ratio."""
    if objective.kind is Kind.SHARE and objective.share is not None:
        return 1 - objective.share
    if objective.kind is not Kind.RATIO or objective.value is None:
        return None
    if objective.comparator in (Comparator.GE, Comparator.GT) or (
        objective.comparator is Comparator.EQ and objective.direction is Direction.HIGHER
    ):
        return 1 - objective.value
    if objective.comparator in (Comparator.LE, Comparator.LT):
        return objective.value
    return None


def bad_share(objective: Objective, measured: float) -> float:
    """The share of bad events a measured ratio means: ``1 - good`` for objectives of good
    events, the ratio itself for objectives of bad events ("Job Fail < 1%")."""
    if objective.comparator in (Comparator.LE, Comparator.LT):
        return measured
    return 1 - measured


def burn_rate(bad: float, budget: float) -> float:
    """How fast the budget burns: 1 spends it exactly over the SLO window."""
    return bad / budget


def remaining_budget(bad: float, budget: float) -> float:
    """The share of the budget left: 1 untouched, 0 spent, negative overspent."""
    return 1 - bad / budget
