"""Who may read and write: API tokens by role, open reads on loopback only, the audit log
for admins, no internal role id in any answer, CORS, safe settings, body limits."""

from __future__ import annotations

import re
from typing import Any

import pytest
from sqlalchemy.orm import Session

from orgplane.services import revoke_token
from orgplane.services.tokens import hash_token
from orgplane.settings import DEV_SECRET, Settings, UnsafeSettingsError, get_settings
from tests.api.conftest import Server, assert_problem, fill_path, settings_with, snapshot

SPEC = "org:\n  code: SEC\n  name: Security test org\n"
APPLY_HEADERS = {"Content-Type": "application/yaml"}


def test_a_token_is_stored_as_its_hash_never_itself(served: Server) -> None:
    rows = repr(snapshot(served.engine))
    for secret in served.tokens.values():
        assert secret not in rows
        assert hash_token(secret) in rows


def test_reads_are_open_on_loopback(served: Server) -> None:
    response = served.client.get("/api/orgs")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("environ", "host"),
    [({"ORGPLANE_OPEN_READS": "0"}, "127.0.0.1"), ({}, "0.0.0.0"), ({}, "10.1.2.3")],
    ids=["ORGPLANE_OPEN_READS=0", "all interfaces", "a public address"],
)
def test_reads_need_a_token_when_closed(served: Server, environ: dict[str, str], host: str) -> None:
    client = served.with_settings(get_settings(environ), host=host)
    response = client.get("/api/orgs/CIPO/groups")
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    viewer = client.get("/api/orgs/CIPO/groups", headers=served.auth("viewer"))
    assert viewer.status_code == 200


def test_open_reads_can_be_forced_on_a_public_address(served: Server) -> None:
    client = served.with_settings(get_settings({"ORGPLANE_OPEN_READS": "1"}), host="0.0.0.0")
    assert client.get("/api/orgs").status_code == 200


def test_an_apply_without_a_token_is_a_401_asking_for_a_bearer_token(served: Server) -> None:
    before = snapshot(served.engine)
    response = served.client.post("/api/apply", content=SPEC, headers=APPLY_HEADERS)
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    assert snapshot(served.engine) == before


def test_a_viewer_cannot_apply(served: Server) -> None:
    before = snapshot(served.engine)
    response = served.client.post(
        "/api/apply", content=SPEC, headers={**APPLY_HEADERS, **served.auth("viewer")}
    )
    problem = assert_problem(response, 403)
    assert "viewer" in problem["detail"]
    assert snapshot(served.engine) == before


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer orgp_000000000000_not-a-real-token",
        "Bearer nonsense",
        "Basic dXNlcjpwYXNz",
        "Bearer ",
    ],
)
def test_a_bad_or_unknown_token_is_a_401(served: Server, authorization: str) -> None:
    before = snapshot(served.engine)
    response = served.client.post(
        "/api/apply", content=SPEC, headers={**APPLY_HEADERS, "Authorization": authorization}
    )
    assert_problem(response, 401)
    assert response.headers["www-authenticate"] == "Bearer"
    read = served.client.get("/api/orgs", headers={"Authorization": authorization})
    assert_problem(read, 401)
    assert snapshot(served.engine) == before


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_an_editor_or_admin_may_apply(fresh: Server, role: str) -> None:
    response = fresh.client.post(
        "/api/apply", content=SPEC, headers={**APPLY_HEADERS, **fresh.auth(role)}
    )
    assert response.status_code == 200, response.text
    assert response.json()["org"] == "SEC"


def test_a_revoked_token_is_refused(fresh: Server) -> None:
    token_id = fresh.tokens["editor"].split("_")[1]
    with Session(fresh.engine) as session:
        revoke_token(session=session, token_id=token_id, actor="tests")
    response = fresh.client.post(
        "/api/apply", content=SPEC, headers={**APPLY_HEADERS, **fresh.auth("editor")}
    )
    problem = assert_problem(response, 401)
    assert "revoked" in problem["detail"]
    revocations = fresh.client.get(
        "/api/audit", params={"action": "token.revoke"}, headers=fresh.auth("admin")
    ).json()["items"]
    assert [(e["target"], e["actor"]) for e in revocations] == [(f"token:{token_id}", "tests")]


