"""Small phrase grammars of org documents: codes and names, dependency phrases, lists
and governance statements (``planning`` has the staffing and planning ones).

Pure functions over strings; imports only ``importers.markdown.phrases.words``. Recognition goes by the
*shape* of a phrase (a code token, an arrow, "from"/"with"/"to"), never by the sample
documents' exact words. Every parser returns None (or an empty list) for text that does
not have its shape, and never raises.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from orgplane.importers.markdown.phrases.words import plain

__all__ = [
    "CodeName",
    "DepPhrase",
    "authority_terms",
    "looks_like_code",
    "parse_authority",
    "parse_dependencies",
    "parse_forbidden_interface",
    "parse_inline_list",
    "slug",
    "split_code_name",
    "split_list",
]

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
_LABELCOUNTBER = re.compile(r"(?:SEV|TIER|LEVEL|PRIO)-?\d+")


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
    if not token or len(token) > 12 or _LABELCOUNTBER.fullmatch(token):
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
COUNTBERED = re.compile(r"^\d{1,3}\s*[-–—.):]\s+")


def split_code_name(text: str) -> CodeName:
    """ "1A – Facilities" → (1A, Facilities); "Department 2B: Core" → (2B, Core);
    "F-5 Tooling *(new)*" → (F-5, Tooling, ("new",)); "1- Data Platform Team" → (None, …)."""
    text = plain(text.replace("*", " "))
    markers: list[str] = []
    while (found := _MARKER.search(text)) is not None:
        markers.insert(0, found.group(1))
        text = text[: found.start()].rstrip()
    body = _GENERIC.sub("", text)
    head = _HEAD.match(body)
    if head is not None and looks_like_code(head["head"]):
        return CodeName(head["head"], body[head.end() :].strip(), tuple(markers))
    return CodeName(None, COUNTBERED.sub("", text).strip(), tuple(markers))


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
    text = re.sub(r"^[-•*]\s+", "", plain(text))
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
    found = _LABEL.match(plain(text))
    if found is None:
        return None
    return found["label"], split_list(found["rest"])


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
    text = plain(text)
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
    words = plain(subject).split()
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
    found = _FORBIDDEN.search(plain(text))
    if found is None:
        return None
    other = re.sub(r"^(?:the|any)\s+", "", (found["other"] or found["other2"]).strip(), flags=re.I)
    coded = split_code_name(other)
    return coded.code or re.split(r"\s+(?:except|but|unless|other than)\b", other)[0] or None


def slug(text: str) -> str:
    """A lower-case ASCII identifier: "Data Platform Team" → "data-platform-team"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return out or "item"
