"""Graphviz DOT export: the org as a digraph, one cluster per top-level group.

Imports ``orgplane.model`` and the exporters' ``_graph``/``_common`` only. Render with
``dot -Tsvg``. Nodes are named by their path (the group's identity), tree edges are solid,
dependency edges dashed from consumer to provider and labelled with what flows; a "with"
dependency is one edge with arrows at both ends. Every ID and label is a quoted string.
"""

from __future__ import annotations

from orgplane.exporters._common import one_line
from orgplane.exporters._graph import dependency_lines, unresolved_dependencies
from orgplane.model import Org, OrgIndex

__all__ = ["export_dot"]

_INDENT = "    "


def export_dot(org: Org, index: OrgIndex) -> str:
    """The org as the text of a Graphviz ``digraph``."""
    root = _node_id(None, org.code)
    title = _quote(f"{org.name} ({org.code})")
    lines = [
        f"digraph {_quote(org.code)} {{",
        f"{_INDENT}graph [rankdir=LR, labelloc=t, label={title}];",
        f'{_INDENT}node [shape=box, style="rounded"];',
        f"{_INDENT}{root} [shape=doubleoctagon, label={_two_lines(org.code, org.name)}];",
    ]
    # Paths are unique in the index, so one cluster name per top-level path is too.
    for top in index.children(None):
        group = index.groups[top]
        lines.append(f"{_INDENT}subgraph {_quote(f'cluster_{top}')} {{")
        lines.append(f"{_INDENT * 2}label={_quote(f'{group.code} {group.name}')};")
        for path in index.subtree(top):
            member = index.groups[path]
            label = _two_lines(member.code, member.name)
            lines.append(f"{_INDENT * 2}{_node_id(path)} [label={label}];")
        lines.append(f"{_INDENT}}}")
    for path in index.groups:
        parent = index.parent(path)
        source = root if parent is None else _node_id(parent)
        lines.append(f"{_INDENT}{source} -> {_node_id(path)};")
    for line in dependency_lines(index):
        attributes = ["style=dashed"]
        if line.both_ways:
            attributes.append("dir=both")
        if line.label.strip():
            attributes.append(f"label={_quote(line.label)}")
        lines.append(
            f"{_INDENT}{_node_id(line.source)} -> {_node_id(line.target)} [{', '.join(attributes)}];"
        )
    for missing in unresolved_dependencies(index):
        why = (
            f"ambiguous: {', '.join(missing.candidates)}" if missing.candidates else "no such group"
        )
        text = f"{missing.path} depends on {missing.dependency.target!r}, not drawn ({why})"
        # A "*/" inside would end the comment early.
        lines.append(f"{_INDENT}/* {one_line(text).replace('*/', '* /')} */")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _node_id(path: str | None, org_code: str = "") -> str:
    # Prefixed so that a top-level group with the org's own code is still its own node.
    return _quote(f"org:{org_code}" if path is None else f"group:{path}")


def _two_lines(code: str, name: str) -> str:
    return _quote(f"{code}\n{name}")


def _quote(text: str) -> str:
    r"""A DOT double-quoted string. Backslashes are doubled because Graphviz reads ``\n``,
    ``\l``, ``\N`` … in labels as escapes; real line breaks become ``\n``, a centred break."""
    escaped = text.strip().replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "\\n".join(part.strip() for part in escaped.splitlines()) + '"'
