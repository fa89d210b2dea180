"""Mermaid flowchart export: a node per group, solid tree edges, dashed dependency edges.

Imports ``orgplane.model`` and the exporters' ``_graph``/``_common`` only. Paste the output
into any Markdown renderer that understands ```` ```mermaid ```` blocks (GitHub, GitLab).
Dependency edges point from consumer to provider, labelled with what flows; a "with"
dependency is one edge with arrows at both ends.
"""

from __future__ import annotations

import re

from orgplane.exporters._common import group_label, one_line
from orgplane.exporters._graph import dependency_lines, unresolved_dependencies
from orgplane.model import Org, OrgIndex

__all__ = ["DIRECTIONS", "export_mermaid"]

#: Flowchart directions Mermaid accepts: left to right, top down, and the reverses.
DIRECTIONS = ("LR", "TD", "TB", "RL", "BT")
_ROOT_ID = "org"
_UNSAFE_ID_CHARS = re.compile(r"[^A-Za-z0-9_]")
# Mermaid reads "#name;" and "#123;" as entity codes, so "#" itself must be one too;
# "|" would end an edge label.
_LABEL_ESCAPES = {
    "#": "#35;",
    '"': "#quot;",
    "<": "#lt;",
    ">": "#gt;",
    "`": "#96;",
    "|": "#124;",
}
_BRACES = re.compile(r"[{}]")
_LABEL_ESCAPE = re.compile("|".join(re.escape(char) for char in _LABEL_ESCAPES))


def export_mermaid(org: Org, index: OrgIndex, *, direction: str = "LR") -> str:
    """The org as a Mermaid ``flowchart`` (``direction`` one of ``DIRECTIONS``)."""
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    ids = _node_ids(list(index.groups))
    lines = [f"flowchart {direction}"]
    lines.append(f"    {_ROOT_ID}{{{{{_label(f'{org.code} {org.name}')}}}}}")
    lines.extend(
        f"    {ids[path]}[{_label(group_label(group))}]" for path, group in index.groups.items()
    )
    for path in index.groups:
        parent = index.parent(path)
        lines.append(f"    {_ROOT_ID if parent is None else ids[parent]} --> {ids[path]}")
    for line in dependency_lines(index):
        arrow = "<-.->" if line.both_ways else "-.->"
        label = f"|{_label(line.label)}|" if line.label.strip() else ""
        lines.append(f"    {ids[line.source]} {arrow}{label} {ids[line.target]}")
    for missing in unresolved_dependencies(index):
        why = (
            f"ambiguous: {', '.join(missing.candidates)}" if missing.candidates else "no such group"
        )
        text = f"{missing.path} depends on {missing.dependency.target!r}, not drawn ({why})"
        # Braces in a comment can be taken for a directive ("%%{init}%%").
        lines.append(f"    %% {_BRACES.sub('', one_line(text))}")
    return "\n".join(lines) + "\n"


def _node_ids(paths: list[str]) -> dict[str, str]:
    """A Mermaid-safe id per path, readable (``g_1C_C_5``) and unique even when two paths
    differ only in characters that are not safe (``C-5`` and ``C_5``)."""
    ids: dict[str, str] = {}
    taken = {_ROOT_ID}
    for path in paths:
        base = "g_" + _UNSAFE_ID_CHARS.sub("_", path)
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}_{n}"
        taken.add(candidate)
        ids[path] = candidate
    return ids


def _label(text: str) -> str:
    escaped = _LABEL_ESCAPE.sub(lambda match: _LABEL_ESCAPES[match.group()], one_line(text))
    return f'"{escaped}"'
