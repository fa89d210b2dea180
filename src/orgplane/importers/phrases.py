"""Small phrase grammars of org documents: codes and names, dependency phrases, lists,
governance statements, staffing and planning rules written as sentences.

Pure functions over strings; stdlib only; imports nothing from orgplane. Recognition goes
by the *shape* of a phrase (a code token, an arrow, "from"/"with"/"to", a number before
"-deep"), never by the sample documents' exact words. Every parser returns None (or an
empty list) for text that does not have its shape, and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "Cadence",
    "ChangeType",
    "CodeName",
    "DepPhrase",
    "Headcount",
    "authority_terms",
    "looks_like_code",
    "parse_approvers",
    "parse_authority",
    "parse_cadences",
    "parse_change_types",
    "parse_cycle",
    "parse_dependencies",
    "parse_forbidden_interface",
    "parse_headcount",
    "parse_hiring",
    "parse_inline_list",
    "parse_lead_threshold",
    "parse_oncall_depth",
    "parse_review_sentence",
    "parse_rotation_period",
    "parse_weeks",
    "slug",
    "split_code_name",
    "split_list",
]

_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
_NUM = r"(\d{1,3}|" + "|".join(_WORDS) + r")"  # a count in digits or in words
_KINDS = r"(sub-?teams?|squads?|teams?|units?|pods?|crews?|tribes?|groups?|departments?)"


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _WORDS.index(text.lower()) + 1


def _kind(text: str) -> str:
    """ "Sub-teams" → "subteam"."""
    return text.lower().replace("-", "").removesuffix("s")


def _plain(text: str) -> str:
    """Markdown emphasis and runs of whitespace removed."""
    return " ".join(text.replace("**", " ").replace("__", " ").split())


# -- codes and names ----------------------------------------------------------------------

# A hyphenated code: 1-4 parts of capitals/digits, optionally a sub-unit suffix after a
# digit ("U-RP1.1", "U-PC1a").
_HYPHENATED = re.compile(r"[A-Z0-9]{1,6}(?:-[A-Z0-9]{1,6}){1,3}(?:(?<=\d)(?:\.\d{1,2}|[a-z]))?")
# An unhyphenated code: a department number and letter ("1A", "12B") or a letter and a
# number ("G1"), but not a percentile, priority, level, severity, quarter, half, tier or
# version ("P95", "P0", "L1", "S3", "Q3", "H2", "T1", "V2").
_UNHYPHENATED = re.compile(r"\d{1,2}[A-Z]|(?![PLSQHTV])[A-Z]\d{1,2}")
# Letter-only codes of code columns ("OS-MM"): exactly two parts of 2-3 capitals.
_LETTER_CODE = re.compile(r"[A-Z]{2,3}-[A-Z]{2,3}")
# Hyphenated severity/tier labels ("SEV-1", "TIER-0") are not codes.
_LABEL_NUMBER = re.compile(r"(?:SEV|TIER|LEVEL|PRIO)-?\d+")


def looks_like_code(token: str) -> bool:
    """Whether a token is shaped like a group code.

    A code is at most 12 characters of capitals and digits in 1-4 hyphen-separated parts,
    with at least one letter and one digit: "1A", "A-1", "U-V1", "U-CI1", "U-DEV1", "B-12",
    "1F-2", "INF-001". Unhyphenated, only a number+letter ("1A", "12B") or a letter+number
    ("G1") qualifies; "EC2", "A100", "SEV1", "E2E" are product names or labels. A single
    P, L, S, Q, H, T or V followed by digits is a percentile/priority/level/severity/
    quarter/half/tier/version ("P95", "P0", "L1", "S3", "Q3"), not a code; hyphenated
    ("S-1") it is a squad code. Two extensions seen in code columns and deep trees: a
    sub-unit suffix ("U-RP1.1", "U-PC1a") and letter-only pairs "OS-MM" (2-3 capitals
    each; "CI-CD" has that shape too, so callers ask only where a code is expected).
    Never: "CI/CD", "K8s", "SRE", "24h", "99.9%", "v1.30", "3.x", "1-2", "CRI-O".
    """
    if not token or len(token) > 12 or _LABEL_NUMBER.fullmatch(token):
        return False
    if "-" not in token:
        return _UNHYPHENATED.fullmatch(token) is not None
    if _LETTER_CODE.fullmatch(token):
        return True
    return (
        _HYPHENATED.fullmatch(token) is not None
        and re.search(r"\d", token) is not None
        and re.search(r"[A-Z]", token) is not None
    )


@dataclass(frozen=True, slots=True)
class CodeName:
    code: str | None
    name: str
    markers: tuple[str, ...] = ()


# A trailing status marker in parentheses or brackets: "(new)", "(Updated)", "[beta]".
_MARKER = re.compile(
    r"\s*[(\[]\s*(new|updated|deprecated|planned|proposed|beta|legacy|draft)\s*[)\]]\s*$",
    re.IGNORECASE,
)
# A generic level word before a code: "Department 2B: …", "Squad B-2 …".
_GENERIC = re.compile(
    r"^(?:department|dept\.?|team|squad|unit|layer|division|sub-?division|group|"
    r"sub-?team|tribe|pod|crew)\s+(?=\S)",
    re.IGNORECASE,
)
# The first token and the separator after it: "1A –", "2E:", "3C.", "A-1 ".
_HEAD = re.compile(r"^(?P<head>[^\s–—:|]+?)\.?(?:\s*(?:[–—:|]|-(?=\s))\s*|\s+|$)")
# A numbered heading's number: "1- ", "3. ", "2) ".
_NUMBERED = re.compile(r"^\d{1,3}\s*[-–—.):]\s+")


def split_code_name(text: str) -> CodeName:
    """ "1A – Facilities" → (1A, Facilities); "Department 2B: Core" → (2B, Core);
    "F-5 Tooling *(new)*" → (F-5, Tooling, ("new",)); "1- Data Platform Team" → (None, …)."""
    text = _plain(text.replace("*", " "))
    markers: list[str] = []
    while (found := _MARKER.search(text)) is not None:
        markers.insert(0, found.group(1))
        text = text[: found.start()].rstrip()
    body = _GENERIC.sub("", text)
    head = _HEAD.match(body)
    if head is not None and looks_like_code(head["head"]):
        return CodeName(head["head"], body[head.end() :].strip(), tuple(markers))
    return CodeName(None, _NUMBERED.sub("", text).strip(), tuple(markers))


# -- dependencies ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DepPhrase:
    target: str
    provides: str
    direction: str  #: "from" (consumes from target), "to" (provides to it) or "with"
    written: str = ""  #: all targets as written ("1B/1C"), which may also be one path


# Arrows, longest spellings first: in (the group receives), out, both ways.
_ARROW = re.compile(r"^(?P<arrow><->|◄►|↔|⇔|<-+|-+>|[◄◀←⟵⇐<►▶→⟶⇒>])\s*(?P<rest>.+)$")
_ARROW_IN, _ARROW_BOTH = "<◄◀←⟵⇐", ("<->", "◄►", "↔", "⇔")
# Targets with what flows in parentheses: "1B (Cluster-API)", "1B/1C (owner escalations)".
_TARGET_PAREN = re.compile(r"^(?P<targets>[^()]+?)\s*(?:\((?P<what>.*)\))?$")
# The verb of "X from T", "X to T", "X with T" (the last one with a valid target wins).
_VERB = re.compile(r"(?:^|\s)(from|to|with)\s+", re.IGNORECASE)
# A named target: a capitalized phrase of at most five words ("Security", "Data team").
_NAME_TARGET = re.compile(r"[A-Z][\w.&+'/-]*(?: [\w.&+'/-]+){0,4}")


def _targets(text: str, *, names: bool) -> list[str] | None:
    text = text.strip().rstrip(".")
    codes = re.split(r"\s*(?:/|&|,|\band\b)\s*", text)
    if codes and all(looks_like_code(c) for c in codes):
        return codes
    name = re.sub(r"^the\s+", "", text, flags=re.IGNORECASE)
    return [name] if names and _NAME_TARGET.fullmatch(name) else None


def _phrases(
    found: re.Match[str] | None, direction: str, *, names: bool, what: str = ""
) -> list[DepPhrase] | None:
    """The phrases of one "targets (inner)" match; `what` was written before the targets."""
    if found is None or (targets := _targets(found["targets"], names=names)) is None:
        return None
    inner = (found["what"] or "").strip()
    provides = f"{what} ({inner})" if what and inner else what or inner
    written = found["targets"].strip().rstrip(".")
    return [DepPhrase(target, provides, direction, written) for target in targets]


def _one_dependency(text: str) -> list[DepPhrase] | None:
    if (arrow := _ARROW.match(text)) is not None:
        sign = arrow["arrow"]
        direction = "with" if sign in _ARROW_BOTH else "from" if sign[0] in _ARROW_IN else "to"
        return _phrases(_TARGET_PAREN.match(arrow["rest"]), direction, names=True)
    # A target is a code list or a name of at most five words: only the last verbs can lead one.
    for verb in list(_VERB.finditer(text))[:-4:-1]:
        rest, what = text[verb.end() :], text[: verb.start()].strip()
        found = _phrases(_TARGET_PAREN.match(rest), verb.group(1).lower(), names=True, what=what)
        if found is not None:
            return found
    return _phrases(_TARGET_PAREN.match(text), "from", names=False)


def parse_dependencies(text: str) -> list[DepPhrase] | None:
    """One cell item: "PVC/GPU from 1B", "Policy with 1E", "Backhaul to 2B", "1B (Cluster-API)",
    "◄ 1B/1C (owner escalations)" (two phrases), "► 2C (alarm feeds)", "1B"; or several
    separated by commas outside parentheses. None when it is not a dependency phrase."""
    text = re.sub(r"^[-•*]\s+", "", _plain(text))
    if not text:
        return None
    parts = split_list(text)
    if len(parts) > 1:
        out: list[DepPhrase] = []
        for part in parts:
            if (found := _one_dependency(part)) is None:
                break
            out.extend(found)
        else:
            return out
    return _one_dependency(text)  # "Kafka, Spark from D-1": the commas were inside X


# -- lists ------------------------------------------------------------------------------------


def split_list(text: str) -> list[str]:
    """Split on commas and semicolons outside parentheses ("1,000" stays whole)."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch in ",;" and depth == 0:
            between_digits = (
                ch == ","
                and 0 < i < len(text) - 1
                and text[i - 1].isdigit()
                and text[i + 1].isdigit()
            )
            if not between_digits:
                items.append("".join(current))
                current = []
                continue
        current.append(ch)
    items.append("".join(current))
    return [item.strip() for item in items if item.strip()]


