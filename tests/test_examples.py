"""The bundled example orgs: each is what ``orgplane import`` makes of its seed
documents, each loads, and each says what its seed document says.

The examples are generated from the Markdown documents in ``examples/seeds`` by
``scripts/import-examples``; these tests keep them in sync with the importer, pin their
shape (counts per example) and the facts other parts of orgplane rely on (D-1
interfacing with 1F, two ``U-RE1`` units, the internal role ids of seed 004), and check
that the seeds themselves are untouched.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pytest

from orgplane.cli import main
from orgplane.model import Direction, Org, OrgIndex
from orgplane.spec import load_spec

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEEDS = EXAMPLES / "seeds"


@dataclass(frozen=True)
class Expected:
    """What one example holds: counts of groups by kind, people, roles, catalog, KPIs."""

    kinds: dict[str, int]
    people: int
    roles: int
    catalog: int
    kpis: int


EXPECTED = {
    "cipo": Expected({"department": 7, "squad": 27, "unit": 70}, 0, 0, 0, 45),
    "data-infra": Expected({"subteam": 4}, 9, 1, 62, 0),
    "plugilo-infra": Expected({"team": 1}, 0, 4, 0, 0),
    "infra-ops": Expected({"team": 1}, 0, 6, 5, 5),
}

#: Which seed documents each example is imported from (as scripts/import-examples does).
SOURCES = {
    "cipo": ["000", "001"],
    "data-infra": ["002"],
    "plugilo-infra": ["003"],
    "infra-ops": ["004"],
}


def _load(name: str) -> Org:
    return load_spec(EXAMPLES / name)


def _seed_path(number: str) -> Path:
    (path,) = SEEDS.glob(f"{number}_*.txt")
    return path


def _seed(number: str) -> str:
    return _seed_path(number).read_text(encoding="utf-8")


def _yaml_files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_example_is_what_the_importer_makes_of_its_seeds(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example is byte for byte what 'orgplane import' writes for its seeds (run
    from the project folder with relative paths, as scripts/import-examples does)."""
    seeds = [str(_seed_path(number).relative_to(EXAMPLES.parent)) for number in SOURCES[name]]
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(EXAMPLES.parent)
        with pytest.raises(SystemExit) as info:
            main(["import", *seeds, "--out", str(tmp_path / name)])
    capsys.readouterr()
    assert info.value.code == 0
    expected = _yaml_files(tmp_path / name)
    actual = _yaml_files(EXAMPLES / name)
    assert sorted(actual) == sorted(expected), "examples are stale: run scripts/import-examples"
    for relative, content in expected.items():
        assert actual[relative] == content, (
            f"{name}/{relative} is stale: run scripts/import-examples"
        )


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_loads_with_the_expected_counts(name: str) -> None:
    org = _load(name)
    expected = EXPECTED[name]
    groups = org.walk()
    assert dict(Counter(group.kind for _, group in groups)) == expected.kinds
    assert len(org.people) == expected.people
    assert len(org.roles) == expected.roles
    assert len(org.catalog) == expected.catalog
    assert sum(len(group.kpis) for _, group in groups) == expected.kpis


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_references_resolve(name: str) -> None:
    """Every dependency target, catalog owner and role group names exactly one group."""
    org = _load(name)
    index = OrgIndex(org)
    refs = [dep.target for _, group in org.walk() for dep in group.dependencies]
    refs += [entry.owner for entry in org.catalog if entry.owner]
    refs += [role.group for role in org.roles if role.group]
    refs += [rotation.group for rotation in org.oncall if rotation.group]
    for ref in refs:
        assert index.resolve(ref).path is not None, ref


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_ids_are_unique_and_links_exist(name: str) -> None:
    org = _load(name)
    catalog_ids = [entry.id for entry in org.catalog]
    assert len(catalog_ids) == len(set(catalog_ids))
    for entry in org.catalog:
        assert set(entry.depends_on) <= set(catalog_ids), entry.id
    people = {person.id for person in org.people}
    roles = {role.id for role in org.roles}
    assert set(org.leads) <= people
    for person in org.people:
        assert set(person.roles) <= roles, person.id
    for _, group in org.walk():
        assert set(group.leads) | set(group.members) | set(group.oncall or []) <= people
    for role in org.roles:
        assert role.reports_to is None or role.reports_to in roles


