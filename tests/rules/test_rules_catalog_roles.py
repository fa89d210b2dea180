"""OP109 headcount-range, OP111 catalog-unowned, OP112 catalog-coverage, OP114
internal-id-exposed."""

from __future__ import annotations

from pathlib import Path

from orgplane.rules import Severity
from tests.rules.helpers import check, line, lines

# -- OP109 headcount-range ----------------------------------------------------------------

ROLES = """
roles:
  - id: senior
    name: Senior Infrastructure Engineer
    headcount: {min: 2, max: 3}  # under
  - id: sre
    name: Site Reliability Engineer
    headcount: {min: 1, max: 1}  # over
  - {id: architect, name: Architect, headcount: {min: 1}}
  - {id: intern, name: Intern}
people:
  - {id: ana, name: Ana, roles: [senior, senior, sre]}
  - {id: ben, name: Ben, roles: [sre, architect]}
"""


def test_roles_staffed_outside_their_planned_headcount_are_reported(tmp_path: Path) -> None:
    under, over = check(tmp_path, ROLES, "OP109")
    assert under.severity is Severity.WARNING
    assert lines([under, over]) == [line(ROLES, "under"), line(ROLES, "over")]
    # Ana lists "senior" twice and still counts once.
    assert (
        under.message == 'role "senior" (Senior Infrastructure Engineer) has 1 holder, planned 2-3'
    )
    assert under.hint is not None
    assert "'roles: [senior]'" in under.hint
    assert over.message == 'role "sre" (Site Reliability Engineer) has 2 holders, planned 1'


def test_headcount_is_not_counted_when_the_org_lists_no_people(tmp_path: Path) -> None:
    body = ROLES.split("people:")[0]
    assert check(tmp_path, body, "OP109") == []


def test_roles_within_their_headcount_are_silent(tmp_path: Path) -> None:
    body = ROLES + "  - {id: cy, name: Cy, roles: [senior]}\n"
    body = body.replace("roles: [sre, architect]", "roles: [architect]")
    assert check(tmp_path, body, "OP109") == []


# -- OP111 catalog-unowned ----------------------------------------------------------------


def test_a_catalog_entry_without_owner_is_reported(tmp_path: Path) -> None:
    body = """
    groups: [{code: D-1, name: Data Platform}]
    catalog:
      - {id: kafka, name: Kafka, owner: D-1}
      - {id: feature-store, name: Feature store, kind: offering}  # unowned
    """
    [finding] = check(tmp_path, body, "OP111")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None
    assert finding.location.line == line(body, "unowned")
    assert finding.message == 'catalog entry "feature-store" (Feature store) has no owner'
    assert finding.hint == "set 'owner:' to the code or path of the group that runs it"


# -- OP112 catalog-coverage ---------------------------------------------------------------

COVERAGE = """
groups:
  - code: 1D
    kind: department
    name: Data
    groups:
      - {code: D-1, kind: squad, name: Data Platform, groups: [{code: U-DP1, name: Hadoop}]}
      - {code: D-2, kind: squad, name: Data Engineering}
      - {code: D-3, kind: squad, name: ML Platform}
      - {code: D-4, kind: squad, name: Governance}
      - {code: D-5, kind: squad, name: BI}
catalog:
  - {id: hdfs, name: HDFS, owner: 1D/D-1/U-DP1}
  - {id: lakehouse, name: Lakehouse, owner: D-2}
  - {id: orphan, name: Orphan, owner: D-9}
policies:
  catalog_coverage: {min: 0.8}  # policy
"""


def test_low_catalog_coverage_is_one_finding_at_the_policy(tmp_path: Path) -> None:
    [finding] = check(tmp_path, COVERAGE, "OP112")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None
    assert finding.location.line == line(COVERAGE, "policy")
    # D-1 owns what its unit owns; D-9 is no group and covers nothing.
    assert finding.message == (
        "catalog coverage of squad groups is 40% (2 of 5), below the policy minimum of 80%"
    )
    assert finding.hint is not None
    assert finding.hint.startswith("groups without catalog entries: D-3, D-4, D-5;")


def test_catalog_coverage_counts_the_kinds_the_policy_names(tmp_path: Path) -> None:
    body = COVERAGE.replace("{min: 0.8}", "{min: 1, kinds: [department]}")
    assert check(tmp_path, body, "OP112") == []
    body = COVERAGE.replace("{min: 0.8}", "{min: 0.4}")
    assert check(tmp_path, body, "OP112") == []


# -- OP114 internal-id-exposed ------------------------------------------------------------

EXPOSED = """
groups:
  - code: 1B
    name: Core
    description: Escalations go to the architect.
    responsibilities:
      - Kernel patching
      - Page inf-003 after 60 minutes  # group
    kpis:
      - {text: "MTTR < 30 min", note: "measured by INF-003"}  # kpi
roles:
  - {id: architect, name: Architect, internal_id: INF-003}
  - {id: sre, name: SRE, internal_id: INF-001, description: Works with INF-0010 and XINF-001}
templates:
  - id: incident
    name: Incident
    body: "INCIDENT: escalate to INF-003 when unresolved"  # template
"""


def test_an_internal_id_in_user_visible_text_is_an_error(tmp_path: Path) -> None:
    findings = check(tmp_path, EXPOSED, "OP114")
    assert lines(findings) == [line(EXPOSED, m) for m in ("group", "kpi", "template")]
    group, kpi, template = findings
    assert group.severity is Severity.ERROR
    assert (
        group.message
        == "the internal id of role 'architect' appears in responsibilities[1] of group 1B"
    )
    assert kpi.message == "the internal id of role 'architect' appears in kpis[0].note of group 1B"
    assert template.message == (
        "the internal id of role 'architect' appears in body of template 'incident'"
    )
    for finding in findings:
        # The finding itself is user-visible: it must not show the id either.
        assert "INF-003" not in f"{finding.message} {finding.hint}".upper()


def test_internal_ids_in_their_own_field_and_in_longer_words_are_fine(tmp_path: Path) -> None:
    body = """
    groups: [{code: 1B, name: Core, description: Tickets like INF-0031 are unrelated}]
    roles:
      - {id: architect, name: Architect, internal_id: INF-003}
    """
    assert check(tmp_path, body, "OP114") == []