# "Label: rest" with a label of 1-4 words starting with a letter (not "https://…").
_LABEL = re.compile(
    r"^(?P<label>[A-Za-z][\w/&+.'-]*(?: [\w/&+.'-]+){0,3})\s*:(?!//)\s*(?P<rest>.*)$"
)


def parse_inline_list(text: str) -> tuple[str, list[str]] | None:
    """ "KPIs: A ≥ 1, B < 2" → ("KPIs", ["A ≥ 1", "B < 2"]); None without a "Label:"."""
    found = _LABEL.match(_plain(text))
    if found is None:
        return None
    return found["label"], split_list(found["rest"])


def _name_paren(part: str) -> tuple[str, str]:
    """ "Standard (low-risk, pre-approved)" → ("Standard", "low-risk, pre-approved")."""
    part = part.strip().rstrip(".").strip()
    start = part.find("(")
    if start <= 0 or not part.endswith(")"):
        return part, ""
    return part[:start].strip(), part[start + 1 : -1].strip()


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
    found = _HEADCOUNT.match(_plain(text).replace("*", ""))
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
_EVERY_N = re.compile(rf"\bevery {_NUM} (week|month)s?\b", re.IGNORECASE)


def _every(text: str) -> tuple[str, re.Match[str]] | None:
    for pattern, every in _EVERY:
        if found := re.search(rf"\b(?:{pattern})\b", text, re.IGNORECASE):
            return every, found
    if found := _EVERY_N.search(text):
        count, unit = _number(found.group(1)), found.group(2).lower()
        return (f"{unit}ly" if count == 1 else f"{count}-{unit}s"), found
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
    for part in split_list(_plain(text)):
        name, inner = _name_paren(part)
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
    for part in split_list(_plain(text)):
        name, inner = _name_paren(part)
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
    return [_name_paren(part) for part in split_list(_plain(text))]


