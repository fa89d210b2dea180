"""The KPI lexer: the tokens a KPI text is made of, with their positions."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orgplane.kpis.lexer import Token, TokenKind, tokenize

K = TokenKind


def kinds(text: str) -> list[tuple[TokenKind, str]]:
    return [(token.kind, token.text) for token in tokenize(text)[:-1]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "P95 latency < 5ms",
            [
                (K.PERCENTILE, "P95"),
                (K.WORD, "latency"),
                (K.COMPARATOR, "<"),
                (K.NUMBER, "5"),
                (K.WORD, "ms"),
            ],
        ),
        ("Durability 11×9", [(K.WORD, "Durability"), (K.NINES, "11×9")]),
        ("11x9s", [(K.NUMBER, "11"), (K.WORD, "x9s")]),  # not nines: a word follows
        (
            "Privacy P0 = 0",
            [(K.WORD, "Privacy"), (K.WORD, "P0"), (K.COMPARATOR, "="), (K.NUMBER, "0")],
        ),
        ("p99.9", [(K.PERCENTILE, "p99.9")]),
        ("P101", [(K.WORD, "P101")]),  # no percentile above 100
        (
            "MTTR < 30 min (Sev-1)",
            [
                (K.WORD, "MTTR"),
                (K.COMPARATOR, "<"),
                (K.NUMBER, "30"),
                (K.WORD, "min"),
                (K.LPAREN, "("),
                (K.WORD, "Sev-1"),
                (K.RPAREN, ")"),
            ],
        ),
        ("Cost -10% YoY", [(K.WORD, "Cost"), (K.NUMBER, "-10"), (K.PERCENT, "%"), (K.WORD, "YoY")]),
        ("≥+10%", [(K.COMPARATOR, ">="), (K.NUMBER, "+10"), (K.PERCENT, "%")]),
        ("10-20%", [(K.NUMBER, "10"), (K.OTHER, "-"), (K.NUMBER, "20"), (K.PERCENT, "%")]),
        (
            "CSAT ≥ 4.7/5",
            [
                (K.WORD, "CSAT"),
                (K.COMPARATOR, ">="),
                (K.NUMBER, "4.7"),
                (K.SLASH, "/"),
                (K.NUMBER, "5"),
            ],
        ),
        (
            "1,000 (urban, 95%)",
            [
                (K.NUMBER, "1,000"),
                (K.LPAREN, "("),
                (K.WORD, "urban"),
                (K.COMMA, ","),
                (K.NUMBER, "95"),
                (K.PERCENT, "%"),
                (K.RPAREN, ")"),
            ],
        ),
        ("TTL=72h", [(K.WORD, "TTL"), (K.COMPARATOR, "="), (K.NUMBER, "72"), (K.WORD, "h")]),
        (
            "a >= b => c <= d =< e != f <> g ≠ h",
            [
                (K.WORD, "a"),
                (K.COMPARATOR, ">="),
                (K.WORD, "b"),
                (K.COMPARATOR, ">="),
                (K.WORD, "c"),
                (K.COMPARATOR, "<="),
                (K.WORD, "d"),
                (K.COMPARATOR, "<="),
                (K.WORD, "e"),
                (K.COMPARATOR, "!="),
                (K.WORD, "f"),
                (K.COMPARATOR, "!="),
                (K.WORD, "g"),
                (K.COMPARATOR, "!="),
                (K.WORD, "h"),
            ],
        ),
        ("1.1 µs", [(K.NUMBER, "1.1"), (K.WORD, "µs")]),
        ("x²", [(K.WORD, "x²")]),
        ("²", [(K.OTHER, "²")]),  # a superscript digit is not a number
        ("1e3 ms", [(K.NUMBER, "1e3"), (K.WORD, "ms")]),
        ("5e2ms", [(K.NUMBER, "5e2"), (K.WORD, "ms")]),
        ("5eggs", [(K.NUMBER, "5"), (K.WORD, "eggs")]),
        ("1_000 1 000", [(K.NUMBER, "1_000"), (K.NUMBER, "1 000")]),  # one separator per number
        ("1 000,5", [(K.NUMBER, "1 000"), (K.COMMA, ","), (K.NUMBER, "5")]),
        ("10k req", [(K.NUMBER, "10k"), (K.WORD, "req")]),
        (
            "5MB 5m 1B",
            [
                (K.NUMBER, "5"),
                (K.WORD, "MB"),
                (K.NUMBER, "5"),
                (K.WORD, "m"),
                (K.NUMBER, "1"),
                (K.WORD, "B"),
            ],
        ),
        ("0x1F ms", [(K.OTHER, "0x1F"), (K.WORD, "ms")]),
    ],
)
def test_tokens(text: str, expected: list[tuple[TokenKind, str]]) -> None:
    assert kinds(text) == expected


def test_numbers_carry_their_exact_decimal_value() -> None:
    number, nines, percentile = (t for t in tokenize("−10.50 11×9 p99.9") if t.kind is not K.END)
    assert number.number == Decimal("-10.50")
    assert number.signed
    assert nines.number == 11
    assert percentile.number == Decimal("99.9")


def test_number_forms_carry_their_value_and_unread_ones_a_problem() -> None:
    values = [t.number for t in tokenize("1.5E-3 1,000,000 2M 1.5bn 10K") if t.kind is K.NUMBER]
    assert values == [Decimal("0.0015"), 1_000_000, 2_000_000, 1_500_000_000, 10_000]
    hexadecimal, malformed = (t for t in tokenize("0x1F 1_00") if t.kind is K.OTHER)
    assert hexadecimal.problem == "hexadecimal numbers are not read"
    assert malformed.problem == "digit groups after '_' have three digits"


def test_every_token_knows_where_it_was_written() -> None:
    text = "SLO Miss < 2% / quarter"
    for token in tokenize(text)[:-1]:
        assert text[token.start : token.end] == token.text
    assert tokenize(text)[-1] == Token(K.END, "", len(text), len(text))
