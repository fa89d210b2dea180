"""Facts written as labels: "**Manager:** A. Name", "Owner: X · Needs: A, B", a bullet
"KPIs: a; b", the inline "(owner: A. Name; 5 people; SLOs: …; needs Identity for …)".

Pure; imports ``importers.markdown.phrases.grammar``. Labels are recognized by their
words, in any case, with or without emphasis; a part without a label that reads as a
target ("p95 < 3 s") is a KPI; anything else stays text for a note.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orgplane.importers.markdown.phrases.grammar import split_list
from orgplane.importers.markdown.phrases.words import unmark

__all__ = [
    "Facts",
    "is_kpi_text",
    "label_kind",
    "read_labelled",
    "split_names",
    "split_parts",
]

# Label words → what the value is. Longest spellings first (the regex tries in order).
_LABELS: list[tuple[str, str]] = [
    (r"eng(?:ineering)?\s+(?:lead|manager|director)", "lead"),
    (r"(?:tech(?:nical)?|team|squad|product|delivery)\s+lead", "lead"),
    (
        r"(?:tribe|division|department|group|area|domain|pillar|chapter|pod|crew|unit)\s+"
        r"(?:lead|head|manager|director)",
        "lead",
    ),
    (r"(?:run|led|managed|owned|headed)\s+by", "lead"),
    (
        r"(?:head|lead|leader|manager|director)\s+of\s+(?:the\s+)?"
        r"(?:division|department|tribe|group|team|squad|area|unit|engineering)",
        "lead",
    ),
    (r"owners?|leads?|managers?|director|head|em|tl|dri|accountable|chief", "lead"),
    (r"contacts?|channel|slack|pager|paging|on-?call|email|e-mail|chat|support", "contact"),
    (r"success\s+metrics|key\s+results|kpis?|slos?|slis?|slas?|goals?|objectives?", "kpi"),
    (r"okrs?|targets?|metrics|measures|measured\s+by|kr\s*\d{0,2}|key\s+result\s*\d{0,2}", "kpi"),
    (r"depends\s+on|relies\s+on|builds\s+on|dependencies|upstream|needs|consumes", "from"),
    (r"downstream|consumers|provides\s+to|serves|customers", "to"),
    (r"partners?|works\s+with|collaborates\s+with|interfaces?(?:\s+with)?", "with"),
    (r"runs|owns|systems|services|stack|tools|tech(?:nology)?|platforms?|components", "runs"),
    (r"purpose|mission|description|about|scope|focus|charter|responsibilit(?:y|ies)", "about"),
    (r"size|people|headcount|members|engineers", "size"),
    (r"code|short\s+name|abbreviation", "code"),
    (r"reports?\s+to|part\s+of|parent(?:\s+(?:team|group|org|unit))?|belongs\s+to", "parent"),
]
_LABEL_WORDS = "|".join(f"(?:{words})" for words, _ in _LABELS)
_PERIOD = re.compile(r"^(?:q[1-4]|h[12]|fy\s?\d{2,4}|\d{4})\s+(?=\w)", re.I)
_LABEL_PATTERNS = [(re.compile(words, re.IGNORECASE), kind) for words, kind in _LABELS]
# "Label: value" (colon) — or a verb label without one ("needs Identity for logins").
_LABELLED = re.compile(rf"^\s*(?P<label>{_LABEL_WORDS})\s*:\s*(?P<value>.*)$", re.IGNORECASE | re.S)
_VERB = re.compile(
    r"^\s*(?P<label>needs|depends\s+on|relies\s+on|builds\s+on|consumes|"
    r"(?:run|led|managed|owned|headed)\s+by)\s+(?P<value>\S.*)$",
    re.IGNORECASE | re.S,
)
_VERB_HEAD = re.compile(r"^(?:needs|depends\s+on|relies\s+on|builds\s+on|consumes)\s+", re.I)
_SIZE = re.compile(
    r"^\s*\d+(?:\s*[-–]\s*\d+)?\s+(?:people|engineers|persons|members|FTEs?)\s*$", re.I
)
_COMPARATOR = re.compile(r"[≤≥<>=≈]|>=|<=|\b(?:at least|at most|under|below|above|over|within)\b")
_SEPARATORS = re.compile(
    rf"\s+[·•|]\s+|\s+—\s+(?=[A-Z][\w ]{{1,30}}:)|\s+/\s+(?=(?i:{_LABEL_WORDS})\s*:)"
)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9%)][.!?])\s+(?=[A-Z])")
_INITIAL = re.compile(r"(?:^|\s)(?:[A-Z]|Dr|Prof|Mr|Mrs|Ms|Mx|St|Jr|Sr|vs|e\.g|i\.e)\.$")
# A title before a name is not part of it ("Dr. Ana Petrov").
_HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|sir|dame)\.?\s+(?=[A-Z])", re.I)


def label_kind(label: str) -> str | None:
    """What a label introduces ("lead", "kpi", "from", …), or None."""
    text = " ".join(unmark(label.strip()).strip("*_:").split())
    text = _PERIOD.sub("", text)  # "Q3 OKRs", "2025 goals", "H2 objectives"
    for pattern, kind in _LABEL_PATTERNS:
        if pattern.fullmatch(text):
            return kind
    return None


def is_kpi_text(text: str) -> bool:
    """A target: a comparator and a number ("p95 < 3 s", "≥ 99.9%", "within 8 h ≥ 90%")."""
    return bool(_COMPARATOR.search(text)) and bool(re.search(r"\d", text))


@dataclass(slots=True)
class Facts:
    """What labelled text says about a group."""

    leads: list[str] = field(default_factory=list)
    kpis: list[str] = field(default_factory=list)
    #: (written target, what flows, direction)
    deps: list[tuple[str, str, str]] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    runs: list[str] = field(default_factory=list)
    about: list[str] = field(default_factory=list)
    sizes: list[str] = field(default_factory=list)
    #: The group it says this one is part of ("Part of: X", "Reports to: X"), as written.
    parents: list[str] = field(default_factory=list)
    code: str = ""
    rest: list[str] = field(default_factory=list)  #: parts no label claimed

    def any(self) -> bool:
        return bool(self.leads or self.kpis or self.deps or self.contacts or self.runs)

    def extend(self, other: Facts) -> None:
        for name in (
            "leads",
            "kpis",
            "deps",
            "contacts",
            "runs",
            "about",
            "sizes",
            "parents",
            "rest",
        ):
            mine, theirs = getattr(self, name), getattr(other, name)
            mine.extend(item for item in theirs if item not in mine)
        self.code = self.code or other.code


def split_parts(text: str) -> list[str]:
    """A line of labelled facts in parts: "Owner: X · Needs: A, B" → two parts; "owner:
    X; 5 people" (semicolons outside parentheses) → two parts; "owned by A. Targets: …"
    (sentences; an initial such as "A. Name" ends none) → two parts."""
    parts: list[str] = []
    for piece in _SEPARATORS.split(text):
        for sentence in _sentences(piece):
            parts.extend(_semicolons(sentence))
    return parts


def _sentences(text: str) -> list[str]:
    out: list[str] = []
    for piece in _SENTENCE_END.split(text):
        if out and _INITIAL.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return out


def _semicolons(text: str) -> list[str]:
    out: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        depth += ch in "([{"
        depth -= ch in ")]}" and depth > 0
        if ch == ";" and depth == 0:
            out.append("".join(current).strip())
            current = []
        else:
            current.append(ch)
    out.append("".join(current).strip())
    return [part for part in out if part]


def split_names(value: str) -> list[str]:
    """People or groups in a list: "A, B and C", "A / B"."""
    out: list[str] = []
    for item in split_list(value):
        out.extend(
            p.strip() for p in re.split(r"\s+and\s+|\s*/\s*|\s*&\s*(?=[A-Z]\.)", item) if p.strip()
        )
    return out


def _dependencies(value: str, direction: str) -> list[tuple[str, str, str]]:
    """ "Compute (clusters), Identity", "Identity for logins", "A for x and B for y"."""
    deps: list[tuple[str, str, str]] = []
    items = split_list(value)
    for item in items:
        # "Payments for purchases and Player Profiles for inventory": one phrase per "for".
        pieces = re.split(r"\s+and\s+(?=(?:the\s+)?[A-Z])", item) if " for " in item else [item]
        for piece in pieces:
            piece = _VERB_HEAD.sub("", piece.strip().rstrip("."))
            what = ""
            paren = re.match(r"^(?P<name>[^()]+?)\s*\((?P<what>[^()]*)\)$", piece)
            if paren:
                piece, what = paren["name"], paren["what"]
            else:
                purpose = re.match(r"^(?P<name>.+?)\s+for\s+(?P<what>.+)$", piece)
                if purpose:
                    piece, what = purpose["name"], purpose["what"]
            if piece and piece.lower() not in {"none", "n/a", "-", "—"}:
                deps.append((piece.strip(), what.strip(), direction))
    return deps


def _lead_names(value: str) -> list[str]:
    names = []
    for name in split_names(value):
        name = re.sub(r"\s*\([^)]*\)\s*$", "", name).strip().strip("*_").rstrip(".")
        name = _HONORIFIC.sub("", name)
        if name and name.lower() not in {"tbd", "tba", "n/a", "none", "vacant", "open", "-", "—"}:
            names.append(name)
    return names


def read_labelled(text: str, facts: Facts | None = None) -> Facts:
    """The facts of one labelled text (one line, a cell, a bullet item or a parenthesis);
    parts are split on "·", "|", ";" (in parentheses) and read label by label."""
    facts = facts if facts is not None else Facts()
    last = ""
    for part in split_parts(text):
        last = _part(part, facts, last)
    return facts


def _part(part: str, facts: Facts, last: str) -> str:
    part = unmark(part)
    found = _LABELLED.match(part) or _VERB.match(part)
    if found is None:
        if _SIZE.match(part):
            facts.sizes.append(part)
            return "size"
        if last == "kpi" or (is_kpi_text(part) and len(part.split()) <= 8):
            facts.kpis.extend(_kpis(part))
            return "kpi"
        if last in ("from", "to", "with"):
            facts.deps.extend(_dependencies(part, last))
            return last
        facts.rest.append(part)
        return ""
    kind = label_kind(found["label"])
    value = found["value"].strip()
    if kind is None or not value:
        facts.rest.append(part)
        return ""
    if kind == "lead":
        handles = [n for n in _lead_names(value) if n.startswith("@")]
        facts.leads.extend(n for n in _lead_names(value) if not n.startswith("@"))
        facts.contacts.extend(handles)
    elif kind == "kpi":
        facts.kpis.extend(_kpis(value))
    elif kind in ("from", "to", "with"):
        facts.deps.extend(_dependencies(value, kind))
    elif kind == "contact":
        facts.contacts.append(value)
    elif kind == "runs":
        facts.runs.extend(split_list(value))
    elif kind == "about":
        facts.about.append(value)
    elif kind == "size":
        facts.sizes.append(value)
    elif kind == "code":
        facts.code = value.split()[0].strip("`*_")
    elif kind == "parent":
        facts.parents.append(value.strip().rstrip("."))
    return kind


def _kpis(value: str) -> list[str]:
    return [item.rstrip(".").strip() for item in split_list(value) if item.rstrip(".").strip()]
