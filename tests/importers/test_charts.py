"""The chart parser: org charts and flow charts drawn in code blocks, by shape."""

from __future__ import annotations

from orgplane.importers.markdown.charts.parser import Chart, parse_chart


def _edges(chart: Chart) -> set[tuple[str, str]]:
    nodes = chart.nodes
    return {(nodes[p].title, node.title) for node in nodes for p in node.parents}


def test_an_org_chart_of_plain_labels_with_two_line_names() -> None:
    chart = parse_chart(
        """\
              Head of Platform
                     │
        ┌────────────┴───────────┐
        ▼                        ▼
   Compute Pod              Edge Pod
     Team                     Team
        │                        │
    ┌───┴───┐                ┌───┴───┐
    ▼       ▼                ▼       ▼
  Ana     Bo               Cy      Di
""",
        first_line=10,
    )
    assert chart is not None
    assert [node.title for node in chart.nodes] == [
        "Head of Platform",
        "Compute Pod Team",
        "Edge Pod Team",
        "Ana",
        "Bo",
        "Cy",
        "Di",
    ]
    assert _edges(chart) == {
        ("Head of Platform", "Compute Pod Team"),
        ("Head of Platform", "Edge Pod Team"),
        ("Compute Pod Team", "Ana"),
        ("Compute Pod Team", "Bo"),
        ("Edge Pod Team", "Cy"),
        ("Edge Pod Team", "Di"),
    }
    assert (chart.nodes[1].line, chart.nodes[1].end_line) == (14, 15)


def test_heavy_boxes_with_a_ragged_border_and_a_shared_parent_row() -> None:
    chart = parse_chart(
        """\
      ┏━━━━━━━━━━━━━━━━┓
      ┃ CHIEF ARCHITECT ┃
      ┃  (lead)        ┃
      ┗━━━━━━━┳━━━━━━━━┛
              ┃
      ┏━━━━━━━┻━━━━━━━━┓
      ▼                ▼
┏━━━━━━━━━━━┓    ┏━━━━━━━━━━━┓
┃ Storage   ┃    ┃ Network   ┃
┃ Engineer  ┃    ┃ Engineer   ┃
┗━━━━━┳━━━━━┛    ┗━━━━━┳━━━━━┛
      ┗━━━━━━━━┳━━━━━━━┛
               ▼
        ┏━━━━━━━━━━━┓
        ┃ On-Call   ┃
        ┃ Engineer  ┃
        ┗━━━━━━━━━━━┛
"""
    )
    assert chart is not None
    titles = [node.title for node in chart.nodes]
    assert titles == [
        "CHIEF ARCHITECT (lead)",
        "Storage Engineer",
        "Network Engineer",
        "On-Call Engineer",
    ]
    assert all(node.boxed for node in chart.nodes)
    assert chart.nodes[3].parents == [1, 2]  # drawn under both
    assert chart.roots() == [0]


def test_a_flow_chart_with_boxed_steps_bullets_and_side_branches() -> None:
    chart = parse_chart(
        """\
Ticket Raised
      │
      ▼
+------------------+
| TRIAGE DESK      |
| * Categorizes    |
|   the ticket     |
| * Assigns owner  |
+------------------+
      │
      ├── Duplicate ──► Close as duplicate
      │
      ▼ (needs a fix)
Owning Squad
"""
    )
    assert chart is not None
    by_title = {node.title: node for node in chart.nodes}
    desk = by_title["TRIAGE DESK"]
    assert desk.items == ["Categorizes the ticket", "Assigns owner"]
    assert desk.parents == [0]
    close = by_title["Close as duplicate"]
    assert (close.side, close.edge_label) == (True, "Duplicate")
    squad = by_title["Owning Squad"]
    assert (squad.side, squad.edge_label) == (False, "(needs a fix)")
    assert chart.nodes[squad.parents[0]].title == "TRIAGE DESK"


def test_trees_and_drawings_without_edges_are_not_charts() -> None:
    tree = "Platform\n├── Compute\n│   └── GPU pool\n└── Storage\n"
    assert parse_chart(tree) is None
    assert parse_chart("just some text\n  and more text\n") is None
    assert parse_chart("┌──────┐\n│ Lone │\n└──────┘\n") is None
