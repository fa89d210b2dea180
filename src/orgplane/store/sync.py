"""Bring one org's rows of a table to what the spec says, writing only the rows that differ.

Imports SQLAlchemy and ``store.tables``. The repositories use it the same way: fetch the
org's rows into a dict keyed by identity (one SELECT), build the rows the spec wants
keyed the same way, ``diff_rows``, then ``write_diff`` (one executemany per kind of
change). No per-row ORM round trips.

The big tables (people, catalog entries) are compared by fingerprint: each row the spec
wants gets a ``digest`` of its values (``with_digest``), the database keeps it, and a
no-change apply fetches and compares 100,000 short strings instead of 100,000 rows.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from orgplane.store.tables import Base

__all__ = [
    "Row",
    "RowDiff",
    "diff_keys",
    "diff_rows",
    "fetch_keys",
    "fetch_rows",
    "table_of",
    "with_digest",
    "write_diff",
]

Row = dict[str, Any]


def table_of(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def with_digest(row: Row) -> Row:
    """``row`` with a ``digest``: a fingerprint of its values (the same values, the same
    digest, in every process)."""
    # repr of str, int, float, None, bool, list and dict is exact and deterministic.
    text = repr(tuple(row.values()))
    row["digest"] = hashlib.blake2b(text.encode(), digest_size=16).hexdigest()
    return row


@dataclass(slots=True)
class RowDiff:
    """What to write: new rows, changed rows (in full, with their keys), rows to delete."""

    inserts: list[Row] = field(default_factory=list)
    updates: list[Row] = field(default_factory=list)
    deletes: list[Row] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.inserts or self.updates or self.deletes)

    def __len__(self) -> int:
        return len(self.inserts) + len(self.updates) + len(self.deletes)


def fetch_rows(
    session: Session,
    model: type[Base],
    org_code: str,
    key: Sequence[str],
    columns: Sequence[str] | None = None,
) -> dict[Any, Row]:
    """The rows of ``org_code`` in ``model``'s table (only ``columns``, if given), keyed by
    the ``key`` columns: plain values for a one-column key, tuples for a longer one."""
    table = table_of(model)
    selected = [table.c[name] for name in columns] if columns is not None else [table]
    result = session.execute(select(*selected).where(table.c.org_code == org_code))
    # Plain tuples zipped with the column names once: RowMapping builds its keys per row.
    names = list(result.keys())
    if len(key) == 1:
        at = names.index(key[0])
        return {row[at]: dict(zip(names, row, strict=True)) for row in result}
    positions = [names.index(name) for name in key]
    return {tuple(row[i] for i in positions): dict(zip(names, row, strict=True)) for row in result}


def fetch_keys(
    session: Session, model: type[Base], org_code: str, key: Sequence[str]
) -> set[tuple[Any, ...]]:
    """The ``key`` columns of every row of ``org_code``, for tables whose rows are keys."""
    table = table_of(model)
    columns = [table.c[name] for name in key]
    result = session.execute(select(*columns).where(table.c.org_code == org_code))
    return {tuple(row) for row in result}


def diff_keys(old: set[tuple[Any, ...]], new: set[tuple[Any, ...]], key: Sequence[str]) -> RowDiff:
    """``diff_rows`` for tables whose rows are their keys: inserts and deletes only."""
    return RowDiff(
        inserts=[dict(zip(key, values, strict=True)) for values in new - old],
        deletes=[dict(zip(key, values, strict=True)) for values in old - new],
    )


def diff_rows(
    old: Mapping[Any, Row],
    new: Mapping[Any, Row],
    *,
    compare: Sequence[str] | None = None,
    carry: Sequence[str] = (),
) -> RowDiff:
    """The writes that turn ``old`` into ``new`` (both keyed by identity).

    Rows are compared on the ``compare`` columns (default: every column of the new row).
    A changed row is written in full: the new row plus the ``carry`` columns of the old
    one (a surrogate key), so the update can find it.
    """
    diff = RowDiff()
    for key, row in new.items():
        before = old.get(key)
        if before is None:
            diff.inserts.append(row)
            continue
        names = compare if compare is not None else row.keys()
        if any(before[name] != row[name] for name in names):
            diff.updates.append({**{name: before[name] for name in carry}, **row})
    diff.deletes.extend(row for key, row in old.items() if key not in new)
    return diff


def write_diff(session: Session, model: type[Base], diff: RowDiff, key: Sequence[str]) -> None:
    """Write ``diff`` to ``model``'s table: deletes, then updates, then inserts.

    Rows are found by the ``key`` columns (the primary key, or a unique key). Deletes
    come first so that a row replaced under a unique key never collides.
    """
    table = table_of(model)
    where = [table.c[name] == bindparam(f"key_{name}") for name in key]
    if diff.deletes:
        session.execute(
            delete(table).where(*where),
            [{f"key_{name}": row[name] for name in key} for row in diff.deletes],
        )
    if diff.updates:
        columns = [name for name in diff.updates[0] if name not in key]
        statement = (
            update(table).where(*where).values({name: bindparam(f"new_{name}") for name in columns})
        )
        session.execute(
            statement,
            [
                {
                    **{f"key_{name}": row[name] for name in key},
                    **{f"new_{name}": row[name] for name in columns},
                }
                for row in diff.updates
            ],
        )
    if diff.inserts:
        session.execute(insert(table), diff.inserts)
