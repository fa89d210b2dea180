"""Word forms: what people type, matched against what the org says, by meaning of form.

Pure; imports snowballstemmer. ``forms`` turns a text into the stems of its words
(Snowball's English stemmer: "databases", "database" and "Database" are one form), with
the abbreviations orgs write spelled out first ("DB-aaS" is "database as a service",
"k8s" is "kubernetes"), so "database" finds the DB-aaS unit. ``query_forms`` does the
same for a query and leaves out the little words ("who owns the …") nobody means.
"""

from __future__ import annotations

import functools
import re
import unicodedata

import snowballstemmer

__all__ = ["forms", "query_forms", "words"]

_WORD = re.compile(r"[^\W_]+")

#: Abbreviations infrastructure documents use, spelled out. Only unambiguous ones.
ABBREVIATIONS: dict[str, str] = {
    "db": "database",
    "dbs": "databases",
    "dba": "database administrator",
    "dbaas": "database as a service",
    "aas": "as a service",
    "iaas": "infrastructure as a service",
    "paas": "platform as a service",
    "saas": "software as a service",
    "iac": "infrastructure as code",
    "infra": "infrastructure",
    "k8s": "kubernetes",
    "sre": "site reliability engineering",
}

_LITTLE = frozenset(
    [
        "a",
        "an",
        "and",
        "as",
        "at",
        "by",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "of",
        "on",
        "or",
        "the",
        "to",
        "who",
        "what",
        "which",
        "with",
        "owns",
        "own",
        "owner",
        "owners",
        "does",
        "do",
    ]
)

_STEMMER = snowballstemmer.stemmer("english")


def words(text: str) -> list[str]:
    """The words of ``text``: lower case, accents removed, split at anything else."""
    lowered = text.lower()
    if not lowered.isascii():
        decomposed = unicodedata.normalize("NFKD", lowered)
        lowered = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _WORD.findall(lowered)


@functools.lru_cache(maxsize=65536)
def _stem(word: str) -> tuple[str, ...]:
    spelled = ABBREVIATIONS.get(word)
    if spelled is not None:
        return tuple(_STEMMER.stemWord(part) for part in spelled.split())
    return (_STEMMER.stemWord(word),)


@functools.lru_cache(maxsize=65536)
def forms(text: str) -> frozenset[str]:
    """The stems of ``text``'s words, abbreviations spelled out."""
    return frozenset(stem for word in words(text) for stem in _stem(word))


def query_forms(query: str) -> frozenset[str]:
    """The stems a query asks for: ``forms`` less the little words (all of them, if the
    query is nothing else)."""
    meant = [word for word in words(query) if word not in _LITTLE]
    return forms(" ".join(meant or words(query)))
