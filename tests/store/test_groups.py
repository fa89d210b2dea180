"""Reading groups back: by path, code, parent, kind, person and dependency, through indexes."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, select, text
from sqlalchemy.orm import Session

from orgplane.model import OrgIndex
from orgplane.services import apply_spec
from orgplane.store import groups
from orgplane.store.tables import GroupRow
from tests.services.specs import applicable_cipo, findings_of


@pytest.fixture
def cipo(session: Session) -> Session:
    org = applicable_cipo()
    apply_spec(session=session, org=org, findings=findings_of(org), actor="test")
    return session


def test_a_group_in_full(cipo: Session) -> None:
    view = groups.get_group(cipo, "CIPO", "1D/D-1")
    assert view is not None
    assert (view.summary.code, view.summary.kind, view.summary.parent_path) == (
        "D-1",
        "squad",
        "1D",
    )
    assert view.summary.name == "Data Platform"
    assert view.stack[0] == {"name": "Hadoop", "version": "3.x", "note": ""}
    assert view.responsibilities == ["Cluster Deployment & Upgrade", "Capacity & HA Management"]
    assert next((d.target, d.target_path, d.provides) for d in view.dependencies) == (
        "1B",
        "1B",
        "PVC/GPU",
    )
    lead = groups.get_group(cipo, "CIPO", "1B/B-2")
    assert lead is not None
    assert lead.leads == ["ana"]
    assert lead.oncall is None
    assert groups.get_group(cipo, "CIPO", "1B/B-99") is None
    assert groups.get_group(cipo, "OTHER", "1B/B-2") is None


def test_lookups(cipo: Session) -> None:
    assert [g.path for g in groups.groups_by_code(cipo, "CIPO", "U-RE1")] == [
        "1C/C-5/U-RE1",
        "1F/F-6/U-RE1",
    ]
    top = groups.child_groups(cipo, "CIPO", None)
    assert [g.code for g in top] == ["1A", "1B", "1C", "1D", "1E", "1F", "1G"]
    assert [g.position for g in top] == list(range(7))
    assert [g.code for g in groups.child_groups(cipo, "CIPO", "1C")] == [
        "C-1",
        "C-2",
        "C-3",
        "C-4",
        "C-5",
    ]
    index = OrgIndex(applicable_cipo())
    squads = [path for path, group in index.groups.items() if group.kind == "squad"]
    assert [g.path for g in groups.groups_by_kind(cipo, "CIPO", "Squad")] == sorted(squads)
    assert groups.groups_of_person(cipo, "CIPO", "ana")[0][0] == "lead"
    assert [g.path for _, g in groups.groups_of_person(cipo, "CIPO", "ana")] == ["1B/B-2"]
    dependents = {d.group_path for d in groups.dependents_of(cipo, "CIPO", "1B")}
    expected = {edge.declared_by for edge in index.incoming("1B") if edge.dependency.target}
    assert dependents
    assert dependents <= expected | {e.source for e in index.incoming("1B")}


def _plan(session: Session, backend: str, statement: str, params: dict[str, str]) -> str:
    if backend == "sqlite":
        rows = session.execute(text(f"EXPLAIN QUERY PLAN {statement}"), params)
        return "\n".join(str(row[-1]) for row in rows)
    session.execute(text("ANALYZE groups"))
    session.execute(text("SET LOCAL enable_seqscan = off"))  # a small table: force the choice
    return "\n".join(row[0] for row in session.execute(text(f"EXPLAIN {statement}"), params))


@pytest.mark.parametrize(
    ("where", "index"),
    [
        ("code = :v", "ix_groups_org_code_code"),
        ("parent_path = :v", "ix_groups_org_code_parent_path_position"),
        ("kind = :v", "ix_groups_org_code_kind"),
        # SQLite names the index of a UNIQUE constraint itself
        ("path = :v", "uq_groups_org_code_path|sqlite_autoindex_groups_1"),
    ],
)
def test_lookups_use_an_index(
    cipo: Session, engine: Engine, backend: str, where: str, index: str
) -> None:
    statement = f"SELECT * FROM groups WHERE org_code = :org AND {where}"
    plan = _plan(cipo, backend, statement, {"org": "CIPO", "v": "x"})
    assert re.search(rf"INDEX ({index})\b|Index (Only )?Scan (using|on) ({index})\b", plan), plan
    cipo.rollback()


def test_rows_are_found_by_path_not_by_row_id(cipo: Session) -> None:
    """Runtime records refer to org code + path; the row id is the store's business."""
    paths = cipo.scalars(select(GroupRow.path).where(GroupRow.org_code == "CIPO")).all()
    assert len(paths) == len(set(paths)) == 104
