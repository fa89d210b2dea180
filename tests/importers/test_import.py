"""Importing Markdown org documents: the seeds, other orgs' documents, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from orgplane.exporters.markdown import export_markdown
from orgplane.importers.markdown.document import parse_markdown
from orgplane.importers.markdown.owners import assign_owner_roles
from orgplane.importers.service import ImportResult, import_documents, import_paths
from orgplane.model import Org, OrgIndex
from orgplane.oncall.directory import Directory
from orgplane.rules import default_registry
from orgplane.spec.dumper import dump_spec, spec_files

ROOT = Path(__file__).resolve().parents[2]
SEEDS = sorted((ROOT / "examples" / "seeds").glob("*.txt"))
FIXTURES = Path(__file__).resolve().parent / "fixtures"
OTHER_ORGS = sorted(FIXTURES.glob("*.md"))


def _seed(number: str) -> Path:
    return next(p for p in SEEDS if p.name.startswith(number))


def _structure(org: Org) -> dict[str, object]:
    """What the documents' shape carries: groups, KPIs and dependencies per path."""
    return {
        path: (
            group.kind,
            [kpi.text for kpi in group.kpis],
            sorted((d.target, d.provides, d.direction.value) for d in group.dependencies),
        )
        for path, group in org.walk()
    }


@pytest.fixture(scope="module")
def cipo() -> ImportResult:
    return import_paths([_seed("001")])


def test_cipo_structure(cipo: ImportResult) -> None:
    kinds = [group.kind for _, group in cipo.org.walk()]
    assert (kinds.count("department"), kinds.count("squad"), kinds.count("unit")) == (7, 27, 70)
    assert cipo.org.code == "CIPO"
    groups = dict(cipo.org.walk())
    d1 = groups["1D/D-1"]
    assert [k.text for k in d1.kpis] == ["NameNode Uptime ≥ 99.9%", "Job Fail < 1%", "ISR ≤ 1"]
    assert [str(s) for s in d1.stack] == ["Hadoop 3.x", "Spark 3.5", "Trino 442", "Kafka 3.7"]
    assert {(d.target, d.provides) for d in d1.dependencies} == {
        ("1B", "PVC/GPU"),
        ("1E", "ACL/SSL"),
        ("1F", "SLO"),
    }
    f3 = groups["1F/F-3"]
    assert ("1F/F-2", "incident drills") in {(d.target, d.provides) for d in f3.dependencies}
    assert groups["1A/A-1"].responsibilities == [
        "RFP/RFQ Processes",
        "SLA Negotiation",
        "TCO Management",
    ]
    assert "1C/C-5/U-RE1" in groups
    assert "1F/F-6/U-RE1" in groups
    assert groups["1G"].groups == []


def test_cipo_policies_come_from_the_governance_notes(cipo: ImportResult) -> None:
    policies = cipo.org.policies
    assert [p.groups for p in policies.forbidden_interfaces] == [["1F", "1D"]]
    (authority,) = policies.authorities
    assert authority.group == "1B"
    assert [s.name for s in authority.subjects] == [
        "Kernel versions",
        "CNI/CSI integrations",
        "GPU NodePool configurations",
    ]
    findings = [f for f in default_registry().check(cipo.org) if f.code == "OP104"]
    assert sorted(f.message.split(" depends")[0] for f in findings) == ["D-1", "D-4"]


def test_importing_twice_gives_the_same_bytes_and_000_adds_nothing_to_001(
    cipo: ImportResult,
) -> None:
    again = import_paths([_seed("001")])
    assert spec_files(again.org) == spec_files(cipo.org)
    both = import_paths([_seed("000"), _seed("001")])
    assert spec_files(both.org) == spec_files(cipo.org)


@pytest.mark.parametrize("path", SEEDS + OTHER_ORGS, ids=lambda p: p.name)
def test_every_content_line_ends_in_a_field_or_a_note(path: Path) -> None:
    result = import_paths([path])
    assert result.report.uncovered() == {}
    assert result.report.claims
    Org.model_validate(result.org.model_dump())  # what is written is a valid org


def test_markdown_export_keeps_the_documents_structure(cipo: ImportResult) -> None:
    exported = export_markdown(cipo.org)
    reimported = import_documents([parse_markdown(exported, "exported.md")])
    assert _structure(reimported.org) == _structure(cipo.org)


def _tree(groups: list[dict[str, object]], prefix: str = "") -> set[str]:
    out: set[str] = set()
    for group in groups:
        path = f"{prefix}/{group['code']}" if prefix else str(group["code"])
        out.add(path)
        children = group.get("groups") or []
        assert isinstance(children, list)
        out |= _tree(children, path)
    return out


