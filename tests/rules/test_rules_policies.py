"""OP104 forbidden-interface, OP106 authority-boundary, OP107 lead-required, OP108 oncall-depth."""

from __future__ import annotations

from pathlib import Path

from orgplane.rules import Severity
from tests.rules.helpers import check, findings_of, line, lines

FIXTURES = Path(__file__).parent / "fixtures"


# -- OP104 forbidden-interface ------------------------------------------------------------


def test_cipo_squads_of_1d_must_not_interface_with_1f() -> None:
    """Seed 001: "1F does not directly interface with 1D", yet D-1 takes its SLO from 1F
    and D-4 shares a Tenant Alert with 1F."""
    d1, d4 = findings_of(FIXTURES / "cipo.yaml", "OP104")
    assert d1.severity is Severity.ERROR
    assert (
        d1.message == "D-1 depends on 1F (SLO), but policy forbids 1F and 1D to interface directly"
    )
    assert d1.location is not None
    assert (d1.location.line, d1.location.col) == (76, 13)
    assert d1.subject == "1D/D-1"
    assert d1.hint is not None
    assert "1F does not directly interface with 1D" in d1.hint
    assert "cipo.yaml:135:7" in d1.hint
    assert d4.message == (
        "D-4 depends on 1F (Tenant Alert), but policy forbids 1F and 1D to interface directly"
    )
    assert d4.location is not None
    assert d4.location.line == 95


def test_forbidden_interfaces_cover_subtrees_and_both_directions(tmp_path: Path) -> None:
    body = """
    groups:
      - code: 1D
        name: Data
        groups:
          - code: D-1
            name: Data Platform
            groups:
              - code: U-DP1
                name: Hadoop Ops
                dependencies:
                  - {target: 1F/F-1, provides: dashboards, direction: to}  # to
      - code: 1F
        name: SRE
        groups:
          - code: F-1
            name: Observability
            dependencies:
              - U-DP1  # bare
              - {target: 1B, provides: scrape endpoints}
      - {code: 1B, name: Core}
    policies:
      forbidden_interfaces:
        - groups: [1F, 1D]
    """
    to, bare = check(tmp_path, body, "OP104")
    assert lines([to, bare]) == [line(body, "to"), line(body, "bare")]
    assert to.message == (
        "U-DP1 feeds 1F/F-1 (dashboards), but policy forbids 1F and 1D to interface directly"
    )
    assert (
        bare.message == "F-1 depends on U-DP1, but policy forbids 1F and 1D to interface directly"
    )


def test_allowed_interfaces_are_silent(tmp_path: Path) -> None:
    body = """
    groups:
      - {code: 1D, name: Data, dependencies: [{target: 1B, provides: PVC/GPU}]}
      - {code: 1F, name: SRE, dependencies: [{target: 1B, provides: scrape endpoints}]}
      - {code: 1B, name: Core}
    policies:
      forbidden_interfaces:
        - groups: [1F, 1D]
    """
    assert check(tmp_path, body, "OP104") == []


# -- OP106 authority-boundary -------------------------------------------------------------

AUTHORITY = """
groups:
  - code: 1B
    name: Core Cloud
    responsibilities: [Kernel versions for every cluster]
    groups:
      - code: B-1
        name: Compute
        responsibilities: [Kernel patching ≤ 48h, GPU NodePool configs]
  - code: 1C
    name: Platform
    groups:
      - code: C-9
        name: Node Images
        responsibilities:
          - Golden images
          - Kernel patching  # kernel
          - gpu-nodepool sizing and CNI/CSI plugins  # two
          - Kernels and CNIs are consumed, not decided
        stack: [Linux kernel 6.8, Vault CSI]
catalog:
  - {id: images, name: Node images, owner: C-9, description: Ships the CNI binaries}  # entry
  - {id: cni, name: CNI plugin, owner: 1B/B-1}
policies:
  authorities:
    - group: 1B  # policy
      note: All other layers are consumers of its APIs only.
      subjects:
        - {name: Kernel versions, match: [kernel]}
        - {name: CNI/CSI integrations, match: [CNI, CSI]}
        - {name: GPU NodePool configurations, match: [GPU NodePool]}
"""


def test_a_group_outside_the_authority_claiming_its_subject_is_an_error(tmp_path: Path) -> None:
    findings = check(tmp_path, AUTHORITY, "OP106")
    assert [(n, f.message) for n, f in zip(lines(findings), findings, strict=True)] == [
        (
            line(AUTHORITY, "kernel"),
            'C-9 claims "Kernel versions" (responsibility "Kernel patching"), but 1B is the '
            "sole authority",
        ),
        (
            line(AUTHORITY, "two"),
            'C-9 claims "CNI/CSI integrations" (responsibility "gpu-nodepool sizing and '
            'CNI/CSI plugins"), but 1B is the sole authority',
        ),
        (
            line(AUTHORITY, "two"),
            'C-9 claims "GPU NodePool configurations" (responsibility "gpu-nodepool sizing '
            'and CNI/CSI plugins"), but 1B is the sole authority',
        ),
        (
            line(AUTHORITY, "entry"),
            'C-9 claims "CNI/CSI integrations" (catalog entry "Node images"), but 1B is the '
            "sole authority",
        ),
    ]
    first = findings[0]
    assert first.severity is Severity.ERROR
    assert first.subject == "1C/C-9"
    assert first.hint is not None
    assert f"org.yaml:{line(AUTHORITY, 'policy')}:" in first.hint
    assert "consumers of its APIs" in first.hint


