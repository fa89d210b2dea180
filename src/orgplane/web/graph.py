"""A group's dependencies drawn as an SVG picture, server-side, with no JavaScript.

Pure; stdlib only. Two layouts of the same picture; the page shows the one that fits:

- ``wide`` (laptops): what depends on the group on the left, the group in the middle,
  what it depends on on the right (a side with nothing on it is left out). The group's
  box is as tall as the rows beside it, so every edge is a straight line at its own
  height, its arrowhead on the box where its line meets it (never one pile of
  arrowheads on one point), and its label on top of the line.
- ``tall`` (phones): one column — what depends on the group, the group, what it depends
  on — each box with its edge's label inside, joined by a trunk line on the left. It is
  readable at a phone's width, where the wide picture would have to shrink to a blur.

Names are never cut: a long one wraps onto a second line (a third is shortened, and the
box's tooltip has it whole). The page says what the colours and arrows mean beside the
picture (``group.html``). Boxes link to their group's page for the mouse; the picture is
one image to assistive technology (its text alternative says what it shows) and its
links are out of the tab order, because the page lists the same groups as ordinary
links below it. Every string from the spec is escaped; ``ids`` keeps the marker of each
picture apart when one page holds both layouts.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

__all__ = ["GraphNode", "dependency_svg", "wrap"]

_WIDTH = 220
_GAP = 14
_MARGIN = 20
_MORE_HEIGHT = 24
_MAX_EDGE_LABEL = 30
#: Lines of a name a box shows.
_NAME_LINES = 2
#: The box: the code's line, then each name line.
_CODE_LINE = 20
_NAME_LINE = 15
_PAD = 10
#: The shortest straight run (an arrowhead needs room even without a label).
_MIN_RUN = 40
#: Generous average advances of the fonts used (DejaVu Sans is wide), per character.
_CHAR_11PX = 6.2
_CHAR_12PX = 6.8
_CHAR_MONO_13PX = 8.2

#: The tall layout: its width, the trunk's x, where boxes start, and their spacing.
_TALL_WIDTH = 320
_TRUNK_X = 12
_TALL_BOX_X = 28
_TALL_GAP = 10
_HEADING = 26

Layout = Literal["wide", "tall"]


@dataclass(frozen=True, slots=True)
class GraphNode:
    """One box: a code, a name, where it links to, and what the edge to it says."""

    code: str
    name: str
    href: str | None = None
    edge: str = ""  #: what is provided along the edge ("PVC/GPU", "SLO")


def _short(text: str, limit: int) -> str:
    limit = max(limit, 2)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def wrap(text: str, width: int, lines: int = _NAME_LINES) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken between words (a word
    longer than a line is broken); past ``lines`` lines the last is shortened with "…"."""
    out: list[str] = []
    line = ""
    for word in text.split():
        while len(word) > width:
            if line:
                out.append(line)
                line = ""
            out.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line = f"{line} {word}"
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > lines:
        rest = " ".join(out[lines - 1 :])
        out = [*out[: lines - 1], _short(rest, width)]
    return out or [""]


def _name_lines(node: GraphNode, width: int) -> list[str]:
    return wrap(node.name, int((width - 24) / _CHAR_12PX))


def _height(nodes: list[GraphNode], width: int) -> int:
    """The height of the boxes of one picture: room for its longest name."""
    lines = max((len(_name_lines(node, width)) for node in nodes), default=1)
    return _CODE_LINE + lines * _NAME_LINE + _PAD


def _box(
    node: GraphNode,
    x: int,
    y: int,
    css: str,
    *,
    width: int = _WIDTH,
    height: int,
    edge: str = "",
) -> str:
    """A box with the node's code and name (and, in the tall layout, its edge's label);
    its text sits in the middle of a box taller than it needs."""
    code = _short(node.code, 24)
    lines = _name_lines(node, width)
    used = _CODE_LINE + len(lines) * _NAME_LINE + _PAD
    top = y + (height - used) // 2
    parts = [
        f'<rect x="{x}" y="{y}" width="{width}" height="{height}" rx="8" class="{css}"/>',
        f'<text x="{x + 12}" y="{top + 19}" class="code">{escape(code)}</text>',
    ]
    for i, line in enumerate(lines):
        parts.append(
            f'<text x="{x + 12}" y="{top + 19 + _NAME_LINE * (i + 1) + 2}" class="name">'
            f"{escape(line)}</text>"
        )
    if edge:
        room = width - 34 - len(code) * _CHAR_MONO_13PX
        parts.append(
            f'<text x="{x + width - 10}" y="{top + 19}" class="edge-label" text-anchor="end">'
            f"{escape(_short(edge, int(room / _CHAR_11PX)))}</text>"
        )
    title = f"<title>{escape(node.code)} {escape(node.name)}</title>"
    if node.href:
        href = escape(node.href, quote=True)
        return f'<a href="{href}" tabindex="-1">{title}{"".join(parts)}</a>'
    return f"<g>{title}{''.join(parts)}</g>"


