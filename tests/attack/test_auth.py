"""Authorization holds: every write route of the OpenAPI document refuses a request with
no token, a malformed one, an unknown one, a revoked one, and a viewer's, with a problem
and nothing written (the audit log included); with reads closed, every read route under
/api refuses a request without a token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy.orm import Session

from orgplane.services import create_token, revoke_token
from orgplane.settings import Settings
from tests.api.conftest import Server, assert_problem, snapshot
from tests.attack._openapi import WRITE_METHODS, filled, operations, real_values, required_query

SPEC = "org:\n  code: IOT\n  name: Taken over\n"
MEASUREMENTS = {
    "measurements": [
        {
            "kpi": "data-platform-team#availability",
            "at": "2026-01-01T00:00:00Z",
            "value": 1,
            "good": 1,
            "total": 1,
        }
    ]
}


@pytest.fixture(scope="module")
def revoked(served: Server) -> str:
    """An editor token that was revoked."""
    with Session(served.engine) as session:
        token = create_token(session=session, role="editor", actor="tests")
        revoke_token(session=session, token_id=token.secret.split("_")[1], actor="tests")
    return token.secret


def _body(operation: dict[str, Any]) -> dict[str, Any]:
    """A body the route would accept from an editor: the attack is the credential."""
    content = operation.get("requestBody", {}).get("content", {})
    if "application/yaml" in content:
        return {"content": SPEC, "headers": {"Content-Type": "application/yaml"}}
    if "application/json" in content:
        return {"json": MEASUREMENTS if "measurements" in str(content) else {}}
    return {}


def _write(
    served: Server,
    method: str,
    path: str,
    operation: dict[str, Any],
    values: dict[str, str],
    headers: dict[str, str],
) -> httpx.Response:
    """The write ``operation`` at ``path`` with a body it accepts and ``headers``."""
    body = _body(operation)
    body_headers = body.pop("headers", {})
    return served.client.request(
        method.upper(),
        path,
        params=required_query(operation, values),
        headers={**body_headers, **headers},
        **body,
    )


BAD_CREDENTIALS = {
    "none": None,
    "malformed: no scheme": "orgp_abc_def",
    "malformed: basic": "Basic dXNlcjpwYXNz",
    "malformed: empty bearer": "Bearer ",
    "malformed: two words": "Bearer a b",
    "malformed: control character": "Bearer orgp_\x7f_x",
    "unknown": "Bearer orgp_000000000000_not-a-real-token",
    "unknown with a real id": None,  # filled in: a real id, a wrong secret
    "revoked": None,
}


def test_every_write_route_refuses_every_bad_credential_and_writes_nothing(
    served: Server, revoked: str
) -> None:
    writes = operations(served, WRITE_METHODS)
    assert {(m, t) for m, t, _ in writes} >= {
        ("post", "/api/apply"),
        ("post", "/api/orgs/{org}/measurements"),
    }
    values = real_values(served)
    real_id = served.tokens["admin"].split("_")[1]
    credentials = {
        **BAD_CREDENTIALS,
        "unknown with a real id": f"Bearer orgp_{real_id}_wrong-secret-{'x' * 20}",
        "revoked": f"Bearer {revoked}",
    }
    before = snapshot(served.engine)
    for method, template, operation in writes:
        path = filled(template, values)
        for name, authorization in credentials.items():
            headers = {} if authorization is None else {"Authorization": authorization}
            response = _write(served, method, path, operation, values, headers)
            context = (method, path, name, response.status_code, response.text[:200])
            assert response.status_code == 401, context
            assert_problem(response, 401)
            assert response.headers["www-authenticate"] == "Bearer", context
        viewer = _write(served, method, path, operation, values, served.auth("viewer"))
        problem = assert_problem(viewer, 403)
        assert "viewer" in problem["detail"]
    assert snapshot(served.engine) == before


def test_the_audit_log_and_token_routes_refuse_non_admins(served: Server, revoked: str) -> None:
    for headers in (
        {},
        served.auth("viewer"),
        served.auth("editor"),
        {"Authorization": f"Bearer {revoked}"},
    ):
        response = served.client.get("/api/audit", headers=headers)
        assert response.status_code in (401, 403), response.text
        assert_problem(response)


def test_with_reads_closed_every_read_route_needs_a_token(served: Server) -> None:
    closed = served.with_settings(Settings(spec=None, open_reads=False))
    values = real_values(served)
    reads = [(t, op) for _, t, op in operations(served, ("get",)) if t.startswith("/api/")]
    assert len(reads) >= 20
    for template, operation in reads:
        path = filled(template, values)
        query = required_query(operation, values)
        response = closed.get(path, params=query)
        assert_problem(response, 401)
        assert response.headers["www-authenticate"] == "Bearer"
        assert "items" not in response.json(), path
        allowed = closed.get(path, params=query, headers=served.auth("viewer"))
        assert allowed.status_code < 500, (path, allowed.text[:200])
        assert allowed.status_code != 401, path
