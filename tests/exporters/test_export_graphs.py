"""Mermaid and DOT exports: every group a node, tree edges solid, dependencies dashed."""

from __future__ import annotations

import re

import pytest

from orgplane.exporters import export
from orgplane.exporters.mermaid import export_mermaid
from orgplane.model import Dependency, Direction, Group, Org, OrgIndex

_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _awkward_org() -> Org:
    """Names that break naive quoting, and two codes that only differ in "-" and "_"."""
    return Org(
        code="X",
        name='The "X" org',
        groups=[
            Group(
                code="1A",
                name='Say "hi" <b>#1</b> | `tick` \\ back',
                groups=[Group(code="C-5", name="Dash"), Group(code="C_5", name="Underscore")],
                dependencies=[Dependency(target="1A/C_5", provides='the "good" stuff | more')],
            )
        ],
    )


# -- Mermaid ------------------------------------------------------------------------------


def test_mermaid_draws_tree_edges_solid_and_dependencies_dashed(small_org: Org) -> None:
    lines = export(small_org, "mermaid").splitlines()
    assert lines[0] == "flowchart LR"
    assert '    org{{"ACME Chief Infrastructure Officer"}}' in lines
    assert '    g_1B_B_1_U_C1_U_C1a["U-C1a Upgrades"]' in lines
    assert "    org --> g_1A" in lines
    assert "    g_1B_B_1_U_C1 --> g_1B_B_1_U_C1_U_C1a" in lines
    # from: consumer to provider; with: both ways, drawn once; to: the target consumes.
    assert '    g_1B_B_1 -.->|"Racks/Power"| g_1A' in lines
    assert '    g_1B_B_1 <-.->|"Spare parts"| g_1A_A_2' in lines
    assert sum("<-.->" in line for line in lines) == 1
    assert '    g_1A_A_1 -.->|"Vendor contracts"| g_1B_B_1' in lines
    assert "    g_1B_B_1 -.-> g_1A_A_2" in lines


def test_mermaid_says_which_dependencies_it_could_not_draw(small_org: Org) -> None:
    text = export(small_org, "mermaid")
    assert (
        "    %% 1B/B-1 depends on 'U-RE1', not drawn "
        "(ambiguous: 1A/A-1/U-RE1, 1B/B-1/U-RE1)\n" in text
    )
    assert "    %% 1B/B-1 depends on '1Z', not drawn (no such group)\n" in text


def test_mermaid_ids_are_safe_and_unique_and_labels_escaped() -> None:
    text = export(_awkward_org(), "mermaid")
    node_ids = re.findall(r"^    (\w+)[\[{]", text, flags=re.MULTILINE)
    assert node_ids == ["org", "g_1A", "g_1A_C_5", "g_1A_C_5_2"]
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", node_id) for node_id in node_ids)
    assert (
        '    g_1A["1A Say #quot;hi#quot; #lt;b#gt;#35;1#lt;/b#gt; #124; #96;tick#96; \\ back"]'
        in text
    )
    assert '    g_1A -.->|"the #quot;good#quot; stuff #124; more"| g_1A_C_5_2' in text
    assert '    org{{"X The #quot;X#quot; org"}}' in text


def test_mermaid_direction_can_be_top_down(small_org: Org, small_index: OrgIndex) -> None:
    assert export_mermaid(small_org, small_index, direction="TD").startswith("flowchart TD\n")
    with pytest.raises(ValueError, match="direction"):
        export_mermaid(small_org, small_index, direction="sideways")


# -- DOT ----------------------------------------------------------------------------------


def test_dot_has_a_cluster_per_department_and_dashed_labelled_dependencies(
    small_org: Org,
) -> None:
    text = export(small_org, "dot")
    lines = text.splitlines()
    assert lines[0] == 'digraph "ACME" {'
    assert lines[-1] == "}"
    assert '    subgraph "cluster_1A" {' in lines
    assert '    subgraph "cluster_1B" {' in lines
    cluster_1b = text.split('subgraph "cluster_1B" {')[1].split("\n    }")[0]
    assert '"group:1B/B-1/U-C1/U-C1a" [label="U-C1a\\nUpgrades"];' in cluster_1b
    assert '"group:1A' not in cluster_1b
    assert '    "org:ACME" -> "group:1A";' in lines
    assert '    "group:1B/B-1/U-C1" -> "group:1B/B-1/U-C1/U-C1a";' in lines
    assert '    "group:1B/B-1" -> "group:1A" [style=dashed, label="Racks/Power"];' in lines
    assert (
        '    "group:1B/B-1" -> "group:1A/A-2" [style=dashed, dir=both, label="Spare parts"];'
        in lines
    )
    assert '    "group:1A/A-1" -> "group:1B/B-1" [style=dashed, label="Vendor contracts"];' in lines
    assert '    "group:1B/B-1" -> "group:1A/A-2" [style=dashed];' in lines
    assert "    /* 1B/B-1 depends on '1Z', not drawn (no such group) */" in lines


def test_dot_quotes_every_string_so_the_graph_still_parses() -> None:
    text = export(_awkward_org(), "dot")
    assert '"group:1A" [label="1A\\nSay \\"hi\\" <b>#1</b> | `tick` \\\\ back"];' in text
    assert '"group:1A/C-5"' in text
    assert '"group:1A/C_5"' in text
    # Outside quoted strings only DOT syntax remains: balanced braces, no stray quotes.
    skeleton = _DOT_STRING.sub("S", text)
    assert '"' not in skeleton
    assert skeleton.count("{") == skeleton.count("}") == 2


def test_the_org_and_a_group_with_its_code_are_different_nodes() -> None:
    org = Org(code="CIPO", name="Officer", groups=[Group(code="CIPO", name="Office")])
    text = export(org, "dot")
    assert '    "org:CIPO" -> "group:CIPO";' in text


def test_a_with_dependency_is_one_edge_with_arrows_at_both_ends() -> None:
    org = Org(
        code="O",
        name="Org",
        groups=[
            Group(
                code="1D",
                name="Data",
                dependencies=[Dependency(target="1E", provides="Policy", direction=Direction.WITH)],
            ),
            Group(code="1E", name="Sec"),
        ],
    )
    assert export(org, "dot").count("dir=both") == 1
    assert export(org, "mermaid").count("<-.->") == 1