def _run(nodes: list[GraphNode]) -> int:
    """The straight run of one side's edges: as long as its longest label, and more."""
    longest = max((len(_short(node.edge, _MAX_EDGE_LABEL)) for node in nodes), default=0)
    return max(_MIN_RUN, round(longest * _CHAR_11PX) + 30)


def _column_tops(count: int, top: int, span: int, height: int) -> list[int]:
    used = count * height + max(0, count - 1) * _GAP
    first = top + (span - used) // 2
    return [first + i * (height + _GAP) for i in range(count)]


def _edge_label(text: str, x: int, y: int, anchor: str) -> str:
    if not text:
        return ""
    return (
        f'<text x="{x}" y="{y - 6}" class="edge-label" text-anchor="{anchor}">'
        f"<title>{escape(text)}</title>{escape(_short(text, _MAX_EDGE_LABEL))}</text>"
    )


def _line(points: str, marker: str | None) -> str:
    end = f' marker-end="url(#{marker})"' if marker else ""
    return f'<path d="{points}" class="edge"{end}/>'


def _more(count: int, x: int, y: int, anchor: str = "middle") -> str:
    return (
        f'<text x="{x}" y="{y}" class="more" text-anchor="{anchor}">'
        f"+ {count} more, listed below</text>"
    )