# -- cipo (seed 001) ---------------------------------------------------------------------


def test_cipo_departments_and_their_squads() -> None:
    org = _load("cipo")
    squads = {
        department.code: [squad.code for squad in department.groups] for department in org.groups
    }
    assert squads == {
        "1A": ["A-1", "A-2", "A-3"],
        "1B": ["B-1", "B-2", "B-3", "B-4"],
        "1C": ["C-1", "C-2", "C-3", "C-4", "C-5"],
        "1D": ["D-1", "D-2", "D-3", "D-4", "D-5"],
        "1E": ["E-1", "E-2", "E-3", "E-4"],
        "1F": ["F-1", "F-2", "F-3", "F-4", "F-5", "F-6"],
        "1G": [],
    }


def test_cipo_kpis_are_written_as_the_document_writes_them() -> None:
    seed = _seed("001")
    for path, group in _load("cipo").walk():
        for kpi in group.kpis:
            assert kpi.text in seed, (path, kpi.text)


def test_cipo_d1_keeps_its_interface_with_1f() -> None:
    _, d1 = OrgIndex(_load("cipo")).group("1D/D-1")
    targets = {dep.target: dep for dep in d1.dependencies}
    assert set(targets) == {"1B", "1E", "1F"}
    assert targets["1F"].provides == "SLO"
    assert targets["1B"].provides == "PVC/GPU"


def test_cipo_dependency_directions() -> None:
    index = OrgIndex(_load("cipo"))
    _, d4 = index.group("1D/D-4")
    assert {(d.target, d.provides, d.direction) for d in d4.dependencies} == {
        ("1E", "Policy", Direction.WITH),
        ("1F", "Tenant Alert", Direction.WITH),
    }
    _, f2 = index.group("1F/F-2")
    assert [(d.target, d.provides) for d in f2.dependencies] == [
        ("1B", "owner escalations"),
        ("1C", "owner escalations"),
        ("1E", "security incidents"),
    ]
    _, f3 = index.group("1F/F-3")
    assert ("1F/F-2", "incident drills", Direction.FROM) in {
        (d.target, d.provides, d.direction) for d in f3.dependencies
    }


def test_cipo_u_re1_exists_at_two_paths() -> None:
    index = OrgIndex(_load("cipo"))
    assert index.paths_for_code("U-RE1") == ["1C/C-5/U-RE1", "1F/F-6/U-RE1"]
    assert index.resolve("U-RE1").ambiguous
    assert index.group("1C/C-5/U-RE1")[1].name == "SemVer Policy"
    assert index.group("1F/F-6/U-RE1")[1].name == "SLO-Guard Admission Webhook"


def test_cipo_policies() -> None:
    policies = _load("cipo").policies
    assert [p.groups for p in policies.forbidden_interfaces] == [["1F", "1D"]]
    (authority,) = policies.authorities
    assert authority.group == "1B"
    assert [s.name for s in authority.subjects] == [
        "Kernel versions",
        "CNI/CSI integrations",
        "GPU NodePool configurations",
    ]


def test_cipo_versions_stay_text() -> None:
    _, c3 = OrgIndex(_load("cipo")).group("1C/C-3")
    assert ("Istio", "1.23") in {(s.name, s.version) for s in c3.stack}
    _, d1 = OrgIndex(_load("cipo")).group("D-1")
    assert ("Hadoop", "3.x") in {(s.name, s.version) for s in d1.stack}


# -- data-infra (seed 002) ---------------------------------------------------------------


def test_data_infra_subteams_have_two_members_and_no_lead() -> None:
    """The leadership chart: the lead over four subteams of two engineers each."""
    org = _load("data-infra")
    assert org.leads == ["data-infrastructure-lead"]
    lead = next(person for person in org.people if person.id == "data-infrastructure-lead")
    assert lead.roles == ["data-infrastructure-lead"]
    members = {group.code: group.members for group in org.groups}
    assert members == {
        "data-platform-team": ["eng-1", "eng-2"],
        "data-engineering-team": ["eng-3", "eng-4"],
        "mlops-team": ["eng-5", "eng-6"],
        "bi-services-team": ["eng-7", "eng-8"],
    }
    assert all(group.leads == [] for group in org.groups)


