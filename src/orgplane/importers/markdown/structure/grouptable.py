"""Groups drawn as one table with a row per team: "Division | Squad | Owner | Purpose |
Systems | Objectives | Needs", in any order and wording; an empty cell in a parent
column, or one that says so ('"', "〃", "ditto", "same as above"), means "same as
above". A plural level column that lists several groups in a cell ("Division | Head |
Teams") gives the row's group its groups.

Imports ``importers.markdown.document``, ``structure.columns`` (header words),
``structure.outline``, ``structure.names``, ``phrases.grammar`` and ``facts.blocks``.
The rightmost level column is the group, the level columns left of it its parents;
every other column is read by its header, and "Metric | Target" columns make one KPI.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.facts.blocks import metric_columns, metric_table
from orgplane.importers.markdown.phrases.grammar import split_list
from orgplane.importers.markdown.structure.columns import header_words
from orgplane.importers.markdown.structure.names import is_name
from orgplane.importers.markdown.structure.outline import KIND_WORDS, Outline, Piece

__all__ = ["column_facts", "group_columns", "read_group_table"]

_LEVEL_WORDS = {
    "division",
    "department",
    "tribe",
    "area",
    "domain",
    "pillar",
    "stream",
    "org",
    "organization",
    "organisation",
    "unit",
    "business",
    "portfolio",
    "family",
    "group",
    "team",
    "squad",
    "pod",
    "crew",
    "name",
    "subteam",
    "sub",
}
_FACT_COLUMNS: list[tuple[set[str], str]] = [
    ({"interact", "interaction", "mode", "topology"}, "interaction"),
    (
        {"need", "depend", "dependency", "dependencie", "upstream", "relie", "consume", "input"},
        "from",
    ),
    ({"downstream", "consumer", "customer", "serve"}, "to"),
    ({"partner", "interface", "collaborate"}, "with"),
    ({"owner", "lead", "manager", "head", "director", "em", "tl", "dri", "accountable"}, "lead"),
    (
        {
            "objective",
            "kpi",
            "slo",
            "sli",
            "sla",
            "goal",
            "target",
            "metric",
            "okr",
            "success",
            "measure",
            "result",
        },
        "kpi",
    ),
    (
        {
            "purpose",
            "mission",
            "description",
            "about",
            "scope",
            "focus",
            "responsibility",
            "responsibilitie",
            "what",
        },
        "about",
    ),
    ({"system", "service", "run", "own", "stack", "tool", "platform", "component", "tech"}, "runs"),
    ({"contact", "channel", "slack", "pager", "email", "chat", "oncall", "on"}, "contact"),
    ({"size", "people", "headcount", "member", "engineer", "fte"}, "size"),
    ({"code", "id", "abbreviation"}, "code"),
]


def column_facts(header: str) -> str | None:
    words = header_words(header)
    for keys, kind in _FACT_COLUMNS:
        if words & keys:
            return kind
    return None


def group_columns(table: Table) -> list[int]:
    """The level columns, left to right: those whose header is a kind of group (and says
    nothing else a fact column would)."""
    levels = []
    for i, header in enumerate(table.header):
        words = header_words(header)
        if not words or not words <= _LEVEL_WORDS | {"of", "the", "name", "parent"}:
            continue
        if words & (set(KIND_WORDS) | _LEVEL_WORDS) and column_facts(header) is None:
            levels.append(i)
    return levels


#: A parent cell that says "same as above" ('"', "〃", "ditto", "same as above", "^").
_DITTO = re.compile(r"^(?:[\"“”″〃'`^↑]+|ditto|do\.|(?:same\s+)?as\s+above|same)$", re.I)


def _written(text: str) -> str:
    text = text.strip()
    return "" if _DITTO.match(text) else text


def _child_lists(table: Table, column: int) -> bool:
    """Whether a plural level column ("Teams") lists several groups in a cell: then a row
    is about the group left of it, and the listed ones are its groups."""
    if not table.header[column].strip().lower().endswith("s"):
        return False
    listed = [split_list(row[column].text) for row in table.rows if row[column].text.strip()]
    return any(len(names) > 1 for names in listed) and all(
        is_name(name) for names in listed for name in names
    )


def read_group_table(table: Table, outline: Outline) -> bool:
    """Nodes for the rows of a one-row-per-team table; False when it is not one."""
    levels = group_columns(table)
    kpi_columns = metric_columns(table)
    if not levels or (kpi_columns is not None and len(levels) == 1 and levels[0] != 0):
        return False
    facts = {i: column_facts(h) for i, h in enumerate(table.header) if i not in levels}
    if not any(kind for kind in facts.values()) and len(levels) < 2:
        return False
    children = None
    if len(levels) >= 2 and _child_lists(table, levels[-1]):
        children, levels = levels[-1], levels[:-1]
    kpis: dict[int, str] = {}
    if kpi_columns is not None:  # "Metric | Target | Period": one KPI of the three cells
        kpis = {line: text for _, text, line in metric_table(table) or []}
        facts = {i: kind for i, kind in facts.items() if i not in kpi_columns}
    group_column = levels[-1]
    empty = [row[0].line for row in table.rows if not row[group_column].text.strip()]
    if len(empty) * 2 > len(table.rows):
        outline.problems.append(
            (
                table.line,
                f"the group column {table.header[group_column]!r} is empty in {len(empty)} of {len(table.rows)} rows: only rows that name a group were read",
            )
        )
    outline.recognized("table")
    above: dict[int, str] = {}
    for row in table.rows:
        names: list[tuple[int, str]] = []
        for i in levels:
            written = _written(row[i].text)
            text = written or (above.get(i, "") if i != group_column else "")
            if written:
                above[i] = text
                for deeper in levels:
                    if deeper > i:
                        above.pop(deeper, None)
            if text:
                names.append((i, text))
        parent = None
        for i, name in names:
            node = outline.node(name, row[i].line, "table")
            if row[i].text.strip():
                node.pieces.append(Piece("named", row[i].text, row[i].line))
            outline.link(node, parent, "table", row[i].line)
            parent = node
        if parent is None or not names or names[-1][0] != group_column:
            for cell in row:
                if cell.text.strip():
                    outline.problems.append((cell.line, "a row with no group: kept as a note"))
                    break
            continue
        if children is not None:
            for name in split_list(row[children].text):
                child = outline.node(name, row[children].line, "table")
                child.pieces.append(Piece("named", name, row[children].line))
                outline.link(child, parent, "table", row[children].line)
        for i, kind in facts.items():
            cell = row[i]
            if cell.text.strip():
                parent.pieces.append(
                    Piece("cell", (kind or "", table.header[i], cell.text), cell.line)
                )
        if row[0].line in kpis:
            parent.pieces.append(Piece("cell", ("kpi", "", kpis[row[0].line]), row[0].line))
    return True
