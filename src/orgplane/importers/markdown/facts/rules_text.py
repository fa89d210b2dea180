"""Policies written as prose, as the plain data the spec stores: change classes and their
approvers, review cadences, roles with headcount ranges, career ladders, and planning
rules written as sentences.

Pure; imports ``importers.markdown.phrases.grammar`` and ``importers.markdown.phrases.planning`` (the grammars) and only
shapes their results. Each reader takes the text after a label ("Change Types:
Standard (low-risk, pre-approved), …") and returns plain data, or None when the text
does not have that shape.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.markdown.phrases.grammar import slug, split_list
from orgplane.importers.markdown.phrases.planning import (
    parse_approvers,
    parse_cadences,
    parse_change_types,
    parse_cycle,
    parse_headcount,
    parse_hiring,
    parse_lead_threshold,
    parse_oncall_depth,
    parse_rotation_period,
)

__all__ = [
    "approvers",
    "cadences",
    "career_ladder",
    "change_classes",
    "headcount_role",
    "labelled",
    "team_rule",
]

_LABELLED = re.compile(r"^(?P<label>[A-Z][^:\n]{1,48}):\s*(?P<rest>\S.*)$", re.S)


def labelled(text: str) -> tuple[str, str] | None:
    """ "Change Types: …" → ("Change Types", "…")."""
    found = _LABELLED.match(text.strip())
    return (found["label"].strip(), found["rest"].strip()) if found else None


def change_classes(text: str) -> list[dict[str, Any]] | None:
    """ "Standard (low-risk, pre-approved), Normal (medium-risk, require review), …";
    None unless every class states its risk."""
    types = parse_change_types(text)
    if not types or not all(t.risk for t in types):
        return None
    return [
        {"name": t.name, "risk": t.risk, "approval": t.approval or "review", "note": t.note}
        for t in types
    ]


def approvers(text: str) -> list[tuple[str, str]] | None:
    """ "Infrastructure Lead (high-risk changes), Senior Engineers (normal changes)" →
    [(approver, what they approve)]; None unless every approver says what."""
    found = parse_approvers(text)
    return found if found and all(what for _, what in found) else None


def cadences(text: str) -> list[dict[str, Any]] | None:
    """ "Architecture (quarterly), Security (monthly), Post-Incident (after P0/P1 incidents)"."""
    out: list[dict[str, Any]] = []
    for cadence in parse_cadences(text):
        entry: dict[str, Any] = {"name": cadence.name}
        if cadence.every:
            entry["every"] = cadence.every
        if cadence.after:
            entry["after"] = list(cadence.after)
        if cadence.before:
            entry["note"] = "Before " + ", ".join(cadence.before)
        out.append(entry)
    return out or None


def headcount_role(label: str, rest: str) -> dict[str, Any] | None:
    """ "Senior Infrastructure Engineers (2-3)" with its duties → a role with a headcount."""
    found = parse_headcount(label)
    if found is None or not found.name:
        return None
    # "Senior Infrastructure Engineers (2-3)" plans several people in one role.
    name = re.sub(r"(?<=[a-z]{3})s$", "", found.name)
    role: dict[str, Any] = {
        "id": slug(name),
        "name": name,
        "headcount": {"min": found.min, "max": found.max},
    }
    if rest:
        role["responsibilities"] = split_list(rest)
    return role


def career_ladder(text: str) -> list[str] | None:
    """ "… clear career paths (Engineer → Senior → Lead) …" → ["Engineer", "Senior", "Lead"]."""
    found = re.search(r"\(([^()]*→[^()]*)\)", text) or re.search(r"((?:[\w ]+→)+[\w ]+)", text)
    if found is None:
        return None
    steps = [s.strip() for s in found.group(1).split("→")]
    return steps if all(steps) else None


def team_rule(text: str) -> tuple[str, dict[str, Any]] | None:
    """A planning rule stated in a sentence, as (policy field, value), or None.

    "When any subteam grows to 3 or more engineers, assign a subteam lead" → lead_threshold;
    "2-deep, per subteam" → oncall_depth; "rotate … every 6–9 months" → rotation_period;
    "Every 6 weeks = 1 hire … up to 8" → hiring; "6-week build, 2-week cool-down" →
    planning_cycle.
    """
    if lead := parse_lead_threshold(text):
        return "lead_threshold", {"size": lead[0], "kinds": [lead[1]]}
    if depth := parse_oncall_depth(text):
        return "oncall_depth", {"min": depth[0], "kinds": [depth[1]] if depth[1] else []}
    if period := parse_rotation_period(text):
        return "rotation_period", {"min_months": period[0], "max_months": period[1]}
    if hiring := parse_hiring(text):
        plan: dict[str, Any] = {"every_weeks": hiring[0], "hires": hiring[1]}
        if hiring[2] is not None:
            plan["target_headcount"] = hiring[2]
        return "hiring", plan
    if cycle := parse_cycle(text):
        return "planning_cycle", {"build_weeks": cycle[0], "cooldown_weeks": cycle[1]}
    return None
