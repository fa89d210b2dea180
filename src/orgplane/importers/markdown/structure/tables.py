"""Reading tables: breakdown tables of squads and units, role registries, KPI tables.

Imports ``importers.markdown.context``, ``importers.markdown.draft``, ``importers.markdown.structure.columns``,
``importers.markdown.phrases.grammar``, ``importers.markdown.facts.teams`` and ``importers.markdown.document``. A column's
meaning comes from its header words (``importers.markdown.structure.columns``).
"""

from __future__ import annotations

from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import Cell, Table
from orgplane.importers.markdown.draft import KINDS, Draft, add_unique, clean, deeper
from orgplane.importers.markdown.facts.teams import kpi_rows, role_rows, task_rows
from orgplane.importers.markdown.phrases.grammar import (
    parse_dependencies,
    split_code_name,
    split_list,
)
from orgplane.importers.markdown.structure.columns import Column, classify_columns, header_words

__all__ = ["TableReader"]


class TableReader(DocumentReader):
    def _table(self, table: Table, department: Draft | None) -> None:
        roles = classify_columns(table.header)
        target = department.code if department else "org"
        self.claim(table.line, "section", target, " | ".join(table.header))
        for line, message in table.problems:
            self.report.problem(self.loc(line), message)
        if Column.GROUP not in roles and Column.CODE not in roles:
            if self._team_table(table, target):
                return
            if (
                department is not None
                and len(table.header) == 2
                and self._details(table, department)
            ):
                return
            notes = department.notes if department else self.org.notes
            for row in table.rows:
                text = "; ".join(
                    f"{head}: {cell.text}"
                    for head, cell in zip(table.header, row, strict=False)
                    if cell.text
                )
                add_unique(notes, text)
                self.claim(row[0].line if row else table.line, "note", target, text)
            return
        for row in table.rows:
            self._row(table, roles, row, department)

    def _details(self, table: Table, group: Draft) -> bool:
        """A "| **Field** | value |" table about a group: KPIs, stakeholders, mission …"""
        if not all(row[0].bold or row[0].text for row in table.rows):
            return False
        for row in table.rows:
            key, cell = clean(row[0].bold or row[0].text), row[1]
            words = header_words(key)
            items = cell.items if len(cell.items) > 1 else [cell.text.replace("\n", " ")]
            if words & {"kpi", "slo", "objective", "okr", "metric", "target"}:
                for item in items:
                    add_unique(group.kpis, item)
                self.claim(cell.line, "kpi", group.code, cell.text)
            elif words & {"stakeholder", "customer", "consumer"}:
                for item in split_list(cell.text.replace("\n", ", ")):
                    add_unique(group.stakeholders, item)
                self.claim(cell.line, "stakeholder", group.code, cell.text)
            elif words & {"mission", "purpose", "scope", "summary"} and (
                not group.description or cell.text in group.description
            ):
                add_unique(group.description, cell.text)
                self.claim(cell.line, "description", group.code, cell.text)
            else:
                add_unique(group.notes, f"{key}: {cell.text}")
                self.claim(cell.line, "note", group.code, cell.text)
        return True

    def _team_table(self, table: Table, target: str) -> bool:
        """A role registry or roster, or a KPI table; False when the table is neither."""
        found_roles = role_rows(table)
        if found_roles:
            for role in found_roles:
                line = role.pop("line")
                known = self.org.roles.setdefault(
                    role["id"], {"id": role["id"], "name": role["name"]}
                )
                for key, value in role.items():
                    if isinstance(value, list):
                        known.setdefault(key, [])
                        known[key].extend(v for v in value if v not in known[key])
                    else:
                        known.setdefault(key, value)
                self.claim(line, "role", target, role["name"])
            return True
        found_tasks = task_rows(table)
        if found_tasks and target != "org":
            # Sample tasks a group takes on: its request catalog, with the tools they use.
            for task, tools, line in found_tasks:
                self.org.add_catalog(
                    {"name": task, "owner": target, "kind": "offering", "tools": tools}
                )
                self.claim(line, "catalog", target, task)
            return True
        found_kpis = kpi_rows(table)
        if found_kpis:
            for text, note, line in found_kpis:
                if (text, note) not in self.org.kpis:
                    self.org.kpis.append((text, note))
                self.claim(line, "kpi", target, text)
            return True
        return False

    def _row(
        self, table: Table, roles: list[Column], row: list[Cell], department: Draft | None
    ) -> None:
        cells = dict(zip(roles, row, strict=False))
        line = row[0].line if row else table.line
        label = ""
        if Column.GROUP in cells:
            cell = cells[Column.GROUP]
            label = cell.bold or cell.text
        code_cell, name_cell = cells.get(Column.CODE), cells.get(Column.NAME)
        if code_cell is not None:
            name = name_cell.text if name_cell else label
            label = f"{code_cell.text} {name}".strip()
        parsed = split_code_name(clean(label.replace("\n", " ")))
        if not parsed.code:
            text = " | ".join(cell.text for cell in row)
            self.report.problem(self.loc(line), f"table row names no group code: {text[:60]!r}")
            notes = department.notes if department else self.org.notes
            add_unique(notes, text)
            self.claim(line, "note", department.code if department else "org", text)
            return
        kind = KINDS[1] if department is not None else KINDS[0]
        squad = (
            department.child(parsed.code, parsed.name, kind)
            if department
            else self.org.group(parsed.code, parsed.name)
        )
        path = f"{department.code}/{squad.code}" if department else squad.code
        for marker in parsed.markers:
            add_unique(squad.notes, f"Marked ({marker}) in the document")
        self.claim(line, "group", path, label)
        for role, head, cell in zip(roles, table.header, row, strict=False):
            if role in (Column.GROUP, Column.CODE, Column.NAME) or not cell.text:
                continue
            self._cell(role, head, cell, squad, path)

    def _cell(self, role: Column, head: str, cell: Cell, squad: Draft, path: str) -> None:
        items = cell.items if len(cell.items) > 1 else [cell.text.replace("\n", " ")]
        if role is Column.UNITS:
            for item in items:
                unit = split_code_name(item)
                if unit.code is None:
                    add_unique(squad.notes, f"{head}: {item}")
                    self.claim(cell.line, "note", path, item)
                    continue
                squad.child(unit.code, unit.name, deeper(squad.kind))
                self.claim(cell.line, "unit", f"{path}/{unit.code}", item)
        elif role is Column.RESPONSIBILITIES:
            listed = items if len(items) > 1 else split_list(items[0])
            squad.table_responsibilities.extend(
                x for x in listed if x not in squad.table_responsibilities
            )
            add_unique(squad.description, cell.text.replace("\n", "; "))
            self.claim(cell.line, "responsibility", path, cell.text)
        elif role is Column.STACK:
            for item in items if len(items) > 1 else split_list(items[0]):
                add_unique(squad.stack, item)
            self.claim(cell.line, "stack", path, cell.text)
        elif role is Column.KPIS:
            for item in items:
                add_unique(squad.kpis, item)
            self.claim(cell.line, "kpi", path, cell.text)
        elif role is Column.DEPENDENCIES:
            for item in items:
                phrases = parse_dependencies(item)
                if phrases is None:
                    add_unique(squad.notes, f"{head}: {item}")
                    self.report.problem(
                        self.loc(cell.line), f"not a dependency phrase: {item!r} (kept as a note)"
                    )
                    self.claim(cell.line, "note", path, item)
                    continue
                squad.dependencies.extend(p for p in phrases if p not in squad.dependencies)
                self.claim(cell.line, "dependency", path, item)
        elif role is Column.BOUNDARY:
            add_unique(squad.boundaries, cell.text.replace("\n", "; "))
            self.claim(cell.line, "boundary", path, cell.text)
        else:
            add_unique(squad.notes, f"{head}: {cell.text.replace(chr(10), '; ')}")
            self.claim(cell.line, "note", path, cell.text)

    # -- trees --------------------------------------------------------------------------
