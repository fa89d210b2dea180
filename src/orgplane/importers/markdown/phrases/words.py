"""The vocabulary the phrase grammars share: counts written in digits or words, group
kinds, text with its Markdown emphasis removed, and text without the marks a wiki puts
before a line (emoji, toggle arrows, bullet characters).

Pure; stdlib only; imports nothing from orgplane.
"""

from __future__ import annotations

import unicodedata

__all__ = ["COUNT", "KINDS", "count", "kind", "name_paren", "plain", "unmark"]

_WORDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
COUNT = r"(\d{1,3}|" + "|".join(_WORDS) + r")"  #: a regex group: a count in digits or words
KINDS = r"(sub-?teams?|squads?|teams?|units?|pods?|crews?|tribes?|groups?|departments?)"


def count(text: str) -> int:
    """A count matched by ``COUNT``: "3" → 3, "three" → 3."""
    return int(text) if text.isdigit() else _WORDS.index(text.lower()) + 1


def kind(text: str) -> str:
    """ "Sub-teams" → "subteam"."""
    return text.lower().replace("-", "").removesuffix("s")


def plain(text: str) -> str:
    """Markdown emphasis and runs of whitespace removed."""
    return " ".join(text.replace("**", " ").replace("__", " ").split())


def name_paren(part: str) -> tuple[str, str]:
    """ "Standard (low-risk, pre-approved)" → ("Standard", "low-risk, pre-approved")."""
    part = part.strip().rstrip(".").strip()
    start = part.find("(")
    if start <= 0 or not part.endswith(")"):
        return part, ""
    return part[:start].strip(), part[start + 1 : -1].strip()


# Bullet characters that are punctuation, not symbols, in Unicode.
_BULLETS = frozenset("•‣◦⁃∙·")


def _is_mark(ch: str) -> bool:
    if ch in _BULLETS or ch.isspace():
        return True
    category = unicodedata.category(ch)
    # So: emoji, ▸ ▶ ►; Sk: emoji modifiers; Mn/Cf: variation selectors, joiners;
    # arrows (→ ⇒ ➜) are Sm like ≥ and <, so they are taken by their code block.
    return category in {"So", "Sk", "Mn", "Cf"} or 0x2190 <= ord(ch) <= 0x21FF


def unmark(text: str) -> str:
    """ "▸ **Flight Search**" → "**Flight Search**"; "👤 Lead: X" → "Lead: X"."""
    start = 0
    while start < len(text) and _is_mark(text[start]):
        start += 1
    return text[start:] if start else text
