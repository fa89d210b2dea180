"""``org_model``: the org rebuilt from the database is the org the spec gave, on both
databases (what the CLI's reading commands and the paging workers answer from)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.orm import Session

from orgplane.services import apply_spec
from orgplane.store.org_model import last_applied, org_model
from tests.services.specs import example, findings_of


def _comparable(data: dict[str, Any]) -> dict[str, Any]:
    """What the snapshot keeps: no source positions, no KPI measure, window or id (kept
    on the KPI's series), people and roles by id."""

    def strip(group: dict[str, Any]) -> None:
        for kpi in group.get("kpis", []):
            for key in ("measure", "window", "id"):
                kpi.pop(key, None)
        for child in group.get("groups", []):
            strip(child)

    for group in data["groups"]:
        strip(group)
    data["people"].sort(key=lambda person: person["id"])
    data["roles"].sort(key=lambda role: role["id"])
    return data


@pytest.mark.parametrize("name", ["cipo", "infra-ops"])
def test_the_org_rebuilt_from_the_database_is_the_spec(session: Session, name: str) -> None:
    org = example(name)
    apply_spec(
        session=session, org=org, findings=findings_of(org), actor="test", accept_errors=True
    )
    rebuilt = org_model(session, org.code)
    assert rebuilt is not None
    want = _comparable(org.model_dump(mode="json", exclude_none=True))
    got = _comparable(rebuilt.model_dump(mode="json", exclude_none=True))
    assert got == want
    assert last_applied(session, org.code) is not None
    assert org_model(session, "NOPE") is None
