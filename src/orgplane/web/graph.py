"""A group's dependencies drawn as an SVG picture, server-side, with no JavaScript.

Pure; stdlib only. The group sits in the middle; what depends on it on the left, what
it depends on on the right; each edge carries what is provided. Every node links to its
group's page, and the picture has a text alternative for screen readers.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

__all__ = ["GraphNode", "dependency_svg"]

_WIDTH = 200
_HEIGHT = 46
_GAP = 14
_COLUMN_GAP = 150
_MAX_LABEL = 26


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One box: a code, a name, where it links to, and what the edge to it says."""

    code: str
    name: str
    href: str | None = None
    edge: str = ""  #: what is provided along the edge ("PVC/GPU", "SLO")


def _short(text: str, limit: int = _MAX_LABEL) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _box(node: GraphNode, x: int, y: int, css: str) -> str:
    label = (
        f'<rect x="{x}" y="{y}" width="{_WIDTH}" height="{_HEIGHT}" rx="8" class="{css}"/>'
        f'<text x="{x + 12}" y="{y + 19}" class="code">{escape(_short(node.code, 22))}</text>'
        f'<text x="{x + 12}" y="{y + 36}" class="name">{escape(_short(node.name))}</text>'
    )
    title = f"<title>{escape(node.code)} {escape(node.name)}</title>"
    if node.href:
        return f'<a href="{escape(node.href, quote=True)}">{title}{label}</a>'
    return f"<g>{title}{label}</g>"


def _column_tops(count: int, height: int) -> list[int]:
    used = count * _HEIGHT + max(0, count - 1) * _GAP
    top = (height - used) // 2
    return [top + i * (_HEIGHT + _GAP) for i in range(count)]


def _edge(x1: int, y1: int, x2: int, y2: int, text: str, *, label_at_start: bool) -> str:
    """A curve from (x1, y1) to (x2, y2); its label sits beside the outer box, where the
    curves are still apart, not in the middle where they meet."""
    middle = (x1 + x2) // 2
    path = f"M{x1},{y1} C{middle},{y1} {middle},{y2} {x2 - 6},{y2}"
    dashed = " indirect" if text.startswith("via ") else ""
    out = f'<path d="{path}" class="edge{dashed}" marker-end="url(#arrow)"/>'
    if text:
        tx, ty = (x1 + 8, y1 - 5) if label_at_start else (x2 - 8, y2 - 5)
        anchor = "start" if label_at_start else "end"
        out += (
            f'<text x="{tx}" y="{ty}" class="edge-label" text-anchor="{anchor}">'
            f"{escape(_short(text, 24))}</text>"
        )
    return out


def dependency_svg(
    center: GraphNode, dependents: list[GraphNode], dependencies: list[GraphNode]
) -> str:
    """The picture: ``dependents`` (they depend on ``center``) → ``center`` →
    ``dependencies`` (``center`` depends on them)."""
    rows = max(len(dependents), len(dependencies), 1)
    height = rows * _HEIGHT + (rows - 1) * _GAP + 40
    width = 3 * _WIDTH + 2 * _COLUMN_GAP
    left_x, mid_x, right_x = 0, _WIDTH + _COLUMN_GAP, 2 * (_WIDTH + _COLUMN_GAP)
    mid_y = (height - _HEIGHT) // 2
    parts: list[str] = []
    for node, top in zip(dependents, _column_tops(len(dependents), height), strict=True):
        parts.append(
            _edge(
                left_x + _WIDTH,
                top + _HEIGHT // 2,
                mid_x,
                mid_y + _HEIGHT // 2,
                node.edge,
                label_at_start=True,
            )
        )
        parts.append(_box(node, left_x, top, "node dependent"))
    for node, top in zip(dependencies, _column_tops(len(dependencies), height), strict=True):
        parts.append(
            _edge(
                mid_x + _WIDTH,
                mid_y + _HEIGHT // 2,
                right_x,
                top + _HEIGHT // 2,
                node.edge,
                label_at_start=False,
            )
        )
        parts.append(_box(node, right_x, top, "node dependency"))
    parts.append(_box(center, mid_x, mid_y, "node center"))
    summary = (
        f"{center.code}: {len(dependents)} groups depend on it; it depends on {len(dependencies)}"
    )
    defs = (
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
        'class="arrowhead"/></marker></defs>'
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="depgraph" role="img" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(summary, quote=True)}">'
        f"<title>{escape(summary)}</title>{defs}{''.join(parts)}</svg>"
    )
