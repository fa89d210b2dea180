"""What the built-in rules share: a base class, group labels, did-you-mean suggestions.

Imports ``model`` and ``rules`` only (``rules`` sits above ``model`` in the layers).
"""

from __future__ import annotations

import difflib
import inspect
import re
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable

from orgplane.model import Location, OrgIndex
from orgplane.rules.finding import Finding, Severity
from orgplane.rules.registry import RuleContext

__all__ = ["BuiltinRule", "Suggester", "cleandoc", "label", "quote_list"]


def cleandoc(text: str) -> str:
    """A rule's ``doc``: written indented in the class body, stored without the indent."""
    return inspect.cleandoc(text)


class BuiltinRule:
    """Base of the built-in rules: the ``Rule`` protocol's attributes and a finding factory.

    Third-party rules need not inherit from it; the registry only asks for the protocol.
    """

    code: str
    name: str
    severity: Severity
    summary: str
    doc: str

    def check(self, context: RuleContext) -> Iterable[Finding]:
        raise NotImplementedError

    def finding(
        self,
        message: str,
        location: Location | None,
        *,
        hint: str | None = None,
        subject: str | None = None,
    ) -> Finding:
        return Finding(self.code, self.severity, message, location, hint, subject)

    def __repr__(self) -> str:
        return f"<rule {self.code} {self.name}>"


def label(index: OrgIndex, path: str) -> str:
    """How a message names a group: its code when that is unambiguous, else its path."""
    code = path.rpartition("/")[2]
    return code if len(index.paths_for_code(code)) <= 1 else path


def quote_list(items: Iterable[str], *, limit: int = 5) -> str:
    """``A, B, C and 2 more``: a short list for a message or hint."""
    values = list(items)
    shown = ", ".join(values[:limit])
    rest = len(values) - limit
    return f"{shown} and {rest} more" if rest > 0 else shown


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def _normal(word: str) -> str:
    return _NOT_ALNUM.sub("", word.lower())


class Suggester:
    """Did-you-mean for ids and codes, fast on large pools.

    ``difflib`` compares a word with every candidate (several µs each): fine for a few
    hundred roles, seconds for 100,000 people. So a large pool is first narrowed to the
    candidates sharing the most trigrams with the word; the trigram index is built only
    when a first suggestion is asked for, i.e. only for a spec that has a dangling id.
    Answers are cached, and past ``budget`` distinct words no more are computed: a spec
    with thousands of typos still gets its findings quickly, the first ones with hints.
    """

    #: Pools up to this size are compared in full.
    SMALL_POOL = 500
    #: Candidates kept by the trigram filter for the final comparison.
    SHORTLIST = 100

    def __init__(self, pool: Collection[str], *, budget: int = 50) -> None:
        self._pool = pool
        self._budget = budget
        self._cache: dict[str, str | None] = {}
        self._normal: dict[str, str] | None = None
        self._trigrams: dict[str, list[str]] | None = None

    def __call__(self, word: str) -> str | None:
        if word in self._cache:
            return self._cache[word]
        if len(self._cache) >= self._budget:
            return None
        answer = self._suggest(word)
        self._cache[word] = answer
        return answer

    def hint(self, word: str, fallback: str, *, quote: bool = True) -> str:
        """``did you mean 'x'?`` when there is a close one, else ``fallback``."""
        close = self(word)
        if close is None:
            return fallback
        return f"did you mean {close!r}?" if quote else f"did you mean {close}?"

    def _suggest(self, word: str) -> str | None:
        if not self._pool:
            return None
        if self._normal is None:
            self._normal = {}
            for candidate in self._pool:
                self._normal.setdefault(_normal(candidate), candidate)
        same = self._normal.get(_normal(word))
        if same is not None and same != word:
            return same
        candidates = (
            list(self._pool) if len(self._pool) <= self.SMALL_POOL else self._shortlist(word)
        )
        matches = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
        return matches[0] if matches else None

    def _shortlist(self, word: str) -> list[str]:
        if self._trigrams is None:
            self._trigrams = defaultdict(list)
            for candidate in self._pool:
                for gram in set(_grams(candidate)):
                    self._trigrams[gram].append(candidate)
        counts: Counter[str] = Counter()
        # A trigram most candidates share ("per" of person-000123) tells nothing and
        # would make this loop as slow as the full comparison: skip the common ones.
        common = max(self.SHORTLIST, len(self._pool) // 20)
        for gram in set(_grams(word)):
            posting = self._trigrams.get(gram, [])
            if len(posting) <= common:
                counts.update(posting)
        return [candidate for candidate, _ in counts.most_common(self.SHORTLIST)]


def _grams(word: str) -> list[str]:
    text = f"  {word.lower()} "
    return [text[i : i + 3] for i in range(len(text) - 2)]
