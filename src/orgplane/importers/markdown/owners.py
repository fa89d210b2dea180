"""Which role owns what a team provides: the ``owner_role`` of its catalog entries.

A document that lists what a team provides ("Database management", "Network
configuration") and, elsewhere, its roles with their responsibilities ("Database
Administrator: Database management, optimization, backup") pairs the two. An entry
gets the role whose name, specialty, description or responsibilities share the most of
the entry's words, compared by stem ("Networking" is "network", "Architect" stands for
"architecture"), when that role is the only one with that many and they are at least
half the entry's words. Only short phrases count (a list of duties, not prose), and only
when the document has two roles or more to choose between. Otherwise the entry keeps its owner group alone: a guess is
worse than nothing, since "the owner of the affected component" is who gets paged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import snowballstemmer

__all__ = ["assign_owner_roles"]

_STEMMER = snowballstemmer.stemmer("english")
_WORD = re.compile(r"[^\W\d_]{2,}")
_STOP = frozenset(
    {"and", "or", "of", "the", "for", "to", "in", "on", "with", "by", "an", "role", "all"}
)
#: A stem this long may stand for a longer one it begins ("architect", "architectur").
_PREFIX = 6
#: A text longer than this is prose, not a list of what a role does.
_LIST_WORDS = 10


def _stems(texts: Iterable[str]) -> set[str]:
    words = [w.lower() for text in texts for w in _WORD.findall(text)]
    return {stem for stem in _STEMMER.stemWords(words) if stem not in _STOP}


def _same(a: str, b: str) -> bool:
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= _PREFIX and long.startswith(short)


def _role_texts(role: dict[str, Any]) -> list[str]:
    """The role's name and the short phrases that say what it does: a sentence of prose
    ("Conduct regular 1:1s, track…") names too much to say what the role owns."""
    texts = [role.get("name", ""), role.get("specialty", ""), role.get("description", "")]
    texts.extend(role.get("responsibilities", []))
    return [
        phrase
        for text in texts
        if isinstance(text, str) and len(text.split()) <= _LIST_WORDS
        for phrase in re.split(r"[,;:]", text)
    ]


def assign_owner_roles(catalog: Sequence[dict[str, Any]], roles: Sequence[dict[str, Any]]) -> None:
    """Name ``owner_role`` on each entry of ``catalog`` (spec dicts, changed in place)
    that one of ``roles`` clearly owns (see the module docstring)."""
    known = [(role["name"], _stems(_role_texts(role))) for role in roles if role.get("name")]
    if len(known) < 2:  # one role is no pairing: the document never says who owns what
        return
    for entry in catalog:
        if entry.get("owner_role"):
            continue
        wanted = _stems([entry.get("name", "")])
        if not wanted:
            continue
        scores = sorted(
            ((sum(any(_same(w, s) for s in stems) for w in wanted), name) for name, stems in known),
            reverse=True,
        )
        best, name = scores[0]
        runner_up = scores[1][0] if len(scores) > 1 else 0
        if best > runner_up and 2 * best >= len(wanted):
            entry["owner_role"] = name