# -- governance statements ---------------------------------------------------------------------

# "… is the sole authority for A, B and C." / "… is the only team that may declare X."
_AUTHORITY = re.compile(
    r"\b(?:is|are)\s+the\s+(?:sole|only|single|exclusive)\s+(?:"
    r"(?:authority|owner|decision[- ]maker)s?\s+(?:for|of|over|on)"
    r"|(?:team|squad|group|department|unit|layer|one)\s+(?:that|which|who)"
    r"(?:\s+(?:may|can|is\s+allowed\s+to|is\s+permitted\s+to))?)"
    r"\s+(?P<subjects>.+?)(?:[.;](?:\s|$)|$)",
    re.IGNORECASE,
)


def parse_authority(text: str) -> tuple[str | None, list[str]] | None:
    """ "The 1B squad is the sole authority for A, B, and C." → ("1B", ["A", "B", "C"]);
    the group is the last code in the sentence before "is the sole …", else None."""
    text = _plain(text)
    found = _AUTHORITY.search(text)
    if found is None:
        return None
    sentence = re.split(r"[.;!?](?:\s|$)", text[: found.start()])[-1]
    codes = [t for t in re.findall(r"[\w.-]+", sentence) if looks_like_code(t.rstrip("."))]
    subjects: list[str] = []
    for item in split_list(found["subjects"]):
        for subject in re.split(r"\s+and\s+", re.sub(r"^(?:and|or)\s+", "", item)):
            subject = re.sub(r"^(?:the|a|an|all)\s+", "", subject.strip(), flags=re.IGNORECASE)
            if subject:
                subjects.append(subject)
    return (codes[-1].rstrip(".") if codes else None), subjects


