"""Dependency-graph rules: cycles among the dependencies of exact groups.

Imports ``model`` and ``rules``. Graph work is iterative (no recursion): an org may have
thousands of groups and tens of thousands of edges.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator

from orgplane.model import Direction, Edge, OrgIndex
from orgplane.rules.builtin._common import BuiltinRule, cleandoc, label
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["DependencyCycle", "strongly_connected"]

#: Most cycles reported for one tangle (a strongly connected set of groups); a dense
#: tangle holds exponentially many, and ten already say what needs untangling.
MAX_CYCLES_PER_TANGLE = 10
#: Tangles of up to this many groups have their cycles listed one by one (depth first);
#: in a larger one, the shortest cycle through each of its first groups is shown.
SMALL_TANGLE = 40
#: Steps (edges followed) spent listing the cycles of one small tangle.
STEP_BUDGET = 100_000
#: Most start groups tried in a large tangle when looking for shortest cycles.
MAX_STARTS_PER_TANGLE = 100


def strongly_connected(successors: list[list[int]]) -> list[list[int]]:
    """Tarjan's strongly connected components of a graph on nodes ``0..n-1``, iteratively."""
    count = len(successors)
    order = [-1] * count  # discovery index
    low = [0] * count
    on_stack = [False] * count
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in range(count):
        if order[root] != -1:
            continue
        work: list[tuple[int, int]] = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                order[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack[node] = True
            descended = False
            edges = successors[node]
            while position < len(edges):
                nxt = edges[position]
                position += 1
                if order[nxt] == -1:
                    work.append((node, position))
                    work.append((nxt, 0))
                    descended = True
                    break
                if on_stack[nxt]:
                    low[node] = min(low[node], order[nxt])
            if descended:
                continue
            if low[node] == order[node]:
                component: list[int] = []
                while True:
                    member = stack.pop()
                    on_stack[member] = False
                    component.append(member)
                    if member == node:
                        break
                components.append(component)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return components


class DependencyCycle(BuiltinRule):
    code = "OP105"
    name = "dependency-cycle"
    severity = Severity.WARNING
    summary = "Groups depend on each other in a cycle."
    doc = cleandoc(
        """
        Dependencies say what a group needs from another ("PVC/GPU from 1B"). When they
        form a cycle — A needs B, B needs C, C needs A — none of these groups can be
        brought up, changed or recovered first, and an outage in one spreads around the
        loop. Only dependencies between the exact groups named count (a squad's
        dependency is not lifted to its department), and `with` dependencies are left
        out: they are mutual by nature. Each cycle is reported once, starting at its
        group with the smallest path, at the dependency that leaves that group; a tangle
        with very many cycles shows its first ten, and the hint says so. Fix it by removing a dependency that
        is not real, or by writing a genuinely mutual interface as `direction: with`.
        Example: `dependency cycle: B-1 → C-2 → B-1` when B-1 takes builds from C-2 and
        C-2 takes clusters from B-1.
        """
    )

    def check(self, context: RuleContext) -> Iterable[Finding]:
        index = context.index
        paths = sorted(index.groups)
        number = {path: i for i, path in enumerate(paths)}
        successors: list[list[int]] = [[] for _ in paths]
        edge_of: dict[tuple[int, int], Edge] = {}
        for edge in index.edges:
            if edge.dependency.direction is Direction.WITH:
                continue
            source, target = number[edge.source], number[edge.target]
            if (source, target) not in edge_of:
                edge_of[source, target] = edge
                successors[source].append(target)
        for component in strongly_connected(successors):
            if len(component) > 1:
                yield from self._report(index, paths, successors, edge_of, sorted(component))

    def _report(
        self,
        index: OrgIndex,
        paths: list[str],
        successors: list[list[int]],
        edge_of: dict[tuple[int, int], Edge],
        tangle: list[int],
    ) -> Iterator[Finding]:
        if len(tangle) <= SMALL_TANGLE:
            cycles, complete = _all_cycles(tangle, successors)
        else:
            cycles, complete = _shortest_cycles(tangle, successors), False
        for number, cycle in enumerate(cycles, 1):
            names = [label(index, paths[node]) for node in cycle]
            edge = edge_of[cycle[0], cycle[1]]
            hint = (
                "remove a dependency that is not real, or write a mutual interface as "
                "'direction: with'"
            )
            if number == len(cycles) and not complete:
                shown = ", ".join(label(index, paths[node]) for node in tangle[:5])
                hint += (
                    f"; these groups are part of a tangle of {len(tangle)} ({shown}"
                    f"{' …' if len(tangle) > 5 else ''}) with more cycles than shown"
                )
            yield self.finding(
                "dependency cycle: " + " → ".join([*names, names[0]]),
                index.groups[edge.declared_by].location("dependencies", edge.index),
                hint=hint,
                subject=paths[cycle[0]],
            )


def _all_cycles(tangle: list[int], successors: list[list[int]]) -> tuple[list[list[int]], bool]:
    """Every elementary cycle of a small tangle (sorted), each once, and whether that is all.

    From each start, only groups after it are visited, so every cycle is found from its
    smallest group and never twice. Depth first and iterative; stops at
    ``MAX_CYCLES_PER_TANGLE`` cycles or ``STEP_BUDGET`` steps, since a dense tangle holds
    exponentially many.
    """
    found: list[list[int]] = []
    allowed = set(tangle)
    steps = 0
    for start in tangle:
        path = [start]
        on_path = {start}
        work = [iter(successors[start])]
        while work:
            for nxt in work[-1]:
                steps += 1
                if steps > STEP_BUDGET:
                    return found, False
                if nxt == start:
                    found.append(list(path))
                    if len(found) == MAX_CYCLES_PER_TANGLE:
                        return found, False
                elif nxt in allowed and nxt not in on_path:
                    path.append(nxt)
                    on_path.add(nxt)
                    work.append(iter(successors[nxt]))
                    break
            else:
                work.pop()
                on_path.discard(path.pop())
        allowed.discard(start)
    return found, True


def _shortest_cycles(tangle: list[int], successors: list[list[int]]) -> list[list[int]]:
    """For a large tangle (sorted): the shortest cycle through each of its first groups."""
    allowed = set(tangle)
    found: list[list[int]] = []
    for start in tangle[:MAX_STARTS_PER_TANGLE]:
        cycle = _shortest_cycle(start, successors, allowed)
        allowed.discard(start)  # as in _all_cycles: each cycle from its smallest group
        if cycle is not None:
            found.append(cycle)
            if len(found) == MAX_CYCLES_PER_TANGLE:
                break
    return found


def _shortest_cycle(start: int, successors: list[list[int]], allowed: set[int]) -> list[int] | None:
    """The shortest cycle through ``start`` using only ``allowed`` nodes, breadth first."""
    came_from: dict[int, int] = {start: -1}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for nxt in successors[node]:
            if nxt == start:
                cycle = [node]
                while came_from[cycle[-1]] != -1:
                    cycle.append(came_from[cycle[-1]])
                cycle.reverse()
                return cycle
            if nxt in allowed and nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return None
