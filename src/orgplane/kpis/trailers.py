"""Trailers: what may follow a KPI's target — rates, periods, scope phrases, and the
parenthesized qualifiers (share, percentile, period, scope).

Imports ``kpis.lexer``, ``kpis.units``, ``kpis.objective`` and ``kpis.build``.
``TrailerReader`` is the base of the grammar's parser: it reads the trailers from a
position to the end of the text, trying the shortest reading of each first. It fills a
table by position from the end backwards (every trailer consumes at least one token),
so the grammar may ask for every split of a text without going exponential, and
without recursion however long the text.
"""

from __future__ import annotations

from collections.abc import Iterator

from orgplane.kpis.build import Item, ReadingError
from orgplane.kpis.lexer import Token, TokenKind, Tokens
from orgplane.kpis.objective import Period, Unit
from orgplane.kpis.units import (
    PERCENT_WORDS,
    PREPOSITIONS,
    SHARE_WITHIN,
    growth_marker,
    period_adverb,
    period_noun,
    unit_of,
)

__all__ = ["PER_WORDS", "TEXT_TOKENS", "WORDS", "TrailerReader"]

#: Words before a period noun that make a rate: "a day", "each week".
PER_WORDS = frozenset({"a", "an", "each", "every"})
#: Tokens a metric or a scope phrase may be made of.
TEXT_TOKENS = frozenset(
    {TokenKind.WORD, TokenKind.NUMBER, TokenKind.PERCENTILE, TokenKind.OTHER, TokenKind.SLASH}
)
WORDS = frozenset({TokenKind.WORD})
_DEPTH = {TokenKind.LPAREN: 1, TokenKind.RPAREN: -1}


