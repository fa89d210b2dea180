"""KPI gauges on /metrics: every KPI's value, target, status and error budget.

Imports ``services`` and ``store``. A Prometheus collector scores every org when
/metrics is scraped, and keeps the result for ``TTL`` seconds so that several scrapers
(or a fast scrape interval) cost one scoring. Labels: ``org``, ``group`` (the path) and
``kpi`` (the KPI's id). ``orgplane_kpi_status`` is the status as a number: 0 no data,
1 met, 2 at risk, 3 breached (the order of "worst").
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from orgplane.services.scorecard import score_org
from orgplane.store.orgs import list_orgs

__all__ = ["TTL", "KpiCollector"]

#: Seconds a scoring is reused.
TTL = 30.0
_LABELS = ("org", "group", "kpi")


class KpiCollector(Collector):
    """Yields the KPI gauges of every org in the database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self._sessions = sessions
        self._lock = threading.Lock()
        self._cached: tuple[float, list[GaugeMetricFamily]] | None = None

    def describe(self) -> list[GaugeMetricFamily]:
        # Registering must not score the org: describe with empty families.
        return self._families()

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._lock:
            now = time.monotonic()
            if self._cached is None or now - self._cached[0] > TTL:
                self._cached = (now, self._score())
            yield from self._cached[1]

    @staticmethod
    def _families() -> list[GaugeMetricFamily]:
        return [
            GaugeMetricFamily(
                "orgplane_kpi_value",
                "A KPI's measured value over its window, in its normalized unit "
                "(seconds, a fraction, a count).",
                labels=_LABELS,
            ),
            GaugeMetricFamily(
                "orgplane_kpi_target",
                "A KPI's target, in the same unit as orgplane_kpi_value.",
                labels=_LABELS,
            ),
            GaugeMetricFamily(
                "orgplane_kpi_status",
                "A KPI's status: 0 no data, 1 met, 2 at risk, 3 breached.",
                labels=_LABELS,
            ),
            GaugeMetricFamily(
                "orgplane_error_budget_remaining",
                "Share of an SLO's error budget left over its window "
                "(1 untouched, 0 spent, negative overspent).",
                labels=_LABELS,
            ),
        ]

    def _score(self) -> list[GaugeMetricFamily]:
        value, target, status, budget = families = self._families()
        at = datetime.now(UTC)
        with self._sessions() as session:
            for org in list_orgs(session):
                card = score_org(session, org.code, at)
                for score in card.scores.values():
                    series = score.series
                    labels = [org.code, series.group_path, series.kpi_id]
                    assessment = score.assessment
                    status.add_metric(labels, assessment.status.rank)
                    objective = series.objective
                    goal = objective.share if objective.kind.value == "share" else objective.value
                    if goal is not None:
                        target.add_metric(labels, goal)
                    if assessment.value is not None:
                        value.add_metric(labels, assessment.value)
                    if assessment.budget_remaining is not None:
                        budget.add_metric(labels, assessment.budget_remaining)
        return families