# Trailing nouns that say what kind of thing a subject is rather than which thing it is.
_GENERIC_NOUNS = {"version", "integration", "configuration", "config", "setting", "policy"}
_GENERIC_NOUNS |= {"versions", "integrations", "configurations", "configs", "settings"}
_GENERIC_NOUNS |= {"policies", "management"}
_ACRONYM = re.compile(r"[A-Z][A-Z0-9]+")


def authority_terms(subject: str) -> list[str]:
    """The words that claim a subject.

    Generic trailing nouns are dropped (versions, integrations, configurations, configs,
    settings, policies, management; domain nouns like "ceremonies" stay); a token "A/B"
    of two acronyms stands for both ("CNI/CSI" → CNI, CSI; "GPU/CPU pools" → "GPU pools",
    "CPU pools"); a single ordinary word is lower-cased, other terms keep their spelling.
    "Kernel versions" → ["kernel"]; "GPU NodePool configurations" → ["GPU NodePool"];
    "HSM key ceremonies" → ["HSM key ceremonies"].
    """
    words = _plain(subject).split()
    while len(words) > 1 and words[-1].lower() in _GENERIC_NOUNS:
        words.pop()
    variants: list[list[str]] = [[]]
    for word in words:
        options = word.split("/")
        acronyms = len(options) > 1 and all(_ACRONYM.fullmatch(o) for o in options)
        if not acronyms or len(variants) * len(options) > 8:
            options = [word]
        variants = [[*v, o] for v in variants for o in options]
    terms = [" ".join(v) for v in variants if v]
    return [t.lower() if " " not in t and not _ACRONYM.fullmatch(t) else t for t in terms]


