"""Recording KPI measurements and scoring them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from orgplane.errors import NotFoundError, SpecError, UsageError
from orgplane.kpis.evaluate import Status
from orgplane.services import apply_spec
from orgplane.services.measurements import Measurement, import_file, record, resolve_kpi
from orgplane.services.scorecard import score_org, sparklines
from orgplane.spec.loader import load_spec_text
from orgplane.store.kpi_series import list_series, set_demo
from orgplane.store.measurements import count_measurements

NOW = datetime(2026, 11, 23, 12, tzinfo=UTC)

SPEC = """\
version: 1
org: {code: ACME, name: Acme}
groups:
- code: PLAT
  kind: department
  name: Platform
  groups:
  - code: API
    kind: squad
    name: API squad
    kpis:
    - API Uptime ≥ 99.9%
    - P95 latency < 5ms
    - text: ≥ 20 Deploys/day
      id: deploys
      window: 7d
  - code: DB
    kind: squad
    name: Databases
    kpis:
    - Lead time ≤ 90 days
    - Great collaboration
"""


def _apply(session: Session, text: str = SPEC) -> None:
    apply_spec(session=session, org=load_spec_text(text), findings=[], actor="test", now=NOW)


@pytest.fixture
def acme(session: Session) -> Session:
    _apply(session)
    return session


def test_apply_gives_every_kpi_a_series_with_a_stable_id(acme: Session) -> None:
    refs = [s.ref for s in list_series(acme, "ACME")]
    assert refs == [
        "PLAT/API#api-uptime",
        "PLAT/API#p95-latency",
        "PLAT/API#deploys",
        "PLAT/DB#lead-time",
        "PLAT/DB#great-collaboration",
    ]
    # A new target keeps the id, and so the measurements.
    record(acme, [Measurement("API#p95-latency", NOW, 0.004)], actor="test")
    _apply(acme, SPEC.replace("P95 latency < 5ms", "P95 latency < 8ms"))
    series = resolve_kpi(acme, "API#p95-latency")
    assert series.objective.value == pytest.approx(0.008)
    assert count_measurements(acme, [series.id]) == 1


def test_a_kpi_removed_from_the_spec_keeps_its_measurements(acme: Session) -> None:
    record(acme, [Measurement("DB#lead-time", NOW, 86400.0)], actor="test")
    _apply(acme, SPEC.replace("    - Lead time ≤ 90 days\n", ""))
    with pytest.raises(NotFoundError):
        resolve_kpi(acme, "DB#lead-time")
    _apply(acme)
    assert count_measurements(acme, [resolve_kpi(acme, "DB#lead-time").id]) == 1


def test_recording_twice_adds_nothing(acme: Session) -> None:
    item = Measurement("PLAT/API#p95-latency", NOW, 0.004)
    assert record(acme, [item], actor="test").total_added == 1
    again = record(acme, [item], actor="test")
    assert (again.total_added, again.total_skipped) == (0, 1)


@pytest.mark.parametrize(
    ("ref", "error", "message"),
    [
        ("API", UsageError, "name the KPI after '#'"),
        ("API#nope", NotFoundError, "has no KPI 'nope' (it has: api-uptime, p95-latency, deploys)"),
        ("NOPE#x", NotFoundError, "no group 'NOPE'"),
        ("OTHER:API#deploys", NotFoundError, "no org 'OTHER'"),
    ],
)
def test_bad_references_say_what_exists(
    acme: Session, ref: str, error: type[Exception], message: str
) -> None:
    with pytest.raises(error, match=message.replace("(", r"\(").replace(")", r"\)")):
        resolve_kpi(acme, ref)


def test_bad_values_store_nothing(acme: Session) -> None:
    good = Measurement("API#api-uptime", NOW, 0.999, 999, 1000)
    bad = Measurement("API#api-uptime", NOW - timedelta(hours=1), 0.5, 10, 5)
    with pytest.raises(UsageError, match=r"good .* is more than total"):
        record(acme, [good, bad], actor="test")
    assert count_measurements(acme) == 0


def test_import_is_idempotent_and_all_or_nothing(acme: Session, tmp_path: Path) -> None:
    csv = tmp_path / "m.csv"
    csv.write_text(
        "kpi,at,value\n"
        "API#p95-latency,2026-11-20T10:00:00Z,0.004\n"
        "API#p95-latency,2026-11-21T10:00:00Z,0.0045\n"
        "DB#lead-time,2026-11-21T10:00:00Z,864000\n"
    )
    assert import_file(acme, csv, actor="test").total_added == 3
    assert import_file(acme, csv, actor="test").total_added == 0
    broken = tmp_path / "broken.csv"
    broken.write_text(
        "kpi,at,value\nAPI#p95-latency,2026-11-22T10:00:00Z,0.004\nAPI#nope,2026-11-22T10:00:00Z,1\n"
    )
    with pytest.raises(NotFoundError, match=r"broken.csv:3: .*no KPI 'nope'"):
        import_file(acme, broken, actor="test")
    bad = tmp_path / "bad.csv"
    bad.write_text("kpi,at,value\nAPI#p95-latency,yesterday,1\n")
    with pytest.raises(SpecError):
        import_file(acme, bad, actor="test")
    assert count_measurements(acme) == 3


def test_the_scorecard_scores_and_rolls_up(acme: Session) -> None:
    hours = [NOW - timedelta(hours=h) for h in range(1, 49)]
    items = [Measurement("API#api-uptime", t, 0.9995, 9995, 10000) for t in hours]
    items += [
        Measurement("API#p95-latency", t, 0.003 if h % 10 else 0.009, None, None)
        for h, t in enumerate(hours)
    ]
    items += [Measurement("API#deploys", NOW - timedelta(days=d, hours=1), 25.0) for d in range(7)]
    items += [Measurement("DB#lead-time", NOW - timedelta(days=2), 100 * 86400.0)]
    record(acme, items, actor="test")
    card = score_org(acme, "ACME", NOW)
    by_ref = {s.series.ref: s.assessment for s in card.scores.values()}
    uptime = by_ref["PLAT/API#api-uptime"]
    assert uptime.status is Status.MET
    assert uptime.value == pytest.approx(0.9995)
    assert uptime.budget_remaining == pytest.approx(0.5)
    assert by_ref["PLAT/API#p95-latency"].status is Status.BREACHED  # 5 of 48 are 9 ms
    assert by_ref["PLAT/API#deploys"].value == pytest.approx(25.0)
    assert by_ref["PLAT/DB#lead-time"].status is Status.BREACHED
    assert by_ref["PLAT/DB#great-collaboration"].status is Status.NO_DATA
    rollup = card.rollup
    assert rollup.counts[Status.MET] == 2
    assert rollup.counts[Status.BREACHED] == 2
    assert rollup.share_met == pytest.approx(0.5)
    assert rollup.worst is Status.BREACHED
    api = next(g for g in card.groups if g.group.path == "PLAT/API")
    assert api.rollup.share_met == pytest.approx(2 / 3)
    # Scored as of an earlier moment, the window holds less.
    earlier = score_org(acme, "ACME", NOW - timedelta(days=30))
    assert earlier.rollup.counts[Status.NO_DATA] == 5
    lines = sparklines(acme, [s for s in card.scores.values() if s.series.kpi_id == "api-uptime"])
    (line,) = lines.values()
    assert line[-1] == pytest.approx(0.9995)


def test_a_group_scorecard_covers_its_subtree_only(acme: Session) -> None:
    card = score_org(acme, "ACME", NOW, group_path="PLAT/DB")
    assert [g.group.path for g in card.groups] == ["PLAT/DB"]
    assert card.rollup.total == 2


def test_real_measurements_replace_demo_data(acme: Session) -> None:
    series = resolve_kpi(acme, "API#p95-latency")
    record(acme, [Measurement("API#p95-latency", NOW - timedelta(days=1), 0.001)], actor="demo")
    set_demo(acme, [series.id], True)
    acme.commit()
    result = record(acme, [Measurement("API#p95-latency", NOW, 0.004)], actor="test")
    assert result.demo_cleared == ["ACME:PLAT/API#p95-latency"]
    assert count_measurements(acme, [series.id]) == 1
    assert not resolve_kpi(acme, "API#p95-latency").demo
