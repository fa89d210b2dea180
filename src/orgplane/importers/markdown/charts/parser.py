"""A parser for the charts org documents draw in code blocks: org charts and flow charts.

Pure; imports only ``importers.markdown.structure.boxtree`` (to leave indented trees to it). Where ``boxtree`` reads indented trees (``├──``), this reads
two-dimensional drawings: labels (plain text, or boxes drawn with corners) joined by
connector lines and arrows. It reads the shape, not the words:

- a box (``┌─┐ │ │ └─┘``, any corner family) is one node; its lines before the first
  bullet are its title, bullet lines (``•``, ``-``, ``*``) its items;
- plain text is a node; text on consecutive lines that overlaps in columns is one
  label ("Data Platform" over "Team");
- connectors are cells of box-drawing glyphs, arrows and ``|``/``+``; each connected
  run of them is an edge bundle: the nodes touching it from above are the parents,
  the nodes touching it from below (or that an arrow points at) are the children;
- text that sits beside a connector ("▼ (Requires specialist)", "├── Resolved ──►")
  labels the edge, for the child on its row or the next child below it.

Documents draw boxes by hand, so a box's right border may be off by a column or two.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import deque
from dataclasses import dataclass, field
from itertools import groupby

from orgplane.importers.markdown.structure.boxtree import looks_like_tree

__all__ = ["Chart", "ChartNode", "parse_chart"]

# ASCII boxes ("+----+", "|", "+----+") count as boxes too.
_TOP_LEFT = set("┌╭╔┏+")
_TOP_RIGHT = set("┐╮╗┓+")
_BOTTOM_LEFT = set("└╰╚┗+")
_BOTTOM_RIGHT = set("┘╯╝┛+")
_VERTICAL_BORDER = set("│║┃├┤╟╢┣┫|")
_HORIZONTAL_BORDER = set("─═━┬┴┼╤╧╪┳┻╋-=")
_RIGHT_ARROWS = set("►▶→⟶>")
_LEFT_ARROWS = set("◄◀←⟵<")
_ARROWS = set("►▶→⟶◄◀←⟵▼▲↓↑")
_BULLET = re.compile(r"^[•·*-]\s+")
_RUN = re.compile(r"\S+(?: \S+)*")


def _is_glyph(ch: str) -> bool:
    return "\u2500" <= ch <= "\u257f" or ch in _ARROWS or ch in "|+"


@dataclass(slots=True)
class ChartNode:
    """One labelled node: a box or a plain label, with the edges into it."""

    title: str
    line: int  #: 1-based line of the node's first row in the source document
    end_line: int
    items: list[str] = field(default_factory=list)  #: a box's bullet lines, joined
    parents: list[int] = field(default_factory=list)  #: indexes into ``Chart.nodes``
    edge_label: str = ""  #: the text written on the edge into this node
    boxed: bool = False
    side: bool = False  #: an arrow points at it from its own row (a branch off the flow)


@dataclass(slots=True)
class Chart:
    """A parsed chart: its nodes top to bottom, and the edge labels it read."""

    nodes: list[ChartNode]
    # Built on the first ``children`` call: a scan per call is quadratic on a long chart.
    _children: dict[int, list[int]] | None = field(default=None, repr=False, compare=False)

    def roots(self) -> list[int]:
        return [i for i, node in enumerate(self.nodes) if not node.parents]

    def children(self, index: int) -> list[int]:
        if self._children is None:
            self._children = {}
            for i, node in enumerate(self.nodes):
                for parent in dict.fromkeys(node.parents):
                    self._children.setdefault(parent, []).append(i)
        return list(self._children.get(index, ()))

    def edges(self) -> int:
        return sum(len(node.parents) for node in self.nodes)


@dataclass(slots=True)
class _Label:
    cells: list[tuple[int, int]]
    rows: list[tuple[int, int, int, str]]  #: (row, start col, end col, text)
    box: tuple[int, int, int, int] | None = None  #: top, left, bottom, right


class _Grid:
    def __init__(self, text: str) -> None:
        self.lines = [line.rstrip() for line in text.splitlines()]
        self.height = len(self.lines)

    def at(self, row: int, col: int) -> str:
        if 0 <= row < self.height and 0 <= col < len(self.lines[row]):
            return self.lines[row][col]
        return " "


def _box_at(grid: _Grid, top: int, left: int) -> tuple[int, int, int, int] | None:
    """The box whose top-left corner is at (top, left), as (top, left, bottom, right)."""
    col = left + 1
    while grid.at(top, col) in _HORIZONTAL_BORDER:
        col += 1
    if grid.at(top, col) not in _TOP_RIGHT or col == left + 1:
        return None
    right = col
    for row in range(top + 1, grid.height):
        first = grid.at(row, left)
        if first in _BOTTOM_LEFT:
            if _border_near(grid, row, right, _BOTTOM_RIGHT) is None:
                return None
            return top, left, row, right
        if (
            first not in _VERTICAL_BORDER
            or _border_near(grid, row, right, _VERTICAL_BORDER) is None
        ):
            return None
    return None


def _border_near(grid: _Grid, row: int, col: int, glyphs: set[str]) -> int | None:
    for delta in (0, 1, -1, 2, -2):
        if grid.at(row, col + delta) in glyphs:
            return col + delta
    return None


def _boxes(grid: _Grid) -> list[_Label]:
    out: list[_Label] = []
    for row, line in enumerate(grid.lines):
        for col, ch in enumerate(line):
            if ch not in _TOP_LEFT:
                continue
            box = _box_at(grid, row, col)
            if box is None:
                continue
            top, left, bottom, right = box
            cells: list[tuple[int, int]] = []
            rows: list[tuple[int, int, int, str]] = []
            for r in range(top, bottom + 1):
                edge = (
                    right if r in (top, bottom) else _border_near(grid, r, right, _VERTICAL_BORDER)
                )
                assert edge is not None
                cells.extend((r, c) for c in range(left, edge + 1))
                if top < r < bottom:
                    inner = grid.lines[r][left + 1 : edge]
                    rows.append((r, left + 1, edge - 1, inner.strip()))
            out.append(_Label(cells, rows, box))
    return out


def _runs(grid: _Grid, taken: set[tuple[int, int]]) -> list[tuple[int, int, int, str]]:
    """Plain text runs (words joined by single spaces) outside boxes, as (row, start, end, text)."""
    out: list[tuple[int, int, int, str]] = []
    for row, line in enumerate(grid.lines):
        masked = "".join(
            " " if (row, col) in taken or _is_glyph(ch) else ch for col, ch in enumerate(line)
        )
        out.extend((row, m.start(), m.end() - 1, m.group()) for m in _RUN.finditer(masked))
    return out


def _beside_glyph(grid: _Grid, run: tuple[int, int, int, str]) -> bool:
    """True when a run labels an edge: it sits on a connector's row, at most two spaces
    from it, and no arrow points at it (the text an arrow points at is a node)."""
    row, start, end, _ = run
    before = grid.lines[row][max(0, start - 3) : start].rstrip()[-1:]
    after = grid.lines[row][end + 1 : end + 4].lstrip()[:1]
    if (before and before in _RIGHT_ARROWS) or (after and after in _LEFT_ARROWS):
        return False
    return any(_is_glyph(ch) for ch in before + after)


def parse_chart(text: str, first_line: int = 1) -> Chart | None:
    """Parse one code block as a chart; None when it draws no edge between two labels,
    or when it is an indented tree (``boxtree`` reads those)."""
    if looks_like_tree(text):
        return None
    grid = _Grid(text)
    labels = _boxes(grid)
    owner: dict[tuple[int, int], int] = {}
    for index, label in enumerate(labels):
        for cell in label.cells:
            owner.setdefault(cell, index)
    edge_texts: list[tuple[int, int, int, str]] = []
    plain: list[tuple[int, int, int, str]] = []
    for run in _runs(grid, set(owner)):
        (edge_texts if _beside_glyph(grid, run) else plain).append(run)
    labels.extend(_join_runs(sorted(plain)))
    for index, label in enumerate(labels):
        for cell in label.cells:
            owner.setdefault(cell, index)

    texts = {(run[0], col): run for run in edge_texts for col in range(run[1], run[2] + 1)}
    parents: dict[int, set[int]] = {}
    edge_label: dict[int, str] = {}
    side: set[int] = set()
    seen: set[tuple[int, int]] = set()
    for row, line in enumerate(grid.lines):
        for col, ch in enumerate(line):
            if (row, col) in seen or (row, col) in owner or not _is_glyph(ch):
                continue
            above, below, texts_beside = _bundle(grid, owner, texts, (row, col), seen)
            edge_texts_of = _EdgeTexts(texts_beside)
            for child, label_row in below:
                found = parents.setdefault(child, set())
                found.update(a for a in above if a != child)
                child_row = labels[child].rows[0][0] if labels[child].box is None else -1
                if label_row == child_row:
                    side.add(child)
                text = edge_texts_of.for_child(label_row, labels[child].rows[0][0])
                if text and child not in edge_label:
                    edge_label[child] = text
    if not any(parents.values()):
        return None

    order = sorted(range(len(labels)), key=lambda i: (labels[i].rows[0][0], labels[i].rows[0][1]))
    position = {old: new for new, old in enumerate(order)}
    nodes: list[ChartNode] = []
    for old in order:
        label = labels[old]
        title, items = _title_items(
            [text for _, _, _, text in label.rows], boxed=label.box is not None
        )
        top = label.box[0] if label.box else label.rows[0][0]
        bottom = label.box[2] if label.box else label.rows[-1][0]
        nodes.append(
            ChartNode(
                title=title,
                line=first_line + top,
                end_line=first_line + bottom,
                items=items,
                parents=sorted(position[p] for p in parents.get(old, ())),
                edge_label=edge_label.get(old, ""),
                boxed=label.box is not None,
                side=old in side,
            )
        )
    return Chart(nodes)


def _join_runs(runs: list[tuple[int, int, int, str]]) -> list[_Label]:
    """Plain runs (sorted) on consecutive rows that overlap in columns are one label; a run
    joins the earliest label whose last run, on the row above, overlaps it.

    The candidates are only the labels ending on the row above, sorted by column (their
    last runs do not overlap), so each run looks at the few it overlaps: linear in the
    runs, where comparing each run with every open label was quadratic on a long line."""
    out: list[_Label] = []
    # Labels whose last run is on the row above: (start, end, creation order, label).
    previous: list[tuple[int, int, int, _Label]] = []
    previous_row = -2
    for row, row_runs in groupby(runs, key=lambda run: run[0]):
        if row != previous_row + 1:
            previous = []
        ends = [item[1] for item in previous]
        taken: set[int] = set()
        current: list[tuple[int, int, int, _Label]] = []
        for run in row_runs:
            _, start, end, _ = run
            joined: tuple[int, _Label] | None = None
            index = bisect_left(ends, start)
            while index < len(previous) and previous[index][0] <= end:
                _, _, order, label = previous[index]
                if order not in taken and (joined is None or order < joined[0]):
                    joined = (order, label)
                index += 1
            if joined is None:
                joined = (len(out), _Label([], []))
                out.append(joined[1])
            else:
                taken.add(joined[0])
            order, label = joined
            label.rows.append(run)
            label.cells.extend((row, c) for c in range(start, end + 1))
            current.append((start, end, order, label))
        previous, previous_row = current, row
    return out


def _bundle(
    grid: _Grid,
    owner: dict[tuple[int, int], int],
    texts: dict[tuple[int, int], tuple[int, int, int, str]],
    start: tuple[int, int],
    seen: set[tuple[int, int]],
) -> tuple[set[int], list[tuple[int, int]], list[tuple[int, str]]]:
    """One connected run of connector cells (and the edge texts beside it): the labels
    above it, the labels below or pointed at (with the row of the pointing cell), and
    its edge texts (row, text)."""
    above: set[int] = set()
    below: list[tuple[int, int]] = []
    side: list[tuple[int, str]] = []
    # Sets beside the lists (which keep the order): a bundle may touch thousands of labels.
    below_seen: set[int] = set()
    side_seen: set[tuple[int, str]] = set()
    queue = deque([start])
    seen.add(start)
    while queue:
        row, col = queue.popleft()
        ch = grid.at(row, col)
        run = texts.get((row, col))
        if run is not None and (run[0], run[3]) not in side_seen:
            side_seen.add((run[0], run[3]))
            side.append((run[0], run[3]))
        up, down = owner.get((row - 1, col)), owner.get((row + 1, col))
        if down is None and ch in "▼↓" and grid.at(row + 1, col) == " ":
            # Hand-drawn arrows land a column or two off their label.
            near = (owner.get((row + 1, col + d)) for d in (1, -1, 2, -2))
            down = next((found for found in near if found is not None), None)
        if run is None and up is not None:
            above.add(up)
        if run is None and down is not None and down not in below_seen:
            below_seen.add(down)
            below.append((down, row))
        if ch in _RIGHT_ARROWS or ch in _LEFT_ARROWS:
            step = 1 if ch in _RIGHT_ARROWS else -1
            for distance in (1, 2, 3):
                target = owner.get((row, col + step * distance))
                if target is not None:
                    if target not in below_seen:
                        below_seen.add(target)
                        below.append((target, row))
                    break
                if grid.at(row, col + step * distance) != " ":
                    break
        for r, c in _neighbours(grid, row, col, texts):
            if (r, c) not in seen and (r, c) not in owner:
                seen.add((r, c))
                queue.append((r, c))
    return above, below, side


def _neighbours(
    grid: _Grid, row: int, col: int, texts: dict[tuple[int, int], tuple[int, int, int, str]]
) -> list[tuple[int, int]]:
    near = [(row - 1, col), (row + 1, col), (row, col - 1), (row, col + 1)]
    out = [(r, c) for r, c in near if _is_glyph(grid.at(r, c)) or (r, c) in texts]
    # An edge text and its connector reach each other across up to two spaces.
    here_is_text = (row, col) in texts
    for step in (-1, 1):
        for distance in (2, 3):
            if any(grid.at(row, col + step * d) != " " for d in range(1, distance)):
                break
            cell = (row, col + step * distance)
            if (cell in texts) != here_is_text and (cell in texts or _is_glyph(grid.at(*cell))):
                out.append(cell)
    return out


class _EdgeTexts:
    """A bundle's edge texts, indexed by row: a bundle may have one per row of a long
    chart and a child per row, and scanning them all per child is quadratic."""

    def __init__(self, side: list[tuple[int, str]]) -> None:
        self._last: dict[int, str] = {}  # row -> the last text on it
        self._greatest: dict[int, str] = {}  # row -> its greatest text (as max() chose)
        for row, text in side:
            self._last[row] = text
            if row not in self._greatest or text > self._greatest[row]:
                self._greatest[row] = text
        self._rows = sorted(self._greatest)

    def for_child(self, pointed_row: int, child_row: int) -> str:
        """The edge text for a child: on the row that points at it, else the nearest above it."""
        if pointed_row == child_row and pointed_row in self._last:
            return self._last[pointed_row]
        index = bisect_left(self._rows, child_row)
        return self._greatest[self._rows[index - 1]] if index else ""


def _title_items(lines: list[str], *, boxed: bool) -> tuple[str, list[str]]:
    """A box's title (lines before the first bullet) and its bullet items (continuations joined)."""
    title: list[str] = []
    items: list[str] = []
    for line in lines:
        if not line:
            continue
        bullet = _BULLET.match(line) if boxed else None
        if bullet is not None:
            items.append(line[bullet.end() :].strip())
        elif items:
            items[-1] = f"{items[-1]} {line.strip()}"
        else:
            title.append(line.strip())
    return " ".join(title), items
