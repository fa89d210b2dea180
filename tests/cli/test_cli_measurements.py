"""``orgplane kpi record | import | pull | list`` and ``orgplane scorecard``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.conftest import Run


@pytest.fixture
def applied(run: Run, db_url: str, infra_ops: str) -> str:
    result = run("apply", infra_ops, "--db", db_url)
    assert result.code == 0, result.err
    assert "5 KPIs" in result.out
    return db_url


def test_list_record_and_score(run: Run, applied: str) -> None:
    listed = run("kpi", "list", "--db", applied)
    assert listed.code == 0, listed.err
    assert "IOT:IOT#availability" in listed.out
    assert "IOT:IOT#cost-efficiency" in listed.out
    first = run(
        "kpi", "record", "IOT#availability", "0.9995", "--good", "9995", "--total", "10000",
        "--at", "2026-11-22T10:00:00Z", "--db", applied,
    )  # fmt: skip
    assert first.code == 0, first.err
    assert first.out.strip() == "IOT:IOT#availability: 1 added"
    again = run(
        "kpi", "record", "IOT#availability", "0.9995", "--good", "9995", "--total", "10000",
        "--at", "2026-11-22T10:00:00Z", "--db", applied,
    )  # fmt: skip
    assert again.out.strip() == "IOT:IOT#availability: 0 added, 1 already stored"
    card = run("scorecard", "IOT", "--db", applied, "--at", "2026-11-23T00:00:00Z")
    assert card.code == 0, card.err
    assert "availability" in card.out
    assert "99.95%" in card.out
    assert "met" in card.out
    data = json.loads(
        run("scorecard", "IOT", "--db", applied, "--at", "2026-11-23T00:00:00Z", "-f", "json").out
    )
    (org,) = data
    kpis = {k["id"]: k for g in org["groups"] for k in g["kpis"]}
    assert kpis["availability"]["status"] == "met"
    assert kpis["availability"]["budget_remaining"] == pytest.approx(0.5)
    assert kpis["mean-time-to-recovery"]["status"] == "no_data"
    assert org["rollup"]["counts"]["met"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("IOT#nope", "1"), "group IOT of org IOT has no KPI 'nope'"),
        (("IOT#availability", "1", "--at", "2026-11-22T10:00:00"), "has no UTC offset"),
        (("IOT#availability", "1", "--at", "last week"), "is not a time"),
        (("IOT#availability", "1", "--at", "1" + "0" * 20), "too large for unix seconds"),
        (("IOT#availability", "1", "--at", "-5"), "is not a moment after 1970"),
        (("IOT#availability", "nan"), "is not a finite number"),
    ],
)
def test_bad_records_are_one_line_errors(
    run: Run, applied: str, args: tuple[str, ...], message: str
) -> None:
    result = run("kpi", "record", *args, "--db", applied)
    assert result.code != 0
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_import_a_file_twice(run: Run, applied: str, tmp_path: Path) -> None:
    jsonl = tmp_path / "m.jsonl"
    jsonl.write_text(
        '{"kpi": "IOT#mean-time-to-recovery", "at": "2026-11-20T10:00:00Z", "value": 900}\n'
        '{"kpi": "IOT#mean-time-to-recovery", "at": "2026-11-21T10:00:00Z", "value": 1200}\n'
    )
    first = run("kpi", "import", str(jsonl), "--db", applied, "--json")
    assert json.loads(first.out)["added"] == 2
    second = run("kpi", "import", str(jsonl), "--db", applied, "--json")
    assert json.loads(second.out) == {
        "added": 0,
        "skipped": 2,
        "kpis": {"IOT:IOT#mean-time-to-recovery": {"added": 0, "skipped": 2}},
    }


def test_pull_without_sources_says_so(run: Run, applied: str) -> None:
    result = run("kpi", "pull", "--db", applied)
    assert result.code == 0
    assert "no KPI declares a prometheus or file source" in result.err
