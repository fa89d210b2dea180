"""A group's facts as a two-column table of labels and values, the way Confluence pages
and wikis write a team's page: "| Team | Card Issuing (code CIS) |" over
"| Engineering manager | Rosa Delgado |", "| Part of | Issuing & Cards |",
"| SLOs | a<br>b |". The header row is a row like the others, unless it only says
"Field | Value". One row under a header of labels ("| EM | PM | TL |") is read the same.

Pure; imports ``importers.markdown.document``, ``facts.labels`` and
``structure.outline`` (the kind words).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.facts.labels import Facts, label_kind, read_labelled
from orgplane.importers.markdown.structure.outline import KIND_WORDS

__all__ = [
    "Properties",
    "may_name_a_person",
    "property_facts",
    "property_items",
    "read_properties",
]

_PARENT = re.compile(
    r"^(?:part\s+of|parent(?:\s+\w+)?|reports?\s+to|belongs\s+to|under|"
    r"division|tribe|department|area|domain|pillar|org(?:anization)?(?:\s+unit)?)$",
    re.I,
)
_PLAIN_HEADER = re.compile(r"^(?:|field|property|attribute|key|item)$", re.I)
_CODE = re.compile(
    r"^(?P<name>.+?)\s*\(\s*(?:code|id)\s*[:=]?\s*(?P<code>[\w.+-]{1,32})\s*\)$", re.I
)


@dataclass(slots=True)
class Properties:
    """What a property table says: the group its header names, the parent it names, and
    the other rows as (label, value, line)."""

    name: str = ""
    code: str = ""
    parent: tuple[str, int] | None = None
    parent_label: str = ""  #: "Part of", "Reports to", …
    rows: list[tuple[str, str, int]] = field(default_factory=list)


def may_name_a_person(label: str) -> bool:
    """ "Reports to" and "Under" may name a person; "Part of" and "Division" name a group."""
    return bool(re.match(r"^(?:reports?\s+to|under)$", label, re.I))


def _label(text: str) -> str:
    return " ".join(text.strip().strip("*_:").split())


def _is_property(label: str) -> bool:
    return bool(
        label_kind(label) is not None or label.lower() in KIND_WORDS or _PARENT.match(label)
    )


def _across(table: Table) -> Properties | None:
    """ "| EM | PM | TL |" over one row of names: the labels are the header."""
    labels = [_label(h) for h in table.header]
    if len(table.rows) != 1 or len(labels) < 2 or any(len(x.split()) > 4 for x in labels):
        return None
    if _is_property(_label(table.rows[0][0].text)) or sum(map(_is_property, labels)) * 2 < len(
        labels
    ):
        return None
    line = table.rows[0][0].line
    return Properties(
        rows=[(x, cell.text.strip(), line) for x, cell in zip(labels, table.rows[0], strict=False)]
    )


def read_properties(table: Table) -> Properties | None:
    """The rows of a label | value table, or None when the table is not one: two columns,
    at least two of three labels known, none longer than four words; or one row under a
    header of labels ("| EM | PM | TL |")."""
    if (across := _across(table)) is not None:
        return across
    if len(table.header) != 2 or not table.rows:
        return None
    rows = [(_label(row[0].text), row[1].text.strip(), row[0].line) for row in table.rows]
    if not _PLAIN_HEADER.match(_label(table.header[0])):
        rows.insert(0, (_label(table.header[0]), table.header[1].strip(), table.line))
    labels = [label for label, _, _ in rows]
    known = sum(_is_property(label) for label in labels)
    if len(rows) < 2 or known * 3 < len(rows) * 2 or any(len(x.split()) > 4 for x in labels):
        return None
    found = Properties()
    for label, value, line in rows:
        kind = label.lower()
        if kind in KIND_WORDS and label_kind(label) is None and not found.name and value:
            named = _CODE.match(value)
            found.name = named["name"].strip() if named else value
            found.code = named["code"] if named else ""
        elif _PARENT.match(label) and value and found.parent is None:
            found.parent = (value, line)
            found.parent_label = label
        else:
            found.rows.append((label, value, line))
    return found


def property_items(found: Properties) -> list[tuple[str, int]]:
    """Each row as a labelled text ("SLOs: a", "SLOs: b" for a cell of two items), with
    its line; a row with no value is its label alone."""
    out: list[tuple[str, int]] = []
    for label, value, line in found.rows:
        items = [item for item in value.split("\n") if item.strip()]
        out.extend((f"{label}: {item}", line) for item in items)
        if not items:
            out.append((label, line))
    return out


def property_facts(table: Table) -> list[tuple[str, Facts, int, str]] | None:
    """The facts of a property table about the group of the section it is in, as
    (subject ``""``, facts, line, text); rows that name the group or its parent say no
    fact and come back with empty facts, so their lines are read."""
    found = read_properties(table)
    if found is None:
        return None
    out: list[tuple[str, Facts, int, str]] = []
    if found.name:
        out.append(("", Facts(code=found.code), table.line, found.name))
    else:  # "| Field | Value |", "| EM | PM | TL |": a header of no value
        out.append(("", Facts(), table.line, " | ".join(table.header)))
    if found.parent is not None:
        out.append(("", Facts(), found.parent[1], found.parent[0]))
    for text, line in property_items(found):
        out.append(("", read_labelled(text) if ":" in text else Facts(), line, text))
    return out
