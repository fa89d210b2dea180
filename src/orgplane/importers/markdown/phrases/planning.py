"""Phrase grammars of staffing and planning: headcount ranges, review cadences, change
types and their approvers, and team rules written as sentences (lead threshold, on-call
depth, rotation period, hiring cadence, build cycles, roadmap weeks).

Pure functions over strings; imports ``importers.markdown.phrases.words`` and ``importers.markdown.phrases.grammar``.
Recognition goes by the *shape* of a phrase (a number before "-deep", "every N weeks"),
never by the sample documents' exact words. Every parser returns None (or an empty
list) for text that does not have its shape, and never raises.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orgplane.importers.markdown.phrases.grammar import slug, split_list
from orgplane.importers.markdown.phrases.words import COUNT, KINDS, count, kind, name_paren, plain

__all__ = [
    "Cadence",
    "ChangeType",
    "Headcount",
    "parse_approvers",
    "parse_cadences",
    "parse_change_types",
    "parse_cycle",
    "parse_headcount",
    "parse_hiring",
    "parse_lead_threshold",
    "parse_oncall_depth",
    "parse_review_sentence",
    "parse_rotation_period",
    "parse_weeks",
]

# -- roles and processes --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Headcount:
    name: str
    min: int
    max: int | None  #: None for an open range ("2+")


# "(2-3)", "(3–5)", "(2 to 4)", "(2+)", "(1)", optionally with a unit ("(3-4 engineers)").
_HEADCOUNT = re.compile(
    r"^(?P<name>.*?)\s*\(\s*(?P<min>\d{1,3})\s*(?:(?:[-–—]|to)\s*(?P<max>\d{1,3})|(?P<plus>\+))?"
    r"\s*(?:people|persons|engineers|members|staff|FTEs?|heads)?\s*\)\s*:?$",
    re.IGNORECASE,
)


def parse_headcount(text: str) -> Headcount | None:
    """ "Senior Infrastructure Engineers (2-3)" → (…, 2, 3); "(2+)" → max None."""
    found = _HEADCOUNT.match(plain(text).replace("*", ""))
    if found is None:
        return None
    low = int(found["min"])
    high = None if found["plus"] else int(found["max"] or low)
    if high is not None and high < low:
        low, high = high, low
    return Headcount(found["name"].strip().rstrip(":"), low, high)


@dataclass(frozen=True, slots=True)
class Cadence:
    name: str
    every: str | None
    after: tuple[str, ...]
    before: tuple[str, ...] = ()  #: events a review precedes ("season launch")


# Cadence spellings → slug, tried in order (bi-weekly before weekly, semi-annual before annual).
_EVERY = [
    (r"bi-?weekly|fortnightly|every (?:other|2|two) weeks?|twice a month", "2-weeks"),
    (
        r"semi-?annual(?:ly)?|bi-?annual(?:ly)?|twice a year|half-?yearly|every (?:6|six) months",
        "semi-annually",
    ),
    (r"bi-?monthly|every (?:2|two) months", "2-months"),
    (r"daily|every day|each day|once a day", "daily"),
    (r"weekly|every week|each week|once a week", "weekly"),
    (r"monthly|every month|each month|once a month", "monthly"),
    (r"quarterly|every quarter|each quarter|every (?:3|three) months", "quarterly"),
    (r"annual(?:ly)?|yearly|every year|once a year|every (?:12|twelve) months", "annually"),
]
_EVERY_N = re.compile(rf"\bevery {COUNT} (week|month)s?\b", re.IGNORECASE)


def _every(text: str) -> tuple[str, re.Match[str]] | None:
    for pattern, every in _EVERY:
        if found := re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE):
            return every, found
    if found := _EVERY_N.search(text):
        n, unit = count(found.group(1)), found.group(2).lower()
        return (f"{unit}ly" if n == 1 else f"{n}-{unit}s"), found
    return None


# "after P0/P1 incidents", "before every season launch" at the end of a phrase.
_EVENT = re.compile(r"(?:^|\s)(after|following|before|ahead of|prior to)\s+(.+)$", re.IGNORECASE)


def parse_review_sentence(text: str) -> Cadence | None:
    """ "Internal sync every 3 weeks for tracking adoption, …" → a cadence named by what
    comes before the cadence phrase ("Internal sync"), when that names a meeting."""
    found = _every(text)
    if found is None:
        return None
    name = text[: found[1].start()].strip(" :,-")
    if not re.search(
        r"\b(sync|review|checkpoint|meeting|retro|retrospective|check-in)s?\b", name, re.I
    ):
        return None
    return Cadence(name, found[0], ())


def _events(text: str) -> tuple[str, ...]:
    """ "every Sev-1 and Sev-2" → ("Sev-1", "Sev-2"); "P0/P1 incidents" → ("P0", "P1")."""
    text = re.sub(r"^(?:every|each|all|any|a|an|the)\s+", "", text.strip(), flags=re.IGNORECASE)
    short = re.sub(r"\s+(?:incidents?|outages?|events?)$", "", text, flags=re.IGNORECASE)
    pieces = [p for p in re.split(r"\s*(?:/|,|&|\band\b|\bor\b)\s*", short) if p]
    if pieces and all(re.search(r"\d", p) and " " not in p for p in pieces):
        return tuple(pieces)  # severities: "P1", "Sev-2"
    return tuple(p for p in re.split(r"\s*(?:/|,|\band\b|\bor\b)\s*", text) if p)


def parse_cadences(text: str) -> list[Cadence]:
    """ "Architecture (quarterly), Post-Incident (after P0/P1 incidents)"; also sentences:
    "Post-incident review after every Sev-1 and Sev-2". Every is a slug (daily, weekly,
    2-weeks, 3-weeks, monthly, quarterly, semi-annually, annually, or the words slugged).
    Items with neither parentheses nor a cadence or event phrase are left out."""
    out: list[Cadence] = []
    for part in split_list(plain(text)):
        name, inner = name_paren(part)
        spec = inner or name
        event = _EVENT.search(spec)
        if event is not None:
            events = _events(event.group(2))
            name = name if inner else spec[: event.start()].strip()
            is_after = event.group(1).lower() in ("after", "following")
            out.append(Cadence(name, None, events if is_after else (), () if is_after else events))
        elif (every := _every(spec)) is not None:
            if not inner and every[1].end() == len(spec) and every[1].start() > 0:
                name = spec[: every[1].start()].strip()  # "Security review every quarter"
            out.append(Cadence(name, every[0], ()))
        elif inner:
            out.append(Cadence(name, slug(inner), ()))
    return out


@dataclass(frozen=True, slots=True)
class ChangeType:
    name: str
    risk: str  #: low, medium, high, critical, or "" when not stated
    approval: str  #: a slug: pre-approved, review, post-change-review, sign-off, …
    note: str  #: the parenthesis text


_RISK = re.compile(r"\b(low|medium|high|critical)[- ]risk\b", re.IGNORECASE)
# Approval phrases, tried in order, for one part of the parenthesis.
_APPROVAL = [
    (r"pre-?approved|pre-approval|no approval", "pre-approved"),
    (r"(?:post|retrospective|after)\b.*\breview|post-change", "post-change-review"),
    (r"sign[- ]?off", "sign-off"),
    (r"review", "review"),
    (r"approv", "approval"),
]


def parse_change_types(text: str) -> list[ChangeType]:
    """ "Standard (low-risk, pre-approved), Normal (medium-risk, require review)" → risk and
    approval slug per type; an approval with no known word is the first other item slugged."""
    out: list[ChangeType] = []
    for part in split_list(plain(text)):
        name, inner = name_paren(part)
        risk = _RISK.search(inner)
        rest = [p for p in split_list(inner) if not _RISK.fullmatch(p)]
        approval = next(
            (a for p in rest for pattern, a in _APPROVAL if re.search(pattern, p, re.IGNORECASE)),
            "",
        )
        if not approval and rest:
            approval = slug(re.sub(r"^(?:requires?|needs?)\s+", "", rest[0], flags=re.IGNORECASE))
        out.append(ChangeType(name, risk.group(1).lower() if risk else "", approval, inner))
    return out


def parse_approvers(text: str) -> list[tuple[str, str]]:
    """ "Infrastructure Lead (high-risk changes), …" → [("Infrastructure Lead", "high-risk
    changes"), …]; an item without parentheses approves "" (unspecified)."""
    return [name_paren(part) for part in split_list(plain(text))]


# -- team rules written as sentences ----------------------------------------------------------

_LEAD_TRIGGER = re.compile(
    r"\b(?:when|once|if|as soon as|grows?\s+to|reach(?:es)?|hits?)\b", re.IGNORECASE
)


def parse_lead_threshold(text: str) -> tuple[int, str] | None:
    """ "When any subteam grows to 3 or more engineers, assign a subteam lead" → (3,
    "subteam"). The kind is the one named before "lead", else the nearest before the
    number, else "team". Needs the word "lead" and a trigger (when/once/if/reaches/…)."""
    text = plain(text)
    trigger = _LEAD_TRIGGER.search(text)
    if trigger is None or not re.search(r"\blead", text, re.IGNORECASE):
        return None
    size = re.compile(rf"\b{COUNT}\b", re.IGNORECASE).search(text, trigger.start())
    if size is None:
        return None
    named = re.search(rf"\b{KINDS}\s+leads?\b", text, re.IGNORECASE)
    if named is None:
        before = list(re.finditer(rf"\b{KINDS}\b", text[: size.start()], re.IGNORECASE))
        return count(size.group(1)), kind(before[-1].group(1)) if before else "team"
    return count(size.group(1)), kind(named.group(1))


# "2-deep, per subteam", "3-deep per squad", "two deep for each pod".
_DEPTH = re.compile(
    rf"\b{COUNT}[- ]deep\b(?:,?\s*(?:per|for each|in each|each|for every)\s+{KINDS})?",
    re.IGNORECASE,
)


def parse_oncall_depth(text: str) -> tuple[int, str | None] | None:
    """ "Rotation model: 2-deep, per subteam (…)" → (2, "subteam"); "3-deep" → (3, None)."""
    found = _DEPTH.search(plain(text))
    if found is None:
        return None
    return count(found.group(1)), kind(found.group(2)) if found.group(2) else None


# "every 6–9 months", "every 12 months", "every 1-2 years".
_PERIOD = re.compile(
    rf"\bevery\s+{COUNT}(?:\s*(?:[-–—]|to)\s*{COUNT})?\s*(month|year)s?\b", re.IGNORECASE
)


def parse_rotation_period(text: str) -> tuple[int, int] | None:
    """Months between rotations: "Engineers rotate between subteams every 6–9 months" →
    (6, 9). Needs a rotation verb (rotate, move, switch, swap)."""
    text = plain(text)
    if not re.search(r"\b(?:rotat\w*|move|moves|switch\w*|swap\w*)\b", text, re.IGNORECASE):
        return None
    found = _PERIOD.search(text)
    if found is None:
        return None
    scale = 12 if found.group(3).lower() == "year" else 1
    low = count(found.group(1)) * scale
    high = count(found.group(2)) * scale if found.group(2) else low
    return low, high


# The target of a hiring plan: "(up to 8 FTEs …)", "until G1 reaches 14 engineers".
_HIRING_TARGET = re.compile(
    rf"\b(?:up to|until\b[^.]*?\breach(?:es)?|to reach|target of|grow(?:ing)? to)\s+{COUNT}\b",
    re.IGNORECASE,
)
_HIRES = re.compile(
    rf"\b{COUNT}\s+(?:new\s+)?(?:hires?|engineers?|people|FTEs?|members?)\b", re.IGNORECASE
)


def parse_hiring(text: str) -> tuple[int, int, int | None] | None:
    """(every_weeks, hires, target): "Every 6 weeks = 1 hire" → (6, 1, None); "… hiring
    continues every 6 weeks (up to 8 FTEs by year-end)" → (6, 1, 8). Needs a hiring word."""
    text = plain(text)
    if not re.search(r"\bhir(?:e|es|ing)\b|\brecruit|\bnew engineers?\b", text, re.IGNORECASE):
        return None
    every = re.search(rf"\bevery\s+{COUNT}\s+weeks?\b", text, re.IGNORECASE)
    if every is None:
        return None
    target = _HIRING_TARGET.search(text)
    rest = text.replace(target.group(0), " ") if target else text
    hires = _HIRES.search(rest.replace(every.group(0), " "))
    return (
        count(every.group(1)),
        count(hires.group(1)) if hires else 1,
        count(target.group(1)) if target else None,
    )


_BUILD = re.compile(
    rf"\b{COUNT}[- ]weeks?\s+(?:build|cycle|sprint|iteration|bet)s?\b"
    rf"|\b(?:sprints?|cycles?|iterations?)\s+of\s+{COUNT}\s+weeks?\b",
    re.IGNORECASE,
)
_COOLDOWN = re.compile(rf"\b{COUNT}[- ]weeks?\s+(?:cool[- ]?down|break|buffer)\b", re.IGNORECASE)


def parse_cycle(text: str) -> tuple[int, int] | None:
    """(build_weeks, cooldown_weeks): "6-week build, 2-week cool-down" → (6, 2); "2-week
    sprints" → (2, 0)."""
    text = plain(text)
    build = _BUILD.search(text)
    if build is None:
        return None
    cooldown = _COOLDOWN.search(text)
    return count(build.group(1) or build.group(2)), count(cooldown.group(1)) if cooldown else 0


_WEEKS = re.compile(
    r"\bweeks?\s+(\d{1,3})(?:\s*(?:[-–—]|to|through)\s*(?:weeks?\s+)?(\d{1,3}))?", re.I
)


def parse_weeks(text: str) -> str | None:
    """ "Phase 1 (Weeks 1–6): …" → "1-6"; "Week 12" → "12"."""
    found = _WEEKS.search(text)
    if found is None:
        return None
    return f"{found.group(1)}-{found.group(2)}" if found.group(2) else found.group(1)
