"""Demo measurements: plausible, clearly labelled, generated KPI data for trying orgplane.

Imports ``kpis``, ``store`` and ``errors``. ``generate_demo`` fills every active KPI
series of an org (or of every org) with ``days`` of generated measurements ending at
``now``; ``clear_demo`` removes them. Demo data must never pass for measured data: every
series that holds it is flagged (``kpi_series.demo``), which the scorecard, the API and
the UI show, and a series that holds real measurements is never touched.

This module is the use case: it lists the series, owns the transaction and the org's
lock, stores the rows and writes the audit entry. What the data looks like is pure and
lives in ``kpis``: ``kpis.demo_plan`` draws each series' outcome from ``(seed, org,
series reference)`` alone — about 60% met, 25% breached or at risk, 15% left without
data (qualitative KPIs always) — so the same seed gives the same picture, and adding a
KPI changes no other KPI's outcome; ``kpis.demo_series`` shapes the values by the
objective's kind and unit so that the KPI scores that outcome at ``now`` under
``kpis.evaluate`` (each series is checked by scoring its points, ``kpis.demo_score``, the
way ``services.scorecard`` scores them from the database).

An outcome the evaluator cannot produce for an objective (at risk for an integer count,
or a target with no margin) falls back to breached; the report gives, for every KPI,
the outcome planned and the status its generated data scores at ``now``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, UsageError
from orgplane.kpis.demo_plan import Frame, Point, demo_rng, plan_outcome
from orgplane.kpis.demo_series import generate_series
from orgplane.kpis.evaluate import Status
from orgplane.kpis.windows import parse_window
from orgplane.store import audit, begin_write, kpi_series, orgs
from orgplane.store.measurements import delete_measurements, insert_measurements, latest_at

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
            ids = [series.id for series in kpi_series.list_demo_series(session, code)]
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
        points: list[Point] = []
        status = Status.NO_DATA
        if planned is not Status.NO_DATA:
            frame = Frame(item.objective, parse_window(item.window), now, days)
            points, assessment = generate_series(
                frame, planned, demo_rng(seed, org_code, item.ref, "values")
            )
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
