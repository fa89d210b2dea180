"""The box-drawing tree parser reads the shape, whatever the glyphs and indentation."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from orgplane.importers import TreeNode, looks_like_tree, parse_box_tree

SEED_STYLE = """\
1A Facilities & Physical Infra
│
├─ A-1 Procurement & Vendor Ops
│   ├─ U-V1 Vendor Relations
│   ├─ Responsibilities:
│   │   └─ TCO Management
│   └─ KPIs:
│       └─ Lead Time ≤ 90 days
│
└─ A-2 Warehouse & Inventory
    └─ KPIs: 100% Inventory Accuracy, RMA Turnaround ≤ 5 days
"""


def _shape(node: TreeNode) -> object:
    return (node.label, [_shape(child) for child in node.children])


def test_seed_style_tree() -> None:
    tree = parse_box_tree(SEED_STYLE, first_line=10)
    assert tree.problems == []
    assert tree.stray == []
    (root,) = tree.roots
    assert root.label == "1A Facilities & Physical Infra"
    assert root.line == 10
    assert [c.label for c in root.children] == [
        "A-1 Procurement & Vendor Ops",
        "A-2 Warehouse & Inventory",
    ]
    a1 = root.children[0]
    assert [c.label for c in a1.children] == ["U-V1 Vendor Relations", "Responsibilities:", "KPIs:"]
    assert a1.children[2].children[0].label == "Lead Time ≤ 90 days"
    assert a1.children[2].children[0].line == 17


def test_other_glyphs_and_widths_give_the_same_shape() -> None:
    heavy = SEED_STYLE.replace("├─", "┣━━").replace("└─", "┗━━").replace("│", "┃")
    ascii_ = SEED_STYLE.replace("├─", "|--").replace("└─", "`--").replace("│", "|")
    plus = SEED_STYLE.replace("├─", "+--").replace("└─", "+--")
    expected = _shape(parse_box_tree(SEED_STYLE).roots[0])
    for text in (heavy, ascii_, plus):
        assert _shape(parse_box_tree(text).roots[0]) == expected


def test_four_levels_and_two_space_indentation() -> None:
    text = "Root\n├─ A\n│ ├─ B\n│ │ └─ C\n│ │   └─ D\n└─ E\n"
    (root,) = parse_box_tree(text).roots
    assert _shape(root) == ("Root", [("A", [("B", [("C", [("D", [])])])]), ("E", [])])


def test_broken_indentation_is_reported_and_kept() -> None:
    text = "Root\n├─ A\n├─ B\n  ├─ C\n"
    tree = parse_box_tree(text)
    labels = [node.label for node in tree.roots[0].walk()]
    assert labels == ["Root", "A", "B", "C"]
    text = "Root\n    ├─ A\n  ├─ B\n"
    tree = parse_box_tree(text, first_line=5)
    assert tree.problems == [(7, "'B' is indented to column 3, its siblings to 5")]


def test_box_charts_are_not_trees() -> None:
    chart = "┌──────┐\n│ Lead │\n└──┬───┘\n   ▼\n  Eng\n"
    assert not looks_like_tree(chart)
    assert looks_like_tree(SEED_STYLE)


labels = st.text(st.characters(whitelist_categories=["L", "N"]), min_size=1, max_size=8)


def _trees(depth: int) -> st.SearchStrategy[tuple[str, list[object]]]:
    children = st.just([]) if depth == 0 else st.lists(_trees(depth - 1), max_size=3)
    return st.tuples(labels, children)


def _draw(
    node: tuple[str, list[object]], prefix: str, last: bool, lines: list[str], width: int
) -> None:
    label, children = node
    lines.append(f"{prefix}{'└' if last else '├'}{'─' * width} {label}")
    inner = prefix + (" " if last else "│") + " " * (width + 1)
    for i, child in enumerate(children):
        assert isinstance(child, tuple)
        _draw(child, inner, i == len(children) - 1, lines, width)


@given(_trees(3), st.integers(1, 3))
def test_drawn_trees_parse_back(tree: tuple[str, list[object]], width: int) -> None:
    label, children = tree
    lines = [label]
    for i, child in enumerate(children):
        assert isinstance(child, tuple)
        _draw(child, "", i == len(children) - 1, lines, width)
    (root,) = parse_box_tree("\n".join(lines)).roots

    def shape(node: tuple[str, list[object]]) -> object:
        return (node[0], [shape(c) for c in node[1] if isinstance(c, tuple)])

    assert _shape(root) == shape(tree)
