"""Who owns X: rank groups by how directly they own what the user typed.

Pure; imports ``model``. A catalog entry's owner is the strongest answer, then a group
whose code or name is X, then responsibilities, then the stack (running a tool is
weaker than owning it). Within one kind of evidence, an exact match beats a whole-word
match, which beats a fuzzy one.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import Counter
from dataclasses import dataclass

from orgplane.model import OrgIndex

__all__ = ["OwnerMatch", "find_owners"]

# Weights per kind of evidence; the ranking is what users see, keep it explainable.
_CATALOG = 100
_CODE = 90
_NAME = 80
_RESPONSIBILITY = 60
_STACK = 40
_EXACT, _WORDS, _FUZZY = 1.0, 0.75, 0.5


@dataclass(frozen=True, slots=True)
class OwnerMatch:
    """A group that owns (part of) what was asked, with why and how strongly."""

    path: str
    name: str
    score: float
    evidence: tuple[str, ...]


def _quality(query: str, words: set[str], text: str) -> float:
    lowered = text.lower()
    if lowered == query:
        return _EXACT
    tokens = set(re.findall(r"[a-z0-9]+", lowered))
    if words and words <= tokens:
        return _WORDS
    if len(query) < 4:
        return 0.0
    if query in lowered:
        return _WORDS * 0.9
    # Two cheap upper bounds of ratio() first, each skipping the costlier step when it
    # fails, without building a matcher (a large catalog asks this of every entry): the
    # lengths alone (real_quick_ratio), then the letters in common (quick_ratio).
    total = len(query) + len(lowered)
    if 2 * min(len(query), len(lowered)) < 0.8 * total:
        return 0.0
    common = sum(min(lowered.count(letter), count) for letter, count in _letters(query))
    if 2 * common < 0.8 * total:
        return 0.0
    if difflib.SequenceMatcher(None, query, lowered).ratio() >= 0.8:
        return _FUZZY
    return 0.0


@functools.lru_cache(maxsize=16)
def _letters(query: str) -> tuple[tuple[str, int], ...]:
    """Each letter of ``query`` and how often it occurs."""
    return tuple(Counter(query).items())


def find_owners(index: OrgIndex, text: str, *, limit: int = 10) -> list[OwnerMatch]:
    """Groups that own ``text``, best first: catalog entries, names, responsibilities, stack."""
    query = " ".join(text.lower().split())
    if not query:
        return []
    words = set(re.findall(r"[a-z0-9]+", query))
    scores: dict[str, float] = {}
    evidence: dict[str, list[str]] = {}

    def add(path: str, weight: int, quality: float, why: str) -> None:
        if quality <= 0:
            return
        scores[path] = scores.get(path, 0.0) + weight * quality
        evidence.setdefault(path, []).append(why)

    for path, entries in index.catalog_by_owner.items():
        for entry in entries:
            add(
                path,
                _CATALOG,
                _quality(query, words, entry.name),
                f"owns {entry.kind.value} {entry.name!r}",
            )
    for path, group in index.groups.items():
        add(path, _CODE, _EXACT if group.code.lower() == query else 0.0, f"code {group.code}")
        add(path, _NAME, _quality(query, words, group.name), f"name {group.name!r}")
        for responsibility in group.responsibilities:
            quality = _quality(query, words, responsibility)
            add(path, _RESPONSIBILITY, quality, f"responsibility {responsibility!r}")
        for item in group.stack:
            add(path, _STACK, _quality(query, words, item.name), f"runs {item}")
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0].count("/"), kv[0]))
    return [
        OwnerMatch(path, index.groups[path].name, round(score, 1), tuple(evidence[path]))
        for path, score in ranked[:limit]
    ]
