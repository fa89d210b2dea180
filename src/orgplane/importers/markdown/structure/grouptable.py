"""Groups drawn as one table with a row per team: "Division | Squad | Owner | Purpose |
Systems | Objectives | Needs", in any order and wording; an empty cell in a parent
column means "same as above".

Imports ``importers.markdown.document``, ``structure.columns`` (header words),
``structure.outline`` and ``facts.blocks``. The rightmost level column is the group,
the level columns left of it its parents; every other column is read by its header.
"""

from __future__ import annotations

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.facts.blocks import metric_table
from orgplane.importers.markdown.structure.columns import header_words
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
    ({"owner", "lead", "manager", "head", "director", "em", "accountable"}, "lead"),
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


def read_group_table(table: Table, outline: Outline) -> bool:
    """Nodes for the rows of a one-row-per-team table; False when it is not one."""
    levels = group_columns(table)
    if not levels or (metric_table(table) is not None and len(levels) == 1 and levels[0] != 0):
        return False
    facts = {i: column_facts(h) for i, h in enumerate(table.header) if i not in levels}
    if not any(kind for kind in facts.values()) and len(levels) < 2:
        return False
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
            text = row[i].text.strip() or (above.get(i, "") if i != group_column else "")
            if row[i].text.strip():
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
        for i, kind in facts.items():
            cell = row[i]
            if cell.text.strip():
                parent.pieces.append(
                    Piece("cell", (kind or "", table.header[i], cell.text), cell.line)
                )
    return True
