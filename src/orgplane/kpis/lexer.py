"""The KPI lexer: text → tokens, each with its kind, text and position.

Imports nothing from orgplane. It never fails: a character it does not know becomes an
``OTHER`` token, which the grammar then refuses. Tokens:

- ``NUMBER``: ``99.9``, ``1,000``, ``+10``, ``-10``, ``−10`` — a sign only where a word
  cannot have it (``Sev-1`` is a word), with its exact ``Decimal`` value;
- ``NINES``: ``11×9`` or ``11x9``, its value the number of nines;
- ``PERCENTILE``: ``P95``, ``p99``, ``p99.9`` — two digits or more, since ``P0`` and
  ``P1`` are priorities;
- ``COMPARATOR``: ``≥ ≤ > < = >= <= => =< ==`` and ``≠ != <>`` (normalized: the grammar
  refuses ``!=``); comparators written as words ("at least") are words here;
- ``PERCENT``, ``SLASH``, ``LPAREN``, ``RPAREN``, ``COMMA``, ``COLON``;
- ``WORD``: a run of letters and digits starting with a letter, with inner ``- . ' + &``
  (``Sev-1``, ``CI``, ``First-Time-Right``, ``Namespace+SA``, ``µs``);
- ``OTHER``: anything else, one character at a time; ``END`` closes every list.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

__all__ = ["Token", "TokenKind", "Tokens", "tokenize"]


class TokenKind(StrEnum):
    NUMBER = "number"
    NINES = "nines"
    PERCENTILE = "percentile"
    COMPARATOR = "comparator"
    PERCENT = "percent"
    SLASH = "slash"
    LPAREN = "("
    RPAREN = ")"
    COMMA = ","
    COLON = ":"
    WORD = "word"
    OTHER = "other"
    END = "end"


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokenKind
    text: str
    start: int
    end: int
    #: A NUMBER's value, a NINES token's count of nines, a PERCENTILE's percentile.
    number: Decimal | None = None
    #: A WORD in lower case, for matching vocabulary; "" for other tokens.
    word: str = ""

    @property
    def signed(self) -> bool:
        return self.kind is TokenKind.NUMBER and self.text[:1] in _SIGNS


_SIGNS = {"+": 1, "-": -1, "−": -1}  # ASCII plus and minus, and U+2212 MINUS SIGN
_COMPARATORS = (
    (">=", ">="),
    ("=>", ">="),
    ("<=", "<="),
    ("=<", "<="),
    ("==", "="),
    ("!=", "!="),
    ("<>", "!="),
    ("≥", ">="),
    ("⩾", ">="),
    ("≧", ">="),
    ("≤", "<="),
    ("⩽", "<="),
    ("≦", "<="),
    ("≠", "!="),
    (">", ">"),
    ("<", "<"),
    ("=", "="),
)
_COMPARATOR_STARTS = frozenset(symbol[0] for symbol, _ in _COMPARATORS)
_PUNCTUATION = {
    "%": TokenKind.PERCENT,
    "/": TokenKind.SLASH,
    "(": TokenKind.LPAREN,
    ")": TokenKind.RPAREN,
    ",": TokenKind.COMMA,
    ":": TokenKind.COLON,
}
_INNER = "-.'’+&"  # inside a word when a letter or digit follows
_NINES_SIGNS = "×xX"
#: Where a sign may start a number: after nothing, space, "(" or a comparator.
_BEFORE_SIGN = set("(:/<>=≥≤⩾⩽≧≦≠")
_MAX_DIGITS = 40


def _digit(char: str) -> bool:
    """An ASCII digit: ``str.isdigit`` is also true for "²" and other scripts' digits."""
    return "0" <= char <= "9" and len(char) == 1


def _digits(text: str) -> bool:
    return bool(text) and all(_digit(char) for char in text)


