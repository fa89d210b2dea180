"""OP102 ambiguous-reference and OP103 dangling-reference, on small specs."""

from __future__ import annotations

from pathlib import Path

from orgplane.rules import RuleRegistry, Severity
from orgplane.rules.builtin import register
from orgplane.spec import load_spec
from tests.rules.helpers import check, line

REUSED = """
groups:
  - code: 1C
    name: Platform
    groups:
      - code: C-5
        name: Release Engineering
        groups: [{code: U-RE1, name: SemVer Policy}]
  - code: 1F
    name: SRE Core
    groups:
      - code: F-6
        name: Release & Availability
        groups: [{code: U-RE1, name: SLO-Guard Webhook}]
      - code: F-7
        name: Consumers
        dependencies:
          - {target: U-RE1, provides: release gates}  # dep
          - {target: 1F/F-6/U-RE1, provides: admission}
roles:
  - {id: gatekeeper, name: Gatekeeper, group: U-RE1}  # role
catalog:
  - {id: semver, name: SemVer rules, owner: u-re1}  # owner
policies:
  forbidden_interfaces:
    - groups: [U-RE1, 1F]  # policy
  oncall_depth: {min: 1, groups: [1C, U-RE1]}  # depth
"""


def test_ambiguous_bare_code_is_reported_wherever_a_group_is_referenced(tmp_path: Path) -> None:
    findings = check(tmp_path, REUSED, "OP102")
    assert [f.location.line if f.location else 0 for f in findings] == [
        line(REUSED, mark) for mark in ("dep", "role", "owner", "policy", "depth")
    ]
    assert all(f.severity is Severity.ERROR for f in findings)
    first = findings[0]
    assert first.message == (
        'ambiguous reference "U-RE1" in dependency of F-7: it names 1C/C-5/U-RE1 and 1F/F-6/U-RE1'
    )
    assert first.hint == "write the path, e.g. 1C/C-5/U-RE1"
    assert first.subject == "1F/F-7"
    assert first.location is not None
    assert first.location.file.endswith("org.yaml")
    assert first.location.col == 13
    assert "owner of catalog entry 'semver'" in findings[2].message


def test_paths_and_unique_codes_are_not_ambiguous(tmp_path: Path) -> None:
    body = REUSED.replace("U-RE1, provides: release", "1F/F-6/U-RE1, provides: release")
    body = body.replace("group: U-RE1", "group: 1C/C-5/U-RE1").replace("owner: u-re1", "owner: F-6")
    body = body.replace("[U-RE1, 1F]", "[1C, 1F]").replace("[1C, U-RE1]", "[1C]")
    assert check(tmp_path, body, "OP102") == []


