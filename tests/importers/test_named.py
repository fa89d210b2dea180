"""Documents that name their groups without codes: rotations, escalation, policies, the
report of what was recognized, and bad input (findings with their lines, the rest
still imported)."""

from __future__ import annotations

from pathlib import Path

from orgplane.importers.markdown.document import parse_markdown
from orgplane.importers.service import ImportResult, import_documents, import_paths
from tests.importers.scoring import COMPANIES


def _import(text: str) -> ImportResult:
    return import_documents([parse_markdown(text, "doc.md")])


def _names(result: ImportResult) -> dict[str, str]:
    return {group.name: path for path, group in result.org.walk()}


def test_rotations_get_the_escalation_ladder_and_policies_come_from_rules() -> None:
    result = import_paths([COMPANIES / "kestrel-aero.md"])
    org = result.org
    assert [r.name for r in org.oncall] == ["Ops day", "Platform"]
    assert org.oncall[0].handoff == "09:00"
    assert org.oncall[0].period == "weekly"
    ladder = [(s.to, s.after_minutes, s.until_minutes) for s in org.oncall[1].escalation]
    assert ladder == [("Squad on-call", 0, 10), ("Eng lead", 10, 30), ("Tribe director", 30, None)]
    assert [a.group for a in org.policies.authorities] == ["platform/release-engineering"]


def test_a_lead_rule_and_an_authority_written_as_sentences() -> None:
    org = import_paths([COMPANIES / "quill-media.md"]).org
    assert org.policies.lead_threshold is not None
    assert (org.policies.lead_threshold.size, org.policies.lead_threshold.kinds) == (6, ["squad"])
    assert [(a.group, a.subjects[0].name) for a in org.policies.authorities] == [
        ("infrastructure/identity", "rotate signing keys")
    ]


def test_the_report_names_the_structures_and_why_sections_are_not_groups() -> None:
    path = COMPANIES / "northwind-logistics.md"
    report = import_paths([path]).report
    assert report.structures[str(path)] == ["headings", "on-call table", "escalation table"]
    reasons = {p.location.line: p.message for p in report.not_groups}
    assert reasons[10] == "'2 Glossary' is not a group: it is a glossary"
    assert "on-call" in reasons[90]
    assert report.as_json()["structures"] == report.structures


def test_escalation_without_a_rotation_is_kept_as_a_note() -> None:
    result = import_paths([COMPANIES / "fernway-health.md"])
    assert result.org.oncall == []
    assert any(n.startswith("Escalation: Team on-call after 0 min") for n in result.org.notes)


def test_a_name_that_fits_two_groups_is_a_finding_not_a_guess() -> None:
    result = _import(
        "# Org\n\n## Customer Identity\n\nLead: A. One\n\n## Staff Identity\n\nLead: B. Two\n\n"
        "## Portal\n\nLead: C. Three\n\nNeeds: Identity\n"
    )
    portal = dict(result.org.walk())[_names(result)["Portal"]]
    assert [d.target for d in portal.dependencies] == ["Identity"]
    assert any(
        p.location.line == 15 and "may name any of" in p.message for p in result.report.problems
    )


def test_a_mostly_prose_document_is_reported_and_kept() -> None:
    text = (
        "# Our engineering culture\n\n"
        "We believe small teams move faster. Everyone is on call once a quarter, and we\n"
        "write things down.\n\n"
        "## Why we work this way\n\nBecause it has worked for us for ten years.\n"
    )
    result = _import(text)
    assert result.org.groups == []
    assert [p.location.line for p in result.report.problems] == [1]
    assert result.report.uncovered() == {}


def test_a_document_mixing_two_orgs_structures_reports_the_disagreement() -> None:
    text = (
        "# Acme\n\n```\nAcme\n├── Platform\n│   └── Storage\n└── Product\n    └── Search\n```\n\n"
        "## Product\n\nLead: P. Lead\n\n### Storage\n\nLead: S. Lead\n"
    )
    result = _import(text)
    names = _names(result)
    assert names["Storage"] == "platform/storage"
    assert any(
        p.location.line == 15 and "'Storage' is under 'Platform'" in p.message
        for p in result.report.problems
    )


def test_inconsistent_heading_levels_are_findings_and_still_read() -> None:
    text = (
        "# Org\n\n## Payments\n\nLead: A. One\n\n#### Ledger\n\nLead: B. Two\n\n"
        "### Cards\n\nLead: C. Three\n\n# Search\n\nLead: D. Four\n"
    )
    result = _import(text)
    names = _names(result)
    assert names["Ledger"] == "payments/ledger"
    assert names["Cards"] == "payments/cards"
    messages = [(p.location.line, p.message) for p in result.report.problems]
    assert any(line == 7 and "jumps from 2 to 4" in text for line, text in messages)
    assert any("levels [3, 4]" in text for _, text in messages)


def test_a_table_whose_group_column_is_mostly_empty() -> None:
    text = (
        "# Org\n\n| Team | Owner | KPIs |\n|---|---|---|\n| Search | A. One | p99 < 200 ms |\n"
        "| | B. Two | uptime ≥ 99% |\n| | C. Three | |\n| Billing | D. Four | |\n"
        "| | E. Five | |\n"
    )
    result = _import(text)
    assert set(_names(result)) == {"Search", "Billing"}
    assert any(
        p.location.line == 3 and "empty in 3 of 5 rows" in p.message for p in result.report.problems
    )
    assert [p.location.line for p in result.report.problems if "no group" in p.message] == [6, 7, 9]
    assert result.report.uncovered() == {}


def test_fixture_documents_are_where_the_scorer_looks() -> None:
    assert all(Path(p).with_suffix(".key.yaml").exists() for p in COMPANIES.glob("*.md"))


def test_a_paragraph_of_labels_and_sentences_gives_both() -> None:
    result = _import(
        "# Org\n\n## Risk\n\n**Engineering Manager:** Omar Ali\nRisk scores payments. "
        "It depends on Ledger for balances.\n\n## Ledger\n\n**Tech Lead:** Ana Pop\nSLOs:\n\n"
        "- ledger write p99 < 50 ms\n"
    )
    groups = dict(result.org.walk())
    risk, ledger = groups["risk"], groups["ledger"]
    assert risk.leads == ["omar-ali"]
    assert [(d.target, d.provides) for d in risk.dependencies] == [("ledger", "balances")]
    assert ledger.leads == ["ana-pop"]
    assert [k.text for k in ledger.kpis] == ["ledger write p99 < 50 ms"]
