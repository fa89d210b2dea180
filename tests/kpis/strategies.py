"""Hypothesis strategies over the KPI grammar: texts written in every form it reads."""

from __future__ import annotations

from hypothesis import strategies as st

METRIC_WORDS = (
    "API",
    "Uptime",
    "latency",
    "Lead",
    "time",
    "Deploys",
    "Toil",
    "Hours",
    "Success",
    "Rate",
    "Error",
    "NameNode",
    "Ticket",
    "L1",
    "P1",
    "CI/CD",
    "Month-End",
    "First-Time-Right",
    "MTTR",
    "DTI",
    "Crash-free",
    "sessions",
    "Under-replicated",
    "Namespace+SA",
)
#: Words that mean something to the grammar, mixed into metrics to find ambiguities.
TRICKY_WORDS = (
    "per",
    "of",
    "for",
    "in",
    "min",
    "daily",
    "monthly",
    "YoY",
    "under",
    "over",
    "at",
    "least",
    "within",
    "nines",
    "five",
    "a",
    "every",
    "once",
    "business",
    "days",
    "h",
    "s",
    "m",
    "Q",
    "day",
    "P95",
    "p99.9",
)
COMPARATORS = ("≥", "≤", ">", "<", "=", ">=", "<=", "at least", "under", "no more than", "above")
UNITS = ("", "%", "ms", " min", "h", " days", "s", " business days", " Mbps", " GB", " µs")
TRAILERS = (
    "",
    " / quarter",
    "/day",
    " per month",
    " monthly",
    " (Sev-1)",
    " (90%)",
    " (urban, 95%)",
    " (p95)",
    " (monthly)",
    " (98% of sites)",
    " / Shift",
)

words = st.sampled_from(METRIC_WORDS)
metrics = st.lists(words, min_size=1, max_size=4).map(" ".join)
numbers = st.one_of(
    st.integers(0, 10_000).map(str),
    st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False, allow_infinity=False).map(
        lambda d: format(d.normalize(), "f") if d else "0"
    ),
)
comparators = st.sampled_from(COMPARATORS)


@st.composite
def amounts(draw: st.DrawFn) -> str:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return f"{draw(st.integers(1, 15))}×9"
    if choice == 1:
        return f"{draw(st.integers(1, 9))}/{draw(st.integers(9, 10))}"
    if choice == 2:
        return f"{draw(numbers)} versions"
    return f"{draw(numbers)}{draw(st.sampled_from(UNITS))}"


@st.composite
def kpi_texts(draw: st.DrawFn) -> str:
    """A KPI text in one of the forms the grammar reads."""
    metric = draw(metrics)
    trailer = draw(st.sampled_from(TRAILERS))
    form = draw(st.integers(0, 5))
    if form == 0:  # metric-first
        return f"{metric} {draw(comparators)} {draw(amounts())}{trailer}"
    if form == 1:  # comparator-first
        return (
            f"{draw(comparators)} {draw(numbers)}{draw(st.sampled_from(UNITS))} {metric}{trailer}"
        )
    if form == 2:  # bare target
        return f"{metric} {draw(amounts())}{trailer}"
    if form == 3:  # growth
        sign = draw(st.sampled_from(("+", "-")))
        marker = draw(st.sampled_from((" YoY", " monthly", " QoQ", "")))
        return f"{metric} {draw(comparators)} {sign}{draw(numbers)}%{marker}"
    if form == 4:  # cadence
        return f"{metric} {draw(st.sampled_from(('quarterly', 'every month', 'once a year')))}"
    return f"{draw(numbers)}% {metric}{trailer}"  # value-first


@st.composite
def token_soup(draw: st.DrawFn) -> str:
    """Grammar words, numbers and signs in any order: texts that nearly read."""
    parts = st.one_of(
        words,
        st.sampled_from(TRICKY_WORDS),
        comparators,
        numbers,
        st.sampled_from(("%", "/", "(", ")", ",", ":", "-", "+", "×9", "ms", "x9", "µs")),
        st.sampled_from(("(Sev-1)", "(90%)", "/ quarter", "-10%", "+10%", "4.7/5", "1,000")),
        st.sampled_from(("within 30 days", "(98% of sites)", "(urban, 95%)", "five nines")),
        st.sampled_from(("Deploys/day", "2 business days", "(p95)", "(monthly)", "95th")),
    )
    return " ".join(draw(st.lists(parts, min_size=1, max_size=10)))
