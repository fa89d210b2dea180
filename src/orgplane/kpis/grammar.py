"""The KPI grammar: a recursive-descent parser from tokens to an ``Objective``.

Imports ``kpis.lexer``, ``kpis.units``, ``kpis.objective``, ``kpis.build`` and
``kpis.trailers`` (what may follow a target, and the parenthesized qualifiers). It
never raises: text it cannot type becomes a qualitative objective with a reason. The
grammar (``{x}`` any number of x, ``[x]`` optional, ``|`` alternatives, tried in order)::

    kpi          = comparator amount [unit] subject trailers END      (* "≥ 8% cost savings" *)
                 | amount [unit] subject trailers END                 (* "100% inventory accuracy" *)
                 | metric [":"] comparator target END                  (* "P95 latency < 5ms" *)
                 | metric [":"] target END                             (* "Availability 99.9%" *)
                 | metric cadence {group} END ;                        (* "Roadmap published quarterly" *)
    target       = amount [unit | within | noun] trailers ;
    amount       = NINES | (NUMBER | number-word) "nines"              (* "11×9", "five nines" *)
                 | NUMBER "/" NUMBER                                   (* "4.7/5": out of a scale *)
                 | NUMBER ("%" | "percent") | NUMBER ;                 (* NUMBER may be signed *)
    unit         = time-unit | "business" "days" | rate-unit | size-unit ;   (* see units.py *)
    within       = "within" NUMBER time-unit ;      (* after a percentage: "95% within 30 days" *)
    noun         = WORD {WORD} ;                    (* what a count counts: "< 2 versions" *)
    subject      = ["of"] token {token} ;           (* the metric, after the target *)
    trailers     = {per | period | phrase | group} ;
    per          = ("/" | "per") (period-noun | WORD {WORD})           (* "/day", "/ Shift" *)
                 | ("a" | "an" | "each" | "every") period-noun ;
    period       = period-adverb | growth-marker ;  (* "monthly", "(semi-annual)"; "YoY" *)
    phrase       = preposition token {token} ;      (* after a metric-first target: "of volume" *)
    group        = "(" qualifier {"," qualifier} ")" ;
    qualifier    = NUMBER "%" ["of" token {token}]  (* a share: "(90%)", "(98% of sites)" *)
                 | PERCENTILE                       (* "(P95)" *)
                 | period                           (* "(monthly)" *)
                 | token {token} ;                  (* a scope: "(Sev-1)", "(urban, 95%)" *)
    cadence      = period-adverb | ("every" | "each") period-noun
                 | "once" ("a" | "per" | "every") period-noun ;
    comparator   = "≥" | "≤" | ">" | "<" | "=" | ">=" | "<=" | "at least" | "under" | … ;

The metric is the text before the comparator (or before the amount of a bare target),
as written; a parenthesized group at its end is a qualifier ("PCI DSS Findings (High)
= 0"), and a "/ period" at its end makes the value a rate ("Deploys/day ≥ 20").
Where a form can split a text several ways (a word comparator inside a metric, where a
subject or noun ends), the parser tries the splits left to right and keeps the first
that reads to the end; trailers are memoized by position, so this stays quadratic.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from orgplane.kpis.build import Item, ReadingError, Target, build
from orgplane.kpis.lexer import TokenKind
from orgplane.kpis.objective import Comparator, Objective, Period, Unit
from orgplane.kpis.trailers import TEXT_TOKENS, WORDS, TrailerReader
from orgplane.kpis.units import (
    NUMBER_WORDS,
    PERCENT_WORDS,
    PHRASES_BY_FIRST_WORD,
    SHARE_WITHIN,
    business_days,
    period_adverb,
    period_noun,
    unit_of,
)

__all__ = ["parse_objective"]

#: Longer texts are not KPIs; refusing them keeps the parser's worst case small.
MAX_LENGTH = 500

_COMPARATOR = frozenset({TokenKind.COMPARATOR})
_NAMING = frozenset({TokenKind.WORD, TokenKind.PERCENTILE})  # what a metric needs
_SYMBOLS = {op.value: op for op in Comparator}


def parse_objective(text: str) -> Objective:
    """The objective a KPI text states; a qualitative one when it cannot be typed."""
    if not text.strip():
        return Objective.qualitative(text, "the text is empty")
    if len(text) > MAX_LENGTH:
        return Objective.qualitative(text, f"longer than {MAX_LENGTH} characters")
    return _Parser(text).parse()


class _Parser(TrailerReader):
    def has_word(self, start: int, stop: int) -> bool:
        return self.has(_NAMING, start, stop)

    def comparator(self, pos: int) -> tuple[Comparator, int] | None:
        token = self.at(pos)
        if token.kind is TokenKind.COMPARATOR:
            op = _SYMBOLS.get(token.text)
            return (op, pos + 1) if op else None  # "!=" states no target to reach
        for words, op in PHRASES_BY_FIRST_WORD.get(token.word, ()):
            if all(self.at(pos + k).word == word for k, word in enumerate(words)):
                return op, pos + len(words)
        return None

    # -- forms -------------------------------------------------------------------------------

    def parse(self) -> Objective:
        forms = (
            self.comparator_first,
            self.value_first,
            self.metric_first,
            self.bare,
            self.cadence,
        )
        for form in forms:
            try:
                return form()
            except (ReadingError, ArithmeticError) as error:
                self.note(error)
        return Objective.qualitative(self.text, self.reason())

    def reason(self) -> str:
        kinds = {token.kind for token in self.toks}
        unread = next((t for t in self.toks if t.problem), None)
        if unread is not None:
            return f"{unread.problem}: {unread.text!r} at column {unread.start + 1}"
        if any(t.kind is TokenKind.COMPARATOR and t.text == "!=" for t in self.toks):
            return "'≠' names no target to reach; write the value the KPI must meet"
        if not kinds & {TokenKind.NUMBER, TokenKind.NINES}:
            return "no number to measure against, and no cadence such as 'quarterly'"
        odd = self.unbalanced(0, self.end)
        if odd is not None:
            paren = self.toks[odd]
            return f"the {paren.text!r} at column {paren.start + 1} has no partner"
        if self.problem:
            return self.problem
        token = self.at(self.furthest)
        if token.kind is TokenKind.END:
            return "it ends too early: a KPI names a metric and a target"
        return f"cannot read {token.text!r} at column {token.start + 1}"

    def comparator_first(self) -> Objective:
        found = self.comparator(0)
        if found is None:
            raise self.fail(0)
        target = Target(comparator=found[0], value_first=True)
        return self.after_value_first(self.amount(found[1], target), target)

    def value_first(self) -> Objective:
        target = Target(value_first=True)
        return self.after_value_first(self.amount(0, target), target)

    def after_value_first(self, pos: int, target: Target) -> Objective:
        pos = self.unit(pos, target)
        start = pos + 1 if self.at(pos).word == "of" else pos
        if (
            self.at(start).kind not in _NAMING
            or self.at(start).word == "of"
            # "≥ 5 of min": written without the "of", "min" would be the unit
            or (target.unit is None and self.unit(start, Target()) != start)
        ):
            raise self.fail(start)
        for stop in range(start + 1, self.end + 1):
            if self.toks[stop - 1].kind not in TEXT_TOKENS:
                break
            items = self.trailers(stop, metric_mode=False)
            if items is None or not self.has_word(start, stop) or self.ends_in_rate(start, stop):
                continue
            extra = [*self.percentiles(start, stop), *items]
            try:
                reading = replace(target, items=[*target.items, *extra])
                return build(self.text, self.slice(start, stop), reading)
            except ReadingError as error:  # a longer subject may still read
                self.note(error)
        raise self.fail(start)

    def metric_first(self) -> Objective:
        for pos in range(1, self.end):
            found = self.comparator(pos)
            if found is None:
                continue
            try:
                return self.target(0, pos, found[1], Target(comparator=found[0]))
            except (ReadingError, ArithmeticError) as error:
                self.note(error)
        raise self.fail(0)

    def bare(self) -> Objective:
        for pos in range(1, self.end):
            token = self.toks[pos]
            if token.kind not in (TokenKind.NUMBER, TokenKind.NINES) and not (
                token.word in NUMBER_WORDS and self.at(pos + 1).word == "nines"
            ):
                continue
            if self.has(_COMPARATOR, 0, pos):
                break
            try:
                return self.target(0, pos, pos, Target())
            except (ReadingError, ArithmeticError) as error:
                self.note(error)
        raise self.fail(0)

    def target(self, start: int, stop: int, pos: int, target: Target) -> Objective:
        """Read ``metric [":"] target END``: the metric is tokens ``start`` … ``stop - 1``."""
        pos = self.unit(self.amount(pos, target), target)
        pos = self.within(pos, target)
        items = self.trailers(pos, metric_mode=True)
        if items is None and target.unit is None:  # "< 2 versions": what is counted
            for stop_noun in self.runs(pos, WORDS, plain=True):
                items = self.trailers(stop_noun, metric_mode=True)
                if items is not None:
                    target.count_unit = self.slice(pos, stop_noun)
                    break
        if items is None:
            raise self.fail(pos)
        metric = self.metric(start, stop, target)
        target.items.extend(items)
        return build(self.text, metric, target)

    def metric(self, start: int, stop: int, target: Target) -> str:
        """The metric's text, after taking qualifiers and a rate off its end."""
        while stop > start:
            last = self.toks[stop - 1].kind
            if last is TokenKind.COLON:
                stop -= 1
            elif last is TokenKind.RPAREN:
                open_ = self.matching_open(start, stop - 1)
                if open_ is None:
                    raise self.fail(stop - 1)
                target.items[:0] = self.group(open_, stop - 1)
                stop = open_
            elif stop - start >= 3 and (period := self.ends_in_rate(start, stop)) is not None:
                target.items.append(Item("per", period.value, period=period))
                stop -= 2  # a second rate makes the reading fail in ``build``
            else:
                break
        if (
            not self.has_word(start, stop)
            or self.toks[start].kind is TokenKind.COMPARATOR
            # "Compliance 95% within 30 days" is no metric "Compliance 95%" within 30 days
            or self.toks[stop - 1].kind in (TokenKind.PERCENT, TokenKind.NINES)
        ):
            raise self.fail(start)
        odd = self.unbalanced(start, stop)
        if odd is not None:
            raise self.fail(odd)
        target.items.extend(self.percentiles(start, stop))
        return self.slice(start, stop)

    def cadence(self) -> Objective:
        for pos in range(1, self.end):
            period, after = self.cadence_phrase(pos)
            if (
                period is None
                or not self.has_word(0, pos)
                or self.toks[pos - 1].kind is TokenKind.COLON
            ):
                continue
            # Nothing before the cadence may read as a target ("within 30 days daily").
            if self.reads_amount(0) or any(
                self.comparator(i) or self.toks[i].kind is TokenKind.COMPARATOR for i in range(pos)
            ):
                break
            target = Target(cadence=period)
            while self.at(after).kind is TokenKind.LPAREN:
                close = self.matching_close(after)
                if close is None:
                    break
                target.items.extend(self.group(after, close))
                after = close + 1
            if self.at(after).kind is TokenKind.END:
                return build(self.text, self.metric(0, pos, target), target)
        raise self.fail(0)

    def cadence_phrase(self, pos: int) -> tuple[Period | None, int]:
        words = [self.at(pos + k).word for k in range(3)]
        if (period := period_adverb(words[0])) is not None:
            return period, pos + 1
        if words[0] in ("every", "each") and (period := period_noun(words[1])) is not None:
            return period, pos + 2
        if words[0] == "once" and words[1] in ("a", "per", "every"):
            return period_noun(words[2]), pos + 3
        return None, pos

    # -- the target -------------------------------------------------------------------------

    def reads_amount(self, pos: int) -> bool:
        try:
            self.amount(pos, Target())
        except (ReadingError, ArithmeticError):
            return False
        return True

    def amount(self, pos: int, target: Target) -> int:
        token, following = self.at(pos), self.at(pos + 1)
        if token.kind is TokenKind.NINES:
            assert token.number is not None
            target.set_nines(int(token.number))
            return pos + 1
        if following.word == "nines" and (
            token.word in NUMBER_WORDS or (token.kind is TokenKind.NUMBER and not token.signed)
        ):
            count = NUMBER_WORDS.get(token.word) or token.number
            if count is None or count != int(count):
                raise self.fail(pos)
            target.set_nines(int(count))
            return pos + 2
        if token.kind is not TokenKind.NUMBER or token.number is None:
            raise self.fail(pos)
        target.number, target.signed = token.number, token.signed
        if following.kind is TokenKind.PERCENT or following.word in PERCENT_WORDS:
            target.set_unit(Unit.RATIO, Decimal("0.01"), percent=True)
            return pos + 2
        scale = self.at(pos + 2)
        if following.kind is TokenKind.SLASH and scale.kind is TokenKind.NUMBER:
            target.max_value = scale.number
            target.set_unit(Unit.NUMBER, Decimal(1))
            return pos + 3
        return pos + 1

    def unit(self, pos: int, target: Target) -> int:
        if target.unit is not None:
            return pos
        token = self.at(pos)
        if token.kind is not TokenKind.WORD:
            return pos
        if business_days(token.text, self.at(pos + 1).text):
            target.set_unit(Unit.BUSINESS_DAYS, Decimal(1))
            return pos + 2
        found = unit_of(token.text)
        if found is None:
            return pos
        target.set_unit(*found)
        return pos + 1

    def within(self, pos: int, target: Target) -> int:
        """``95% within 30 days``: 95% of events take at most 30 days."""
        if not target.percent or self.at(pos).word != SHARE_WITHIN:
            return pos
        duration = Target()
        after = self.unit(self.amount(pos + 1, duration), duration)
        if duration.unit is not Unit.SECONDS or target.signed:
            raise self.fail(pos + 1)
        target.within_share(duration)
        return after
