"""The SVG dependency graph of a group page holds hostile names as text: parsed as XML,
every element and attribute is one the graph itself writes, and the payload comes back
only as character data or inside the attribute values it was given to (titles, links)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from orgplane.web.graph import GraphNode, dependency_svg

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "'><svg onload=alert(1)>",
    "]]><foreignObject><body onload=alert(1)/></foreignObject>",
    "<!--",
    "&lt;script&gt;&amp;",
    "javascript:alert(1)",
    "{{7*7}}</text></svg><script>alert(1)</script>",
    '<a xlink:href="javascript:alert(1)">x</a>',
]
SVG = "{http://www.w3.org/2000/svg}"
#: What the graph draws; anything else came from a name.
ELEMENTS = {"svg", "title", "desc", "defs", "marker", "path", "g", "a", "rect", "text", "line"}
ATTRIBUTE_WORDS = ("on", "style", "src")


def _graphs(payload: str) -> list[str]:
    center = GraphNode(payload[:10], payload, None)
    left = [GraphNode(payload, payload, "/orgs/X/groups/" + payload, payload)]
    right = [
        GraphNode(payload, payload, "/orgs/X/groups/A/" + payload, payload),
        GraphNode("ok", payload, None, payload),
    ]
    return [
        dependency_svg(
            center, left, right, more_dependents=3, more_dependencies=2, layout=layout, ids="g"
        )
        for layout in ("wide", "tall")
    ]


@pytest.mark.parametrize("payload", PAYLOADS, ids=range(len(PAYLOADS)))
def test_hostile_names_stay_text_in_the_dependency_graph(payload: str) -> None:
    for svg in _graphs(payload):
        root = ET.fromstring(svg)  # not well-formed: markup got in
        for element in root.iter():
            tag = element.tag.removeprefix(SVG)
            assert tag in ELEMENTS, (tag, svg)
            for name, value in element.attrib.items():
                local = name.rsplit("}", 1)[-1]
                assert not local.startswith(ATTRIBUTE_WORDS), (name, svg)
                if local == "href":
                    assert not value.strip().lower().startswith("javascript:"), svg
        # The payload is drawn (shortened) as text, never as markup.
        assert "<script" not in svg
        assert "<img" not in svg
        assert "<foreignObject" not in svg
