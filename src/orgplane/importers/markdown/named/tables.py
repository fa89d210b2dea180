"""Tables of a named document about how its groups work: on-call rotations and the
group they are for (the one group their "Teams" cell names, or the group whose groups it
names), escalation ladders, Team Topologies interactions, dependency matrices and
"Metric | Goal" tables of KPIs per group.

Imports ``document``, ``draft``, ``facts.blocks``, ``facts.oncall`` and ``named.base``.
"""

from __future__ import annotations

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.draft import add_unique
from orgplane.importers.markdown.facts.blocks import metric_table
from orgplane.importers.markdown.facts.oncall import (
    dependency_matrix,
    escalation_steps,
    interactions,
    rotations,
)
from orgplane.importers.markdown.named.base import NamedBase
from orgplane.importers.markdown.structure.outline import Node

__all__ = ["NamedTables"]


class NamedTables(NamedBase):
    """Reads the tables outside a group's shape and finishes the rotations."""

    def _table(self, table: Table, owner: Node | None) -> None:
        pairs = interactions(table)
        if pairs is not None:
            for first, second, direction, mode, line in pairs:
                node = self._resolve(first, line)
                if node is not None:
                    self._deps.append((node, second, mode, direction, line))
                    self.claim(line, "dependency", self.paths[id(node)], f"{first} {mode} {second}")
                else:
                    self._note(owner, line, f"{first} | {second} | {mode}")
            self.claim(table.line, "dependency", "org", " | ".join(table.header))
            self.outline.recognized("interaction table")
            return
        found = rotations(table)
        if found is not None:
            self.outline.recognized("on-call table")
            for rotation, teams, line in found:
                covered = self._covered(rotation["name"], teams, line)
                if covered is not None:
                    rotation["group"] = self.paths[id(covered)]
                elif teams:
                    add_unique(
                        self.org.notes, f"Rotation {rotation['name']!r} covers: {', '.join(teams)}"
                    )
                self._rotations.append(rotation)
                self.claim(line, "oncall", "org", rotation["name"])
            self.claim(table.line, "oncall", "org", " | ".join(table.header))
            return
        marks = dependency_matrix(table)
        if marks is not None and all(
            self._resolve(name, table.line, quiet=True) is not None
            for name in {*(r for r, _, _ in marks), *(c for _, c, _ in marks)}
        ):
            self.outline.recognized("dependency matrix")
            for first, second, line in marks:
                node = self._resolve(first, line)
                if node is not None:
                    self._deps.append((node, second, "", "from", line))
            for row in table.rows:
                self.claim(row[0].line, "dependency", "org", " | ".join(c.text for c in row))
            self.claim(table.line, "dependency", "org", " | ".join(table.header))
            return
        steps = escalation_steps(table)
        if steps is not None:
            self.outline.recognized("escalation table")
            self._escalations.append((table, steps))
            return
        rows = metric_table(table)
        if rows is not None and all(group >= 0 for group, _, _ in rows):
            for group, text, line in rows:
                row = next(r for r in table.rows if r[0].line == line)
                node = self._resolve(row[group].text, line)
                if node is not None:
                    add_unique(self.drafts[id(node)].kpis, text)
                    self.claim(line, "kpi", self.paths[id(node)], text)
                else:
                    self._note(owner, line, text)
            return
        for row in table.rows:
            text = " | ".join(cell.text for cell in row)
            self._note(owner, row[0].line if row else table.line, text)
        self.claim(table.line, "note", self._target(owner), " | ".join(table.header))

    # -- rotations and escalation -------------------------------------------------------

    def _covered(self, name: str, teams: list[str], line: int) -> Node | None:
        """The group a rotation is for: the one group its "Teams" cell names, or the group
        whose groups are exactly the ones it names ("Booking, Maps" → Rider Experience).
        Groups that are not all of one group's are a finding: a rotation has one group."""
        nodes = [self._resolve(team, line, quiet=True) for team in teams]
        if not nodes or any(node is None for node in nodes):
            return None
        covered = {id(node): node for node in nodes if node is not None}
        if len(covered) == 1:
            return next(iter(covered.values()))
        parents = {id(node.parent): node.parent for node in covered.values()}
        parent = next(iter(parents.values())) if len(parents) == 1 else None
        if parent is not None and set(covered) == {id(child) for child in parent.children}:
            return parent
        self.report.problem(
            self.loc(line),
            f"on-call rotation {name!r} covers {', '.join(teams)}, which are not all the groups "
            "of one group: a rotation is for one group, so it is kept without one (page it by "
            "its id)",
        )
        return None

    def _finish_rotations(self) -> None:
        for table, steps in self._escalations:
            if self._rotations:
                for rotation in self._rotations:
                    rotation["escalation"] = [dict(step) for step in steps]
                for row in table.rows:
                    self.claim(row[0].line, "oncall", "org", " | ".join(c.text for c in row))
                self.claim(table.line, "oncall", "org", " | ".join(table.header))
            else:
                ladder = "; ".join(f"{s['to']} after {s['after_minutes']} min" for s in steps)
                self._note(None, table.line, f"Escalation: {ladder}", table.end_line)
        for rotation in self._rotations:
            if rotation not in self.org.rotations:
                self.org.rotations.append(rotation)
