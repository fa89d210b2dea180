"""Mermaid ``graph``/``flowchart`` charts drawn as org charts: ``A[Label] --> B[Label]``.

Pure; imports nothing from orgplane. Nodes are written ``ID``, ``ID[Label]``,
``ID(Label)``, ``ID([Label])``, ``ID{Label}`` or ``ID((Label))``; an edge ``-->``,
``---``, ``==>``, ``-.->``, ``-- text -->`` or ``-->|text|`` joins two nodes, with its
text. ``subgraph ID [Title]`` … ``end`` (or ``subgraph Title``) boxes the nodes declared
inside it, and may nest. What an edge means (a parent over a child, or a dependency) is
for the reader to say.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

__all__ = ["MermaidGraph", "looks_like_mermaid", "parse_mermaid"]

_HEAD = re.compile(r"^\s*(?:graph|flowchart)\b", re.I)
_NODE = re.compile(
    r"(?P<id>[A-Za-z_][\w-]*)\s*(?:\[\[(?P<l1>[^\]]*)\]\]|\[\((?P<l2>[^)]*)\)\]|\(\[(?P<l3>[^\]]*)\]\)|"
    r"\(\((?P<l4>[^)]*)\)\)|\[(?P<l5>[^\]]*)\]|\((?P<l6>[^)]*)\)|\{(?P<l7>[^}]*)\})?"
)
_EDGE = re.compile(
    r"\s*(?:-->\|[^|]*\||--\|[^|]*\|>?|--\s*[^->|]+?\s*-->|-->|---|==>|-\.->|-\.-)\s*"
)
_EDGE_TEXT = re.compile(r"\|(?P<a>[^|]*)\||^\s*--\s*(?P<b>[^->|][^->]*?)\s*-->")
_SUBGRAPH = re.compile(
    r"^subgraph\s+(?:(?P<id>[A-Za-z_][\w-]*)\s*\[\s*\"?(?P<title>[^\]\"]*)\"?\s*\]|(?P<bare>.+?))\s*$"
)


@dataclass(slots=True)
class MermaidGraph:
    labels: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    edges: list[tuple[str, str, int]] = field(default_factory=list)
    edge_texts: list[str] = field(default_factory=list)  #: each edge's text ("" for none)
    other: list[int] = field(default_factory=list)  #: lines that are neither node nor edge
    #: subgraph id → the subgraph it sits in ("" at the top); its title is in ``labels``
    subgraphs: dict[str, str] = field(default_factory=dict)
    box: dict[str, str] = field(default_factory=dict)  #: node id → the subgraph it is in


def looks_like_mermaid(info: str, text: str) -> bool:
    first = next((line for line in text.split("\n") if line.strip()), "")
    return (info.strip().lower().startswith("mermaid") and bool(_HEAD.match(first))) or bool(
        _HEAD.match(first) and "-->" in text
    )


def _node(text: str, graph: MermaidGraph, line: int) -> str | None:
    found = _NODE.fullmatch(text.strip().rstrip(";"))
    if found is None:
        return None
    ident = found["id"]
    label = next(
        (found[g] for g in ("l1", "l2", "l3", "l4", "l5", "l6", "l7") if found[g] is not None), None
    )
    if label is not None:
        graph.labels[ident] = label.strip().strip('"').replace("<br>", " ").replace("<br/>", " ")
    graph.labels.setdefault(ident, ident)
    graph.lines.setdefault(ident, line)
    return ident


def _subgraph(body: str, graph: MermaidGraph, line: int, inside: list[str]) -> None:
    found = _SUBGRAPH.match(body)
    title = (found["title"] if found and found["id"] else found["bare"] if found else "") or ""
    title = title.strip().strip('"')
    ident = found["id"] if found and found["id"] else title
    graph.subgraphs[ident] = inside[-1] if inside else ""
    graph.labels[ident] = title or ident
    graph.lines.setdefault(ident, line)
    inside.append(ident)


def parse_mermaid(text: str, first_line: int) -> MermaidGraph:
    graph = MermaidGraph()
    inside: list[str] = []  # the subgraphs the line is in, innermost last
    for offset, raw in enumerate(text.split("\n")):
        line, body = first_line + offset, raw.strip()
        if body.startswith("subgraph"):
            _subgraph(body, graph, line, inside)
            continue
        if body == "end":
            if inside:
                inside.pop()
            continue
        if (
            not body
            or _HEAD.match(body)
            or body.startswith(("%%", "classDef", "class ", "style ", "linkStyle", "direction"))
        ):
            continue
        parts = _EDGE.split(body)
        ids = [_node(part, graph, line) for part in parts if part.strip()]
        if any(i is None for i in ids):
            graph.other.append(line)
            continue
        chain = [i for i in ids if i is not None]
        if inside:
            for ident in chain:
                if ident not in graph.subgraphs:
                    graph.box.setdefault(ident, inside[-1])
        texts = [_edge_text(edge) for edge in _EDGE.findall(body)]
        for (parent, child), what in zip(itertools.pairwise(chain), texts, strict=False):
            graph.edges.append((parent, child, line))
            graph.edge_texts.append(what)
    return graph


def _edge_text(edge: str) -> str:
    found = _EDGE_TEXT.search(edge)
    return ((found["a"] or found["b"] or "") if found else "").strip()
