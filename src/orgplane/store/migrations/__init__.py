"""orgplane's Alembic migrations: ``env.py``, and one module per revision in ``versions/``.

Imports ``store.tables`` (for autogenerate's comparison). Run them with
``orgplane.store.upgrade(url)``. Objects the migrations create with SQL of one backend
(SQLite's full-text tables, PostgreSQL's full-text indexes) are not declared in
``store.tables``; ``include_object`` hides them from autogenerate's comparison.
"""

from __future__ import annotations

from typing import Any

__all__ = ["SEARCH_INDEXES", "SEARCH_TABLES", "include_object"]

#: SQLite FTS5 tables (and their shadow tables, which share the prefix).
SEARCH_TABLES = ("groups_fts", "catalog_fts")
#: PostgreSQL GIN indexes over ``to_tsvector('simple', search_text)``.
SEARCH_INDEXES = ("ix_groups_search", "ix_catalog_entries_search")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic's filter: compare everything but the backend-specific search objects."""
    if name is None:
        return True
    if type_ == "table":
        return not name.startswith(SEARCH_TABLES)
    if type_ == "index":
        return name not in SEARCH_INDEXES
    return True
