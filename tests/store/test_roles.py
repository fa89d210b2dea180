"""Role internal ids (seed 004's INF-00x) are stored, and no read meant for output returns them."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.orm import Session

from orgplane.services import apply_spec
from orgplane.store import roles
from orgplane.store.tables import RoleRow
from tests.services.specs import example, findings_of


def test_internal_ids_are_stored_but_never_in_read_models(session: Session) -> None:
    org = example("infra-ops")
    internal = {role.id: role.internal_id for role in org.roles if role.internal_id}
    assert internal
    assert all(value.startswith("INF-0") for value in internal.values())
    apply_spec(session=session, org=org, findings=findings_of(org), actor="test")

    stored = dict(session.execute(select(RoleRow.id, RoleRow.internal_id)).all())
    assert {k: v for k, v in stored.items() if v} == internal

    views = roles.list_roles(session, org.code)
    assert {view.id for view in views} == {role.id for role in org.roles}
    assert "internal_id" not in {field.name for field in dataclasses.fields(roles.RoleView)}
    for view in views:
        assert not any("INF-0" in str(value) for value in dataclasses.astuple(view))
    role_id, internal_id = next(iter(internal.items()))
    one = roles.get_role(session, org.code, role_id)
    assert one is not None
    assert internal_id not in repr(one)
    # Routing may read it, through the one function named for it.
    assert roles.internal_role_id(session, org.code, role_id) == internal_id


def test_roles_are_listed_in_escalation_order(session: Session) -> None:
    org = example("infra-ops")
    apply_spec(session=session, org=org, findings=findings_of(org), actor="test")
    expected = sorted(
        org.roles,
        key=lambda r: (r.escalation_order is None, r.escalation_order or 0, r.id),
    )
    assert [view.id for view in roles.list_roles(session, org.code)] == [r.id for r in expected]
