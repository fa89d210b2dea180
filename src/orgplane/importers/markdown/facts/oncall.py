"""Tables about how groups work rather than what they are: on-call rotations ("Rotation |
Teams | Hours | Hand-off"), escalation ladders ("Level | Who | After"), Team
Topologies interactions ("Team | Other team | Interaction") and dependency matrices (a
row per team, a column per team, ✓ where the row's team depends on the column's).

Pure; imports ``importers.markdown.document``, ``structure.columns`` and ``phrases``.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

from orgplane.importers.markdown.document import Table
from orgplane.importers.markdown.phrases.grammar import slug, split_list
from orgplane.importers.markdown.phrases.zones import find_zone
from orgplane.importers.markdown.structure.columns import header_words

__all__ = ["dependency_matrix", "escalation_steps", "interactions", "rotations"]

_MODES = {
    "x-as-a-service": "from",
    "xaas": "from",
    "as a service": "from",
    "collaboration": "with",
    "collaborating": "with",
    "facilitating": "to",
    "facilitation": "to",
    "enabling": "to",
}


def _column(table: Table, *words: str, skip: int | None = None) -> int | None:
    for i, header in enumerate(table.header):
        if i != skip and header_words(header) & set(words):
            return i
    return None


def rotations(table: Table) -> list[tuple[dict[str, Any], list[str], int]] | None:
    """Rotations of an on-call table as (rotation, the teams it covers, line)."""
    name = _column(table, "rotation", "schedule", "shift", "rota", "roster")
    teams = _column(table, "team", "teams", "group", "squad", "covers", "scope")
    when = _column(table, "hour", "hours", "coverage", "when")
    handoff = _column(table, "hand", "handoff", "handover", "change")
    if name is None or (teams is None and when is None and handoff is None):
        return None
    out = []
    for row in table.rows:
        title = row[name].text.strip()
        if not title:
            continue
        rotation: dict[str, Any] = {"id": slug(title), "name": title, "primary": title}
        if handoff is not None:
            text = row[handoff].text
            if time := re.search(r"\b([01]?\d|2[0-3])[:.h]([0-5]\d)\b", text):
                rotation["handoff"] = f"{int(time[1]):02d}:{time[2]}"
            if re.search(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b|\bweekly\b", text, re.I):
                rotation["period"] = "weekly"
            if zone := find_zone(text):
                rotation["timezone"] = zone
        covered = split_list(row[teams].text) if teams is not None else []
        out.append((rotation, covered, row[0].line))
    return out


def _minutes(text: str) -> int | None:
    found = re.search(r"(\d+)\s*(h|hr|hour|hours|m|min|mins|minutes?)?\b", text, re.I)
    if found is None:
        return None
    value = int(found[1])
    return value * 60 if found[2] and found[2].lower().startswith("h") else value


def escalation_steps(table: Table) -> list[dict[str, Any]] | None:
    """The steps of an escalation table: who is paged from which minute on."""
    after = _column(
        table, "after", "time", "when", "minute", "wait", "delay", "acknowledged", "unacknowledged"
    )
    who = _column(
        table,
        "who",
        "contact",
        "escalate",
        "role",
        "person",
        "team",
        "to",
        "page",
        "notify",
        skip=after,
    )
    # Rows per severity are alternatives, not the rungs of one ladder.
    if _column(table, "severity", "sev", "priority", "impact") is not None or (
        who is None
        or after is None
        or (_column(table, "level", "step", "tier", "stage") is None and who == 0)
    ):
        return None
    steps: list[dict[str, Any]] = []
    for row in table.rows:
        name = row[who].text.strip()
        minutes = _minutes(row[after].text)
        if not name or minutes is None:
            return None
        steps.append({"to": name, "after_minutes": minutes})
    for step, following in itertools.pairwise(steps):
        if following["after_minutes"] > step["after_minutes"]:
            step["until_minutes"] = following["after_minutes"]
    return steps or None


def interactions(table: Table) -> list[tuple[str, str, str, str, int]] | None:
    """Team Topologies interactions as (team, other team, direction, mode, line): the
    first team consumes an X-as-a-Service, collaborates with, or facilitates the other."""
    mode = next(
        (
            i
            for i, h in enumerate(table.header)
            if header_words(h) & {"interaction", "mode", "type", "topology"}
        ),
        None,
    )
    if mode is None or len(table.header) < 3:
        return None
    others = [i for i in range(len(table.header)) if i != mode]
    first, second = others[0], others[1]
    out = []
    for row in table.rows:
        written = " ".join(row[mode].text.lower().split())
        direction = next((d for m, d in _MODES.items() if m in written), None)
        if direction is None:
            return None
        out.append(
            (
                row[first].text.strip(),
                row[second].text.strip(),
                direction,
                row[mode].text.strip(),
                row[0].line,
            )
        )
    return out or None


_MARKS = {"✓", "✔", "✔️", "✅", "☑", "☑️", "x", "●", "•", "yes", "y"}


def dependency_matrix(table: Table) -> list[tuple[str, str, int]] | None:
    """(team, the team it depends on, line) for each mark of a matrix whose columns after
    the first are teams; None unless every filled cell is a mark and one is."""
    if len(table.header) < 3:
        return None
    out: list[tuple[str, str, int]] = []
    for row in table.rows:
        for column, cell in enumerate(row[1:], 1):
            mark = cell.text.strip().lower()
            if not mark:
                continue
            if mark not in _MARKS:
                return None
            out.append((row[0].text.strip(), table.header[column].strip(), cell.line))
    return out or None