@pytest.mark.parametrize("name", ["telecom-noc", "fintech-platform", "gaming-infra"])
def test_other_orgs_documents_give_their_group_tree(name: str) -> None:
    expected = yaml.safe_load((FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    result = import_paths([FIXTURES / f"{name}.md"])
    assert {path for path, _ in result.org.walk()} == _tree(expected["groups"])
    groups = dict(result.org.walk())
    for path, kpis in (expected.get("kpis") or {}).items():
        assert set(kpis) <= {k.text for k in groups[path].kpis}, path


def test_a_document_without_org_structure_is_reported_and_kept() -> None:
    result = import_documents([parse_markdown("# Notes\n\nJust some text.\n\n- a\n- b\n", "n.md")])
    assert any("no org structure" in p.message for p in result.report.problems)
    assert result.org.description == "Just some text."
    assert result.org.notes == ["a", "b"]
    assert result.report.uncovered() == {}


def test_ragged_table_rows_are_reported_with_their_line() -> None:
    text = "# Org\n\n| Squad | KPIs |\n|---|---|\n| **A-1 One** | X < 1 | extra |\n"
    result = import_documents([parse_markdown(text, "r.md")])
    assert [(p.location.line, "cells" in p.message) for p in result.report.problems] == [(5, True)]


def test_a_tree_with_broken_indentation_is_reported_and_still_imported() -> None:
    text = (
        "# Org\n\n```\nOrg (ORG)\n├── 1A Alpha\n└── 1B Beta\n```\n\n"
        "## 1A Alpha\n\n```\n1A Alpha\n├── A-1 One\n│   └── U-1 Unit one\n"
        "│  └── U-2 Unit two\n└── A-2 Two\n```\n"
    )
    result = import_documents([parse_markdown(text, "t.md")])
    assert [(p.location.line, "indented" in p.message) for p in result.report.problems] == [
        (15, True)
    ]
    (alpha, _) = result.org.groups
    assert [g.code for g in alpha.groups] == ["A-1", "A-2"]
    assert result.report.uncovered() == {}


def test_team_document_roles_kpis_and_processes() -> None:
    result = import_paths([_seed("004")])
    org = result.org
    assert {role.name: role.internal_id for role in org.roles}[
        "Site Reliability Engineer"
    ] == "INF-005"
    assert [k.text for k in org.groups[0].kpis] == [
        "Availability 99.9%",
        "Mean Time to Recovery < 30 min",
        "Change Success Rate > 95%",
        "Infrastructure as Code 100%",
        "Cost Efficiency -10% YoY",
    ]
    (rotation,) = org.oncall
    assert (rotation.primary, rotation.secondary, rotation.handoff, rotation.timezone) == (
        "Site Reliability Engineer",
        "Systems Administrator",
        "09:00",
        "UTC",
    )
    assert [(s.to, s.after_minutes, s.until_minutes) for s in rotation.escalation] == [
        ("Site Reliability Engineer", 0, 15),
        ("Systems Administrator", 15, 30),
        ("Component Specialist", 30, 60),
        ("Infrastructure Architect", 60, None),
    ]
    assert len(org.templates) == 3
    assert any("SEVERITY: [P1/P2/P3/P4]" in t.body for t in org.templates)
    assert [len(g.checks) for g in org.gates] == [6, 6]
    assert not [f for f in default_registry().check(org) if f.code == "OP114"]
    text = "".join(spec_files(org).values())
    assert text.count("INF-0") == 6  # only in the roles' internal_id fields


def test_what_a_team_provides_is_owned_by_the_role_whose_duties_name_it() -> None:
    org = import_paths([_seed("004")]).org
    assert {entry.id: entry.owner_role for entry in org.catalog} == {
        "infrastructure-architecture": "Infrastructure Architect",
        "deployment-environments": None,  # no role's duties name it: no guess
        "database-management": "Database Administrator",
        "network-configuration": "Network Engineer",
        "monitoring-and-reliability": "Site Reliability Engineer",
    }
    # The ladder's "Component Specialist" step pages the affected component's owner role.
    directory = Directory(org)
    target = directory.page_target("on-call-rotation", component="database-management")
    rung = target.ladder.rungs[2]
    assert (rung.after_minutes, rung.targets) == (30, ("Component Specialist",))
    reached = directory.reach(
        "Component Specialist",
        at=datetime(2026, 3, 2, tzinfo=UTC),
        rotation_id=target.rotation_id,
        component=target.component,
    )
    assert reached.how == "Database management's owner: Database Administrator (every holder)"


def test_one_role_or_prose_duties_own_nothing() -> None:
    catalog = [{"name": "Spark"}, {"name": "Database management"}]
    assign_owner_roles(
        catalog,
        [
            {
                "name": "Lead",
                "responsibilities": [
                    "Performance management: conduct regular 1:1s, review Spark and "
                    "database management work, and keep the team's priorities clear."
                ],
            },
            {"name": "Engineer", "responsibilities": ["Run the on-call rotation for every team"]},
        ],
    )
    assert catalog == [{"name": "Spark"}, {"name": "Database management"}]
    assign_owner_roles(catalog, [{"name": "DBA", "responsibilities": ["Database management"]}])
    assert "owner_role" not in catalog[1]


def test_team_document_with_named_subteams() -> None:
    result = import_paths([_seed("002")])
    org = result.org
    assert org.name == "Data Infrastructure Team"
    assert [g.name for g in org.groups] == [
        "Data Platform Team",
        "Data Engineering Team",
        "MLOps Team",
        "BI Services Team",
    ]
    assert "Helm-based deployments and upgrades" in org.groups[0].responsibilities
    owned = {
        e.name for e in org.catalog if e.owner == org.groups[0].code and e.kind.value == "system"
    }
    assert {"HDFS", "YARN", "Airflow", "Spark", "ZooKeeper"} <= owned
    offerings = [e for e in org.catalog if e.kind.value == "offering"]
    assert len(offerings) == 29
    assert offerings[0].tools == ["Helm", "Kubernetes CSI"]
    files = spec_files(org)
    assert list(files)[:2] == ["org.yaml", "1-data-platform-team.yaml"]  # document order kept


def test_prose_policies_and_planned_headcounts() -> None:
    org = import_paths([_seed("003")]).org
    roles = {role.name: role.headcount for role in org.roles}
    assert str(roles["Senior Infrastructure Engineer"]) == "2-3"
    assert str(roles["Infrastructure Engineer"]) == "3-4"
    assert roles["Infrastructure Lead"] is None
    policies = org.policies
    assert [(c.name, c.risk) for c in policies.change_classes] == [
        ("Standard", "low"),
        ("Normal", "medium"),
        ("Emergency", "high"),
    ]
    assert policies.change_classes[2].approvers == ["Infrastructure Lead"]
    assert [(r.name, r.every, r.after) for r in policies.review_cadences] == [
        ("Architecture", "quarterly", []),
        ("Security", "monthly", []),
        ("Cost", "monthly", []),
        ("Post-Incident", None, ["P0", "P1"]),
    ]
    assert policies.career_ladder == ["Engineer", "Senior", "Lead"]


def test_planning_rules_written_as_sentences() -> None:
    policies = import_paths([_seed("002")]).org.policies
    assert policies.lead_threshold is not None
    assert (policies.lead_threshold.size, policies.lead_threshold.kinds) == (3, ["subteam"])
    assert policies.oncall_depth is not None
    assert (policies.oncall_depth.min, policies.oncall_depth.kinds) == (2, ["subteam"])
    assert policies.rotation_period is not None
    assert (policies.rotation_period.min_months, policies.rotation_period.max_months) == (6, 9)
    assert policies.hiring is not None
    assert (
        policies.hiring.every_weeks,
        policies.hiring.hires,
        policies.hiring.target_headcount,
    ) == (6, 1, 8)
    assert policies.planning_cycle is not None
    assert (policies.planning_cycle.build_weeks, policies.planning_cycle.cooldown_weeks) == (6, 2)


@pytest.mark.parametrize("name", ["telecom-noc", "fintech-platform", "gaming-infra"])
def test_other_orgs_dependencies_resolve_to_the_expected_groups(name: str) -> None:
    expected = yaml.safe_load((FIXTURES / f"{name}.expected.yaml").read_text(encoding="utf-8"))
    org = import_paths([FIXTURES / f"{name}.md"]).org
    index = OrgIndex(org)
    groups = dict(org.walk())

    def resolved(target: str) -> str:
        return index.resolve(target).path or target

    for path, deps in (expected.get("dependencies") or {}).items():
        got = {
            (resolved(d.target), d.provides, d.direction.value) for d in groups[path].dependencies
        }
        for dep in deps:
            if dep.get("dangling") or dep.get("ambiguous"):
                continue
            want = (resolved(dep["target"]), dep.get("provides", ""), dep.get("direction", "from"))
            assert want in got, (path, want)


def test_roadmap_phases_and_responsibility_boundaries() -> None:
    roadmap = import_paths([_seed("002")]).org.roadmap
    assert [(phase.weeks, len(phase.deliverables)) for phase in roadmap] == [
        ("1–6", 6),
        ("7–12", 5),
    ]
    assert roadmap[0].deliverables[0] == "Subteam Structure Finalized"
    team = import_paths([_seed("003")]).org.groups[0]
    assert [b.split(":")[0] for b in team.boundaries] == [
        "Infrastructure Team",
        "Application Teams",
        "Shared Responsibilities",
        "Self-Service Model",
    ]


@pytest.mark.parametrize(
    "path",
    [*(p for p in SEEDS if p.name[:3] in ("002", "003", "004")), *sorted(FIXTURES.glob("*.md"))],
    ids=lambda p: p.name,
)
def test_a_document_read_twice_adds_nothing(path: Path) -> None:
    """Merging a document with itself gives the org it gives alone: no duplicate
    catalog entries, roadmap phases, workflows, people or stakeholders."""
    once = dump_spec(import_paths([path]).org)
    twice = dump_spec(import_paths([path, path]).org)
    assert twice == once
