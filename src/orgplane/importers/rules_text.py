"""Policies written as prose: change classes and their approvers, review cadences,
headcount ranges of roles, career ladders.

Pure; imports ``importers.phrases``. Each reader takes the text after a label
("Change Types: Standard (low-risk, pre-approved), …") and returns plain data, or None
when the text does not have that shape.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.phrases import slug, split_list

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
_PAREN = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<inner>[^)]*)\)$")
_RISK = re.compile(r"\b(low|medium|high|critical)[- ]risk\b", re.I)
_HEADCOUNT = re.compile(
    r"^(?P<name>.+?)\s*\((?P<min>\d+)\s*(?:[-–]\s*(?P<max>\d+)|(?P<plus>\+))?\)$"
)
_EVERY = {
    "daily": "daily",
    "weekly": "weekly",
    "bi-weekly": "2-weeks",
    "biweekly": "2-weeks",
    "fortnightly": "2-weeks",
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semi-annually": "semi-annually",
    "semi-annual": "semi-annually",
    "half-yearly": "semi-annually",
    "annually": "annually",
    "yearly": "annually",
}


def labelled(text: str) -> tuple[str, str] | None:
    """ "Change Types: …" → ("Change Types", "…")."""
    found = _LABELLED.match(text.strip())
    return (found["label"].strip(), found["rest"].strip()) if found else None


def _parts(text: str) -> list[tuple[str, str]] | None:
    out = []
    for part in split_list(text):
        found = _PAREN.match(part)
        if found is None:
            return None
        out.append((found["name"].strip(), found["inner"].strip()))
    return out or None


def change_classes(text: str) -> list[dict[str, Any]] | None:
    """ "Standard (low-risk, pre-approved), Normal (medium-risk, require review), …"."""
    parts = _parts(text)
    if parts is None or not all(_RISK.search(inner) for _, inner in parts):
        return None
    out = []
    for name, inner in parts:
        risk = _RISK.search(inner)
        assert risk is not None
        rest = [p for p in split_list(inner) if not _RISK.fullmatch(p.strip())]
        approval = slug(rest[0].replace("require ", "")) if rest else "review"
        out.append(
            {"name": name, "risk": risk.group(1).lower(), "approval": approval, "note": inner}
        )
    return out


def approvers(text: str) -> list[tuple[str, str]] | None:
    """ "Infrastructure Lead (high-risk changes), Senior Engineers (normal changes)" →
    [(approver, what they approve)]."""
    return _parts(text)


def cadences(text: str) -> list[dict[str, Any]] | None:
    """ "Architecture (quarterly), Security (monthly), Post-Incident (after P0/P1 incidents)"."""
    parts = _parts(text)
    if parts is None:
        return None
    out: list[dict[str, Any]] = []
    for name, inner in parts:
        word = inner.lower().strip()
        if word in _EVERY:
            out.append({"name": name, "every": _EVERY[word]})
        elif word.startswith("after "):
            events = re.findall(r"\b[A-Z]+\d\b", inner)
            out.append({"name": name, "after": events or [inner[6:].strip()]})
        else:
            return None
    return out


def headcount_role(label: str, rest: str) -> dict[str, Any] | None:
    """ "Senior Infrastructure Engineers (2-3)" with its duties → a role with a headcount."""
    found = _HEADCOUNT.match(label.strip())
    if found is None:
        return None
    # "Senior Infrastructure Engineers (2-3)" plans several people in one role.
    name = re.sub(r"(?<=[a-z]{3})s$", "", found["name"].strip())
    low = int(found["min"])
    high = None if found["plus"] else int(found["max"] or low)
    role: dict[str, Any] = {"id": slug(name), "name": name, "headcount": {"min": low, "max": high}}
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


_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_NUMBER = r"(\d+|one|two|three|four|five|six)"
_GROUP_KIND = r"(subteam|sub-team|squad|team|unit|pod|crew)"
_LEAD = re.compile(rf"\b{_GROUP_KIND}s?\b[^.]*?\b(?:grows to|reaches|has)\s+{_NUMBER}\b", re.I)
_DEPTH = re.compile(rf"\b{_NUMBER}[- ]deep\b,?\s*(?:per|for each|in each)\s+{_GROUP_KIND}", re.I)
_ROTATE = re.compile(r"\brotat\w*\b[^.]*?\bevery\s+(\d+)\s*(?:[–-]\s*(\d+))?\s*months?", re.I)
_HIRE = re.compile(
    r"\bevery\s+(\d+)\s+weeks?\b(?:\s*[=:]\s*(\d+)\s+hires?)?(?:[^.]*?\bup to\s+(\d+))?", re.I
)
_CYCLE = re.compile(
    r"\b(\d+)[- ]week\s+(?:build|cycle|sprint)s?\b(?:,?\s*(\d+)[- ]week\s+cool[- ]?down)?", re.I
)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _WORD_NUMBERS[text.lower()]


def _kind(text: str) -> str:
    return text.lower().replace("-", "")


def team_rule(text: str) -> tuple[str, dict[str, Any]] | None:
    """A planning rule stated in a sentence, as (policy field, value), or None.

    "When any subteam grows to 3 or more engineers, assign a subteam lead" → lead_threshold;
    "2-deep, per subteam" → oncall_depth; "rotate … every 6–9 months" → rotation_period;
    "Every 6 weeks = 1 hire … up to 8" → hiring; "6-week build, 2-week cool-down" →
    planning_cycle.
    """
    lowered = text.lower()
    if "lead" in lowered and (found := _LEAD.search(text)):
        return "lead_threshold", {"size": _number(found.group(2)), "kinds": [_kind(found.group(1))]}
    if found := _DEPTH.search(text):
        return "oncall_depth", {"min": _number(found.group(1)), "kinds": [_kind(found.group(2))]}
    if found := _ROTATE.search(text):
        low = int(found.group(1))
        return "rotation_period", {"min_months": low, "max_months": int(found.group(2) or low)}
    if "hir" in lowered and (found := _HIRE.search(text)):
        hiring: dict[str, Any] = {
            "every_weeks": int(found.group(1)),
            "hires": int(found.group(2) or 1),
        }
        if found.group(3):
            hiring["target_headcount"] = int(found.group(3))
        return "hiring", hiring
    if (found := _CYCLE.search(text)) and (
        "cool" in lowered or "cycle" in lowered or "sprint" in lowered
    ):
        return "planning_cycle", {
            "build_weeks": int(found.group(1)),
            "cooldown_weeks": int(found.group(2) or 0),
        }
    return None
