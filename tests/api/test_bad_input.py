"""Bad input of every kind gets a 4xx problem, never a 500, and changes nothing: SQL-looking
text and path traversal in every parameter, wrong types, unknown codes, malformed bodies."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest

from tests.api.conftest import Server, assert_problem, fill_path, send_as_is, snapshot

HOSTILE = [
    "'; DROP TABLE groups; --",
    "%' OR 1=1 --",
    '" OR ""="',
    "../../etc/passwd",
    "..\\..\\windows\\win.ini",
    "<script>*</script> NEAR(a b)",  # HTML, and FTS5 query syntax
    "a" * 600,
    "é😀\u202e",
]
#: Traversal exactly as a client may write it in a URL, already percent-encoded.
ENCODED_TRAVERSAL = [
    "%2e%2e%2f",
    "..%2F",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..%2F..%2Fetc%2Fpasswd",
]
#: Real values for the parameters of a request whose other parameter is under test.
REAL = {
    "org": "DIT",
    "ref": "data-platform-team",
    "person": "eng-1",
    "role": "data-infrastructure-lead",
    "kpi": "data-platform-team#availability",
    "target": "data-platform-team",
    "rotation": "on-call",
    "page_id": "0f1e2d3c-0000-4000-8000-000000000000",
}


@pytest.fixture(scope="module")
def operations(served: Server) -> list[tuple[str, list[dict[str, Any]]]]:
    """Every GET operation of the API: its path template and its parameters."""
    document = served.client.get("/api/openapi.json").json()
    out = []
    for template, methods in document["paths"].items():
        if "get" in methods and template.startswith("/api/"):
            out.append((template, methods["get"].get("parameters", [])))
    assert len(out) >= 20
    return out


@pytest.fixture(scope="module")
def real_entry(served: Server) -> str:
    entry: str = served.client.get("/api/orgs/DIT/catalog").json()["items"][0]["id"]
    return entry


def requests_with(
    operations: list[tuple[str, list[dict[str, Any]]]],
    real_entry: str,
    value: str,
    *,
    encoded: bool,
) -> Iterator[tuple[str, str, str, dict[str, str]]]:
    """Each (parameter, location, path, query) where one parameter is ``value`` and the
    others are real. ``encoded``: ``value`` is already percent-encoded for a path."""
    real = {**REAL, "entry": real_entry, "group": REAL["ref"]}
    for template, parameters in operations:
        for parameter in parameters:
            name, where = parameter["name"], parameter["in"]
            path_values = {p: real[p] for p in re.findall(r"\{(\w+)\}", template)}
            query = {
                p["name"]: real[p["name"]]
                for p in parameters
                if p.get("required") and p["in"] == "query"
            }
            if where == "path":
                path_values[name] = value if encoded else quote(value, safe="")
            elif encoded:
                continue
            else:
                query[name] = value
            yield name, where, fill_path(template, path_values), query


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
def test_hostile_text_in_any_parameter_is_never_a_server_error(
    served: Server,
    operations: list[tuple[str, list[dict[str, Any]]]],
    real_entry: str,
    value: str,
) -> None:
    before = snapshot(served.engine)
    for name, where, path, query in requests_with(operations, real_entry, value, encoded=False):
        response = served.client.get(path, params=query)
        context = (name, path, query, response.status_code, response.text[:200])
        assert response.status_code < 500, context
        if where == "path":
            assert 400 <= response.status_code < 500, context
        if response.status_code >= 400:
            assert_problem(response)
    assert snapshot(served.engine) == before
    assert served.client.get("/api/orgs/CIPO").json()["groups"] == 104


@pytest.mark.parametrize("value", ENCODED_TRAVERSAL)
def test_encoded_path_traversal_in_any_path_parameter_is_a_4xx_problem(
    served: Server,
    operations: list[tuple[str, list[dict[str, Any]]]],
    real_entry: str,
    value: str,
) -> None:
    for name, _, path, _query in requests_with(operations, real_entry, value, encoded=True):
        response = served.client.get(path, params=_query)
        assert 400 <= response.status_code < 500, (name, path, response.status_code)
        assert_problem(response)
        assert "root:" not in response.text


@pytest.mark.parametrize(
    "target",
    [
        "/api/orgs/../../etc/passwd",
        "/api/orgs/DIT/groups/../../../../etc/passwd",
        "/api/orgs/DIT/groups/../../etc/passwd/children",
        "/api/orgs/DIT/people/../../../etc/passwd",
        "/api/orgs/DIT/catalog/..%2F..%2Fetc%2Fpasswd",
        "/api/orgs/DIT/lookups/contact?group=../../etc/passwd",
        "/api/orgs/..%2F..%2F/roles",
    ],
)
def test_path_traversal_sent_as_is_is_a_4xx_problem(served: Server, target: str) -> None:
    response = send_as_is(served.app, served.portal, target)
    assert 400 <= response.status < 500, (response.status, response.body[:200])
    assert response.headers["content-type"].startswith("application/problem+json")
    assert b"root:" not in response.body


@pytest.mark.parametrize(
    "target",
    [
        "/api/orgs/%00",
        "/api/orgs/DIT/groups/data%00team",
        "/api/orgs/DIT/catalog?kind=%00",
        "/api/orgs/DIT/lookups/owner?entry=a%00b",
        "/api/orgs/DIT/findings?group=%00",
    ],
)
def test_a_nul_character_in_the_path_or_query_is_a_400_problem(served: Server, target: str) -> None:
    problem = assert_problem(served.client.get(target), 400)
    assert "NUL" in problem["detail"]


@pytest.mark.parametrize(
    ("path", "params", "location"),
    [
        ("/api/orgs", {"limit": "ten"}, "query.limit"),
        ("/api/orgs", {"limit": "0"}, "query.limit"),
        ("/api/orgs", {"limit": "501"}, "query.limit"),
        ("/api/orgs", {"limit": "1.5"}, "query.limit"),
        ("/api/orgs/CIPO/tree", {"depth": "-1"}, "query.depth"),
        ("/api/orgs/CIPO/groups/1B/dependents", {"depth": "deep"}, "query.depth"),
        ("/api/orgs/CIPO/lookups/impact", {"group": "1B", "depth": "99"}, "query.depth"),
        ("/api/orgs/CIPO/lookups/impact", {}, "query.group"),
        ("/api/orgs/CIPO/lookups/owner", {"entry": ""}, "query.entry"),
        ("/api/orgs/CIPO/findings", {"severity": "fatal"}, "query.severity"),
        ("/api/orgs/CIPO/groups", {"q": "x" * 201}, "query.q"),
        ("/api/orgs/CIPO/groups", {"cursor": "c" * 1025}, "query.cursor"),
    ],
)
def test_a_parameter_of_the_wrong_type_or_range_is_a_422_problem_naming_it(
    served: Server, path: str, params: dict[str, str], location: str
) -> None:
    problem = assert_problem(served.client.get(path, params=params), 422)
    assert problem["detail"].startswith(location)
    assert [e["location"] for e in problem["errors"]] == [location]


def test_dry_run_must_be_a_boolean(served: Server) -> None:
    response = served.client.post(
        "/api/apply",
        params={"dry_run": "perhaps"},
        content="org: {code: X, name: X}\n",
        headers=served.auth("editor"),
    )
    assert_problem(response, 422)


@pytest.mark.parametrize(
    ("path", "named"),
    [
        ("/api/orgs/NOPE", "NOPE"),
        ("/api/orgs/NOPE/groups", "NOPE"),
        ("/api/orgs/CIPO/groups/9Z", "9Z"),
        ("/api/orgs/CIPO/groups/1B/Z-9/members", "1B/Z-9"),
        ("/api/orgs/DIT/people/nobody", "nobody"),
        ("/api/orgs/IOT/roles/nobody", "nobody"),
        ("/api/orgs/DIT/catalog/nothing", "nothing"),
        ("/api/orgs/CIPO/lookups/contact?group=9Z", "9Z"),
        ("/api/orgs/CIPO/lookups/impact?group=9Z", "9Z"),
    ],
)
def test_an_unknown_code_is_a_404_problem_naming_it(served: Server, path: str, named: str) -> None:
    problem = assert_problem(served.client.get(path), 404)
    assert named in problem["detail"]


def test_an_unknown_route_under_api_is_a_404_problem(served: Server) -> None:
    assert_problem(served.client.get("/api/nothing/here"), 404)
    assert_problem(served.client.get("/api/orgs/"), 404)
    assert_problem(served.client.get("/api/orgs/CIPO/roles/"), 404)


def test_a_method_a_route_does_not_take_is_a_405_problem_naming_those_it_does(
    served: Server,
) -> None:
    deleted = served.client.delete("/api/orgs")
    assert_problem(deleted, 405)
    assert deleted.headers["allow"] == "GET"
    read = served.client.get("/api/apply")
    assert_problem(read, 405)
    assert read.headers["allow"] == "POST"


BAD_BODIES: list[tuple[bytes, int]] = [
    (b"org: {code: X", 400),  # YAML cut short
    (b'{"org": {"code": "X",', 400),  # JSON cut short
    (b"\xff\xfe\x00\x00binary", 400),  # not UTF-8
    (b"", 400),
    (b"   \n\t\n", 400),
    (b"- just\n- a list\n", 422),
    (b"42\n", 422),
    (b"org:\n  code: X\n  name: [not, a, name]\n", 422),
    (b'org:\n  code: "\'; DROP TABLE groups; --"\n  name: X\n', 422),
    (b"org:\n  code: X\n  name: X\ngroups:\n- code: ../../etc\n  name: G\n", 422),
    (b"org: &a\n  code: X\n  name: *a\n", 400),  # an alias of itself
    (b"a: \x00\n", 400),  # a raw NUL character
    (b"!!python/object/apply:os.system ['echo pwned']\n", 400),
    (b"org:\n  code: X\n  name: X\n  unknown_field: 1\n", 422),
    (b"x: " + b"[" * 5000 + b"]" * 5000 + b"\n", 400),  # nested too deep
]


@pytest.mark.parametrize(("body", "status"), BAD_BODIES, ids=range(len(BAD_BODIES)))
def test_a_malformed_spec_body_is_a_problem_and_changes_nothing(
    served: Server, body: bytes, status: int
) -> None:
    before = snapshot(served.engine)
    for content_type in ("application/yaml", "text/plain"):
        response = served.client.post(
            "/api/apply",
            content=body,
            headers={**served.auth("editor"), "Content-Type": content_type},
        )
        assert_problem(response, status)
    assert snapshot(served.engine) == before


#: Values the spec's model allows but PostgreSQL cannot store; SQLite can.
UNSTORABLE_ON_POSTGRESQL = [
    b'org:\n  code: NUL\n  name: "N\\0L"\n',  # a NUL character, from a YAML escape
    b"org:\n  code: BIG\n  name: Big\nroles:\n- id: r\n  name: R\n  escalation_order: 99999999999\n",
]


@pytest.mark.parametrize("body", UNSTORABLE_ON_POSTGRESQL, ids=["nul", "int64"])
def test_a_value_the_database_cannot_store_is_a_422_problem_and_changes_nothing(
    fresh: Server, body: bytes
) -> None:
    before = snapshot(fresh.engine)
    response = fresh.client.post("/api/apply", content=body, headers=fresh.auth("editor"))
    if fresh.backend == "sqlite":
        assert response.status_code == 200, response.text
        return
    problem = assert_problem(response, 422)
    assert problem["type"].endswith("/unstorable-value")
    assert snapshot(fresh.engine) == before