def _is_word_char(char: str) -> bool:
    return char.isalnum() or char == "_"


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``END`` token."""
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        start = i
        sign_ok = char in _SIGNS and (
            i == 0 or text[i - 1].isspace() or text[i - 1] in _BEFORE_SIGN
        )
        if _digit(char) or (sign_ok and i + 1 < n and _digit(text[i + 1])):
            token = _number(text, start)
            tokens.append(token)
            i = token.end
            continue
        if char.isalpha() or char == "_":
            i += 1
            while i < n and (
                _is_word_char(text[i])
                or (text[i] in _INNER and i + 1 < n and _is_word_char(text[i + 1]))
            ):
                i += 1
            tokens.append(_word(text[start:i], start, i))
            continue
        for symbol, op in _COMPARATORS if char in _COMPARATOR_STARTS else ():
            if text.startswith(symbol, i):
                tokens.append(Token(TokenKind.COMPARATOR, op, start, i + len(symbol)))
                i += len(symbol)
                break
        else:
            kind = _PUNCTUATION.get(char, TokenKind.OTHER)
            tokens.append(Token(kind, char, start, i + 1))
            i += 1
    tokens.append(Token(TokenKind.END, "", n, n))
    return tokens


def _number(text: str, start: int) -> Token:
    i, n = start, len(text)
    if text[i] in _SIGNS:
        i += 1
    digits_start = i
    while i < n and _digit(text[i]):
        i += 1
    # Thousands separators: "1,000" (but "(urban, 95%)" has a space after its comma).
    while (
        i - digits_start <= 3
        and text[i : i + 1] == ","
        and len(text[i + 1 : i + 4]) == 3
        and _digits(text[i + 1 : i + 4])
        and not _digits(text[i + 4 : i + 5])
    ):
        i += 4
        digits_start = i - 3  # the next group must follow three digits again
    if i + 1 < n and text[i] == "." and _digit(text[i + 1]):
        i += 1
        while i < n and _digit(text[i]):
            i += 1
    raw = text[start:i]
    body = raw.lstrip("".join(_SIGNS)).replace(",", "")
    # "11×9": that many nines, an unsigned whole number directly before "×9".
    if (
        _digits(raw)
        and i + 1 < n
        and text[i] in _NINES_SIGNS
        and text[i + 1] == "9"
        and (i + 2 == n or not _is_word_char(text[i + 2]))
    ):
        return Token(TokenKind.NINES, text[start : i + 2], start, i + 2, Decimal(body))
    value = Decimal(body) if len(body) <= _MAX_DIGITS else Decimal("Infinity")
    if text[start] in _SIGNS and _SIGNS[text[start]] < 0:
        value = -value
    return Token(TokenKind.NUMBER, raw, start, i, value)


def _word(text: str, start: int, end: int) -> Token:
    # "P95", "p99.9": a percentile. One digit ("P0", "P1") is a priority, not a percentile.
    if text[0] in "pP" and len(text) >= 3 and _digits(text[1:3]):
        rest = text[1:]
        head, dot, tail = rest.partition(".")
        if _digits(head) and (not dot or _digits(tail)) and 0 < Decimal(rest) <= 100:
            return Token(TokenKind.PERCENTILE, text, start, end, Decimal(rest))
    return Token(TokenKind.WORD, text, start, end, word=text.lower())


_DEPTH = {TokenKind.LPAREN: 1, TokenKind.RPAREN: -1}


class Tokens:
    """The tokens of a text, with the questions a parser asks about a range of them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = tokenize(text)
        self.end = len(self.toks) - 1  #: the position of the END token

    def at(self, pos: int) -> Token:
        return self.toks[min(pos, self.end)]

    def slice(self, start: int, stop: int) -> str:
        """The text of tokens ``start`` … ``stop - 1`` as written, spaces collapsed."""
        return " ".join(self.text[self.toks[start].start : self.toks[stop - 1].end].split())

    def has(self, kinds: frozenset[TokenKind], start: int, stop: int) -> bool:
        return any(self.toks[i].kind in kinds for i in range(start, stop))

    def unbalanced(self, start: int, stop: int) -> int | None:
        """The position of the first parenthesis in the range that does not pair up."""
        opened: list[int] = []
        for i in range(start, stop):
            depth = _DEPTH.get(self.toks[i].kind, 0)
            if depth > 0:
                opened.append(i)
            elif depth < 0 and not opened:
                return i
            elif depth < 0:
                opened.pop()
        return opened[0] if opened else None

    def matching_close(self, open_: int) -> int | None:
        depth = 0
        for i in range(open_, self.end):
            depth += _DEPTH.get(self.toks[i].kind, 0)
            if depth == 0:
                return i
        return None

    def matching_open(self, start: int, close: int) -> int | None:
        depth = 0
        for i in range(close, start - 1, -1):
            depth -= _DEPTH.get(self.toks[i].kind, 0)
            if depth == 0:
                return i
        return None
