"""Catalog entries in the database: what each group owns or offers.

Imports ``model``, ``store.tables``, ``store.sync`` and ``store.search``. An entry is found
by org code + entry id; ``owner_path`` is its owner resolved to a group path, so "what
does this group own" is one indexed query. Repositories never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select, tuple_, union_all
from sqlalchemy.orm import Session

from orgplane.model import Org, OrgIndex
from orgplane.store.search import match_clause, search_text, words
from orgplane.store.sync import Row, RowDiff, fetch_rows, with_digest, write_diff
from orgplane.store.tables import CatalogRow

__all__ = [
    "CatalogView",
    "catalog_of_group",
    "count_by_owner",
    "fetch_catalog",
    "get_catalog_entry",
    "page_catalog",
    "search_catalog",
    "spec_catalog",
    "write_catalog",
]


@dataclass(frozen=True, slots=True)
class CatalogView:
    org_code: str
    id: str
    name: str
    kind: str
    owner: str | None
    owner_path: str | None
    owner_role: str | None
    description: str
    tier: int | None
    lifecycle: str
    sla: str
    contact: str
    intake: str
    escalation: list[str]
    tools: list[str]
    depends_on: list[str]
    tags: list[str]


def spec_catalog(org: Org, index: OrgIndex) -> dict[str, Row]:
    """The rows ``org`` wants, by entry id (``index`` is its ``OrgIndex``)."""
    owners = {
        owner: index.resolve(owner).path
        for owner in {entry.owner for entry in org.catalog}
        if owner
    }
    return {
        entry.id: with_digest(
            {
                "org_code": org.code,
                "entry_id": entry.id,
                "name": entry.name,
                "kind": entry.kind.value,
                "owner": entry.owner,
                "owner_path": owners.get(entry.owner) if entry.owner else None,
                "owner_role": entry.owner_role,
                "description": entry.description,
                "tier": entry.tier,
                "lifecycle": entry.lifecycle,
                "sla": entry.sla,
                "contact": entry.contact,
                "intake": entry.intake,
                "escalation": list(entry.escalation),
                "tools": list(entry.tools),
                "depends_on": list(entry.depends_on),
                "tags": list(entry.tags),
                "search_text": search_text(
                    [entry.id, entry.name, entry.description, *entry.tools, *entry.tags]
                ),
            }
        )
        for entry in org.catalog
    }


def fetch_catalog(session: Session, org_code: str) -> dict[str, Row]:
    """The stored entries' keys, digests, names and owners, by entry id."""
    columns = ("id", "org_code", "entry_id", "name", "owner", "digest")
    return fetch_rows(session, CatalogRow, org_code, ("entry_id",), columns)


def write_catalog(session: Session, diff: RowDiff) -> None:
    """Write ``diff`` (made with ``carry=("id",)``, so updates carry the row id)."""
    write_diff(session, CatalogRow, diff, ("id",))


def _view(row: CatalogRow) -> CatalogView:
    return CatalogView(
        org_code=row.org_code,
        id=row.entry_id,
        name=row.name,
        kind=row.kind,
        owner=row.owner,
        owner_path=row.owner_path,
        owner_role=row.owner_role,
        description=row.description,
        tier=row.tier,
        lifecycle=row.lifecycle,
        sla=row.sla,
        contact=row.contact,
        intake=row.intake,
        escalation=row.escalation,
        tools=row.tools,
        depends_on=row.depends_on,
        tags=row.tags,
    )


def _entries(
    session: Session, *where: ColumnElement[bool], limit: int | None = None
) -> list[CatalogView]:
    statement = select(CatalogRow).where(*where).order_by(CatalogRow.name, CatalogRow.entry_id)
    return [_view(row) for row in session.scalars(statement.limit(limit))]


def get_catalog_entry(session: Session, org_code: str, entry_id: str) -> CatalogView | None:
    found = _entries(session, CatalogRow.org_code == org_code, CatalogRow.entry_id == entry_id)
    return found[0] if found else None


def catalog_of_group(session: Session, org_code: str, path: str) -> list[CatalogView]:
    """The entries owned by exactly the group at ``path``, by name."""
    return _entries(session, CatalogRow.org_code == org_code, CatalogRow.owner_path == path)


def search_catalog(
    session: Session, org_code: str, query: str, *, limit: int = 50
) -> list[CatalogView]:
    """Entries whose id, name, description, tools or tags contain every word of ``query``
    (as word prefixes), by name."""
    query_words = words(query)
    if not query_words:
        return []
    matches = match_clause(
        session, "catalog_entries", CatalogRow.id, CatalogRow.search_text, query_words
    )
    return _entries(session, CatalogRow.org_code == org_code, matches, limit=limit)


def page_catalog(
    session: Session,
    org_code: str,
    *,
    kind: str | None = None,
    owner: str | None = None,
    query: str = "",
    after: tuple[str, str] | None = None,
    limit: int = 50,
) -> list[CatalogView]:
    """Up to ``limit`` entries by (name, id), after ``after``: only those of ``kind``,
    owned by ``owner`` (a code or a path, as written or resolved) and matching ``query``."""
    where: list[ColumnElement[bool]] = []
    if owner:
        # Row ids from either index, in a subquery that names the org: SQLite may plan
        # "owner = ? OR owner_path = ?" as a walk over all the org's entries (it does
        # when its statistics are missing or stale); this shape needs none.
        owned = union_all(
            select(CatalogRow.id).where(CatalogRow.org_code == org_code, CatalogRow.owner == owner),
            select(CatalogRow.id).where(
                CatalogRow.org_code == org_code, CatalogRow.owner_path == owner
            ),
        )
        where.append(CatalogRow.id.in_(owned))
    else:
        where.append(CatalogRow.org_code == org_code)
    if kind:
        where.append(CatalogRow.kind == kind.lower())
    query_words = words(query)
    if query_words:
        where.append(
            match_clause(
                session, "catalog_entries", CatalogRow.id, CatalogRow.search_text, query_words
            )
        )
    if after is not None:
        where.append(tuple_(CatalogRow.name, CatalogRow.entry_id) > tuple_(*after))
    return _entries(session, *where, limit=limit)


def count_by_owner(session: Session, org_code: str) -> dict[str | None, int]:
    """How many entries each group owns, by its path (``None``: entries whose owner names
    no group); their sum is the size of the org's catalog."""
    statement = (
        select(CatalogRow.owner_path, func.count())
        .where(CatalogRow.org_code == org_code)
        .group_by(CatalogRow.owner_path)
    )
    return {path: int(count) for path, count in session.execute(statement)}
