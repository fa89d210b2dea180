"""Look at a database from outside the code under test: every row, and every write."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.orm import Session

from orgplane.store.tables import Base


def dump(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every orgplane table, sorted: equal dumps, equal databases."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = connection.execute(select(table)).all()
            out[table.name] = sorted((tuple(row) for row in rows), key=repr)
        out["alembic_version"] = [
            tuple(row) for row in connection.execute(text("SELECT * FROM alembic_version"))
        ]
    return out


def count(session: Session, table: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(table)) or 0


@contextmanager
def counting_writes(engine: Engine) -> Iterator[list[tuple[str, int]]]:
    """Every INSERT, UPDATE and DELETE the engine runs, with the rows it changed."""
    writes: list[tuple[str, int]] = []

    def after(
        conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool
    ) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper()
        if verb in ("INSERT", "UPDATE", "DELETE"):
            writes.append((statement.split("\n")[0][:80], cursor.rowcount))

    event.listen(engine, "after_cursor_execute", after)
    try:
        yield writes
    finally:
        event.remove(engine, "after_cursor_execute", after)
