"""The dependency picture (``web.graph``): well-formed, escaped, complete, and linked."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Literal

import pytest

from orgplane.web.graph import GraphNode, dependency_svg

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "Tom & Jerry's <b>",
    "]]><!-- -->",
]
Layout = Literal["wide", "tall"]
LAYOUTS: list[Layout] = ["wide", "tall"]


def _parse(svg: str) -> ET.Element:
    """The picture as XML: it must parse (one unescaped ``<`` or ``&`` would break it)."""
    return ET.fromstring(svg)


def _boxes(root: ET.Element, css: str) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if css in (r.get("class") or "").split()]


def _texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


def _nodes(prefix: str, count: int, *, edge: str = "API") -> list[GraphNode]:
    return [
        GraphNode(f"{prefix}-{i}", f"Group {prefix}{i}", f"/orgs/X/groups/{prefix}-{i}", edge)
        for i in range(1, count + 1)
    ]


@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_names_are_text_not_markup(hostile: str, layout: Layout) -> None:
    center = GraphNode(hostile, hostile)
    left = [GraphNode(hostile, hostile, f"/orgs/X/groups/{hostile}", hostile)]
    right = [GraphNode("B", hostile, None, f"via {hostile}")]
    svg = dependency_svg(center, left, right, layout=layout)
    root = _parse(svg)
    tags = {element.tag.removeprefix(SVG) for element in root.iter()}
    assert tags <= {"svg", "title", "defs", "marker", "path", "rect", "text", "a", "g"}, tags
    assert "<script" not in svg
    assert "<img" not in svg
    assert "<b>" not in svg
    # The names come back as the text they are (shortened to fit, whole in the tooltips).
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert f"{hostile} {hostile}" in titles
    assert any(text.startswith(hostile[:10]) for text in _texts(root))
    (link,) = root.iter(f"{SVG}a")
    assert link.get("href") == f"/orgs/X/groups/{hostile}"
    for element in root.iter():  # no attribute was smuggled in through a quote
        assert not any(name.startswith("on") for name in element.attrib), element.attrib


@pytest.mark.parametrize("layout", LAYOUTS)
def test_one_box_per_group_and_one_line_per_edge(layout: Layout) -> None:
    svg = dependency_svg(
        GraphNode("1B", "Core Cloud"),
        _nodes("D", 5),
        _nodes("E", 3),
        layout=layout,
    )
    root = _parse(svg)
    assert len(_boxes(root, "dependent")) == 5
    assert len(_boxes(root, "dependency")) == 3
    assert len(_boxes(root, "center")) == 1
    edges = [
        p for p in root.iter(f"{SVG}path") if "edge" in (p.get("class") or "").split()
        and "trunk" not in (p.get("class") or "").split()
    ]  # fmt: skip
    assert len(edges) == 8
    assert root.get("aria-label") == "1B: 5 groups depend on it; it depends on 3"
    assert root.get("role") == "img"
    assert f"depgraph {layout}" in (root.get("class") or "")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_boxes_link_to_their_groups_out_of_the_tab_order(layout: Layout) -> None:
    left = [*_nodes("D", 2), GraphNode("<nope>", "not in this org", None, "x")]
    svg = dependency_svg(GraphNode("1B", "Core"), left, _nodes("E", 1), layout=layout)
    root = _parse(svg)
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == [
        "/orgs/X/groups/D-1",
        "/orgs/X/groups/D-2",
        "/orgs/X/groups/E-1",
    ]
    assert all(a.get("tabindex") == "-1" for a in links)  # the page lists them as links
    # The centre and a target outside the org are boxes without a link.
    assert len(list(root.iter(f"{SVG}rect"))) == 5


def test_an_empty_side_is_left_out_of_the_wide_picture() -> None:
    both = _parse(dependency_svg(GraphNode("A", "a"), _nodes("D", 1), _nodes("E", 1)))
    left_only = _parse(dependency_svg(GraphNode("A", "a"), _nodes("D", 1), []))
    alone = _parse(dependency_svg(GraphNode("A", "a"), [], []))
    widths = [int(svg.get("width") or 0) for svg in (both, left_only, alone)]
    assert widths[0] > widths[1] > widths[2] == 220
    assert "cols-3" in (both.get("class") or "")
    assert "cols-1" in (alone.get("class") or "")
    assert alone.get("aria-label") == "A: 0 groups depend on it; it depends on 0"
    assert len(_boxes(alone, "node")) == 1


@pytest.mark.parametrize("layout", LAYOUTS)
def test_boxes_left_out_are_counted(layout: Layout) -> None:
    svg = dependency_svg(
        GraphNode("1Q", "Big"),
        _nodes("D", 14),
        _nodes("E", 2),
        more_dependents=196,
        layout=layout,
    )
    root = _parse(svg)
    assert len(_boxes(root, "dependent")) == 14
    assert "+ 196 more, listed below" in _texts(root)
    assert root.get("aria-label") == "1Q: 210 groups depend on it; it depends on 2"


@pytest.mark.parametrize("layout", LAYOUTS)
def test_long_names_wrap_and_are_kept_whole_in_the_tooltip(layout: Layout) -> None:
    name = "Reliability Automation & Tooling"
    longer = "Reliability Automation & Tooling for Everything Under the Sun and the Moon Too"
    svg = dependency_svg(
        GraphNode("C", "c"),
        [GraphNode("F-5", name, None, "cluster APIs"), GraphNode("F-9", longer, None, "x")],
        [],
        layout=layout,
    )
    root = _parse(svg)
    shown = _texts(root)
    # A name that fits two lines is shown whole, across them; a longer one is cut at
    # the end of its second line, and whole in its box's tooltip.
    assert name in " ".join(shown)  # on one line or two, never cut
    if layout == "wide":
        assert shown[shown.index("Reliability Automation &") + 1] == "Tooling"
    assert any(t.endswith("…") for t in shown), shown
    titles = ["".join(t.itertext()) for t in root.iter(f"{SVG}title")]
    assert f"F-9 {longer}" in titles


def test_every_edge_meets_the_centre_at_its_own_height() -> None:
    """Arrowheads do not pile up on one point: each edge is straight, at its box's
    height, and the centre box is as tall as the column beside it."""
    root = _parse(dependency_svg(GraphNode("1B", "Core"), _nodes("D", 9), _nodes("E", 2)))
    edges = [p.get("d") or "" for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]
    ends = [d.split()[0].split(",")[1] for d in edges]
    assert len(edges) == 11
    assert len(set(ends[:9])) == 9  # nine heights on the left
    assert all(" H" in d and " C" not in d for d in edges)  # straight lines
    (center,) = _boxes(root, "center")
    left = _boxes(root, "dependent")
    top = min(float(r.get("y") or 0) for r in left)
    bottom = max(float(r.get("y") or 0) + float(r.get("height") or 0) for r in left)
    assert float(center.get("y") or 0) == top
    assert float(center.get("y") or 0) + float(center.get("height") or 0) == bottom


def test_two_pictures_on_one_page_do_not_share_ids() -> None:
    wide = _parse(dependency_svg(GraphNode("A", "a"), _nodes("D", 1), [], ids="graph-wide"))
    tall = _parse(
        dependency_svg(GraphNode("A", "a"), _nodes("D", 1), [], layout="tall", ids="graph-tall")
    )
    ids = [e.get("id") for svg in (wide, tall) for e in svg.iter() if e.get("id")]
    assert ids == ["graph-wide-arrow", "graph-tall-arrow"]
    for svg, marker in ((wide, "graph-wide-arrow"), (tall, "graph-tall-arrow")):
        used = {p.get("marker-end") for p in svg.iter(f"{SVG}path") if p.get("marker-end")}
        assert used == {f"url(#{marker})"}
