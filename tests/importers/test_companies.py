"""Documents of other companies, in the styles real wikis mix, scored against answer
keys written from the documents alone (``scoring.py``): groups and parent links at 95%
recall and precision or better, KPIs, dependencies and leads at 90%."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplane.importers.service import import_paths
from orgplane.model import Org
from orgplane.spec.dumper import dump_spec, spec_files
from tests.importers.scoring import THRESHOLDS, documents, score_document


def test_there_are_ten_companies_or_more() -> None:
    assert len(documents()) >= 10


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.stem)
def test_company_document_imports_as_its_answer_key(path: Path) -> None:
    scores = score_document(path)
    low = {
        facet: f"recall {s.recall:.0%}, precision {s.precision:.0%}"
        for facet, s in scores.items()
        if s.recall < THRESHOLDS[facet] or s.precision < THRESHOLDS[facet]
    }
    assert low == {}


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.stem)
def test_company_document_loses_no_line(path: Path) -> None:
    report = import_paths([path]).report
    assert report.uncovered() == {}
    assert report.structures[str(path)]


@pytest.mark.parametrize("path", documents(), ids=lambda p: p.stem)
def test_company_document_imports_to_the_same_bytes_every_time(path: Path) -> None:
    first = import_paths([path]).org
    assert spec_files(import_paths([path]).org) == spec_files(first)
    assert dump_spec(import_paths([path, path]).org) == dump_spec(
        first
    )  # read twice: nothing added
    Org.model_validate(first.model_dump())  # what is written is a valid org