def _wide(
    center: GraphNode,
    dependents: list[GraphNode],
    dependencies: list[GraphNode],
    more_dependents: int,
    more_dependencies: int,
    marker: str,
) -> tuple[int, int, list[str]]:
    left = bool(dependents or more_dependents)
    right = bool(dependencies or more_dependencies)
    left_run, right_run = _run(dependents), _run(dependencies)
    box = _height([center, *dependents, *dependencies], _WIDTH)
    rows = max(len(dependents), len(dependencies), 1)
    body = rows * box + (rows - 1) * _GAP
    extra = _MORE_HEIGHT if more_dependents or more_dependencies else 0
    height = body + 2 * _MARGIN + extra
    mid_x = _WIDTH + left_run if left else 0
    right_x = mid_x + _WIDTH + right_run
    width = right_x + _WIDTH if right else mid_x + _WIDTH
    # The centre box spans the rows beside it: each edge meets it at its own height.
    left_tops = _column_tops(len(dependents), _MARGIN, body, box)
    right_tops = _column_tops(len(dependencies), _MARGIN, body, box)
    tops = [*left_tops, *right_tops]
    mid_top = min(tops, default=_MARGIN + (body - box) // 2)
    mid_bottom = max((t + box for t in tops), default=mid_top + box)

    lines: list[str] = []
    boxes: list[str] = []
    labels: list[str] = []
    for node, top in zip(dependents, left_tops, strict=True):
        y = top + box // 2
        lines.append(_line(f"M{_WIDTH},{y} H{mid_x - 6}", marker))
        labels.append(_edge_label(node.edge, _WIDTH + 8, y, "start"))
        boxes.append(_box(node, 0, top, "node dependent", height=box))
    for node, top in zip(dependencies, right_tops, strict=True):
        y = top + box // 2
        lines.append(_line(f"M{mid_x + _WIDTH},{y} H{right_x - 6}", marker))
        labels.append(_edge_label(node.edge, right_x - 12, y, "end"))
        boxes.append(_box(node, right_x, top, "node dependency", height=box))
    boxes.append(_box(center, mid_x, mid_top, "node center", height=mid_bottom - mid_top))
    if more_dependents:
        labels.append(_more(more_dependents, _WIDTH // 2, height - _MARGIN))
    if more_dependencies:
        labels.append(_more(more_dependencies, right_x + _WIDTH // 2, height - _MARGIN))
    return width, height, lines + boxes + labels


def _tall(
    center: GraphNode,
    dependents: list[GraphNode],
    dependencies: list[GraphNode],
    more_dependents: int,
    more_dependencies: int,
    marker: str,
) -> tuple[int, int, list[str]]:
    width = _TALL_WIDTH
    box_width = width - _TALL_BOX_X
    box = _height([*dependents, *dependencies], box_width)
    lines: list[str] = []
    boxes: list[str] = []
    labels: list[str] = []
    y = 4

    def side(
        nodes: list[GraphNode], more: int, heading: str, css: str, trunk_from: int | None
    ) -> None:
        """One side's heading and boxes from ``y`` down. Inbound (``trunk_from`` is
        None): ticks from the boxes into a trunk that runs down into the centre box,
        which comes next. Outbound: a trunk from ``trunk_from`` (the centre box's
        bottom) with an arrow to each box."""
        nonlocal y
        inbound = trunk_from is None
        if not nodes and not more:
            return
        if not inbound:
            y += 22  # room for the trunk to leave the centre box
        labels.append(
            f'<text x="{_TALL_BOX_X}" y="{y + 16}" class="heading">{escape(heading)}</text>'
        )
        y += _HEADING
        middles = []
        for node in nodes:
            middles.append(y + box // 2)
            boxes.append(
                _box(node, _TALL_BOX_X, y, css, width=box_width, height=box, edge=node.edge)
            )
            y += box + _TALL_GAP
        if more:
            labels.append(_more(more, _TALL_BOX_X + 4, y + 12, "start"))
            y += _MORE_HEIGHT
        for middle in middles:
            if inbound:  # box → trunk
                lines.append(_line(f"M{_TALL_BOX_X},{middle} H{_TRUNK_X}", None))
            else:  # trunk → box
                lines.append(_line(f"M{_TRUNK_X},{middle} H{_TALL_BOX_X - 6}", marker))
        if inbound and middles:  # the trunk down to the centre box, which comes next
            trunk = f"M{_TRUNK_X},{middles[0]} V{y + 16}"
            lines.append(f'<path d="{trunk}" class="edge trunk" marker-end="url(#{marker})"/>')
            y += 22
        if not inbound and middles:
            lines.append(f'<path d="M{_TRUNK_X},{trunk_from} V{middles[-1]}" class="edge trunk"/>')

    total_in = len(dependents) + more_dependents
    side(dependents, more_dependents, f"Depend on {center.code} ({total_in})",
         "node dependent", None)  # fmt: skip
    center_height = _height([center], width)
    boxes.append(_box(center, 0, y, "node center", width=width, height=center_height))
    y += center_height
    total_out = len(dependencies) + more_dependencies
    side(dependencies, more_dependencies, f"{center.code} depends on ({total_out})",
         "node dependency", y)  # fmt: skip
    return width, y + 4, lines + boxes + labels


def dependency_svg(
    center: GraphNode,
    dependents: list[GraphNode],
    dependencies: list[GraphNode],
    *,
    more_dependents: int = 0,
    more_dependencies: int = 0,
    layout: Layout = "wide",
    ids: str = "depgraph",
) -> str:
    """The picture: ``dependents`` (they depend on ``center``) → ``center`` →
    ``dependencies`` (``center`` depends on them). ``more_*`` count the boxes left out of
    a side (the page lists them); the picture says how many. ``ids`` prefixes the ids
    the picture defines (unique per page)."""
    marker = f"{ids}-arrow"
    draw = _wide if layout == "wide" else _tall
    width, height, parts = draw(
        center, dependents, dependencies, more_dependents, more_dependencies, marker
    )
    total_dependents = len(dependents) + more_dependents
    total_dependencies = len(dependencies) + more_dependencies
    summary = (
        f"{center.code}: {total_dependents} "
        f"{'group depends' if total_dependents == 1 else 'groups depend'} on it; "
        f"it depends on {total_dependencies}"
    )
    defs = (
        f'<defs><marker id="{escape(marker, quote=True)}" viewBox="0 0 10 10" refX="8" '
        'refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
        '<path d="M0,0 L10,5 L0,10 z" class="arrowhead"/></marker></defs>'
    )
    if layout == "wide":
        columns = 1 + bool(dependents or more_dependents) + bool(dependencies or more_dependencies)
        css = f"depgraph wide cols-{columns}"
    else:
        css = "depgraph tall"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'aria-label="{escape(summary, quote=True)}">'
        f"<title>{escape(summary)}</title>{defs}{''.join(parts)}</svg>"
    )