def test_the_audit_log_is_for_admins_only(served: Server) -> None:
    assert_problem(served.client.get("/api/audit"), 401)
    assert_problem(served.client.get("/api/audit", headers=served.auth("viewer")), 403)
    assert_problem(served.client.get("/api/audit", headers=served.auth("editor")), 403)
    entries = served.client.get("/api/audit", headers=served.auth("admin")).json()["items"]
    assert [e["action"] for e in entries][:3] == ["token.create"] * 3
    assert {e["target"] for e in entries if e["action"] == "spec.apply"} == {
        "org:CIPO",
        "org:DIT",
        "org:IOT",
        "org:PI",
    }


# -- internal role ids ------------------------------------------------------------------


def _every_get(served: Server, org: str) -> list[tuple[str, dict[str, Any]]]:
    """Every GET operation of the OpenAPI document, called for each real value of its
    path parameters in ``org`` (required query parameters filled from real data too)."""
    client = served.client
    document = client.get("/api/openapi.json").json()
    groups = [
        g["path"]
        for g in client.get(f"/api/orgs/{org}/groups", params={"limit": 500}).json()["items"]
    ]
    codes = [p.rsplit("/", 1)[-1] for p in groups]
    people = [
        p["id"]
        for p in client.get(f"/api/orgs/{org}/people", params={"limit": 500}).json()["items"]
    ]
    roles = [
        r["id"] for r in client.get(f"/api/orgs/{org}/roles", params={"limit": 500}).json()["items"]
    ]
    entries = [
        e["id"]
        for e in client.get(f"/api/orgs/{org}/catalog", params={"limit": 500}).json()["items"]
    ]
    rotations = [
        r["id"]
        for r in client.get(f"/api/orgs/{org}/rotations", params={"limit": 500}).json()["items"]
    ]
    assert groups
    assert roles
    assert entries
    samples: dict[str, list[str]] = {
        "org": [org],
        "ref": groups + codes,
        "person": people or ["nobody"],
        "role": roles,
        "entry": entries,
        "rotation": rotations or ["nothing"],
        "page_id": [p["id"] for p in client.get(f"/api/orgs/{org}/pages").json()["items"]]
        or ["c0ffee00"],
    }
    query_samples = {
        "target": [*rotations, *groups, *people, *roles],
        "entry": [*entries, "automation"],
        "group": groups,
        "kpi": [f"{groups[0]}#availability", f"{groups[0]}#nope"],
    }
    calls: list[tuple[str, dict[str, Any]]] = []
    for template, operations in document["paths"].items():
        operation = operations.get("get")
        if operation is None:
            continue
        names = re.findall(r"\{(\w+)\}", template)
        required = [
            p["name"]
            for p in operation.get("parameters", [])
            if p["in"] == "query" and p.get("required")
        ]
        variants: list[dict[str, str]] = [{}]
        for name in names:
            variants = [{**v, name: value} for v in variants for value in samples[name]]
        for values in variants:
            if required:
                for name in required:
                    for value in query_samples[name]:
                        calls.append((fill_path(template, values), {name: value}))
            else:
                calls.append((fill_path(template, values), {}))
    return calls


def test_no_answer_of_any_get_endpoint_holds_an_internal_role_id(served: Server) -> None:
    calls = _every_get(served, "IOT")
    statuses: dict[int, int] = {}
    for path, params in calls:
        response = served.client.get(path, params=params, headers=served.auth("admin"))
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (path, response.text[:300])
        assert "INF-0" not in response.text, path
        assert "internal_id" not in response.text, path
    assert statuses[200] >= 20, statuses
    web = served.client.get("/orgs/IOT")
    assert web.status_code == 200
    assert "INF-0" not in web.text


# -- CORS ----------------------------------------------------------------------------------


def test_cors_is_off_by_default(served: Server) -> None:
    origin = {"Origin": "https://evil.example"}
    response = served.client.get("/api/orgs", headers=origin)
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    preflight = served.client.options(
        "/api/apply",
        headers={**origin, "Access-Control-Request-Method": "POST"},
    )
    assert "access-control-allow-origin" not in preflight.headers