class TrailerReader(Tokens):
    """Tokens, and the trailers and qualifiers that can be read from them."""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.furthest = 0  #: the furthest token a reading failed at, for the reason
        self.problem: str | None = None  #: a reading's own complaint, for the reason
        #: For each mode, the trailers read from each position (None: they do not read).
        self._trailers: dict[bool, dict[int, tuple[Item, ...] | None]] = {False: {}, True: {}}

    def fail(self, pos: int) -> ReadingError:
        """This way of reading the text does not work; the parser tries the next one."""
        self.furthest = max(self.furthest, pos)
        return ReadingError()

    def note(self, error: Exception) -> None:
        """Keep a reading's own complaint ("a share is … at most 100%") for the reason."""
        if isinstance(error, ReadingError) and error.args:
            self.problem = str(error)

    def trailers(self, pos: int, *, metric_mode: bool) -> tuple[Item, ...] | None:
        """The trailers from ``pos`` to the end, or None when they do not read to the end.

        Filled from the end backwards, without recursion: a trailer starting at ``pos``
        ends after it, where the table already holds what follows.
        """
        table = self._trailers[metric_mode]
        if pos not in table:
            for start in range(self.end, pos - 1, -1):
                if start not in table:
                    table[start] = self._read_trailers(start, table, metric_mode)
        return table.get(pos)

    def _read_trailers(
        self, pos: int, table: dict[int, tuple[Item, ...] | None], metric_mode: bool
    ) -> tuple[Item, ...] | None:
        if self.at(pos).kind is TokenKind.END:
            return ()
        for items, after in self.trailer(pos, metric_mode):
            rest = table.get(after)
            if rest is not None:
                return (*items, *rest)
        return None

    def trailer(self, pos: int, metric_mode: bool) -> Iterator[tuple[tuple[Item, ...], int]]:
        """Every way a trailer can start at ``pos``, shortest first."""
        token, word = self.at(pos), self.at(pos).word
        if token.kind is TokenKind.LPAREN:
            close = self.matching_close(pos)
            try:
                if close is not None:
                    yield self.group(pos, close), close + 1
            except ReadingError:
                return
        elif token.kind is TokenKind.SLASH or word == "per" or word in PER_WORDS:
            noun = self.at(pos + 1)
            period = period_noun(noun.text) if noun.kind is TokenKind.WORD else None
            if period is not None:
                yield (Item("per", period.value, period=period),), pos + 2
            elif word not in PER_WORDS and (
                word or self.spaced_slash(pos, metric_mode) or _time_unit(noun)
            ):
                for stop in self.runs(pos + 1, WORDS, plain=True):  # "/ Shift", "per engineer"
                    yield (Item("per", self.slice(pos + 1, stop)),), stop
        elif (period := period_adverb(word)) is not None:
            yield (Item("period", period=period),), pos + 1
        elif (period := growth_marker(word)) is not None:
            yield (Item("growth", period=period),), pos + 1
        elif metric_mode and word in PREPOSITIONS:
            for stop in self.runs(pos + 1, TEXT_TOKENS):
                yield (Item("scope", self.slice(pos, stop)),), stop

    def ends_in_rate(self, start: int, stop: int) -> Period | None:
        """The period of a "/ day" that ends tokens ``start`` … ``stop - 1``, if any."""
        if stop - start < 2 or self.toks[stop - 2].kind is not TokenKind.SLASH:
            return None
        last = self.toks[stop - 1]
        return period_noun(last.text) if last.kind is TokenKind.WORD else None

    def spaced_slash(self, pos: int, metric_mode: bool) -> bool:
        """A slash before a thing that is not a period reads as "per" only after a
        metric-first target, after a unit or apart from the word before it: "2h/Shift",
        "2 days / Shift", not "CI/CD"."""
        before = self.toks[pos - 1] if pos else None
        return metric_mode and (
            before is None
            or before.kind is not TokenKind.WORD
            or before.end < self.toks[pos].start
            or unit_of(before.text) is not None
        )

    def runs(
        self, start: int, kinds: frozenset[TokenKind], *, plain: bool = False
    ) -> Iterator[int]:
        """Ends of the non-empty runs of tokens of ``kinds`` from ``start``, shortest first;
        ``plain`` runs stop at a word that starts a trailer ("of", "per", "monthly")."""
        stop = start
        while self.toks[stop].kind in kinds and not (plain and _starts_trailer(self.toks[stop])):
            stop += 1
            yield stop

    def percentiles(self, start: int, stop: int) -> list[Item]:
        return [
            Item("percentile", number=token.number)
            for token in self.toks[start:stop]
            if token.kind is TokenKind.PERCENTILE
        ]

    # -- parenthesized qualifiers ------------------------------------------------------------

    def group(self, open_: int, close: int) -> tuple[Item, ...]:
        """The qualifiers between ``open_`` and ``close``, split at top-level commas."""
        items: list[Item] = []
        start, depth = open_ + 1, 0
        for i in range(open_ + 1, close + 1):
            kind = self.toks[i].kind
            depth += _DEPTH.get(kind, 0)
            if (kind is TokenKind.COMMA and depth == 0) or i == close:
                if i == start:
                    raise self.fail(i)
                items.append(self.qualifier(start, i))
                start = i + 1
        return tuple(items)

    def qualifier(self, start: int, stop: int) -> Item:
        first, second = self.toks[start], self.at(start + 1)
        size = stop - start
        is_percent = second.kind is TokenKind.PERCENT or second.word in PERCENT_WORDS
        if first.kind is TokenKind.NUMBER and not first.signed and is_percent:
            if size == 2:
                return Item("share", number=first.number)
            if self.toks[start + 2].word == "of" and size > 3:
                return Item("share", self.slice(start + 2, stop), number=first.number)
        if size == 1 and first.kind is TokenKind.PERCENTILE:
            return Item("percentile", number=first.number)
        if size == 1 and (period := period_adverb(first.word)) is not None:
            return Item("period", period=period)
        if size == 1 and (period := growth_marker(first.word)) is not None:
            return Item("growth", period=period)
        if size == 2 and first.word in ("per", "every") and (p := period_noun(second.text)):
            return Item("period", period=p)
        return Item("scope", self.slice(start, stop))


def _starts_trailer(token: Token) -> bool:
    word = token.word
    return (
        word in PREPOSITIONS
        or word in PER_WORDS
        or word in ("per", SHARE_WITHIN)
        or period_adverb(word) is not None
        or growth_marker(word) is not None
    )


def _time_unit(token: Token) -> bool:
    """Whether ``token`` is a time unit: "/s" in "10k req/s" is "per second" however
    close the slash sits to the word before it (no "CI/CD" ends in a time unit)."""
    if token.kind is not TokenKind.WORD:
        return False
    unit = unit_of(token.text)
    return unit is not None and unit[0] is Unit.SECONDS