def test_consumers_using_the_tools_do_not_claim_authority(tmp_path: Path) -> None:
    body = AUTHORITY.replace("          - Kernel patching  # kernel\n", "").replace(
        "          - gpu-nodepool sizing and CNI/CSI plugins  # two\n", ""
    )
    body = body.replace("description: Ships the CNI binaries", "description: Ships images")
    assert check(tmp_path, body, "OP106") == []


# -- OP107 lead-required ------------------------------------------------------------------

LEADS = """
groups:
  - code: D
    kind: team
    name: Data Infrastructure
    members: [a, b, c, d, e, f, g, h]
    groups:
      - {code: S-1, kind: subteam, name: Pipelines, members: [a, b, c]}  # big
      - {code: S-2, kind: subteam, name: Storage, members: [d, e]}
      - {code: S-3, kind: subteam, name: Serving, members: [f, g, h, h], leads: [f]}
people: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},
         {id: e, name: E}, {id: f, name: F}, {id: g, name: G}, {id: h, name: H}]
policies:
  lead_threshold: {size: 3, kinds: [subteam]}  # policy
"""


def test_a_subteam_of_three_without_a_lead_is_reported(tmp_path: Path) -> None:
    [finding] = check(tmp_path, LEADS, "OP107")
    assert finding.severity is Severity.WARNING
    assert finding.location is not None
    assert finding.location.line == line(LEADS, "big")
    assert finding.message == (
        "subteam S-1 has 3 members and no lead; policy requires a lead from 3 members"
    )
    assert finding.hint is not None
    assert f"org.yaml:{line(LEADS, 'policy')}:" in finding.hint


def test_lead_threshold_without_kinds_applies_to_every_kind(tmp_path: Path) -> None:
    body = LEADS.replace("kinds: [subteam]", "kinds: []")
    assert [f.subject for f in check(tmp_path, body, "OP107")] == ["D", "D/S-1"]


def test_groups_below_the_threshold_or_with_a_lead_are_silent(tmp_path: Path) -> None:
    body = LEADS.replace("members: [a, b, c]}", "members: [a, b, c], leads: [a]}")
    assert check(tmp_path, body, "OP107") == []


# -- OP108 oncall-depth -------------------------------------------------------------------

ONCALL = """
groups:
  - code: D
    kind: team
    name: Data Infrastructure
    groups:
      - {code: S-1, kind: subteam, name: Pipelines, members: [a, b], oncall: [a, a]}  # list
      - {code: S-2, kind: subteam, name: Storage, members: [c]}  # members
      - {code: S-3, kind: subteam, name: Serving, members: [d], oncall: [d, e]}
people: [{id: a, name: A}, {id: b, name: B}, {id: c, name: C}, {id: d, name: D},
         {id: e, name: E}]
policies:
  oncall_depth: {min: 2, kinds: [subteam]}  # policy
"""


def test_a_rotation_shallower_than_the_policy_is_reported(tmp_path: Path) -> None:
    shallow, members = check(tmp_path, ONCALL, "OP108")
    assert shallow.severity is Severity.WARNING
    assert lines([shallow, members]) == [line(ONCALL, "list"), line(ONCALL, "members")]
    assert shallow.message == (
        "on-call rotation of S-1 is 1 deep (its on-call list); policy requires at least 2"
    )
    assert members.message == (
        "on-call rotation of S-2 is 1 deep (its members); policy requires at least 2"
    )
    assert members.hint is not None
    assert f"org.yaml:{line(ONCALL, 'policy')}:" in members.hint


def test_oncall_depth_named_groups_take_precedence_over_kinds(tmp_path: Path) -> None:
    body = ONCALL.replace(
        "{min: 2, kinds: [subteam]}", "{min: 2, kinds: [subteam], groups: [S-3, D]}"
    )
    [finding] = check(tmp_path, body, "OP108")
    assert finding.subject == "D"
    assert finding.message.startswith("on-call rotation of D is 0 deep")


def test_deep_enough_rotations_are_silent(tmp_path: Path) -> None:
    body = ONCALL.replace("oncall: [a, a]", "oncall: [a, b]").replace(
        "members: [c]", "members: [c, e]"
    )
    assert check(tmp_path, body, "OP108") == []
