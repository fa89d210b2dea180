"""The escalation engine's health on /metrics and /readyz: what the auditor finds.

Imports ``services``. The auditor (``services/auditor.py``) checks two invariants in the
database: every open page has a pending timer or a finished ladder, and no timer is late
by more than a lease and a poll. It reads the database, not an engine, so every server
reports the same, whether or not it runs an engine itself. One audit is kept for
``TTL`` seconds so that scrapers and probes together cost one query a few seconds.

Gauges: ``orgplane_pages_open``, ``orgplane_pages_stuck``, ``orgplane_timers_late``,
``orgplane_timer_lateness_seconds`` (how late the latest-firing due timer is) and
``orgplane_paging_healthy`` (1 when both invariants hold): alert on the last one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from orgplane.services.auditor import AuditReport, audit

__all__ = ["TTL", "PagingAudit", "PagingCollector"]

#: Seconds one audit is reused.
TTL = 5.0


class PagingAudit:
    """The newest audit of the database, at most ``TTL`` seconds old."""

    def __init__(self, sessions: sessionmaker[Session], clock: Callable[[], datetime]) -> None:
        self._sessions = sessions
        self._clock = clock
        self._lock = threading.Lock()
        self._kept: tuple[float, AuditReport] | None = None

    def report(self) -> AuditReport:
        """Raises what the database raises when it does not answer."""
        with self._lock:
            now = time.monotonic()
            if self._kept is None or now - self._kept[0] > TTL:
                with self._sessions() as session:
                    self._kept = (now, audit(session, now=self._clock()))
            return self._kept[1]


class PagingCollector(Collector):
    """Yields the auditor's gauges (none when the database does not answer: /readyz
    says why)."""

    def __init__(self, paging: PagingAudit) -> None:
        self._paging = paging

    def describe(self) -> list[GaugeMetricFamily]:
        # Registering must not query the database.
        return list(self._families(None))

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            report = self._paging.report()
        except Exception:  # the database is down or not migrated: no paging gauges
            return
        yield from self._families(report)

    @staticmethod
    def _families(report: AuditReport | None) -> Iterator[GaugeMetricFamily]:
        values: dict[str, float] = {}
        if report is not None:
            values = {
                "open": report.open_pages,
                "stuck": len(report.stuck_pages),
                "late": report.late_timers,
                "lateness": report.max_lateness,
                "healthy": 1.0 if report.healthy else 0.0,
            }
        for key, name, doc in (
            ("open", "orgplane_pages_open", "Pages triggered and not yet acknowledged."),
            (
                "stuck",
                "orgplane_pages_stuck",
                "Open pages with no pending timer and an unfinished ladder (never paged again).",
            ),
            (
                "late",
                "orgplane_timers_late",
                "Due timers late by more than a lease and a poll (no engine is firing them).",
            ),
            (
                "lateness",
                "orgplane_timer_lateness_seconds",
                "How late the latest-firing late timer is, in seconds (0 when none is late).",
            ),
            (
                "healthy",
                "orgplane_paging_healthy",
                "1 when no page is stuck and no timer is late, else 0.",
            ),
        ):
            family = GaugeMetricFamily(name, doc)
            if key in values:
                family.add_metric([], values[key])
            yield family
