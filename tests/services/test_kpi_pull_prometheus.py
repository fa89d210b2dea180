"""End to end with a real Prometheus: a KPI that measures a Prometheus query, pulled by
``orgplane kpi pull``, flips status on the scorecard when the value crosses its target."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_run import Run
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


def _status(run: Run, db_url: str) -> tuple[str, float | None]:
    result = run("scorecard", "Q", "--db", db_url, "--format", "json")
    assert result.code == 0, result.err
    (kpi,) = json.loads(result.out)[0]["groups"][0]["kpis"]
    return kpi["status"], kpi["value"]


def test_pull_stores_samples_and_the_status_flips(
    prometheus: PrometheusServer,
    exporter: Exporter,
    db_url: str,
    tmp_path: Path,
    run: Run,
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(SPEC.format(url=prometheus.url))
    applied = run("apply", str(spec), "--db", db_url)
    assert applied.code == 0, applied.err

    exporter.set("e2e_queue_depth", 40)
    wait_for_value(prometheus.url, "e2e_queue_depth", lambda v: v == 40)
    pulled = run("kpi", "pull", "--db", db_url, "--json")
    assert pulled.code == 0, pulled.err
    (outcome,) = json.loads(pulled.out)
    assert outcome["ref"] == "Q#queue-depth"
    assert outcome["error"] is None
    assert outcome["added"] >= 1
    assert _status(run, db_url) == ("met", 40.0)

    exporter.set("e2e_queue_depth", 150)
    wait_for_value(prometheus.url, "e2e_queue_depth", lambda v: v == 150)
    pulled = run("kpi", "pull", "--db", db_url, "--json")
    assert pulled.code == 0, pulled.err
    assert json.loads(pulled.out)[0]["added"] >= 1
    assert _status(run, db_url) == ("breached", 150.0)

    # Pulling again right away adds at most the newest points: nothing is stored twice.
    run("kpi", "pull", "--db", db_url, "--json")
    listed = run("kpi", "list", "--db", db_url, "--json")
    assert json.loads(listed.out)[0]["source"]["type"] == "prometheus"


def test_an_unreachable_prometheus_is_a_failed_pull_not_a_crash(
    db_url: str, tmp_path: Path, run: Run
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(SPEC.format(url="http://127.0.0.1:9"))
    assert run("apply", str(spec), "--db", db_url).code == 0
    pulled = run("kpi", "pull", "--db", db_url, "--json")
    assert pulled.code == 1
    (outcome,) = json.loads(pulled.out)
    assert "127.0.0.1:9" in outcome["error"]
    assert outcome["added"] == 0
