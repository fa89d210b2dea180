"""``orgplane kpi parse``: KPI texts as typed objectives, as a table and as JSON.

The tests mount ``kpi_app`` in an app of their own, as ``create_app`` does, so they run
the command exactly as ``orgplane kpi parse`` runs it.
"""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from orgplane.cli.kpis import kpi_app


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    app.add_typer(kpi_app, name="kpi")
    return app


def test_json_gives_one_typed_object_per_text(runner: CliRunner) -> None:
    texts = ["P95 latency < 5ms", "Availability 99.9%", "MTTR < 30 min (Sev-1)", "Request volume"]
    result = runner.invoke(_app(), ["kpi", "parse", "--format", "json", *texts])
    assert result.exit_code == 0, result.output
    latency, availability, mttr, volume = json.loads(result.stdout)
    assert latency["text"] == "P95 latency < 5ms"
    assert (latency["metric"], latency["comparator"], latency["value"]) == (
        "P95 latency",
        "<",
        0.005,
    )
    assert (latency["unit"], latency["percentile"], latency["typed"]) == ("seconds", 95.0, True)
    assert (availability["comparator"], availability["value"], availability["unit"]) == (
        ">=",
        0.999,
        "ratio",
    )
    assert (mttr["value"], mttr["scope"], mttr["share"], mttr["period"]) == (
        1800.0,
        "Sev-1",
        None,
        None,
    )
    assert volume["typed"] is False
    assert volume["metric"] == "Request volume"
    assert volume["comparator"] is None
    assert "no number" in volume["reason"]
    for row in (latency, availability, mttr, volume):
        assert {"text", "metric", "comparator", "value", "unit", "percentile", "share"} <= set(row)
        assert {"scope", "period", "typed", "kind", "direction"} <= set(row)


def test_json_values_are_normalized(runner: CliRunner) -> None:
    texts = ["Durability 11×9", "TTR L1 ≤ 2h (90%)", "SLO Miss < 2% / quarter", "≥ 20 Deploys/day"]
    result = runner.invoke(_app(), ["kpi", "parse", "-f", "json", *texts])
    durability, ttr, slo, deploys = json.loads(result.stdout)
    assert (durability["value"], durability["nines"]) == (0.99999999999, 11)
    assert (ttr["value"], ttr["share"], ttr["kind"]) == (7200.0, 0.9, "share")
    assert (slo["value"], slo["period"]) == (0.02, "quarter")
    assert (deploys["metric"], deploys["per"], deploys["unit"]) == ("Deploys", "day", "count")
    assert deploys["canonical"] == "Deploys ≥ 20/day"


def test_text_output_is_a_table_of_the_objectives(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    result = runner.invoke(
        _app(),
        ["kpi", "parse", "Lead time ≤ 90 days", "Roadmap published quarterly", "Request volume"],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "KPIs as typed objectives"
    lead = next(line for line in lines if "Lead time ≤ 90 days" in line)
    assert "7776000 seconds" in lead
    assert "threshold" in lead
    assert "lower" in lead
    roadmap = next(line for line in lines if line.startswith("│ Roadmap"))
    assert "cadence" in roadmap
    assert "period quarter" in roadmap
    volume = next(line for line in lines if line.startswith("│ Request volume"))
    assert "qualitative" in volume
    assert "no number to measure against" in volume


def test_strict_fails_when_a_text_is_qualitative(runner: CliRunner) -> None:
    typed = runner.invoke(_app(), ["kpi", "parse", "--strict", "-f", "json", "ISR ≤ 1"])
    assert typed.exit_code == 0
    mixed = runner.invoke(
        _app(), ["kpi", "parse", "--strict", "-f", "json", "ISR ≤ 1", "Request volume"]
    )
    assert mixed.exit_code == 1
    assert len(json.loads(mixed.stdout)) == 2  # the objectives are printed all the same


def test_parse_needs_a_text_and_a_known_format(runner: CliRunner) -> None:
    assert runner.invoke(_app(), ["kpi", "parse"]).exit_code == 2
    assert runner.invoke(_app(), ["kpi", "parse", "-f", "xml", "ISR ≤ 1"]).exit_code == 2


def test_kpi_lists_its_commands(runner: CliRunner) -> None:
    result = runner.invoke(_app(), ["kpi", "--help"])
    assert result.exit_code == 0
    assert "parse" in result.stdout