# "does not directly interface with X", "must not talk directly to X", "never integrates
# with X", "has no direct interface with X"; X runs to the end of the clause.
_FORBIDDEN = re.compile(
    r"(?:\b(?:does|do|must|shall|should|may|will|can)\s*(?:not|n't)|\bnever|\bcannot)\s+"
    r"(?:directly\s+)?(?:interface|talk|integrate|communicate|interact|connect)s?\s+"
    r"(?:directly\s+)?(?:with|to)\s+(?P<other>[^.,;:()]+)"
    r"|\bhas\s+no\s+direct\s+(?:interface|contact|integration)\s+with\s+(?P<other2>[^.,;:()]+)",
    re.IGNORECASE,
)


def parse_forbidden_interface(text: str) -> str | None:
    """ "… does not directly interface with 1D – Data …" → "1D"; "must not talk directly
    to the Data team" → "Data team" (the code when one leads the phrase)."""
    found = _FORBIDDEN.search(_plain(text))
    if found is None:
        return None
    other = re.sub(r"^(?:the|any)\s+", "", (found["other"] or found["other2"]).strip(), flags=re.I)
    coded = split_code_name(other)
    return coded.code or re.split(r"\s+(?:except|but|unless|other than)\b", other)[0] or None


# -- team rules written as sentences ----------------------------------------------------------

_LEAD_TRIGGER = re.compile(
    r"\b(?:when|once|if|as soon as|grows?\s+to|reach(?:es)?|hits?)\b", re.IGNORECASE
)


def parse_lead_threshold(text: str) -> tuple[int, str] | None:
    """ "When any subteam grows to 3 or more engineers, assign a subteam lead" → (3,
    "subteam"). The kind is the one named before "lead", else the nearest before the
    number, else "team". Needs the word "lead" and a trigger (when/once/if/reaches/…)."""
    text = _plain(text)
    trigger = _LEAD_TRIGGER.search(text)
    if trigger is None or not re.search(r"\blead", text, re.IGNORECASE):
        return None
    count = re.compile(rf"\b{_NUM}\b", re.IGNORECASE).search(text, trigger.start())
    if count is None:
        return None
    named = re.search(rf"\b{_KINDS}\s+leads?\b", text, re.IGNORECASE)
    if named is None:
        before = list(re.finditer(rf"\b{_KINDS}\b", text[: count.start()], re.IGNORECASE))
        return _number(count.group(1)), _kind(before[-1].group(1)) if before else "team"
    return _number(count.group(1)), _kind(named.group(1))


# "2-deep, per subteam", "3-deep per squad", "two deep for each pod".
_DEPTH = re.compile(
    rf"\b{_NUM}[- ]deep\b(?:,?\s*(?:per|for each|in each|each|for every)\s+{_KINDS})?",
    re.IGNORECASE,
)


def parse_oncall_depth(text: str) -> tuple[int, str | None] | None:
    """ "Rotation model: 2-deep, per subteam (…)" → (2, "subteam"); "3-deep" → (3, None)."""
    found = _DEPTH.search(_plain(text))
    if found is None:
        return None
    return _number(found.group(1)), _kind(found.group(2)) if found.group(2) else None


