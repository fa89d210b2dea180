"""End to end with a real Prometheus: a KPI that measures a Prometheus query, pulled by
``orgplane kpi pull``, flips status on the scorecard when the value crosses its target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orgplane.cli import main
from tests.prometheus import Exporter, PrometheusServer, wait_for_value

SPEC = """\
version: 1
org: {{code: E2E, name: End to end}}
groups:
- code: Q
  kind: squad
  name: Queues
  kpis:
  - text: Queue depth ≤ 100
    measure:
      type: prometheus
      url: {url}
      query: e2e_queue_depth
      step: 1s
      range: 30s
"""


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(list(args))
    captured = capsys.readouterr()
    code = info.value.code
    return (code if isinstance(code, int) else 1), captured.out, captured.err


def _status(capsys: pytest.CaptureFixture[str], db_url: str) -> tuple[str, float | None]:
    code, out, err = _cli(capsys, "scorecard", "Q", "--db", db_url, "--format", "json")
    assert code == 0, err
    (kpi,) = json.loads(out)[0]["groups"][0]["kpis"]
    return kpi["status"], kpi["value"]


def test_pull_stores_samples_and_the_status_flips(
    prometheus: PrometheusServer,
    exporter: Exporter,
    db_url: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(SPEC.format(url=prometheus.url))
    code, _, err = _cli(capsys, "apply", str(spec), "--db", db_url)
    assert code == 0, err

    exporter.set("e2e_queue_depth", 40)
    wait_for_value(prometheus.url, "e2e_queue_depth", lambda v: v == 40)
    code, out, err = _cli(capsys, "kpi", "pull", "--db", db_url, "--json")
    assert code == 0, err
    (outcome,) = json.loads(out)
    assert outcome["ref"] == "Q#queue-depth"
    assert outcome["error"] is None
    assert outcome["added"] >= 1
    assert _status(capsys, db_url) == ("met", 40.0)

    exporter.set("e2e_queue_depth", 150)
    wait_for_value(prometheus.url, "e2e_queue_depth", lambda v: v == 150)
    code, out, err = _cli(capsys, "kpi", "pull", "--db", db_url, "--json")
    assert code == 0, err
    assert json.loads(out)[0]["added"] >= 1
    assert _status(capsys, db_url) == ("breached", 150.0)

    # Pulling again right away adds at most the newest points: nothing is stored twice.
    _cli(capsys, "kpi", "pull", "--db", db_url, "--json")
    code, out, _ = _cli(capsys, "kpi", "list", "--db", db_url, "--json")
    assert json.loads(out)[0]["source"]["type"] == "prometheus"


def test_an_unreachable_prometheus_is_a_failed_pull_not_a_crash(
    db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(SPEC.format(url="http://127.0.0.1:9"))
    assert _cli(capsys, "apply", str(spec), "--db", db_url)[0] == 0
    code, out, _ = _cli(capsys, "kpi", "pull", "--db", db_url, "--json")
    assert code == 1
    (outcome,) = json.loads(out)
    assert "127.0.0.1:9" in outcome["error"]
    assert outcome["added"] == 0
