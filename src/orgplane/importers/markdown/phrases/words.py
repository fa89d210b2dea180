"""The vocabulary the phrase grammars share: counts written in digits or words, group
kinds, and text with its Markdown emphasis removed.

Pure; stdlib only; imports nothing from orgplane.
"""

from __future__ import annotations

__all__ = ["COUNT", "KINDS", "count", "kind", "name_paren", "plain"]

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
