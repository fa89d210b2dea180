"""Mermaid ``graph``/``flowchart`` charts drawn as org charts: ``A[Label] --> B[Label]``.

Pure; imports nothing from orgplane. Nodes are written ``ID``, ``ID[Label]``,
``ID(Label)``, ``ID([Label])``, ``ID{Label}`` or ``ID((Label))``; an edge ``-->``,
``---``, ``==>``, ``-.->`` or ``-- text -->`` goes from the parent to the child.
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
    r"\s*(?:-->|---|==>|-\.->|-\.-|--\s*[^->]+?\s*-->|--\|[^|]*\|>?|-->\|[^|]*\|)\s*"
)


@dataclass(slots=True)
class MermaidGraph:
    labels: dict[str, str] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    edges: list[tuple[str, str, int]] = field(default_factory=list)
    other: list[int] = field(default_factory=list)  #: lines that are neither node nor edge


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


def parse_mermaid(text: str, first_line: int) -> MermaidGraph:
    graph = MermaidGraph()
    for offset, raw in enumerate(text.split("\n")):
        line, body = first_line + offset, raw.strip()
        if (
            not body
            or _HEAD.match(body)
            or body.startswith(
                ("%%", "classDef", "class ", "style ", "linkStyle", "subgraph", "end", "direction")
            )
        ):
            continue
        parts = _EDGE.split(body)
        ids = [_node(part, graph, line) for part in parts if part.strip()]
        if any(i is None for i in ids):
            graph.other.append(line)
            continue
        chain = [i for i in ids if i is not None]
        for parent, child in itertools.pairwise(chain):
            graph.edges.append((parent, child, line))
    return graph
