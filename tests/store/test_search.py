"""Full-text search over groups and catalog entries: the same answers on both backends,
kept in step with every apply, and answered from an index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine, event
from sqlalchemy.orm import Session

from orgplane.model import CatalogEntry, Org
from orgplane.services import apply_spec
from orgplane.store import catalog, groups, search
from orgplane.store.search import normalize, words
from tests.services.specs import applicable_cipo, findings_of


def test_normalize() -> None:
    assert normalize("PVC/GPU from 1B") == "pvc gpu from 1b"
    assert normalize("Zürich Café — SLA ≥ 99.95%") == "zurich cafe sla 99 95"
    assert normalize("snake_case-and-dashes") == "snake case and dashes"
    assert words("  ") == []


def _org() -> Org:
    org = applicable_cipo()
    org.catalog.extend(
        [
            CatalogEntry(id="kafka", name="Kafka Backbone", owner="1D/D-1", tools=["Kafka 3.7"]),
            CatalogEntry(id="crm", name="Café CRM Portal", owner="1A", tags=["sales"]),
        ]
    )
    return org


def _apply(session: Session, org: Org) -> None:
    apply_spec(session=session, org=org, findings=findings_of(org), actor="test")


def _paths(session: Session, query: str) -> list[str]:
    return [g.path for g in groups.search_groups(session, "CIPO", query)]


def test_search_finds_words_by_prefix_in_any_field(session: Session) -> None:
    _apply(session, _org())
    assert _paths(session, "kafka") == ["1D/D-1", "1D/D-1/U-DP3"]  # stack; name
    assert _paths(session, "namenode upt") == ["1D/D-1"]  # a KPI, prefixes
    assert "1B/B-2" in _paths(session, "storage")  # its name
    assert _paths(session, "kafka zzzz") == []
    assert _paths(session, "") == []
    assert groups.search_groups(session, "OTHER", "kafka") == []
    assert [e.id for e in catalog.search_catalog(session, "CIPO", "CAFE")] == ["crm"]
    assert [e.id for e in catalog.search_catalog(session, "CIPO", "kafka 3")] == ["kafka"]


def test_search_follows_renames_and_removals(session: Session) -> None:
    org = _org()
    _apply(session, org)
    changed = org.model_copy(deep=True)
    changed.groups[1].groups[1].name = "Object Storage Fabric"  # 1B/B-2
    changed.catalog = [entry for entry in changed.catalog if entry.id != "crm"]
    _apply(session, changed)
    assert _paths(session, "fabric") == ["1B/B-2"]
    assert "1B/B-2" not in _paths(session, "services")
    assert catalog.search_catalog(session, "CIPO", "cafe") == []


@pytest.mark.parametrize("table", ["groups", "catalog_entries"])
def test_search_is_answered_from_an_index(
    session: Session, engine: Engine, backend: str, table: str
) -> None:
    org = _org()
    # Enough rows that an index beats reading the org's rows (as in any real catalog).
    org.catalog.extend(
        CatalogEntry(id=f"svc-{i}", name=f"Service {i}", owner="1A") for i in range(2000)
    )
    _apply(session, org)
    search = groups.search_groups if table == "groups" else catalog.search_catalog
    executed: list[tuple[str, Any]] = []

    def capture(conn: Any, cursor: Any, statement: str, parameters: Any, *args: Any) -> None:
        executed.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        search(session, "CIPO", "kafka")
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    statement, parameters = executed[-1]
    connection = session.connection()
    if backend == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        plan = " ".join(str(row[-1]) for row in rows)
        assert "VIRTUAL TABLE INDEX" in plan, plan
    else:
        connection.exec_driver_sql(f"ANALYZE {table}")
        connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)
        plan = " ".join(str(row[0]) for row in rows)
        index = "ix_groups_search" if table == "groups" else "ix_catalog_entries_search"
        assert index in plan, plan
    session.rollback()


def _all_pages(session: Session, query: str) -> list[str]:
    found: list[str] = []
    after = None
    while True:
        page = catalog.page_catalog(session, "CIPO", query=query, after=after, limit=7)
        found += [entry.id for entry in page]
        if len(page) < 7:
            return found
        after = (page[-1].name, page[-1].id)


def test_rare_and_common_words_give_the_same_pages(
    session: Session, engine: Engine, backend: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    org = _org()
    org.catalog.extend(
        CatalogEntry(id=f"svc-{i}", name=f"Service {i}", owner="1A") for i in range(60)
    )
    _apply(session, org)
    statements: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", capture)
    try:
        answers = {}
        for dense in (-1, 10**9):  # every query common, every query rare
            monkeypatch.setattr(search, "DENSE_MATCHES", dense)
            statements.clear()
            answers[dense] = [_all_pages(session, q) for q in ("service", "kafka", "zzzz")]
            materialized = any("MATERIALIZED" in statement for statement in statements)
            assert materialized == (backend == "postgresql" and dense > 0)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert answers[-1] == answers[10**9]
    service, kafka, nothing = answers[-1]
    assert len(service) == 60
    assert kafka == ["kafka"]
    assert nothing == []