def test_data_infra_stakeholder_map_and_domain_stacks() -> None:
    groups = {group.code: group for group in _load("data-infra").groups}
    assert groups["data-platform-team"].stakeholders == ["SRE", "Infrastructure", "DevOps"]
    assert groups["mlops-team"].stakeholders == ["ML/DS teams"]
    assert [s.name for s in groups["bi-services-team"].stack][:3] == [
        "dbt",
        "Superset/Looker",
        "Trino",
    ]


def test_data_infra_policies_and_roadmap() -> None:
    org = _load("data-infra")
    policies = org.policies
    assert policies.lead_threshold is not None
    assert (policies.lead_threshold.size, policies.lead_threshold.kinds) == (3, ["subteam"])
    assert policies.oncall_depth is not None
    assert policies.oncall_depth.min == 2
    assert policies.rotation_period is not None
    assert (policies.rotation_period.min_months, policies.rotation_period.max_months) == (6, 9)
    assert policies.hiring is not None
    assert (policies.hiring.every_weeks, policies.hiring.target_headcount) == (6, 8)
    assert policies.planning_cycle is not None
    assert (policies.planning_cycle.build_weeks, policies.planning_cycle.cooldown_weeks) == (6, 2)
    assert [(c.name, c.every) for c in policies.review_cadences] == [("Internal sync", "3-weeks")]
    assert [(phase.weeks, len(phase.deliverables)) for phase in org.roadmap] == [
        ("1–6", 6),
        ("7–12", 5),
    ]


def test_data_infra_catalog_has_owned_systems_and_offered_subtasks() -> None:
    org = _load("data-infra")
    kinds = Counter((entry.owner, entry.kind == "offering") for entry in org.catalog if entry.owner)
    # Owns: 6, 8, 10, 9 entries; Sample Subtasks: 5, 7, 9, 8 rows.
    assert kinds == {
        ("data-platform-team", False): 6,
        ("data-platform-team", True): 5,
        ("data-engineering-team", False): 8,
        ("data-engineering-team", True): 7,
        ("mlops-team", False): 10,
        ("mlops-team", True): 9,
        ("bi-services-team", False): 9,
        ("bi-services-team", True): 8,
    }
    assert all(entry.tools for entry in org.catalog if entry.kind == "offering")


# -- plugilo-infra (seed 003) ------------------------------------------------------------


def test_plugilo_roles_headcount_and_processes() -> None:
    org = _load("plugilo-infra")
    assert org.people == []
    assert {role.name: str(role.headcount) for role in org.roles} == {
        "Infrastructure Lead": "None",
        "Senior Infrastructure Engineer": "2-3",
        "Infrastructure Engineer": "3-4",
        "DevOps Engineer": "2-3",
    }
    classes = {c.name: (c.risk, c.approval, c.approvers) for c in org.policies.change_classes}
    assert classes == {
        "Standard": ("low", "pre-approved", []),
        "Normal": ("medium", "review", ["Senior Engineers"]),
        "Emergency": ("high", "post-change-review", ["Infrastructure Lead"]),
    }
    cadences = {c.name: (c.every, c.after) for c in org.policies.review_cadences}
    assert cadences == {
        "Architecture": ("quarterly", []),
        "Security": ("monthly", []),
        "Cost": ("monthly", []),
        "Post-Incident": (None, ["P0", "P1"]),
    }
    assert org.policies.career_ladder == ["Engineer", "Senior", "Lead"]
    (team,) = org.groups
    assert [s.split(":")[0] for s in team.stakeholders] == ["Product", "Security", "Finance"]
    assert [r.split(":")[0] for r in team.responsibilities] == [
        "Platform Development",
        "Tooling and Automation",
        "Operations",
        "Developer Experience",
    ]
    assert [b.split(":")[0] for b in team.boundaries] == [
        "Infrastructure Team",
        "Application Teams",
        "Shared Responsibilities",
        "Self-Service Model",
    ]


# -- infra-ops (seed 004) ----------------------------------------------------------------


def test_infra_ops_roles_carry_internal_ids() -> None:
    org = _load("infra-ops")
    assert {role.name: role.internal_id for role in org.roles} == {
        "Infrastructure Architect": "INF-001",
        "Systems Administrator": "INF-002",
        "Network Engineer": "INF-003",
        "Database Administrator": "INF-004",
        "Site Reliability Engineer": "INF-005",
        "Automation Engineer": "INF-006",
    }