# "every 6–9 months", "every 12 months", "every 1-2 years".
_PERIOD = re.compile(
    rf"\bevery\s+{_NUM}(?:\s*(?:[-–—]|to)\s*{_NUM})?\s*(month|year)s?\b", re.IGNORECASE
)


def parse_rotation_period(text: str) -> tuple[int, int] | None:
    """Months between rotations: "Engineers rotate between subteams every 6–9 months" →
    (6, 9). Needs a rotation verb (rotate, move, switch, swap)."""
    text = _plain(text)
    if not re.search(r"\b(?:rotat\w*|move|moves|switch\w*|swap\w*)\b", text, re.IGNORECASE):
        return None
    found = _PERIOD.search(text)
    if found is None:
        return None
    scale = 12 if found.group(3).lower() == "year" else 1
    low = _number(found.group(1)) * scale
    high = _number(found.group(2)) * scale if found.group(2) else low
    return low, high


# The target of a hiring plan: "(up to 8 FTEs …)", "until G1 reaches 14 engineers".
_HIRING_TARGET = re.compile(
    rf"\b(?:up to|until\b[^.]*?\breach(?:es)?|to reach|target of|grow(?:ing)? to)\s+{_NUM}\b",
    re.IGNORECASE,
)
_HIRES = re.compile(
    rf"\b{_NUM}\s+(?:new\s+)?(?:hires?|engineers?|people|FTEs?|members?)\b", re.IGNORECASE
)


def parse_hiring(text: str) -> tuple[int, int, int | None] | None:
    """(every_weeks, hires, target): "Every 6 weeks = 1 hire" → (6, 1, None); "… hiring
    continues every 6 weeks (up to 8 FTEs by year-end)" → (6, 1, 8). Needs a hiring word."""
    text = _plain(text)
    if not re.search(r"\bhir(?:e|es|ing)\b|\brecruit|\bnew engineers?\b", text, re.IGNORECASE):
        return None
    every = re.search(rf"\bevery\s+{_NUM}\s+weeks?\b", text, re.IGNORECASE)
    if every is None:
        return None
    target = _HIRING_TARGET.search(text)
    rest = text.replace(target.group(0), " ") if target else text
    hires = _HIRES.search(rest.replace(every.group(0), " "))
    return (
        _number(every.group(1)),
        _number(hires.group(1)) if hires else 1,
        _number(target.group(1)) if target else None,
    )


_BUILD = re.compile(
    rf"\b{_NUM}[- ]weeks?\s+(?:build|cycle|sprint|iteration|bet)s?\b"
    rf"|\b(?:sprints?|cycles?|iterations?)\s+of\s+{_NUM}\s+weeks?\b",
    re.IGNORECASE,
)
_COOLDOWN = re.compile(rf"\b{_NUM}[- ]weeks?\s+(?:cool[- ]?down|break|buffer)\b", re.IGNORECASE)


def parse_cycle(text: str) -> tuple[int, int] | None:
    """(build_weeks, cooldown_weeks): "6-week build, 2-week cool-down" → (6, 2); "2-week
    sprints" → (2, 0)."""
    text = _plain(text)
    build = _BUILD.search(text)
    if build is None:
        return None
    cooldown = _COOLDOWN.search(text)
    return _number(build.group(1) or build.group(2)), _number(cooldown.group(1)) if cooldown else 0


_WEEKS = re.compile(
    r"\bweeks?\s+(\d{1,3})(?:\s*(?:[-–—]|to|through)\s*(?:weeks?\s+)?(\d{1,3}))?", re.I
)


def parse_weeks(text: str) -> str | None:
    """ "Phase 1 (Weeks 1–6): …" → "1-6"; "Week 12" → "12"."""
    found = _WEEKS.search(text)
    if found is None:
        return None
    return f"{found.group(1)}-{found.group(2)}" if found.group(2) else found.group(1)


def slug(text: str) -> str:
    """A lower-case ASCII identifier: "Data Platform Team" → "data-platform-team"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return out or "item"
