"""Whether a short text reads as a group's name ("Payments Hub", "OSS", "Data & Analytics")
rather than a sentence, a label or an item of work.

Pure; imports nothing from orgplane.
"""

from __future__ import annotations

import re

__all__ = ["is_name", "split_inline_facts"]

_SMALL = {
    "and",
    "of",
    "for",
    "the",
    "&",
    "a",
    "an",
    "to",
    "in",
    "on",
    "at",
    "de",
    "la",
    "x",
    "as",
    "ops",
}


def is_name(text: str) -> bool:
    """A group name: at most six words, no sentence or label punctuation, every longer word
    capitalized ("Over-the-air Updates", "Quote & Bind", "iOS Apps" are names; "Helm-based
    deployments and upgrades" and "HDFS, YARN, Spark" are not)."""
    text = text.strip().strip("*_")
    if not text or len(text) > 60 or re.search(r"[,;:!?]|\.\s|\.$", text):
        return False
    words = text.split()
    if len(words) > 6 or not re.match(r"[\w(]", text):
        return False
    return all(
        word.lower() in _SMALL
        or not word[0].isalpha()
        or word[0].isupper()
        or (len(word) > 1 and word[1].isupper())
        for word in words
    )


_TRAILING_PAREN = re.compile(r"^(?P<name>[^()]+?)\s*\((?P<facts>[^()]*(?:\([^()]*\)[^()]*)*)\)\s*$")
_BY = r"(?:led|run|owned|managed|headed)\s+by\s"
_DASH_REST = re.compile(r"^(?P<name>[^—–:]+?)\s+[—–]\s+(?P<rest>\S.*)$")


def split_inline_facts(text: str) -> tuple[str, str]:
    """ "Edge (owner: A. Name; 5 people)" → ("Edge", "owner: A. Name; 5 people");
    "Claims  (lead: X)" the same; "Edge — owner: X" → ("Edge", "owner: X"); "Site
    Portal — led by A. Name" → ("Site Portal", "led by A. Name")."""
    found = _TRAILING_PAREN.match(text.strip())
    if (found and ":" in found["facts"]) or (
        found and re.search(r"\bpeople\b|\bneeds\b|^" + _BY, found["facts"])
    ):
        return found["name"].strip(), found["facts"].strip()
    dash = _DASH_REST.match(text.strip())
    if dash and (":" in dash["rest"] or re.match(_BY, dash["rest"])):
        return dash["name"].strip(), dash["rest"].strip()
    return text.strip(), ""
