"""Recognizers for the parts of team documents: role registries and rosters, KPI
tables, message templates, on-call blocks and gate checklists.

Pure; imports ``importers.markdown.document``, ``importers.markdown.structure.columns`` and ``importers.markdown.phrases.grammar``.
Each recognizer returns plain data or None; the builder decides where it lands.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.phrases.grammar import slug, split_list
from orgplane.importers.markdown.phrases.zones import iana_zone
from orgplane.importers.markdown.structure.columns import header_words

__all__ = ["kpi_rows", "role_rows", "rotation", "task_rows", "template"]

_FIELD_LINE = re.compile(r"^[A-Z][A-Z_ ]{1,30}:\s*\S")
_INTERNAL = {"internal", "id"}


def role_rows(table: Table) -> list[dict[str, Any]] | None:
    """Rows of a table about roles ("Internal ID | Role | Specialty", "Agent | Role |
    Primary Responsibility") as role data, or None when the table is not about roles."""
    words = [header_words(h) for h in table.header]
    role_col = next((i for i, w in enumerate(words) if w & {"role", "agent", "position"}), None)
    if role_col is None:
        return None
    id_col = next((i for i, w in enumerate(words) if "id" in w and i != role_col), None)
    # In "Agent | Role | …" the agent column names the role and "Role" is its label.
    name_col = next((i for i, w in enumerate(words) if w & {"agent", "position"}), role_col)
    out: list[dict[str, Any]] = []
    for row in table.rows:
        name = row[name_col].text if name_col < len(row) else ""
        if not name:
            continue
        role: dict[str, Any] = {"id": slug(name), "name": name, "line": row[0].line}
        if id_col is not None and row[id_col].text:
            role["internal_id"] = row[id_col].text
        for i, (head, cell) in enumerate(zip(table.header, row, strict=False)):
            if i in (name_col, id_col) or not cell.text:
                continue
            w = words[i]
            if w & {"responsibility", "responsibilitie", "duty", "dutie"}:
                role.setdefault("responsibilities", []).append(cell.text)
            elif w & {"specialty", "specialtie", "expertise", "focu", "focus"}:
                role["specialty"] = cell.text
            else:
                role.setdefault("description", []).append(f"{head}: {cell.text}")
        out.append(role)
    return out


def kpi_rows(table: Table) -> list[tuple[str, str, int]] | None:
    """A "Metric | Target | Measurement" table as (KPI text, measurement note, line)."""
    words = [header_words(h) for h in table.header]
    metric = next((i for i, w in enumerate(words) if w & {"metric", "kpi", "indicator"}), None)
    target = next((i for i, w in enumerate(words) if w & {"target", "goal", "threshold"}), None)
    if metric is None or target is None or metric == target:
        return None
    rest = [i for i in range(len(words)) if i not in (metric, target)]
    out: list[tuple[str, str, int]] = []
    for row in table.rows:
        name, goal = row[metric].text, row[target].text
        if not name:
            continue
        note = "; ".join(
            f"{table.header[i]}: {row[i].text}" for i in rest if i < len(row) and row[i].text
        )
        out.append((f"{name} {goal}".strip(), note, row[0].line))
    return out


def task_rows(table: Table) -> list[tuple[str, list[str], int]] | None:
    """A "Subtask | Framework / Tool" table as (task, tools, line), or None."""
    words = [header_words(h) for h in table.header]
    if len(words) < 2 or not words[0] & {"task", "subtask", "request", "example"}:
        return None
    tools = next(
        (i for i, w in enumerate(words) if w & {"tool", "framework", "stack", "technology"}), None
    )
    if tools is None:
        return None
    return [
        (row[0].text, split_list(row[tools].text), row[0].line)
        for row in table.rows
        if row and row[0].text
    ]


def template(text: str, title: str) -> dict[str, Any] | None:
    """A message template: a code block whose lines are mostly ``KEY: value``."""
    lines = [line for line in text.splitlines() if line.strip()]
    fields = [line for line in lines if _FIELD_LINE.match(line)]
    if len(lines) < 3 or len(fields) < max(3, int(len(lines) * 0.7)):
        return None
    name = title or fields[0].split(":", 1)[0].title()
    return {
        "id": slug(name),
        "name": name,
        "kind": slug(fields[0].split(":", 1)[0]),
        "body": text.rstrip("\n"),
    }


_ROLE_LINE = re.compile(
    r"^\s*(PRIMARY(?: ON-CALL)?|SECONDARY)\s*:\s*(.+)$", re.IGNORECASE | re.MULTILINE
)
_STEP = re.compile(
    r"^\s*\d+\.\s*(?P<who>.+?)\s*\((?P<a>\d+)\s*(?:[-–]\s*(?P<b>\d+)|\+)\s*min\)", re.MULTILINE
)
_HANDOFF = re.compile(
    r"HANDOFF\s*:\s*(?P<period>\w+)\s+at\s+(?P<time>\d{1,2}:\d{2})\s*(?P<tz>[A-Za-z_/+-]+)?",
    re.IGNORECASE,
)


def rotation(text: str, title: str) -> dict[str, Any] | None:
    """An on-call block: PRIMARY/SECONDARY lines, an escalation order, a handoff time."""
    roles = {m.group(1).split()[0].lower(): m.group(2).strip() for m in _ROLE_LINE.finditer(text)}
    if "primary" not in roles:
        return None
    out: dict[str, Any] = {
        "id": slug(title or "on-call"),
        "name": title or "On-call",
        "primary": roles["primary"],
    }
    if "secondary" in roles:
        out["secondary"] = roles["secondary"]
    handoff = _HANDOFF.search(text)
    if handoff:
        hours, minutes = handoff["time"].split(":")
        out["handoff"] = f"{int(hours):02d}:{minutes}"
        out["period"] = slug(handoff["period"])
        if handoff["tz"]:
            out["timezone"] = iana_zone(handoff["tz"])
    steps = []
    for step in _STEP.finditer(text):
        entry: dict[str, Any] = {"to": step["who"].strip(), "after_minutes": int(step["a"])}
        if step["b"]:
            entry["until_minutes"] = int(step["b"])
        steps.append(entry)
    if steps:
        out["escalation"] = steps
    return out
