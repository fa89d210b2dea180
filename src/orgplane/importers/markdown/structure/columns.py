"""What a table column means, read from its header words, never from exact strings.

Pure; imports nothing from orgplane. "Squad (Sub-Team)", "Team Code", "Sub-Units",
"Internal Units (Sub-Teams)", "Primary Responsibilities & Deliverables", "What They Do",
"Typical Stack / Tools", "KPI / SLO", "Objectives / SLOs", "Critical Interfaces",
"Ownership Boundary" … each maps to one role by the words it contains.
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["Column", "classify_columns", "header_words"]


class Column(StrEnum):
    GROUP = "group"  #: the squad/team itself (its code and name)
    CODE = "code"  #: a separate code column ("Team Code")
    NAME = "name"  #: a separate name column ("Sub-Division Name")
    UNITS = "units"  #: the units/sub-teams below it
    RESPONSIBILITIES = "responsibilities"
    STACK = "stack"
    KPIS = "kpis"
    DEPENDENCIES = "dependencies"
    BOUNDARY = "boundary"
    STAKEHOLDERS = "stakeholders"
    OTHER = "other"  #: kept as a "Header: value" note


def header_words(header: str) -> set[str]:
    """Lower-case words of a header, singular ("KPIs" → "kpi", "Tools" → "tool")."""
    words = re.findall(r"[a-z0-9]+", header.lower())
    return {w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words}


# Checked in order: the first role whose words appear wins. Units come before the group
# because "Internal Units (Sub-Teams)" also says "team".
_RULES: list[tuple[Column, set[str]]] = [
    (Column.BOUNDARY, {"boundary", "boundarie", "ownership"}),
    (
        Column.KPIS,
        {"kpi", "slo", "okr", "objective", "target", "metric", "sla", "measure", "success", "goal"},
    ),
    (
        Column.DEPENDENCIES,
        {"dependency", "dependencie", "interface", "depend", "upstream", "partner"},
    ),
    (Column.STACK, {"stack", "tool", "technology", "technologie", "platform", "framework", "tech"}),
    (
        Column.RESPONSIBILITIES,
        {
            "responsibility",
            "responsibilitie",
            "duty",
            "dutie",
            "deliverable",
            "scope",
            "do",
            "mission",
            "focus",
            "output",
        },
    ),
    (Column.STAKEHOLDERS, {"stakeholder", "consumer", "customer", "client"}),
]
_UNIT_WORDS = {"unit", "sub", "subteam", "subunit", "cell", "pod", "division"}
_GROUP_WORDS = {"squad", "team", "group", "department", "chapter", "tribe", "division"}


def _role(header: str) -> Column:
    # The words before a parenthesis say what the column is ("Squad (Sub-Team)" is the
    # squad); the parenthesis only helps when those words alone say nothing.
    main = _role_of(header.split("(", 1)[0])
    return main if main is not Column.OTHER or "(" not in header else _role_of(header)


def _role_of(header: str) -> Column:
    words = header_words(header)
    if not words:
        return Column.OTHER
    for column, keys in _RULES:
        if words & keys:
            return column
    if "code" in words or words == {"id"}:
        return Column.CODE
    if words & {"unit", "subunit", "subteam"} or ("sub" in words and words & _GROUP_WORDS):
        return Column.UNITS
    if "name" in words and words & (_GROUP_WORDS | _UNIT_WORDS):
        return Column.NAME
    if words & _GROUP_WORDS:
        return Column.GROUP
    if words == {"name"}:
        return Column.NAME
    return Column.OTHER


def classify_columns(header: list[str]) -> list[Column]:
    """The role of each column. The first group-like column is the group; later ones
    that also look like groups are units ("Squad | Sub-Team")."""
    roles = [_role(text) for text in header]
    seen_group = False
    for i, role in enumerate(roles):
        if role is Column.GROUP:
            if seen_group:
                roles[i] = Column.UNITS
            seen_group = True
    units = [i for i, role in enumerate(roles) if role is Column.UNITS]
    if not seen_group and Column.CODE not in roles and units and (len(units) > 1 or units[0] == 0):
        # "Sub-Division | Units | …": with no squad column, the leftmost sub-group column
        # is the row's group and the next one its units.
        roles[units[0]] = Column.GROUP
    return roles
