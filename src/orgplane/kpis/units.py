"""The vocabulary of KPI texts: units and their factors, periods, comparator phrases.

Pure tables and lookups; imports only ``kpis.objective``. The lexer finds tokens, the
grammar asks these tables what a word means, and ``render`` picks a display unit from
them. Factors are ``Decimal`` so that "5ms" is exactly 0.005 seconds and "99.9%" exactly
0.999: a value parsed from canonical text is the same float it was rendered from.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, localcontext

from orgplane.kpis.objective import Comparator, Period, Unit

__all__ = [
    "COMPARATOR_PHRASES",
    "DISPLAY_UNITS",
    "GROWTH_MARKERS",
    "NUMBER_WORDS",
    "PERCENT_WORDS",
    "PERIOD_ADVERBS",
    "PHRASES_BY_FIRST_WORD",
    "PREPOSITIONS",
    "SHARE_WITHIN",
    "adverb",
    "business_days",
    "decimal_text",
    "display",
    "exact",
    "growth_marker",
    "marker",
    "period_adverb",
    "period_noun",
    "unit_of",
]

_MINUTE = Decimal(60)
_HOUR = 60 * _MINUTE
_DAY = 24 * _HOUR

#: Time units by the words the documents write. One-letter units are case-sensitive
#: ("5m" is five minutes, "5M" is not), the others are looked up in lower case.
_TIME: dict[str, Decimal] = {
    **dict.fromkeys(("ns", "nsec", "nanosecond", "nanoseconds"), Decimal("1e-9")),
    **dict.fromkeys(("µs", "μs", "us", "usec", "microsecond", "microseconds"), Decimal("1e-6")),
    **dict.fromkeys(("ms", "msec", "msecs", "millisecond", "milliseconds"), Decimal("0.001")),
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), Decimal(1)),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), _MINUTE),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), _HOUR),
    **dict.fromkeys(("d", "day", "days"), _DAY),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * _DAY),
    # By convention, for "Lead time ≤ 3 months": a month is 30 days, a year 365.
    **dict.fromkeys(("month", "months"), 30 * _DAY),
    **dict.fromkeys(("yr", "yrs", "year", "years"), 365 * _DAY),
}
_BITS: dict[str, Decimal] = {
    "bps": Decimal(1),
    "kbps": Decimal("1e3"),
    "mbps": Decimal("1e6"),
    "gbps": Decimal("1e9"),
    "tbps": Decimal("1e12"),
}
#: Sizes are case-sensitive: "Mb" would be megabits.
_BYTES: dict[str, Decimal] = {
    "B": Decimal(1),
    "KB": Decimal("1e3"),
    "kB": Decimal("1e3"),
    "MB": Decimal("1e6"),
    "GB": Decimal("1e9"),
    "TB": Decimal("1e12"),
    "PB": Decimal("1e15"),
    "KiB": Decimal(1024),
    "MiB": Decimal(1024**2),
    "GiB": Decimal(1024**3),
    "TiB": Decimal(1024**4),
}

PERCENT_WORDS = frozenset({"percent", "pct"})
#: "business days", "working days": a unit of two words.
_BUSINESS = frozenset({"business", "working"})
_BUSINESS_DAY = frozenset({"day", "days"})

#: Number words, for "five nines".
NUMBER_WORDS: dict[str, int] = {
    word: number
    for number, word in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ],
        start=1,
    )
}

#: Words for a period after "/", "per", "a", "each" or "every" ("/ quarter", "per Q").
_PERIOD_NOUNS: dict[str, Period] = {
    **dict.fromkeys(("hour", "hr", "h"), Period.HOUR),
    **dict.fromkeys(("day", "d"), Period.DAY),
    **dict.fromkeys(("week", "wk", "w"), Period.WEEK),
    **dict.fromkeys(("month", "mo", "mon"), Period.MONTH),
    **dict.fromkeys(("quarter", "qtr", "q"), Period.QUARTER),
    **dict.fromkeys(("half-year", "half", "semester"), Period.HALF_YEAR),
    **dict.fromkeys(("year", "yr", "y", "annum"), Period.YEAR),
}
#: Adverbs naming a period ("monthly", "(semi-annual)"); the first of each is canonical.
PERIOD_ADVERBS: dict[str, Period] = {
    "hourly": Period.HOUR,
    "daily": Period.DAY,
    "weekly": Period.WEEK,
    "monthly": Period.MONTH,
    "quarterly": Period.QUARTER,
    "semi-annually": Period.HALF_YEAR,
    "semi-annual": Period.HALF_YEAR,
    "half-yearly": Period.HALF_YEAR,
    "biannually": Period.HALF_YEAR,
    "biannual": Period.HALF_YEAR,
    "yearly": Period.YEAR,
    "annually": Period.YEAR,
    "annual": Period.YEAR,
}
_SHORT_PERIODS = {
    "day": Period.DAY,
    "week": Period.WEEK,
    "month": Period.MONTH,
    "quarter": Period.QUARTER,
    "year": Period.YEAR,
}
#: Period-over-period markers: the value is a change over that period ("-10% YoY").
#: Keyed in lower case; ``marker`` writes the canonical form ("YoY").
GROWTH_MARKERS: dict[str, Period] = {
    **{f"{p[0]}o{p[0]}": period for p, period in _SHORT_PERIODS.items()},
    **{f"{p}-over-{p}": period for p, period in _SHORT_PERIODS.items()},
}

#: Comparators written as words, longest first so "no more than" wins over "more than".
COMPARATOR_PHRASES: tuple[tuple[tuple[str, ...], Comparator], ...] = (
    (("no", "more", "than"), Comparator.LE),
    (("not", "more", "than"), Comparator.LE),
    (("no", "less", "than"), Comparator.GE),
    (("not", "less", "than"), Comparator.GE),
    (("no", "fewer", "than"), Comparator.GE),
    (("at", "least"), Comparator.GE),
    (("at", "most"), Comparator.LE),
    (("up", "to"), Comparator.LE),
    (("more", "than"), Comparator.GT),
    (("greater", "than"), Comparator.GT),
    (("less", "than"), Comparator.LT),
    (("fewer", "than"), Comparator.LT),
    (("minimum",), Comparator.GE),
    (("maximum",), Comparator.LE),
    (("max",), Comparator.LE),
    (("within",), Comparator.LE),
    (("under",), Comparator.LT),
    (("below",), Comparator.LT),
    (("over",), Comparator.GT),
    (("above",), Comparator.GT),
    (("exactly",), Comparator.EQ),
)

#: The phrases by their first word, for a quick "no comparator starts here".
PHRASES_BY_FIRST_WORD: dict[str, tuple[tuple[tuple[str, ...], Comparator], ...]] = {
    first: tuple(phrase for phrase in COMPARATOR_PHRASES if phrase[0][0] == first)
    for first in {words[0] for words, _ in COMPARATOR_PHRASES}
}

#: Words that start a scope phrase after the target ("< 0.05% of volume").
PREPOSITIONS = frozenset(
    {"of", "for", "in", "on", "across", "during", "excluding", "including", "except"}
)
#: "95% within 30 days": a share of events that must take at most a duration.
SHARE_WITHIN = "within"


def unit_of(word: str) -> tuple[Unit, Decimal] | None:
    """The unit a word names and its factor to the normalized unit, or None."""
    if word in _BYTES:
        return Unit.BYTES, _BYTES[word]
    if len(word) == 1:
        return (Unit.SECONDS, _TIME[word]) if word in _TIME else None
    lower = word.lower()
    if lower in _TIME:
        return Unit.SECONDS, _TIME[lower]
    if lower in _BITS:
        return Unit.BITS_PER_SECOND, _BITS[lower]
    return None


def business_days(first: str, second: str) -> bool:
    """Whether two words are "business days" (or "working day")."""
    return first.lower() in _BUSINESS and second.lower() in _BUSINESS_DAY


def period_noun(word: str) -> Period | None:
    """The period a noun names after "/" or "per" ("quarter", "Q", "day"), or None."""
    lower = word.lower()
    if lower.endswith("s") and lower[:-1] in _PERIOD_NOUNS and len(lower) > 2:
        lower = lower[:-1]  # "per days" is odd, but "/ weeks" occurs
    return _PERIOD_NOUNS.get(lower)


def period_adverb(word: str) -> Period | None:
    """The period an adverb names ("monthly", "semi-annual"), or None."""
    return PERIOD_ADVERBS.get(word.lower())


def growth_marker(word: str) -> Period | None:
    """The period of a period-over-period marker ("YoY" → year), or None."""
    return GROWTH_MARKERS.get(word.lower())


def adverb(period: Period) -> str:
    """The canonical adverb of a period ("quarterly")."""
    return next(word for word, named in PERIOD_ADVERBS.items() if named is period)


def marker(period: Period) -> str | None:
    """The canonical period-over-period marker ("YoY"), if the period has one."""
    for word, named in GROWTH_MARKERS.items():
        if named is period and len(word) == 3:
            return word[0].upper() + word[1] + word[2].upper()
    return None


#: How ``render`` writes a value of each unit: display units, preferred first.
DISPLAY_UNITS: dict[Unit, tuple[tuple[str, Decimal], ...]] = {
    Unit.SECONDS: (
        (" days", _DAY),
        ("h", _HOUR),
        (" min", _MINUTE),
        ("s", Decimal(1)),
        ("ms", Decimal("0.001")),
        ("µs", Decimal("1e-6")),
        ("ns", Decimal("1e-9")),
    ),
    Unit.BITS_PER_SECOND: tuple(
        (f" {name}", factor)
        for name, factor in (
            ("Tbps", _BITS["tbps"]),
            ("Gbps", _BITS["gbps"]),
            ("Mbps", _BITS["mbps"]),
            ("kbps", _BITS["kbps"]),
            ("bps", _BITS["bps"]),
        )
    ),
    Unit.BYTES: tuple(
        (f" {name}", _BYTES[name])
        for name in ("TiB", "TB", "GiB", "GB", "MiB", "MB", "KiB", "KB", "B")
    ),
}


def decimal_text(number: Decimal) -> str:
    """A decimal in plain notation, without trailing zeros ("0.005", "100", "-10")."""
    if number == 0:
        return "0"
    return format(number.normalize(), "f")


def exact(value: float) -> Decimal:
    """The decimal a float was written as (its shortest round-tripping form)."""
    return Decimal(repr(value))


def display(value: float, choices: Sequence[tuple[str, Decimal]]) -> tuple[Decimal, str]:
    """The number and display unit to write ``value`` in, every answer reading back as
    exactly ``value``: the largest unit giving a number of at least one with at most
    three decimals (else the smallest unit), except that a
    fraction ("1.5 days") gives way to a whole number below 1000 in the next unit
    ("36h"), while "1.1µs" and "2.5s" stay."""
    amount = exact(value)
    if amount == 0:
        label = next((label for label, factor in choices if factor == 1), choices[0][0])
        return Decimal(0), label
    with localcontext() as context:
        context.prec = 60
        readings: list[tuple[Decimal, str]] = []
        for label, factor in choices:
            number = amount / factor
            short = number.normalize().as_tuple().exponent
            if number * factor == amount and abs(number) >= 1 and int(short) >= -3:
                readings.append((number, label))
        for index, (number, label) in enumerate(readings):
            if number == number.to_integral_value():
                return number, label
            if index + 1 < len(readings):
                smaller, smaller_label = readings[index + 1]
                if smaller == smaller.to_integral_value() and abs(smaller) < 1000:
                    return smaller, smaller_label
            return number, label
        label, factor = choices[-1]
        return amount / factor, label
