"""Forged cursors: a cursor signed with the server's own secret (which may leak, or be a
well-known default) but holding a key the list never made — a 64-bit overflow, the wrong
type, text a database cannot hold, the wrong number of parts — is a 400 problem on every
cursor-paged list, never a 500.

The cursors are signed the way the server signs them: with the ``Cursor`` of the app
under test (``app.state.orgplane.cursor``, made from its settings' secret), so the tests
hold however the secret is chosen.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from orgplane.api.pagination import Cursor
from tests.api.conftest import Server, assert_problem

#: Every cursor-paged list: its path, the parameters that give it two pages or more,
#: and the parameter its cursor travels in.
LISTS: list[tuple[str, dict[str, Any], str]] = [
    ("/api/orgs", {}, "cursor"),
    ("/api/orgs/CIPO/groups", {}, "cursor"),
    ("/api/orgs/DIT/people", {}, "cursor"),
    ("/api/orgs/IOT/roles", {}, "cursor"),
    ("/api/orgs/DIT/catalog", {}, "cursor"),
    ("/api/orgs/CIPO/findings", {}, "cursor"),
    ("/api/orgs/FORGE/applies", {}, "cursor"),
    ("/api/audit", {}, "cursor"),
    ("/api/orgs/CIPO/kpis", {}, "cursor"),
    ("/api/orgs/CIPO/measurements", {"kpi": "B-1#api-uptime"}, "cursor"),
]
#: The catalog page of the web UI pages with a cursor too (``after``); it shows too few
#: entries of the examples to make one, so its cursor is made here.
WEB_CATALOG = ("/orgs/DIT/catalog", "web-catalog:DIT", ["Kafka", "kafka"])

SPEC = "version: 1\norg: {{code: FORGE, name: Forged {n}}}\n"
INT64_MAX = 2**63 - 1


@pytest.fixture(scope="module")
def server(served: Server) -> Server:
    """The examples, plus two applies of one org and three measurements of one KPI (so
    that every list has a second page)."""
    headers = {**served.auth("editor"), "Content-Type": "application/yaml"}
    for n in range(2):
        response = served.client.post(
            "/api/apply", content=SPEC.format(n=n).encode(), headers=headers
        )
        assert response.status_code == 200, response.text
    now = datetime.now(UTC).replace(microsecond=0)
    points = [
        {"kpi": "B-1#api-uptime", "at": (now - timedelta(hours=h)).isoformat(), "value": 1}
        for h in (1, 2, 3)
    ]
    response = served.client.post(
        "/api/orgs/CIPO/measurements",
        json={"measurements": points},
        headers=served.auth("editor"),
    )
    assert response.status_code == 201, response.text
    return served


def _signer(server: Server) -> Cursor:
    """The cursor signer of the app under test, as its routes use it."""
    signer: Cursor = server.app.state.orgplane.cursor
    return signer


def _payload(cursor: str) -> tuple[str, list[Any]]:
    token = cursor.partition(".")[0]
    scope, key = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    return scope, key


def _forgeries(key: list[Any]) -> list[list[Any]]:
    """Keys shaped wrong for a list whose real keys look like ``key``."""
    out: list[list[Any]] = [[], [*key, 1], [*key, "x"], key[:-1], [key]]
    for i, part in enumerate(key):
        if isinstance(part, int) or part is None:
            bad: list[Any] = [INT64_MAX + 1, -INT64_MAX - 2, 2**64, 10**30, "1", 1.5, True, []]
        else:
            bad = [1, None, 1.5, False, {}, "a\x00b", "\ud800", "\udfff x"]
        out += [[*key[:i], value, *key[i + 1 :]] for value in bad]
    return out


def _get(server: Server, path: str, params: dict[str, Any]) -> Any:
    return server.client.get(path, params=params, headers=server.auth("admin"))


@pytest.mark.parametrize(("path", "params", "field"), LISTS, ids=[entry[0] for entry in LISTS])
def test_a_forged_cursor_is_a_400_on_every_list(
    server: Server, path: str, params: dict[str, Any], field: str
) -> None:
    first = _get(server, path, {**params, "limit": 1})
    assert first.status_code == 200, first.text
    real = first.json()["next_cursor"]
    assert real, f"{path} has a second page"
    scope, key = _payload(real)
    signer = _signer(server)
    # Signed here the way the server signs: the real key is accepted, so a 400 below is
    # the key refused, not the signature.
    again = _get(server, path, {**params, "limit": 1, field: signer.encode(scope, key)})
    assert again.status_code == 200, again.text
    for forged in _forgeries(key):
        response = _get(server, path, {**params, "limit": 1, field: signer.encode(scope, forged)})
        problem = assert_problem(response, 400)
        assert problem["type"].endswith("/bad-cursor"), (forged, problem)


@pytest.mark.parametrize(("path", "params", "field"), LISTS, ids=[entry[0] for entry in LISTS])
def test_a_long_or_strange_cursor_is_a_problem_on_every_list(
    server: Server, path: str, params: dict[str, Any], field: str
) -> None:
    first = _get(server, path, {**params, "limit": 1}).json()["next_cursor"]
    scope, key = _payload(first)
    # Each text part longer than a cursor may be (a key of numbers: one more part).
    long_key = [*(("x" * 2000) if isinstance(p, str) else p for p in key), "x"]
    token = first.partition(".")[0]
    for cursor in (
        _signer(server).encode(scope, long_key),
        f"{token}.é{'0' * 23}",  # a signature of non-ASCII text
        f"{token}.{'0' * 5000}",
        "[" * 1000,
    ):
        response = _get(server, path, {**params, field: cursor})
        problem = assert_problem(response)
        assert response.status_code in (400, 422), problem


def test_a_forged_cursor_is_a_400_on_the_catalog_page(server: Server) -> None:
    path, scope, key = WEB_CATALOG
    signer = _signer(server)
    page = server.client.get(path, params={"after": signer.encode(scope, key)})
    assert page.status_code == 200, page.text[:300]
    for forged in _forgeries(key):
        response = server.client.get(path, params={"after": signer.encode(scope, forged)})
        assert response.status_code == 400, (forged, response.text[:300])
