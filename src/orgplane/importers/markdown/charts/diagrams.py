"""Reading the charts of a document: org charts become people, members and reporting
lines; flow charts become workflows.

Imports ``importers.markdown.charts.parser``, ``importers.markdown.context``, ``importers.markdown.draft``,
``importers.markdown.document`` and ``importers.markdown.phrases.grammar``. What a chart is about comes from
its labels (do they name the document's groups or roles?) and its section's title
words (a "flow", "path" or "process"), never from the sample documents' strings.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.markdown.charts.parser import Chart, ChartNode
from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import CodeBlock
from orgplane.importers.markdown.draft import Draft, add_unique, match_name
from orgplane.importers.markdown.phrases.grammar import slug

__all__ = ["DiagramReader"]

_FLOW_WORDS = {
    "flow",
    "path",
    "process",
    "procedure",
    "workflow",
    "lifecycle",
    "pipeline",
    "escalation",
}


def _display(title: str) -> str:
    """A chart label as a name: charts shout ("AUTOMATION ENGINEER"); names don't."""
    return title.title() if title.isupper() else title


def _bare(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)\s*$", "", text).strip()


class DiagramReader(DocumentReader):
    """Reads org charts and flow charts into the org draft."""

    def _chart(self, chart: Chart, block: CodeBlock, title: str, department: Draft | None) -> bool:
        """Read a chart; False when it is about nothing the importer can type."""
        target = department.code if department else "org"
        roles = {key: role["name"] for key, role in self.org.roles.items()}
        groups = {key: draft.name for key, draft in self._all_groups().items()}
        role_of = {i: match_name(node.title, roles) for i, node in enumerate(chart.nodes)}
        group_of = {i: match_name(node.title, groups) for i, node in enumerate(chart.nodes)}
        if set(re.findall(r"[a-z]+", title.casefold())) & _FLOW_WORDS:
            flow = self._workflow(chart, title, roles)
            if flow not in self.org.workflows:  # the same document read twice adds nothing
                taken = {known["id"] for known in self.org.workflows}
                base, n = flow["id"], 1
                while flow["id"] in taken:
                    n += 1
                    flow["id"] = f"{base}-{n}"
                self.org.workflows.append(flow)
            kind = "workflow"
        elif sum(r is not None for r in role_of.values()) >= 2:
            self._reporting_lines(chart, role_of)
            kind = "reporting"
        elif sum(g is not None for g in group_of.values()) >= 2:
            self._people(chart, group_of, roles, department)
            kind = "people"
        else:
            return False
        self.claim(block.line, kind, target, block.text, block.end_line)
        return True

    def _all_groups(self) -> dict[str, Draft]:
        out: dict[str, Draft] = {}
        stack = list(self.org.groups.values())
        while stack:
            draft = stack.pop()
            out.setdefault(draft.code, draft)
            stack.extend(draft.children.values())
        return out

    # -- org charts -----------------------------------------------------------------------

    def _reporting_lines(self, chart: Chart, role_of: dict[int, str | None]) -> None:
        """Roles drawn under roles report to them (to the nearest common one when a role
        hangs under several)."""
        for index, node in enumerate(chart.nodes):
            role = role_of[index]
            if role is None or not node.parents:
                continue
            above = _common_ancestor(chart, node.parents)
            boss = role_of.get(above) if above is not None else None
            if boss is not None and boss != role:
                self.org.roles[role].setdefault("reports_to", boss)

    def _people(
        self,
        chart: Chart,
        group_of: dict[int, str | None],
        roles: dict[str, str],
        department: Draft | None,
    ) -> None:
        """Labels that are not groups are people: members of the group they hang under;
        a person above the groups leads them (the department, or the org)."""
        groups = self._all_groups()
        for index, node in enumerate(chart.nodes):
            if group_of[index] is not None:
                continue
            person = slug(_bare(node.title)) or f"person-{index + 1}"
            entry = self.org.people.setdefault(person, {"id": person, "name": _display(node.title)})
            role = match_name(node.title, roles)
            if role is not None:  # a chart that names a role where a person will be
                entry.setdefault("roles", [role])
            for parent in node.parents:
                code = group_of[parent]
                if code is not None:
                    add_unique(groups[code].members, person)
            if not node.parents and any(group_of[c] is not None for c in chart.children(index)):
                add_unique(department.leads if department else self.org.leads, person)

    # -- flow charts ----------------------------------------------------------------------

    def _workflow(self, chart: Chart, title: str, roles: dict[str, str]) -> dict[str, Any]:
        """The chart's longest paths are its steps; a node off them (an outcome such as
        "Document & Close") becomes an action of the step it hangs under; what starts
        the flow (an unboxed label above everything) is its trigger."""
        nodes = chart.nodes
        depth = _depths(chart)
        height = _heights(chart)
        flow = [i for i in range(len(nodes)) if not nodes[i].side]
        longest = max(depth[i] + height[i] for i in flow)
        on_path = {i for i in flow if depth[i] + height[i] == longest}
        roots = [i for i in chart.roots() if i in on_path]
        trigger = ""
        if len(roots) == 1 and not nodes[roots[0]].items and chart.children(roots[0]):
            starts_boxed = all(nodes[c].boxed for c in chart.children(roots[0]))
            if starts_boxed != nodes[roots[0]].boxed or len(on_path) > 2:
                trigger = nodes[roots[0]].title
                on_path.discard(roots[0])
        actor = {i: self._actor(nodes[i], roles) for i in on_path}
        steps: list[dict[str, Any]] = []
        for index in sorted(on_path):
            actions = list(nodes[index].items)
            for child in chart.children(index):
                label = nodes[child].edge_label.strip("() ")
                if child not in on_path:
                    actions.append(
                        f"{label} → {nodes[child].title}" if label else nodes[child].title
                    )
                elif label:
                    actions.append(f"{label} → {actor[child]}")
            step: dict[str, Any] = {"actor": actor[index]}
            if actions:
                step["actions"] = actions
            steps.append(step)
        workflow: dict[str, Any] = {"id": slug(title) or "workflow", "name": title}
        if trigger:
            workflow["trigger"] = trigger
        workflow["steps"] = steps
        return workflow

    @staticmethod
    def _actor(node: ChartNode, roles: dict[str, str]) -> str:
        key = match_name(node.title, roles)
        return roles[key] if key is not None else _display(node.title)


def _depths(chart: Chart) -> list[int]:
    depth = [0] * len(chart.nodes)
    for index, node in enumerate(chart.nodes):  # nodes run top to bottom: parents first
        above = [depth[p] for p in node.parents if p < index]
        depth[index] = 1 + max(above) if above else 0
    return depth


def _heights(chart: Chart) -> list[int]:
    height = [0] * len(chart.nodes)
    for index in reversed(range(len(chart.nodes))):
        if chart.nodes[index].side:
            continue  # a branch off the flow does not lengthen it
        for parent in chart.nodes[index].parents:
            if parent < index:
                height[parent] = max(height[parent], height[index] + 1)
    return height


def _common_ancestor(chart: Chart, parents: list[int]) -> int | None:
    """The nearest node above all of ``parents`` (the one parent when there is one)."""
    if len(parents) == 1:
        return parents[0]
    lines: list[set[int]] = []
    for parent in parents:
        seen: set[int] = set()
        stack = [parent]
        while stack:
            current = stack.pop()
            if current not in seen:
                seen.add(current)
                stack.extend(chart.nodes[current].parents)
        lines.append(seen)
    shared = set.intersection(*lines)
    return max(shared) if shared else None
