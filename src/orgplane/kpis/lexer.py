"""The KPI lexer: text → tokens, each with its kind, text and position.

Imports nothing from orgplane. It never fails: a character it does not know becomes an
``OTHER`` token, which the grammar then refuses. Tokens:

- ``NUMBER``: ``99.9``, ``+10``, ``-10``, ``−10`` — a sign only where a word cannot have
  it (``Sev-1`` is a word) — with its exact ``Decimal`` value. Digit groups of three after
  a first group of one to three digits, with one separator throughout: ``1,000``,
  ``1_000``, ``1 000`` (a space, no-break or thin space). An exponent: ``1e3``, ``5e2ms``,
  ``1.5E-3``. A thousands suffix written against the number: ``10k``/``10K`` (×1,000),
  ``2M`` (×1,000,000), ``1.5bn`` (×1,000,000,000); not ``B``, which is also a group code
  (``1B``), nor ``m``, ``ms`` or ``MB``, which are units;
- a hexadecimal ``0x1F`` or a malformed group ``1_00`` is one ``OTHER`` token with a
  ``problem`` saying why it is not read, so the KPI is qualitative for that reason;
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
    #: Why an OTHER token that looks like a number is not read as one; "" otherwise.
    problem: str = ""

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
#: Separators of digit groups ("1,000", "1_000", "1 000"); one kind throughout a number.
_GROUP_SEPARATORS = ",_ \u00a0\u202f\u2009"
#: Thousands suffixes, longest first; each must end the number (no letter or digit after).
_SUFFIXES = (("bn", 9), ("k", 3), ("K", 3), ("M", 6))
_EXPONENT_SIGNS = {"+": 1, "-": -1, "−": -1}
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


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
    if text.startswith(("0x", "0X"), i) and text[i + 2 : i + 3] in _HEX_DIGITS:
        return _unreadable(text, start, i + 2, "hexadecimal numbers are not read")
    i = _grouped_digits(text, i)
    if text[i : i + 1] == "_" and _digit(text[i + 1 : i + 2]):
        return _unreadable(text, start, i + 1, "digit groups after '_' have three digits")
    if i + 1 < n and text[i] == "." and _digit(text[i + 1]):
        i += 1
        while i < n and _digit(text[i]):
            i += 1
    raw = text[start:i]
    body = raw.lstrip("".join(_SIGNS))
    for separator in _GROUP_SEPARATORS:
        body = body.replace(separator, "")
    # "11×9": that many nines, an unsigned whole number directly before "×9".
    if (
        _digits(raw)
        and i + 1 < n
        and text[i] in _NINES_SIGNS
        and text[i + 1] == "9"
        and (i + 2 == n or not _is_word_char(text[i + 2]))
    ):
        return Token(TokenKind.NINES, text[start : i + 2], start, i + 2, Decimal(body))
    exponent, i = _exponent(text, i)
    scale, i = _suffix(text, i)
    if len(body) > _MAX_DIGITS or abs(exponent) > _MAX_DIGITS:
        # Out of any KPI's range either way; the grammar refuses it as too large.
        value = Decimal("Infinity")
    else:
        value = Decimal(body).scaleb(exponent + scale)
    if text[start] in _SIGNS and _SIGNS[text[start]] < 0:
        value = -value
    return Token(TokenKind.NUMBER, text[start:i], start, i, value)


def _grouped_digits(text: str, i: int) -> int:
    """The end of the digits from ``i``, with their digit groups: "1,000", "10 000 000"."""
    n = len(text)
    first = i
    while i < n and _digit(text[i]):
        i += 1
    if not 1 <= i - first <= 3 or i == n or text[i] not in _GROUP_SEPARATORS:
        return i
    separator = text[i]
    # "(urban, 95%)" has a space after its comma; "1,0000" and "1,00" are not groups.
    while (
        text[i : i + 1] == separator
        and _digits(text[i + 1 : i + 4])
        and len(text[i + 1 : i + 4]) == 3
        and not _digit(text[i + 4 : i + 5])
    ):
        i += 4
    return i


def _exponent(text: str, i: int) -> tuple[int, int]:
    """An exponent at ``i`` ("e3", "E-3", "e+2") as (its value, where it ends); (0, i) if none."""
    if text[i : i + 1] not in ("e", "E"):
        return 0, i
    j = i + 1
    sign = _EXPONENT_SIGNS.get(text[j : j + 1], 0)
    if sign:
        j += 1
    digits_start = j
    while j < len(text) and _digit(text[j]):
        j += 1
    if j == digits_start or j - digits_start > 3:  # "5eggs", or an absurd exponent
        return (0, i) if j == digits_start else (10**3, j)
    return (sign or 1) * int(text[digits_start:j]), j


def _suffix(text: str, i: int) -> tuple[int, int]:
    """A thousands suffix at ``i`` ("k", "M", "bn") as (its power of ten, where it ends)."""
    for suffix, power in _SUFFIXES:
        end = i + len(suffix)
        if text.startswith(suffix, i) and not _is_word_char(text[end : end + 1] or " "):
            return power, end
    return 0, i


def _unreadable(text: str, start: int, i: int, problem: str) -> Token:
    """``text[start:]`` up to the end of its run of letters and digits, as one OTHER token."""
    while i < len(text) and (_is_word_char(text[i])):
        i += 1
    return Token(TokenKind.OTHER, text[start:i], start, i, problem=problem)


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
