"""Facts written as sentences: "Perception is run by Ines Carvalho", "Store needs Payments
for purchases", "Navigation builds on Perception", "Partner Gateway is run by L. Méndez
and builds on Payments", "Data Ingestion is led by A, Query Engine by B", "Works with
Pipelines on notebooks", "Division heads: Commerce — A; Supply — B", "Goals: a; b.",
"(RPO ≤ 15 min)", and rules, also as one clause of a sentence: "Only the Identity team
may rotate signing keys", "A squad larger than five gets an engineering manager".

Pure; imports ``importers.markdown.facts.labels``, ``phrases`` and ``structure.names``.
A sentence names its subject as written; the builder decides whether that is a group
("It" and "The team" are the group of the section the sentence is in).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from orgplane.importers.markdown.facts.labels import Facts, is_kpi_text, read_labelled
from orgplane.importers.markdown.phrases.words import COUNT, count, unmark
from orgplane.importers.markdown.structure.names import is_name

__all__ = ["SELF", "Said", "authority", "lead_threshold", "read_sentences", "sentences"]

#: The subject of a sentence about the group of its own section.
SELF = ""
_SELF_WORDS = re.compile(r"^(?:this team|the team|this squad|the squad|we)$", re.I)
# "It", "They": the group the paragraph is about — the last one a sentence named, else
# the section's own group.
_IT = "\0it"
_PRONOUNS = re.compile(r"^(?:it|they)$", re.I)
# "Its SLOs are a and b", "Their goal is …".
_ITS_KPIS = re.compile(
    r"^(?P<whose>its|their|our)\s+(?:slos?|slis?|kpis?|goals?|targets?|objectives?|"
    r"key\s+results?|metrics?|success\s+metrics?)\s+(?:is|are|include|:)\s+(?P<rest>.+)$",
    re.I,
)
# "The Cards team (lead: Ana Lima) issues …", "Core Ledger is a platform team (lead: …)".
_NAMED_PAREN = re.compile(
    r"^(?:[Tt]he\s+)?(?P<subject>[A-Z][\w&'-]*(?:\s+(?:&\s+|and\s+|of\s+)?[A-Z][\w&'-]*)*)"
    r"(?:\s+(?:team|squad|group|tribe|division))?(?:\s+(?:is|are)\s+an?\s+[^()]*?)?"
    r"\s*\((?P<facts>[^()]*:[^()]*)\)"
)
_LEAD_VERB = r"(?:is|are)\s+(?:run|led|managed|owned|headed)\s+by"
_DEP_VERB = (
    r"needs|need|depends\s+on|depend\s+on|relies\s+on|rely\s+on|builds\s+on|build\s+on|"
    r"consumes|consume"
)
_WITH_VERB = r"(?:works?|collaborates?|partners?|pairs?)\s+with"
_VERBS = rf"{_LEAD_VERB}|{_DEP_VERB}|{_WITH_VERB}"
# The subject, then the first verb: "Partner Gateway is run by …", "LIMS builds on …".
_ADVERB = (
    r"(?:(?:also|further|additionally|mostly|mainly|heavily|directly|still|now|currently)\s+)?"
)
_PREDICATE = re.compile(rf"^(?P<subject>.+?)\s+{_ADVERB}(?P<pred>(?:{_VERBS})\s+.+)$", re.I)
# "… and builds on …", ", and depends on …": one more predicate of the same subject.
_AND_VERB = re.compile(rf"(?:,\s*|\s+)and\s+{_ADVERB}(?=(?:{_VERBS})\s)", re.I)
# What may stand before an inline label: "Its second goal: …", "Our targets: …".
_LABEL_LEAD = re.compile(r"^(?:(?:its|their|our|the|this team's|the team's)\s+)?(?:\w+\s+)?$", re.I)
_INLINE_LABEL = re.compile(
    r"\b(?P<label>goals?|objectives?|kpis?|slos?|targets?|success metrics)\s*:\s*(?P<rest>.+)$",
    re.I,
)
_PAREN = re.compile(r"\(([^()]+)\)")
# "Alerts → Execution (scheduled queries)": a group, an arrow, the group it depends on.
_ARROW = re.compile(r"^(?P<subject>[^→⟶➜<>=]+?)\s*(?:→|⟶|➜|-{1,2}>|=>)\s*(?P<rest>[^→⟶➜<>=]+)$")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z(])")
# What ends a word with a period without ending the sentence: initials and titles.
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-Z]|Dr|Prof|Mr|Mrs|Ms|Mx|St|Jr|Sr|vs|e\.g|i\.e)\.$")
# "Division heads: Commerce — Hannah Cole; Supply Chain — Ivo Petrov".
_PAIRS = re.compile(
    r"^(?:[\w-]+\s+)?(?:heads|leads|leaders|managers|owners|directors)\s*:\s*(?P<rest>.+)$",
    re.I | re.S,
)
_PAIR = re.compile(
    r"^(?P<group>[^()—–:]+?)\s*(?:[—–:]|\s-\s)\s*(?P<who>[^()]+?)$|"
    r"^(?P<group2>[^()]+?)\s*\((?P<who2>[^()]+)\)$"
)


@dataclass(frozen=True, slots=True)
class Said:
    """What one sentence says: its subject as written ("" for the section's own group)."""

    subject: str
    facts: Facts


def sentences(text: str) -> list[str]:
    """A paragraph in sentences (initials and titles such as "Dr." do not end one)."""
    out: list[str] = []
    for piece in _SENTENCE_END.split(" ".join(text.split())):
        if out and _ABBREVIATION.search(out[-1]):
            out[-1] += " " + piece
        else:
            out.append(piece)
    return [s for s in out if s]


def _subject(text: str) -> str:
    text = re.sub(r"\s*\([^()]*\)", "", unmark(text.strip())).strip().strip("*_")
    if _PRONOUNS.match(text):
        return _IT
    return SELF if _SELF_WORDS.match(text) else text


def read_sentences(text: str) -> list[Said]:
    """What the sentences of a paragraph say; sentences that say nothing typed are left out."""
    if pairs := _lead_pairs(" ".join(unmark(text).split())):
        return pairs
    said: list[Said] = []
    topic = SELF
    for sentence in sentences(text):
        for clause in re.split(r";\s+(?=[A-Z])", sentence):
            for one in _clause(unmark(clause.strip()).rstrip(".")):
                if one.subject == _IT:
                    one = Said(topic, one.facts)
                elif one.subject != SELF:
                    topic = one.subject
                said.append(one)
    return said


def _lead_pairs(text: str) -> list[Said]:
    """ "Division heads: Commerce — Hannah Cole; Supply Chain — Ivo Petrov" → each group
    with its lead; nothing unless every part is such a pair."""
    found = _PAIRS.match(text)
    if found is None:
        return []
    said = []
    for part in re.split(r"\s*;\s*" if ";" in found["rest"] else r"\s*,\s*", found["rest"]):
        pair = _PAIR.match(part.strip().rstrip("."))
        if pair is None:
            return []
        facts = read_labelled(f"lead: {pair['who'] or pair['who2']}")
        if not facts.leads:
            return []
        said.append(Said((pair["group"] or pair["group2"]).strip(), facts))
    return said


def _clause(clause: str) -> list[Said]:
    out: list[Said] = []
    inline = _INLINE_LABEL.search(clause)
    if inline and (
        _LABEL_LEAD.match(clause[: inline.start()])
        or clause[: inline.start()].rstrip().endswith((".", ","))
    ):
        facts = read_labelled(f"{inline['label']}: {inline['rest']}")
        if facts.kpis:
            out.append(Said(SELF, facts))
        clause = clause[: inline.start()].rstrip(" ,.")
        if not clause:
            return out
    if (named := _NAMED_PAREN.match(clause)) and (facts := read_labelled(named["facts"])).any():
        out.append(Said(_subject(named["subject"]), facts))
    if its := _ITS_KPIS.match(clause):
        kpis = [k for k in re.split(r",\s*|\s+and\s+", its["rest"]) if is_kpi_text(k)]
        if kpis:
            whose = _IT if its["whose"].lower() != "our" else SELF
            return [*out, Said(whose, Facts(kpis=[k.strip() for k in kpis]))]
    for paren in _PAREN.findall(clause):
        if is_kpi_text(paren) and not re.search(r"\bby\b", paren):
            out.append(Said(SELF, Facts(kpis=[paren.strip()])))
    if (arrow := _ARROW.match(clause)) and _names_a_group(arrow["subject"], arrow["rest"]):
        facts = read_labelled(f"needs: {arrow['rest']}")
        return [*out, Said(_subject(arrow["subject"]), facts)] if facts.deps else out
    if re.match(rf"{_ADVERB}(?:{_VERBS})\s", clause, re.I):  # "Needs LIMS for manifests."
        subject, predicate = SELF, clause
    elif found := _PREDICATE.match(clause):
        subject, predicate = _subject(found["subject"]), found["pred"]
    else:
        return out
    predicate = re.sub(rf"^{_ADVERB}", "", predicate, flags=re.I)
    for pred in _AND_VERB.split(predicate):
        out.extend(_predicate(subject, pred.strip()))
    return out


def _names_a_group(subject: str, rest: str) -> bool:
    """Both sides of an arrow are names ("Alerts → Execution (scheduled queries)"), not
    steps of a process ("Request → review")."""
    target = re.sub(r"\s*\([^()]*\)$", "", rest.strip())
    return is_name(subject.strip().strip("*_")) and is_name(target.strip("*_"))


def _predicate(subject: str, pred: str) -> list[Said]:
    """One verb phrase about ``subject``: "is run by A", "needs B for x", "works with C"."""
    if lead := re.match(rf"{_LEAD_VERB}\s+(?P<who>.+)$", pred, re.I):
        who = re.split(r"\s+(?:together with|with|and the|who|since|until)\s+", lead["who"])[0]
        return _leads(subject, who)
    if partner := re.match(rf"{_WITH_VERB}\s+(?P<rest>.+)$", pred, re.I):
        rest = re.sub(r"\s+on\s+(?P<what>.+)$", r" (\g<what>)", partner["rest"])
        facts = read_labelled(f"partners: {_and_list(rest)}")
        return [Said(subject, facts)] if facts.deps else []
    if needs := re.match(rf"(?:{_DEP_VERB})\s+(?P<rest>.+)$", pred, re.I):
        facts = read_labelled(f"needs: {_and_list(needs['rest'])}")
        return [Said(subject, facts)] if facts.deps else []
    return []


def _leads(subject: str, who: str) -> list[Said]:
    """ "A. Name" → one lead; "Paula Costa, Query Engine by Viktor Hansen and Product Apps
    by Emma Quist" → this group's lead and, after it, other groups' leads."""
    parts = re.split(r",\s*(?:and\s+)?|\s+and\s+", who)
    others = [re.match(r"^(?P<group>.+?)\s+by\s+(?P<who>.+)$", part) for part in parts[1:]]
    said: list[Said] = []
    if parts[1:] and all(others):
        who = parts[0]
        for other in others:
            assert other is not None
            facts = read_labelled(f"lead: {other['who']}")
            if facts.leads:
                said.append(Said(_subject(other["group"]), facts))
    facts = read_labelled(f"lead: {who}")
    return ([Said(subject, facts)] if facts.leads else []) + said


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


# A rule may be one clause of a sentence: "Prices are shared read-only; only the
# Promotions team may change prices", "…, and only the Tokenization team may …".
_CLAUSE = re.compile(r";\s*|,\s*(?:and|but|so|while|whereas)\s+|\s+[—–]\s+")


def _clauses(sentence: str) -> list[str]:
    return [unmark(c.strip()) for c in _CLAUSE.split(sentence.strip()) if c.strip()]


def authority(sentence: str) -> tuple[str, str] | None:
    """ "Only the Identity team may rotate signing keys" → ("Identity", "rotate signing keys"),
    also as a clause of a longer sentence."""
    for clause in _clauses(sentence):
        if found := _ONLY.match(clause):
            return found["group"].strip(), found["what"].strip()
    return None


def lead_threshold(sentence: str) -> tuple[int, str] | None:
    """ "A squad larger than five gets an engineering manager" → (6, "squad"): a lead from
    six people on. Only when what it gets is a lead or a manager."""
    found = next(filter(None, map(_LARGER.match, _clauses(sentence))), None)
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
