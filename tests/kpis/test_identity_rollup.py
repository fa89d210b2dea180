"""Stable KPI ids, and roll-ups of statuses up the org tree."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from orgplane.kpis import parse_objective
from orgplane.kpis.evaluate import Status
from orgplane.kpis.identity import kpi_ids, slugify
from orgplane.kpis.rollup import Rollup, roll_up


@dataclass
class K:
    text: str
    id: str | None = None


def _ids(*kpis: K) -> list[str]:
    return kpi_ids(list(kpis), [parse_objective(k.text) for k in kpis])


def test_ids_are_metric_slugs() -> None:
    assert _ids(K("P95 latency < 5ms"), K("Availability 99.9%")) == ["p95-latency", "availability"]


def test_ids_survive_a_new_target() -> None:
    assert _ids(K("P95 latency < 5ms")) == _ids(K("P95 latency ≤ 8ms"))


def test_the_same_metric_twice_gets_a_suffix_and_written_ids_win() -> None:
    assert _ids(K("p99 < 100ms"), K("p99 < 1s"), K("P99 ≤ 2s", id="p99")) == [
        "p99-2",
        "p99-3",
        "p99",
    ]


@pytest.mark.parametrize(
    ("text", "slug"), [("", "kpi"), ("Toil Hours / Shift", "toil-hours-shift")]
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_roll_up_counts_each_kpi_for_its_group_and_every_ancestor() -> None:
    rollups = roll_up(
        [
            ("1B/B-2", Status.MET, 1.0),
            ("1B/B-2", Status.BREACHED, 1.0),
            ("1B/B-3", Status.AT_RISK, 2.0),
            ("1C", Status.NO_DATA, 1.0),
        ]
    )
    assert rollups["1B/B-2"].share_met == pytest.approx(0.5)
    # At risk is not met: 1 of the weights 1 + 1 + 2 with data is met.
    assert rollups["1B"].share_met == pytest.approx(0.25)
    assert rollups["1B"].summary == "1 of 3 met (25% by weight), 1 at risk, 1 breached"
    assert rollups["1B/B-3"].summary == "0 of 1 met (0%), 1 at risk"
    assert rollups["1B"].worst is Status.BREACHED
    assert rollups["1C"].share_met is None
    assert rollups["1C"].worst is Status.NO_DATA
    assert rollups["1C"].summary == "1 KPI, none measured"
    assert rollups[""].summary == "1 of 3 met (25% by weight), 1 at risk, 1 breached, 1 no data"
    assert rollups["1B/B-2"].summary == "1 of 2 met (50%), 1 breached"
    assert Rollup().summary == "no KPIs"
    assert rollups[""].total == 4
    assert rollups[""].counts[Status.NO_DATA] == 1
