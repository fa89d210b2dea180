"""docs/kpis.md is tested like code: every example parses to the objective the page
states and renders as the canonical text it states, and every form has examples."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from orgplane.kpis import Kind, parse_objective, render_objective

DOC = Path(__file__).resolve().parents[2] / "docs" / "kpis.md"
_ROW = re.compile(r"^\| `(?P<text>[^`]+)` \| `(?P<typed>\{.*\})` \| `(?P<canonical>[^`]+)` \|$")
_QUALITATIVE = re.compile(r"^\| `(?P<text>[^`]+)` \| `(?P<reason>[^`]+)` \|$")


def _rows(pattern: re.Pattern[str]) -> list[dict[str, str]]:
    lines = DOC.read_text(encoding="utf-8").splitlines()
    return [match.groupdict() for line in lines if (match := pattern.match(line))]


TYPED = _rows(_ROW)
QUALITATIVE = _rows(_QUALITATIVE)


def test_the_page_has_examples_of_every_kind() -> None:
    kinds = {json.loads(row["typed"])["kind"] for row in TYPED}
    assert kinds == {kind.value for kind in Kind} - {"qualitative"}
    assert len(TYPED) >= 40
    assert QUALITATIVE


@pytest.mark.parametrize("row", TYPED, ids=[row["text"] for row in TYPED])
def test_each_example_parses_to_what_the_page_says(row: dict[str, str]) -> None:
    objective = parse_objective(row["text"])
    fields = {
        name: value
        for name, value in objective.as_dict().items()
        if value is not None and name not in ("text", "typed", "reason")
    }
    assert fields == json.loads(row["typed"])
    assert render_objective(objective) == row["canonical"]
    assert parse_objective(row["canonical"]) == objective


@pytest.mark.parametrize("row", QUALITATIVE, ids=[row["text"] for row in QUALITATIVE])
def test_each_qualitative_example_gives_the_reason_the_page_says(row: dict[str, str]) -> None:
    objective = parse_objective(row["text"])
    assert not objective.typed
    assert objective.metric == row["text"]
    assert objective.reason == row["reason"]
