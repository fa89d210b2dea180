"""Facts written as sentences: "Perception is run by Ines Carvalho", "Store needs Payments
for purchases", "Navigation builds on Perception", "Goals: a; b.", "(RPO ≤ 15 min)", and
rules: "Only the Identity team may rotate signing keys", "A squad larger than five gets
an engineering manager".

Pure; imports ``importers.markdown.facts.labels`` and ``phrases``. A sentence names its
subject as written; the builder decides whether that is a group ("It" and "The team"
are the group of the section the sentence is in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orgplane.importers.markdown.facts.labels import Facts, is_kpi_text, read_labelled
from orgplane.importers.markdown.phrases.words import COUNT, count

__all__ = ["SELF", "Said", "authority", "lead_threshold", "read_sentences", "sentences"]

#: The subject of a sentence about the group of its own section.
SELF = ""
_SELF_WORDS = re.compile(r"^(?:it|they|this team|the team|this squad|the squad|we)$", re.I)
_RUN_BY = re.compile(
    r"^(?P<subject>.+?)\s+(?:is|are)\s+(?:run|led|managed|owned|headed)\s+by\s+(?P<who>.+)$",
    re.I,
)
_NEEDS = re.compile(
    r"^(?P<subject>.+?)\s+(?P<verb>needs|need|depends\s+on|depend\s+on|relies\s+on|rely\s+on|"
    r"builds\s+on|build\s+on|consumes|consume)\s+(?P<rest>.+)$",
    re.I,
)
_INLINE_LABEL = re.compile(
    r"\b(?P<label>goals?|objectives?|kpis?|slos?|targets?|success metrics)\s*:\s*(?P<rest>.+)$",
    re.I,
)
_PAREN = re.compile(r"\(([^()]+)\)")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")


@dataclass(frozen=True, slots=True)
class Said:
    """What one sentence says: its subject as written ("" for the section's own group)."""

    subject: str
    facts: Facts


def sentences(text: str) -> list[str]:
    """A paragraph in sentences (initials such as "A. Name" do not end one)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if out and re.search(r"(?:^|\s)[A-Z]\.$", out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s for s in out if s]


def _subject(text: str) -> str:
    text = text.strip().strip("*_")
    return SELF if _SELF_WORDS.match(text) else text


def read_sentences(text: str) -> list[Said]:
    """What the sentences of a paragraph say; sentences that say nothing typed are left out."""
    said: list[Said] = []
    for sentence in sentences(text):
        for clause in re.split(r";\s+(?=[A-Z])", sentence):
            said.extend(_clause(clause.strip().rstrip(".")))
    return said


def _clause(clause: str) -> list[Said]:
    out: list[Said] = []
    inline = _INLINE_LABEL.search(clause)
    if inline and (inline.start() == 0 or clause[: inline.start()].rstrip().endswith((".", ","))):
        facts = read_labelled(f"{inline['label']}: {inline['rest']}")
        if facts.kpis:
            out.append(Said(SELF, facts))
        clause = clause[: inline.start()].rstrip(" ,.")
        if not clause:
            return out
    for paren in _PAREN.findall(clause):
        if is_kpi_text(paren) and not re.search(r"\bby\b", paren):
            out.append(Said(SELF, Facts(kpis=[paren.strip()])))
    if found := _RUN_BY.match(clause):
        who = re.split(r"\s+(?:together with|with|and the|who|since|until)\s+", found["who"])[0]
        facts = read_labelled(f"lead: {who}")
        if facts.leads:
            out.append(Said(_subject(found["subject"]), facts))
    elif found := _NEEDS.match(clause):
        facts = read_labelled(f"needs: {_and_list(found['rest'])}")
        if facts.deps:
            out.append(Said(_subject(found["subject"]), facts))
    return out


def _and_list(rest: str) -> str:
    """ "Game Servers and Player Profiles" → "Game Servers, Player Profiles" (names only:
    "for x and y" stays inside its phrase)."""
    if " for " in rest:
        return rest
    return re.sub(r",?\s+and\s+(?=(?:the\s+)?[A-Z])", ", ", rest)


# -- rules ------------------------------------------------------------------------------

_ONLY = re.compile(
    r"^only\s+(?:the\s+)?(?P<group>.+?)(?:\s+(?:team|squad|group))?\s+(?:may|can|is allowed to|"
    r"are allowed to)\s+(?P<what>.+?)\.?$",
    re.I,
)
_LARGER = re.compile(
    rf"^(?:an?|any|every|each)\s+(?P<kind>team|squad|tribe|group|pod|subteam|unit)s?\s+"
    rf"(?P<op>larger than|bigger than|of more than|with more than|over|of|with|reaching)\s+"
    rf"{COUNT}(?:\s+(?:people|engineers|members|persons))?(?:\s+or more)?\s+"
    rf"(?:gets?|has|have|needs?|must have|should have)\s+(?:an?\s+)?(?P<role>.+?)\.?$",
    re.I,
)


def authority(sentence: str) -> tuple[str, str] | None:
    """ "Only the Identity team may rotate signing keys" → ("Identity", "rotate signing keys")."""
    found = _ONLY.match(sentence.strip())
    return (found["group"].strip(), found["what"].strip()) if found else None


def lead_threshold(sentence: str) -> tuple[int, str] | None:
    """ "A squad larger than five gets an engineering manager" → (6, "squad"): a lead from
    six people on. Only when what it gets is a lead or a manager."""
    found = _LARGER.match(sentence.strip())
    if found is None or not re.search(r"\b(?:lead|manager|head)\b", found["role"], re.I):
        return None
    size = count(found[3])
    strict = found["op"].lower() in {
        "larger than",
        "bigger than",
        "of more than",
        "with more than",
        "over",
    }
    return size + 1 if strict else size, found["kind"].lower()
