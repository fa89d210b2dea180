"""Properties of the KPI grammar: the canonical text of an objective reads back as the
same objective, for texts in every form the grammar reads and for near-misses built from
its own words; and no text, however odd, makes the parser raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgplane.kpis import Kind, parse_objective, render_objective
from tests.kpis.strategies import kpi_texts, token_soup

# Parsing is fast, but a loaded CI machine should not fail a property on time.
FAST = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(kpi_texts())
def test_render_of_a_parsed_text_parses_back_to_the_same_objective(text: str) -> None:
    objective = parse_objective(text)
    canonical = render_objective(objective)
    assert parse_objective(canonical) == objective
    # And the canonical text is a fixed point.
    assert render_objective(parse_objective(canonical)) == canonical


@FAST
@given(kpi_texts())
def test_texts_in_the_grammars_forms_are_typed(text: str) -> None:
    objective = parse_objective(text)
    if objective.typed:
        assert objective.comparator is not None
        assert objective.value is not None
        assert objective.unit is not None
        assert objective.direction is not None
        assert objective.metric.strip() == objective.metric != ""
        assert objective.reason is None
    else:
        assert objective.kind is Kind.QUALITATIVE
        assert objective.reason


@FAST
@given(token_soup())
def test_near_misses_round_trip_too(text: str) -> None:
    objective = parse_objective(text)
    assert parse_objective(render_objective(objective)) == objective


@FAST
@given(st.text(max_size=200))
def test_the_parser_never_raises(text: str) -> None:
    objective = parse_objective(text)
    assert objective.text == text
    assert objective.typed or objective.reason


@FAST
@given(st.text(alphabet="≥≤<>=!%/()×x9.,:+-−0123456789 pP", max_size=60))
def test_the_parser_never_raises_on_symbol_soup(text: str) -> None:
    objective = parse_objective(text)
    assert parse_objective(render_objective(objective)) == objective
