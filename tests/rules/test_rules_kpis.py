"""OP115 kpi-untyped: a KPI whose text states no measurable objective is reported at the
KPI, with the grammar's reason; every typed form is silent."""

from __future__ import annotations

from pathlib import Path

from orgplane.rules import Severity
from tests.rules.helpers import check, findings_of, line, lines

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

KPIS = """
groups:
  - code: 1F
    name: SRE Core
    groups:
      - code: F-2
        name: Incident Command
        kpis:
          - MTTR < 30 min (Sev-1)
          - Request volume  # volume
          - {text: "Bottleneck detection", weight: 2}  # bottleneck
          - Roadmap published quarterly
      - code: F-3
        name: Chaos Engineering
        kpis: ["Resilience Score ≥ 0.90", "Errors ≠ 0"]  # not-equal
"""


def test_each_kpi_without_a_measurable_objective_is_reported_at_the_kpi(
    tmp_path: Path,
) -> None:
    findings = check(tmp_path, KPIS, "OP115")
    assert lines(findings) == [
        line(KPIS, "volume"),
        line(KPIS, "bottleneck"),
        line(KPIS, "not-equal"),
    ]
    volume, bottleneck, not_equal = findings
    assert volume.severity is Severity.WARNING
    assert volume.message.startswith('KPI "Request volume" of F-2 is qualitative: no number')
    assert volume.subject == "1F/F-2"
    assert volume.location is not None
    assert volume.location.col == 13  # the list item, not the group
    assert bottleneck.message.startswith('KPI "Bottleneck detection" of F-2 is qualitative')
    assert "'≠' names no target" in not_equal.message
    assert volume.hint is not None
    assert "docs/kpis.md" in volume.hint


def test_typed_kpis_of_every_form_are_silent(tmp_path: Path) -> None:
    body = """
    groups:
      - code: D-1
        name: Data Platform
        kpis:
          - NameNode Uptime ≥ 99.9%
          - ISR ≤ 1
          - Durability 11×9
          - "≥ 20 Deploys/day"
          - Cost Efficiency -10% YoY
          - TTR L1 ≤ 2h (90%)
          - CSAT ≥ 4.7/5
          - Roadmap published quarterly
    """
    assert check(tmp_path, body, "OP115") == []


def test_the_example_orgs_have_no_qualitative_kpis() -> None:
    for folder in ("cipo", "infra-ops", "data-infra", "plugilo-infra"):
        assert findings_of(EXAMPLES / folder, "OP115") == [], folder
