"""OP101 duplicate-code, OP105 dependency-cycle, OP110 empty-department, OP113 code-reused."""

from __future__ import annotations

import random
from pathlib import Path

from orgplane.model import Dependency, Direction, Group, Org
from orgplane.rules import RuleContext, Severity
from orgplane.rules.builtin.dependencies import DependencyCycle, strongly_connected
from tests.rules.helpers import check, line

# -- OP101 duplicate-code -----------------------------------------------------------------


def test_sibling_groups_with_one_code_are_an_error_at_the_second(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1A
        kind: department
        name: Facilities
        groups:
          - {code: A-1, kind: squad, name: Procurement}  # first
          - {code: A-2, kind: squad, name: Warehouse}
          - {code: A-1, kind: squad, name: Testing}  # second
          - {code: a-2, kind: squad, name: Lowercase}  # case
      - {code: 1A, kind: department, name: Again}  # top
    """
    findings = check(tmp_path, body, "OP101")
    assert [f.location.line if f.location else 0 for f in findings] == [
        line(body, "second"),
        line(body, "case"),
        line(body, "top"),
    ]
    second, case, top = findings
    assert second.severity is Severity.ERROR
    assert second.message.startswith('duplicate group code "A-1" under 1A (first at ')
    assert f":{line(body, 'first')}:" in second.message
    assert second.hint is not None
    assert "1A/A-1" in second.hint
    assert second.subject == "1A/A-1"
    assert 'differs only in case from its sibling "A-2"' in case.message
    assert top.message.startswith('duplicate group code "1A" at the top of org ACME')


def test_nested_duplicates_are_found_at_any_depth(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1A
        name: Facilities
        groups:
          - code: A-1
            name: Procurement
            groups:
              - {code: U-V1, name: Vendor Relations}
              - {code: U-V1, name: Vendor Relations again}  # dup
    """
    [finding] = check(tmp_path, body, "OP101")
    assert finding.location is not None
    assert finding.location.line == line(body, "dup")
    assert "under 1A/A-1" in finding.message


def test_same_code_in_different_branches_is_not_a_duplicate(tmp_path: Path) -> None:
    body = """
    groups:
      - {code: C-5, name: Release, groups: [{code: U-RE1, name: SemVer}]}
      - {code: F-6, name: Availability, groups: [{code: U-RE1, name: SLO-Guard}]}
    """
    assert check(tmp_path, body, "OP101") == []


# -- OP113 code-reused --------------------------------------------------------------------


def test_a_code_reused_across_branches_is_noted_once_with_its_paths(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1C
        name: Platform
        groups:
          - {code: C-5, name: Release, groups: [{code: U-RE1, name: SemVer}]}
      - code: 1F
        name: SRE
        groups:
          - {code: F-6, name: Availability, groups: [{code: U-RE1, name: SLO-Guard}]}  # second
          - {code: F-7, name: Other, groups: [{code: U-RE1, name: Third}]}
    """
    [finding] = check(tmp_path, body, "OP113")
    assert finding.severity is Severity.INFO
    assert finding.location is not None
    assert finding.location.line == line(body, "second")
    assert finding.message == (
        'code "U-RE1" is used by 3 groups: 1C/C-5/U-RE1, 1F/F-6/U-RE1, 1F/F-7/U-RE1'
    )
    assert finding.hint is not None
    assert "ambiguous" in finding.hint


def test_unique_codes_are_not_noted(tmp_path: Path) -> None:
    body = """
    groups:
      - {code: C-5, name: Release, groups: [{code: U-RE1, name: SemVer}]}
      - {code: F-6, name: Availability, groups: [{code: U-RE2, name: SLO-Guard}]}
    """
    assert check(tmp_path, body, "OP113") == []


# -- OP110 empty-department ---------------------------------------------------------------


def test_a_department_without_groups_is_reported(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1F
        kind: department
        name: SRE Core
        groups: [{code: F-1, kind: squad, name: Observability}]
      - {code: 1G, kind: Department, name: FinOps & Capacity Engineering}  # empty
      - {code: T-1, kind: team, name: A team has no squads by design}
    """
    [finding] = check(tmp_path, body, "OP110")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None
    assert finding.location.line == line(body, "empty")
    assert finding.message == "department 1G has no groups under it"
    assert finding.subject == "1G"


# -- OP105 dependency-cycle ---------------------------------------------------------------


def test_a_dependency_cycle_is_reported_once_from_its_smallest_group(tmp_path: Path) -> None:
    body = """
    groups:
      - code: C-2
        name: CI/CD
        dependencies: [{target: D-1, provides: clusters}]
      - code: B-1
        name: Compute
        dependencies:
          - {target: C-2, provides: builds}  # start
      - code: D-1
        name: Data
        dependencies: [{target: B-1, provides: nodes}]
    """
    [finding] = check(tmp_path, body, "OP105")
    assert finding.severity is Severity.WARNING
    assert finding.message == "dependency cycle: B-1 → C-2 → D-1 → B-1"
    assert finding.location is not None
    assert finding.location.line == line(body, "start")
    assert finding.subject == "B-1"


def test_to_dependencies_count_and_with_dependencies_do_not(tmp_path: Path) -> None:
    body = """
    groups:
      - code: B-1
        name: Compute
        dependencies:
          - {target: C-2, provides: builds}
          - {target: E-1, provides: policy, direction: with}
      - code: C-2
        name: CI/CD
        dependencies:
          - {target: B-1, provides: build farm, direction: to}  # to
      - code: E-1
        name: Security
        dependencies: [{target: B-1, provides: audit}]
    """
    # C-2 "provides to" B-1 is B-1 depending on C-2 again: no cycle. The mutual E-1/B-1
    # interface is no cycle either.
    assert check(tmp_path, body, "OP105") == []
    cyclic = body.replace("target: B-1, provides: build farm, direction: to", "target: B-1")
    [finding] = check(tmp_path, cyclic, "OP105")
    assert finding.message == "dependency cycle: B-1 → C-2 → B-1"


def test_cycles_are_between_exact_groups_not_subtrees(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1B
        name: Core
        dependencies: [{target: 1C, provides: portal}]
        groups:
          - {code: B-1, name: Compute}
      - code: 1C
        name: Platform
        dependencies: [{target: B-1, provides: clusters}]
    """
    assert check(tmp_path, body, "OP105") == []


def test_each_elementary_cycle_of_a_tangle_is_reported_once(tmp_path: Path) -> None:
    body = """
    groups:
      - {code: A, name: A, dependencies: [B, C]}
      - {code: B, name: B, dependencies: [A]}
      - {code: C, name: C, dependencies: [A]}
    """
    findings = check(tmp_path, body, "OP105")
    assert sorted(f.message for f in findings) == [
        "dependency cycle: A → B → A",
        "dependency cycle: A → C → A",
    ]


def test_strongly_connected_components_of_a_large_graph() -> None:
    # A ring of 20,000 nodes is one component, found without recursion.
    ring = [[(i + 1) % 20_000] for i in range(20_000)]
    [component] = strongly_connected(ring)
    assert sorted(component) == list(range(20_000))
    chain = [[i + 1] for i in range(9_999)] + [[]]
    assert len(strongly_connected(chain)) == 10_000


def test_a_large_random_graph_reports_a_bounded_number_of_cycles() -> None:
    rng = random.Random(7)
    groups = [Group(code=f"G{i}", name=f"G{i}") for i in range(5_000)]
    for _ in range(20_000):
        source, target = rng.sample(groups, 2)
        source.dependencies.append(Dependency(target=target.code, direction=Direction.FROM))
    findings = list(
        DependencyCycle().check(RuleContext(Org(code="BIG", name="Big", groups=groups)))
    )
    assert 0 < len(findings) <= 10
    for finding in findings:
        names = finding.message.removeprefix("dependency cycle: ").split(" → ")
        assert names[0] == names[-1] == min(names[:-1])
        assert len(set(names[:-1])) == len(names) - 1
