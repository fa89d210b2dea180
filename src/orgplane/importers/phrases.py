"""Small phrase grammars of org documents: codes and names, dependency phrases, lists,
governance statements. Pure; imports nothing from orgplane.

Recognition goes by the *shape* of a phrase (a code token, an arrow, "from"/"with"/"to"),
never by the sample documents' exact words.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

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

# A code: 1-4 hyphen-separated parts of upper-case letters/digits (a part may end in a
# lower-case letter or ".digit" for sub-units: U-PC1a, U-RP1.1), with at least one digit.
_CODE = re.compile(r"^[A-Z0-9]{1,6}(?:-[A-Z0-9]{1,6}(?:\.\d+|[a-z])?){0,3}$")
# Severities, percentiles and levels look like codes but are not ("P95", "P0", "L1", "S3").
_NOT_CODE = re.compile(r"^(?:[PLS]\d+|\d+[A-Za-z]{0,2}|[A-Z]{1,5})$")
_DIGIT = re.compile(r"\d")
_GENERIC = re.compile(r"^(?:department|team|squad|unit|layer|division|group)\s+", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\s*(?:[–—:.|]|-(?=\s))\s*")
_MARKER = re.compile(
    r"\s*[*_]*\(\s*(new|updated|deprecated|planned|proposed|beta|legacy|draft)\s*\)[*_]*\s*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class CodeName:
    code: str | None
    name: str
    markers: tuple[str, ...] = ()


def looks_like_code(token: str) -> bool:
    """ "1A", "A-1", "U-V1", "U-CI1", "2B", "U-OPS1", "1F-2"; not "P95", "SRE", "24h", "CI/CD"."""
    if len(token) > 12 or not _CODE.match(token):
        return False
    if not _DIGIT.search(token):
        # Letters only: a code when hyphenated from short parts ("OS-MM"), never a
        # plain acronym ("SRE", "API").
        return bool(re.fullmatch(r"[A-Z]{1,4}(?:-[A-Z]{1,4})+", token))
    if _NOT_CODE.match(token):
        # A digit followed by one capital ("1A", "2B") is a department code; bare numbers,
        # "24h", severities and percentiles are not.
        return bool(re.fullmatch(r"\d{1,2}[A-Z]", token))
    return True


def split_code_name(text: str) -> CodeName:
    """ "A-1 Procurement" → ("A-1", "Procurement"); "Department 2B: Core" → ("2B", "Core")."""
    text = " ".join(text.replace("*", " ").split())
    markers: list[str] = []
    while (found := _MARKER.search(text)) is not None:
        markers.insert(0, found.group(1))
        text = text[: found.start()].rstrip()
    body = _GENERIC.sub("", text) if _GENERIC.match(text) else text
    head, _, rest = body.partition(" ")
    head = head.rstrip(":.–—")
    if looks_like_code(head):
        return CodeName(head, _SEPARATOR.sub("", rest).strip(), tuple(markers))
    return CodeName(None, re.sub(r"^\d+\s*[-.)]\s+", "", text).strip(), tuple(markers))


@dataclass(frozen=True, slots=True)
class DepPhrase:
    target: str
    provides: str
    direction: str  #: "from", "to" or "with"
    written: str = ""  #: the targets as written ("1B/1C"), which may also be one path


_ARROW_IN = "◄←⇐<"
_ARROW_OUT = "►→⇒>"
_TARGETS = r"(?P<targets>[A-Z0-9][A-Z0-9.-]*(?:/[A-Z0-9][A-Z0-9.-]*)*)"
_ARROWED = re.compile(
    rf"^(?P<arrow>[{_ARROW_IN}{_ARROW_OUT}])\s*{_TARGETS}\s*(?:\((?P<what>[^)]*)\))?$"
)
_CODE_PAREN = re.compile(rf"^{_TARGETS}\s*(?:\((?P<what>[^)]*)\))?$")
_VERB = re.compile(rf"^(?P<what>.+?)\s+(?P<verb>from|with|to)\s+{_TARGETS}$", re.IGNORECASE)


def _targets(text: str) -> list[str] | None:
    parts = text.split("/")
    return parts if all(looks_like_code(p) for p in parts) else None


def parse_dependencies(text: str) -> list[DepPhrase] | None:
    """ "PVC/GPU from 1B", "Policy with 1E", "1B (Cluster-API)", "◄ 1B/1C (x)" …; None if
    the text is not a dependency phrase."""
    text = " ".join(text.split())
    if not text:
        return None
    parts = split_list(text)
    if len(parts) > 1:
        out: list[DepPhrase] = []
        for part in parts:
            parsed = parse_dependencies(part)
            if parsed is None:
                return None
            out.extend(parsed)
        return out
    if (found := _ARROWED.match(text)) is not None:
        targets = _targets(found["targets"])
        direction = "from" if found["arrow"] in _ARROW_IN else "to"
    elif (found := _VERB.match(text)) is not None:
        targets = _targets(found["targets"])
        direction = found["verb"].lower()
    elif (found := _CODE_PAREN.match(text)) is not None:
        targets = _targets(found["targets"])
        direction = "from"
    else:
        return None
    if targets is None:
        return None
    what = (found["what"] or "").strip()
    return [DepPhrase(target, what, direction, found["targets"]) for target in targets]


def split_list(text: str) -> list[str]:
    """Split on commas and semicolons outside parentheses ("1,000" stays whole)."""
    items: list[str] = []
    depth = 0
    current: list[str] = []
    for i, ch in enumerate(text):
        if ch in "([":
            depth += 1
        elif ch in ")]":
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


_LABEL = re.compile(r"^(?P<label>[A-Za-z][\w/&-]*(?:\s+[\w/&-]+){0,3})\s*:\s*(?P<rest>.*)$")


def parse_inline_list(text: str) -> tuple[str, list[str]] | None:
    """ "KPIs: A ≥ 1, B < 2" → ("KPIs", ["A ≥ 1", "B < 2"]); None without a "Label:"."""
    found = _LABEL.match(text.strip())
    if found is None:
        return None
    return found["label"], split_list(found["rest"])


_AUTHORITY = re.compile(
    r"(?:(?P<who>\b[A-Z0-9][A-Z0-9-]*\b)[^.]*?)?\bis\s+the\s+(?:sole|only|single)\s+"
    r"(?:authority|owner)\s+(?:for|of)\s+(?P<subjects>[^.]+)",
    re.IGNORECASE,
)


def parse_authority(text: str) -> tuple[str | None, list[str]] | None:
    """ "The 1B squad is the sole authority for A, B, and C." → ("1B", ["A", "B", "C"])."""
    found = _AUTHORITY.search(text)
    if found is None:
        return None
    who = found["who"] if found["who"] and looks_like_code(found["who"]) else None
    raw = re.split(r",\s*(?:and\s+)?|\s+and\s+", found["subjects"].strip())
    return who, [s.strip() for s in raw if s.strip()]


_GENERIC_NOUNS = {
    "versions",
    "version",
    "integrations",
    "integration",
    "configurations",
    "configuration",
    "configs",
    "config",
    "settings",
    "policies",
    "management",
}


def authority_terms(subject: str) -> list[str]:
    """Words that claim a subject: "Kernel versions" → ["kernel"], "CNI/CSI integrations"
    → ["CNI", "CSI"], "GPU NodePool configurations" → ["GPU NodePool"]."""
    words = subject.split()
    while len(words) > 1 and words[-1].lower() in _GENERIC_NOUNS:
        words.pop()
    phrase = " ".join(words)
    if "/" in phrase and " " not in phrase:
        parts = phrase.split("/")
        if all(p.isupper() for p in parts):
            return parts
    return [phrase.lower() if len(words) == 1 and not phrase.isupper() else phrase]


_FORBIDDEN = re.compile(
    r"(?:does|do|must|shall|should)\s+not\s+(?:directly\s+)?(?:interface|talk|integrate)\s+"
    r"(?:directly\s+)?(?:with|to)\s+(?P<other>[^.,;]+)",
    re.IGNORECASE,
)


def parse_forbidden_interface(text: str) -> str | None:
    """ "… does not directly interface with 1D – Data …" → "1D" (or the named phrase)."""
    found = _FORBIDDEN.search(text)
    if found is None:
        return None
    other = found["other"].strip()
    head = other.split()[0] if other.split() else ""
    return head if looks_like_code(head) else other


def slug(text: str) -> str:
    """A lower-case ASCII identifier: "Data Platform Team" → "data-platform-team"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:64].strip("-")
    return out or "item"
