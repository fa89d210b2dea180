"""Objective → canonical text, which parses back to the same objective.

Imports ``kpis.objective``, ``kpis.units`` and ``kpis.lexer``. The canonical form puts
the metric first and writes the comparator as the documents do (``≥ ≤ > < =``), the
value in a readable unit ("5ms", "30 min", "2 days", "99.9%", "11×9", "4.7/5"), a rate
after a slash ("20/day"), a growth's sign and marker ("-10% YoY"), and the other
qualifiers in one parenthesized group: scope, share, percentile, period
("MTTR < 30 min (Sev-1)", "Site Visit ETA ≤ 4h (urban, 95%)"). A count written before
its metric keeps that order ("≥ 4 technical articles (quarterly)"), since the metric
is what it counts. A qualitative objective renders as its text.
"""

from __future__ import annotations

from orgplane.kpis.lexer import TokenKind, tokenize
from orgplane.kpis.objective import Kind, Objective, Period, Unit
from orgplane.kpis.units import DISPLAY_UNITS, adverb, decimal_text, display, exact, marker

__all__ = ["render_objective"]

_NOUNS = {period: period.value.replace("_", "-") for period in Period}


def render_objective(objective: Objective) -> str:
    """The canonical text of ``objective``: ``parse_objective`` reads it back as equal."""
    o = objective
    if not o.typed or o.comparator is None or o.value is None:
        return o.metric
    if o.kind is Kind.CADENCE and o.period is not None:
        return f"{o.metric} {adverb(o.period)}{_qualifiers(o, cadence=True)}"
    amount = _amount(o)
    if o.unit is Unit.COUNT and o.count_unit is None and o.per is None:
        text = f"{o.comparator.symbol} {amount} {o.metric}"
    else:
        text = f"{o.metric} {o.comparator.symbol} {amount}{_per(o)}"
    if o.kind is Kind.GROWTH and o.period is not None:
        text += f" {marker(o.period) or adverb(o.period)}"
    return text + _qualifiers(o)


def _percent(fraction: float) -> str:
    return decimal_text(exact(fraction) * 100)


def _amount(o: Objective) -> str:
    assert o.value is not None
    if o.unit is Unit.RATIO:
        if o.nines is not None:
            return f"{o.nines}×9"
        sign = "+" if o.kind is Kind.GROWTH and o.value >= 0 else ""
        return f"{sign}{_percent(o.value)}%"
    if o.unit in DISPLAY_UNITS:
        assert o.unit is not None
        number, label = display(o.value, DISPLAY_UNITS[o.unit])
        return f"{decimal_text(number)}{_singular(label) if number == 1 else label}"
    number_text = decimal_text(exact(o.value))
    if o.max_value is not None:
        return f"{number_text}/{decimal_text(exact(o.max_value))}"
    if o.unit is Unit.BUSINESS_DAYS:
        return f"{number_text} business day{'' if o.value == 1 else 's'}"
    if o.count_unit is not None:
        return f"{number_text} {o.count_unit}"
    return number_text


def _singular(label: str) -> str:
    """The label of a value of one: "1 day", not "1 days" (only days have a plural)."""
    return label.removesuffix("s") if label.endswith(" days") else label


def _per_period(o: Objective) -> Period | None:
    return next((period for period in Period if o.per == period.value), None)


def _per(o: Objective) -> str:
    if o.per is None:
        return ""
    period = _per_period(o)
    return f"/{_NOUNS[period]}" if period is not None else f" / {o.per}"


def _qualifiers(o: Objective, *, cadence: bool = False) -> str:
    items: list[str] = []
    share = f"{_percent(o.share)}%" if o.share is not None else None
    if o.scope is not None:
        if share is not None and o.scope.startswith("of "):
            items.append(f"{share} {o.scope}")
            share = None
        else:
            items.append(o.scope)
    if share is not None:
        items.append(share)
    if o.percentile is not None and not _names_percentile(o.metric):
        items.append(f"p{decimal_text(exact(o.percentile))}")
    rate_period = _per_period(o)
    if (
        o.period is not None
        and not cadence
        and o.kind is not Kind.GROWTH
        and o.period is not rate_period
    ):
        items.append(adverb(o.period))
    return f" ({', '.join(items)})" if items else ""


def _names_percentile(metric: str) -> bool:
    return any(token.kind is TokenKind.PERCENTILE for token in tokenize(metric))