def test_unknown_group_reference_suggests_the_closest_code(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1B
        name: Core
        groups:
          - {code: B-1, name: Compute}
          - code: B-2
            name: Storage
            dependencies:
              - {target: B1, provides: nodes}  # typo
              - {target: 1B/B-11, provides: nothing}  # path
    policies:
      authorities:
        - group: 1Z  # authority
          subjects: [Kernel versions]
    """
    findings = check(tmp_path, body, "OP103")
    assert [f.location.line if f.location else 0 for f in findings] == [
        line(body, "typo"),
        line(body, "path"),
        line(body, "authority"),
    ]
    typo, path, authority = findings
    assert typo.severity is Severity.ERROR
    assert typo.message == 'unknown group "B1" in dependency of B-2'
    assert typo.hint == "did you mean B-1?"
    assert path.hint == "did you mean 1B/B-1?"
    assert authority.message == 'unknown group "1Z" in authorities policy'


def test_unknown_people_are_reported_with_a_suggestion(tmp_path: Path) -> None:
    body = """
    groups:
      - code: B-1
        name: Compute
        leads: [alcie]  # lead
        members: [alice, bob, zed]  # members
        oncall: [bob, carol]  # oncall
    people:
      - {id: alice, name: Alice}
      - {id: bob, name: Bob}
    """
    findings = check(tmp_path, body, "OP103")
    assert [(f.location.line, f.location.col) if f.location else 0 for f in findings] == [
        (line(body, "lead"), 13),
        (line(body, "members"), 27),
        (line(body, "oncall"), 19),
    ]
    lead, member, oncall = findings
    assert lead.message == 'unknown person "alcie" in leads of B-1'
    assert lead.hint == "did you mean 'alice'?"
    assert member.message == 'unknown person "zed" in members of B-1'
    assert member.hint == "declare the person under 'people:' with an id and a name"
    assert oncall.subject == "B-1"


def test_people_are_checked_even_when_the_org_lists_nobody(tmp_path: Path) -> None:
    body = """
    groups:
      - {code: B-1, name: Compute, members: [ana, ben]}  # members
    """
    findings = check(tmp_path, body, "OP103")
    assert [f.message for f in findings] == [
        'unknown person "ana" in members of B-1',
        'unknown person "ben" in members of B-1',
    ]
    assert {f.location.line if f.location else 0 for f in findings} == {line(body, "members")}


def test_org_leads_must_be_people(tmp_path: Path) -> None:
    path = tmp_path / "org.yaml"
    path.write_text(
        "org:\n  code: ACME\n  name: Acme\n  leads: [cipo]\npeople: [{id: ana, name: Ana}]\n",
        encoding="utf-8",
    )
    registry = RuleRegistry()
    register(registry)
    [finding] = [f for f in registry.check(load_spec(path)) if f.code == "OP103"]
    assert finding.message == 'unknown person "cipo" in leads of the org'
    assert finding.location is not None
    assert (finding.location.line, finding.location.col) == (4, 11)


def test_unknown_roles_and_catalog_entries_are_reported(tmp_path: Path) -> None:
    body = """
    people:
      - {id: ana, name: Ana, roles: [sre-leed]}  # person
    roles:
      - {id: sre-lead, name: SRE Lead}
      - {id: sre, name: SRE, reports_to: architect}  # reports
    catalog:
      - {id: kafka, name: Kafka, owner: D-1}
      - {id: hdfs, name: HDFS, depends_on: [kafak]}  # depends
    groups:
      - {code: D-1, name: Data Platform}
    """
    findings = check(tmp_path, body, "OP103")
    assert [(f.location.line if f.location else 0, f.message, f.hint) for f in findings] == [
        (
            line(body, "person"),
            "unknown role \"sre-leed\" in roles of person 'ana'",
            "did you mean 'sre-lead'?",
        ),
        (
            line(body, "reports"),
            "unknown role \"architect\" in reports_to of role 'sre'",
            "declare the role under 'roles:' with an id and a name",
        ),
        (
            line(body, "depends"),
            "unknown catalog entry \"kafak\" in depends_on of catalog entry 'hdfs'",
            "did you mean 'kafka'?",
        ),
    ]


def test_suggestions_stay_useful_in_a_large_org(tmp_path: Path) -> None:
    people = "\n".join(f"  - {{id: person-{i:05d}, name: P{i}}}" for i in range(5000))
    body = f"""
groups:
  - {{code: B-1, name: Compute, leads: [persn-01234]}}
people:
{people}
"""
    [finding] = check(tmp_path, body, "OP103")
    assert finding.hint == "did you mean 'person-01234'?"


def test_known_references_are_silent(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1B
        name: Core
        leads: [ana]
        groups:
          - {code: B-1, name: Compute, members: [ana], oncall: [ana]}
          - code: B-2
            name: Storage
            dependencies: [B-1, 1B/B-1, {target: b-1, provides: case-insensitive}]
    people: [{id: ana, name: Ana, roles: [sre]}]
    roles: [{id: sre, name: SRE, group: 1B}]
    catalog:
      - {id: ceph, name: Ceph, owner: B-2}
      - {id: rbd, name: RBD, owner: 1B/B-2, depends_on: [ceph]}
    """
    assert check(tmp_path, body, "OP103") == []
    assert check(tmp_path, body, "OP102") == []