def test_cors_allows_only_the_configured_origins(served: Server) -> None:
    client = served.with_settings(settings_with(cors_origins=("https://ui.example",)))
    allowed = client.get("/api/orgs", headers={"Origin": "https://ui.example"})
    assert allowed.headers["access-control-allow-origin"] == "https://ui.example"
    other = client.get("/api/orgs", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    preflight = client.options(
        "/api/apply",
        headers={
            "Origin": "https://ui.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "https://ui.example"
    assert get_settings(
        {"ORGPLANE_CORS_ORIGINS": "https://a.example, https://b.example"}
    ).cors_origins == (
        "https://a.example",
        "https://b.example",
    )


# -- settings --------------------------------------------------------------------------------

STRONG = "k3J9x-Qm2vR8tY5wZ1pL7nB4cF6hD0sG"


@pytest.mark.parametrize(
    ("settings", "host"),
    [
        (Settings(spec=None, mode="production"), "127.0.0.1"),
        (Settings(spec=None, mode="production", secret="short"), "127.0.0.1"),
        (Settings(spec=None, mode="production", secret="changeme"), "127.0.0.1"),
        (Settings(spec=None), "0.0.0.0"),
        (Settings(spec=None, secret=DEV_SECRET), "192.168.1.10"),
    ],
    ids=["production-default", "production-short", "production-known", "dev-public", "dev-lan"],
)
def test_an_unsafe_secret_is_refused_outside_dev_on_loopback(settings: Settings, host: str) -> None:
    with pytest.raises(UnsafeSettingsError, match="ORGPLANE_SECRET"):
        settings.check_for_serving(host)


@pytest.mark.parametrize(
    ("settings", "host"),
    [
        (Settings(spec=None), "127.0.0.1"),
        (Settings(spec=None), "::1"),
        (Settings(spec=None, mode="production", secret=STRONG), "0.0.0.0"),
        (Settings(spec=None, secret=STRONG), "0.0.0.0"),
    ],
)
def test_safe_settings_are_accepted(settings: Settings, host: str) -> None:
    settings.check_for_serving(host)


def test_settings_come_from_the_environment_and_bad_values_are_refused() -> None:
    settings = get_settings(
        {"ORGPLANE_MODE": "production", "ORGPLANE_SECRET": STRONG, "ORGPLANE_MAX_BODY": "1024"}
    )
    assert settings.mode == "production"
    assert settings.max_body_bytes == 1024
    assert settings.open_reads is None
    for bad in (
        {"ORGPLANE_MODE": "prod"},
        {"ORGPLANE_OPEN_READS": "maybe"},
        {"ORGPLANE_MAX_BODY": "1e6"},
    ):
        with pytest.raises(UnsafeSettingsError):
            get_settings(bad)


# -- body limits -------------------------------------------------------------------------------


def test_a_body_over_the_limit_is_a_413_problem_with_content_length(served: Server) -> None:
    client = served.with_settings(settings_with(max_body_bytes=1000))
    before = snapshot(served.engine)
    body = SPEC + "#" * 2000 + "\n"
    response = client.post(
        "/api/apply", content=body, headers={**APPLY_HEADERS, **served.auth("editor")}
    )
    problem = assert_problem(response, 413)
    assert "1000" in problem["detail"]
    assert snapshot(served.engine) == before


def test_a_chunked_body_over_the_limit_is_a_413_problem(served: Server) -> None:
    client = served.with_settings(settings_with(max_body_bytes=1000))
    before = snapshot(served.engine)

    def chunks() -> Any:
        yield SPEC.encode()
        for _ in range(20):
            yield b"#" * 100 + b"\n"

    response = client.post(
        "/api/apply", content=chunks(), headers={**APPLY_HEADERS, **served.auth("editor")}
    )
    assert "content-length" not in response.request.headers
    assert response.request.headers["transfer-encoding"] == "chunked"
    assert_problem(response, 413)
    assert snapshot(served.engine) == before


def test_a_body_within_the_limit_is_read(fresh: Server) -> None:
    client = fresh.with_settings(settings_with(max_body_bytes=len(SPEC)))

    def chunks() -> Any:
        yield SPEC.encode()

    for content in (SPEC, chunks()):
        response = client.post(
            "/api/apply", content=content, headers={**APPLY_HEADERS, **fresh.auth("editor")}
        )
        assert response.status_code == 200, response.text


def test_a_false_content_length_is_a_413_problem(served: Server) -> None:
    client = served.with_settings(settings_with(max_body_bytes=1000))
    response = client.post(
        "/api/apply",
        content=SPEC,
        headers={**APPLY_HEADERS, **served.auth("editor"), "Content-Length": "-1"},
    )
    assert_problem(response, 413)
