"""Text over the spec's limit on one text (``model.Text``), found before the org is
validated: a finding with the text's line instead of a validation error.

Imports ``importers.report`` and ``model``. Documents are read whole, so a cell, line or
paragraph may be longer than one spec text may be. In a list (notes, responsibilities …)
the text is kept whole, cut into parts that each fit; a single field keeps its first
part, and the finding says how much was left out.
"""

from __future__ import annotations

from typing import Any, get_args

from pydantic_core import ErrorDetails

from orgplane.importers.report import ImportReport
from orgplane.model import Location, Text

__all__ = ["MAX_TEXT", "bound_texts", "cut_too_long"]

#: The longest one spec text may be (``model.Text``'s ``max_length``).
MAX_TEXT: int = next(
    int(meta.max_length) for meta in get_args(Text)[1:] if getattr(meta, "max_length", None)
)
_UNKNOWN = Location("", 1, 1)


def _parts(text: str) -> list[str]:
    """Parts that each fit, cut at a space where there is one (the spec strips each part,
    so a cut at a space loses only that space)."""
    parts: list[str] = []
    start = 0
    while len(text) - start > MAX_TEXT:
        cut = text.rfind(" ", start + 1, start + MAX_TEXT)
        end = cut if cut > start else start + MAX_TEXT
        parts.append(text[start:end])
        start = end
    parts.append(text[start:])
    return parts


def _where(text: str, report: ImportReport) -> Location:
    """The line a text came from: the first claim holding its start."""
    for claim in report.claims:
        if claim.text == text:
            return claim.location
    # A cell kept as a note is written "Column: text", the claim holds the text.
    for head in (text[:200], text.partition(": ")[2][:200]):
        for claim in report.claims:
            if head and len(claim.text) >= len(head) and head in claim.text:
                return claim.location
    return next((claim.location for claim in report.claims), _UNKNOWN)


def bound_texts(value: Any, report: ImportReport) -> Any:
    """``value`` (the org document) with every over-long text split or cut, each with a
    finding in ``report``. Texts within the limit are returned as they are."""
    if isinstance(value, dict):
        return {key: bound_texts(item, report) for key, item in value.items()}
    if isinstance(value, list):
        out: list[Any] = []
        for item in value:
            if isinstance(item, str) and len(item) > MAX_TEXT:
                parts = _parts(item)
                report.problem(
                    _where(item, report),
                    f"a text of {len(item):,} characters is longer than one spec text may "
                    f"be ({MAX_TEXT:,}): kept in {len(parts)} parts",
                )
                out.extend(parts)
            else:
                out.append(bound_texts(item, report))
        return out
    if isinstance(value, str) and len(value) > MAX_TEXT:
        report.problem(
            _where(value, report),
            f"a text of {len(value):,} characters is longer than one spec text may be "
            f"({MAX_TEXT:,}): cut to its first {MAX_TEXT:,} characters",
        )
        return value[:MAX_TEXT]
    return value


def cut_too_long(document: Any, errors: list[ErrorDetails], report: ImportReport) -> bool:
    """Cut each value a validation error found too long (a name over its limit) in place,
    with a finding; False when an error is of another kind (a bug, not bad input)."""
    for error in errors:
        if error["type"] != "string_too_long":
            return False
        *path, last = error["loc"]
        parent = document
        try:  # a location through a union or a validator is not a path in the document
            for key in path:
                parent = parent[key]
            text = parent[last]
        except (KeyError, IndexError, TypeError):
            return False
        if not isinstance(text, str):
            return False
        limit = int(error.get("ctx", {}).get("max_length", MAX_TEXT))
        report.problem(
            _where(text, report),
            f"a {path[-1] if path and isinstance(last, int) else last} of {len(text):,} "
            f"characters is longer than the spec allows ({limit:,}): cut to its first "
            f"{limit:,} characters",
        )
        parent[last] = text[:limit].strip()
    return True
