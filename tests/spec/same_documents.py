"""Comparing loaded spec documents: the same models, and every position the same.

For the tests of the ways a large spec is read (``spec.parallel``, ``spec.cache``),
each compared with the plain serial loader.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplane.model import Located
from orgplane.spec import SpecDocument
from orgplane.spec import parallel as parallel_module
from orgplane.spec.loader import load_documents

__all__ = ["Documents", "assert_same_documents", "serial_documents", "source_positions"]

Documents = list[tuple[str, SpecDocument]]
Positions = tuple[str, int, int, object, object]


def serial_documents(path: Path, monkeypatch: pytest.MonkeyPatch) -> Documents:
    """The spec at ``path`` read by the serial loader alone: no worker, no cache."""
    with monkeypatch.context() as patch:
        patch.setattr(parallel_module, "PARALLEL_MIN_BYTES", 1 << 62)
        return load_documents(path)


def source_positions(document: SpecDocument) -> list[Positions | None]:
    """Every ``Located`` value's source in a fixed order, fully decoded."""
    out: list[Positions | None] = []
    pending: list[Located] = [document]
    while pending:
        model = pending.pop()
        source = model.source
        out.append(
            None
            if source is None
            else (source.file, source.line, source.col, source.keys, source.items)
        )
        for name in type(model).model_fields:
            value = getattr(model, name)
            if isinstance(value, Located):
                pending.append(value)
            elif isinstance(value, list):
                pending.extend(item for item in value if isinstance(item, Located))
    return out


def assert_same_documents(serial: Documents, other: Documents) -> None:
    assert [name for name, _ in other] == [name for name, _ in serial]
    for (_, one), (_, another) in zip(serial, other, strict=True):
        assert another.model_dump() == one.model_dump()
        assert source_positions(another) == source_positions(one)