def test_infra_ops_internal_ids_appear_nowhere_else() -> None:
    org = _load("infra-ops")
    dumped = org.model_dump(mode="json")
    for role in dumped["roles"]:
        del role["internal_id"]
    assert not re.search(r"INF-\d", repr(dumped))


def test_infra_ops_processes_are_the_documents() -> None:
    org = _load("infra-ops")
    seed = _seed("004")
    blocks = re.findall(r"```\n(.*?)\n```", seed, re.DOTALL)
    assert [t.kind for t in org.templates] == ["request", "incident", "maintenance"]
    for template in org.templates:
        assert template.body in blocks, template.id
    assert [g.id for g in org.gates] == ["change-approval", "production-readiness"]
    for gate in org.gates:
        assert len(gate.checks) == 6
        for check in gate.checks:
            assert f"- [ ] {check}\n" in seed
    (rotation,) = org.oncall
    assert (rotation.primary, rotation.secondary) == (
        "Site Reliability Engineer",
        "Systems Administrator",
    )
    assert (rotation.handoff, rotation.timezone, rotation.period) == ("09:00", "UTC", "daily")
    assert [(s.to, s.after_minutes, s.until_minutes) for s in rotation.escalation] == [
        ("Site Reliability Engineer", 0, 15),
        ("Systems Administrator", 15, 30),
        ("Component Specialist", 30, 60),
        ("Infrastructure Architect", 60, None),
    ]
    request, escalation = org.workflows
    assert (request.name, request.trigger) == (
        "Infrastructure Request Flow",
        "Infrastructure Request",
    )
    assert [step.actor for step in request.steps] == [
        "Infrastructure Architect",
        "Systems Administrator",
        "Network Engineer",
        "Database Administrator",
        "Automation Engineer",
        "Site Reliability Engineer",
    ]
    assert request.steps[1].actions == ["Provisions servers", "Hardens systems"]
    assert (escalation.name, escalation.trigger) == ("Escalation Path", "Issue Detected")
    assert [step.actor for step in escalation.steps] == [
        "SRE On-Call",
        "Component Owner (SysAdmin/NetEng/DBA)",
        "Infrastructure Architect",
        "Human Escalation",
    ]
    assert escalation.steps[0].actions == [
        "Resolved → Document & Close",
        "Requires specialist → Component Owner (SysAdmin/NetEng/DBA)",
    ]
    reports = {role.name: role.reports_to for role in org.roles}
    assert reports.pop("Infrastructure Architect") is None
    assert set(reports.values()) == {"infrastructure-architect"}
    (team,) = org.groups
    # The interfaces list and the collaboration table name each stakeholder: one entry each.
    assert [s.split(":")[0] for s in team.stakeholders] == ["Development", "Security", "QA"]
    assert [entry.name for entry in org.catalog][:2] == [
        "Infrastructure architecture",
        "Deployment environments",
    ]
    assert [k.text for k in team.kpis] == [
        "Availability 99.9%",
        "Mean Time to Recovery < 30 min",
        "Change Success Rate > 95%",
        "Infrastructure as Code 100%",
        "Cost Efficiency -10% YoY",
    ]


# -- the seeds ---------------------------------------------------------------------------

#: The seed documents as delivered; the examples are transcribed from these.
SEED_SHA256 = {
    "000_2d4cbcf337f19ef5.txt": "64715e06a76eff7c",
    "001_e5bfeb7a528dd228.txt": "0cca4b4772c8b44a",
    "002_d9a9709e51713273.txt": "53e37acbcc4c0762",
    "003_b82d8da73e360033.txt": "107ca55cd89fb739",
    "004_cf349f0d7c7c3304.txt": "7d6682eb6a7ab3b7",
}


def test_seeds_are_unchanged() -> None:
    files = sorted(path.name for path in SEEDS.iterdir())
    assert files == sorted(SEED_SHA256)
    for name, prefix in SEED_SHA256.items():
        assert hashlib.sha256((SEEDS / name).read_bytes()).hexdigest().startswith(prefix), name
    # 000 is an earlier copy of 001, cut off after its 1D tree.
    lines = _seed("000").splitlines(keepends=True)
    assert _seed("001").startswith("".join(lines[:-1]))
