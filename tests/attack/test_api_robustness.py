"""Garbage in, a problem out: malformed and oversized bodies, wrong content types, extreme
limits, damaged cursors, and traversal or odd values in every path parameter of every
route of the OpenAPI document are never a 500, always problem+json under /api, and never
serve a file outside the app (static files included). Huge headers and query strings go to
a real server, where the limits live, which refuses them and keeps serving."""

from __future__ import annotations

import base64
import contextlib
import http.client
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from anyio.from_thread import BlockingPortal

from tests.api.conftest import (
    Server,
    assert_problem,
    examples_copy,
    send_as_is,
    serving,
    settings_with,
    snapshot,
)
from tests.attack._openapi import WRITE_METHODS, filled, operations, real_values, required_query
from tests.web.servers import ServerProcess, http_get

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def served(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    portal: BlockingPortal,
) -> Iterator[Server]:
    """The server over the examples, on SQLite only: parsing and limits do not depend on
    the backend, and this module sends thousands of requests."""
    with (
        examples_copy("sqlite", request, tmp_path_factory.mktemp("robust")) as url,
        serving("sqlite", url, portal) as server,
    ):
        yield server


BAD_JSON = [b"{", b'{"measurements": [', b"null", b"[]", b'"x"', b"\xff\xfe", b"{}" * 1000]


def test_malformed_json_and_wrong_content_types_are_problems(served: Server) -> None:
    before = snapshot(served.engine)
    path = "/api/orgs/DIT/measurements"
    for body in BAD_JSON:
        for content_type in ("application/json", "text/plain", "application/x-www-form-urlencoded"):
            response = served.client.post(
                path, content=body, headers={"Content-Type": content_type, **served.auth("editor")}
            )
            assert 400 <= response.status_code < 500, (body[:20], content_type, response.text)
            assert_problem(response)
    for content_type in ("multipart/form-data; boundary=x", "application/json; charset=utf-16"):
        response = served.client.post(
            "/api/apply",
            content=b"--x\r\n\r\n--x--",
            headers={"Content-Type": content_type, **served.auth("editor")},
        )
        assert 400 <= response.status_code < 500, response.text
        assert_problem(response)
    assert snapshot(served.engine) == before


def test_a_body_over_the_limit_is_refused_on_every_write_route(served: Server) -> None:
    client = served.with_settings(settings_with(max_body_bytes=512))
    values = real_values(served)
    before = snapshot(served.engine)
    for method, template, operation in operations(served, WRITE_METHODS):
        for content in (b"{" + b" " * 2048 + b"}", iter([b"x" * 400] * 4)):
            chunked = not isinstance(content, bytes)
            response = client.request(
                method.upper(),
                filled(template, values),
                params=required_query(operation, values),
                content=content,
                headers={**JSON, **served.auth("editor")},
            )
            # A chunked JSON body over the limit is refused as a 400 (see the next test).
            assert_problem(response, 400 if chunked and response.status_code == 400 else 413)
    assert snapshot(served.engine) == before


def test_a_chunked_json_body_over_the_limit_is_a_413(served: Server) -> None:
    client = served.with_settings(settings_with(max_body_bytes=512))
    response = client.post(
        "/api/orgs/DIT/measurements",
        content=iter([b"x" * 400] * 4),
        headers={**JSON, **served.auth("editor")},
    )
    assert_problem(response, 413)


LIMITS = ["0", "-1", str(10**20), "abc", "1e3", "", " 5", "0x10", "5.0", "٣"]


def test_extreme_limits_are_422_problems(served: Server) -> None:
    values = real_values(served)
    paged = [
        (t, op)
        for _, t, op in operations(served, ("get",))
        if any(p["name"] == "limit" for p in op.get("parameters", []))
    ]
    assert len(paged) >= 5
    for template, operation in paged:
        for limit in LIMITS:
            query = {**required_query(operation, values), "limit": limit}
            response = served.client.get(
                filled(template, values), params=query, headers=served.auth("admin")
            )
            assert response.status_code in (200, 404, 422), (template, limit, response.text)
            if response.status_code != 200:
                assert_problem(response)


def _tampered(cursor: str) -> Iterator[str]:
    raw = cursor.encode()
    for i in range(0, len(raw), max(1, len(raw) // 12)):
        flipped = bytearray(raw)
        flipped[i] ^= 0x01
        yield flipped.decode("latin-1")
    yield cursor[: len(cursor) // 2]
    yield cursor[:-1]
    yield cursor + "A"
    yield cursor + "=="
    yield "!" + cursor[1:]
    yield base64.b64encode(b'{"k": [1], "s": "x"}').decode()
    yield base64.urlsafe_b64encode(b"\x00" * 40).decode()
    yield "%%%"
    yield "."
    yield cursor.replace(".", "")


def test_tampered_cursors_are_400_problems(served: Server) -> None:
    for path in ("/api/orgs", "/api/orgs/CIPO/groups", "/api/orgs/DIT/catalog"):
        first = served.client.get(path, params={"limit": 1}).json()
        cursor = first["next_cursor"]
        assert cursor
        for bad in _tampered(cursor):
            response = served.client.get(path, params={"limit": 1, "cursor": bad})
            assert response.status_code in (400, 422), (path, bad, response.text)
            assert_problem(response)
        # a cursor of one list is no cursor of another
        other = "/api/orgs/IOT/roles" if path != "/api/orgs" else "/api/orgs/CIPO/groups"
        assert_problem(served.client.get(other, params={"cursor": cursor}), 400)


ODD = ["..%2f..", "..%2F..%2Fetc%2Fpasswd", "%00", "%2e%2e", "%252e%252e%252f", "a" * 2_000]
ODD_TEXT = ["é😀\u202e", "\u0000x", "CON", " ", "%", "\\..\\..\\", "#"]


def test_odd_values_in_every_path_parameter_are_4xx_problems(served: Server) -> None:
    values = real_values(served)
    routes = [(m, t, op) for m, t, op in operations(served, ("get", *WRITE_METHODS))]
    routes = [(m, t, op) for m, t, op in routes if "{" in t]
    assert len(routes) >= 15
    checked = 0
    for method, template, operation in routes:
        for name in set(template.split("{")[1:]):
            parameter = name.split("}")[0]
            candidates = [*ODD, *(quote(v, safe="") for v in ODD_TEXT)]
            for value in candidates:
                path = filled(template, {**values, parameter: value})
                response = served.client.request(
                    method.upper(),
                    path,
                    params=required_query(operation, values),
                    headers=served.auth("editor") if method != "get" else {},
                )
                context = (method, template, parameter, value[:30], response.status_code)
                assert response.status_code < 500, (*context, response.text[:200])
                assert response.status_code != 200 or parameter in ("ref",), context
                if response.status_code >= 400:
                    assert_problem(response)
                assert "root:x:" not in response.text
                checked += 1
    assert checked >= 200


@pytest.mark.parametrize(
    "target",
    [
        "/static/..%2f..%2fetc/passwd",
        "/static/../../../../etc/passwd",
        "/static/..%2f..%2f..%2f..%2fetc%2fpasswd",
        "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/static/..%5c..%5c..%5cetc%5cpasswd",
        "/static/..%2f__init__.py",
        "/static/../pages.py",
        "/static/%00",
        "/static//etc/passwd",
        "/static/htmx.min.js%00.txt",
    ],
)
def test_no_file_outside_the_static_folder_is_served(served: Server, target: str) -> None:
    response = send_as_is(served.app, served.portal, target)
    assert response.status in (400, 404, 405), (target, response.status)
    assert b"root:" not in response.body
    assert b"import" not in response.body


def test_the_static_files_are_served(served: Server) -> None:
    response = send_as_is(served.app, served.portal, "/static/app.css")
    assert response.status == 200


@pytest.fixture(scope="module")
def real_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder: Path = tmp_path_factory.mktemp("robust")
    with ServerProcess(
        ["--db", f"sqlite:///{folder / 't.db'}"], cwd=folder, log=folder / "server.log"
    ) as server:
        yield server


def _raw(port: int, request: bytes) -> bytes:
    """Send ``request`` as is; whatever the server answers before it closes."""
    import socket

    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        with contextlib.suppress(OSError):
            sock.sendall(request)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except OSError:
            pass
    return b"".join(chunks)


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GET /api/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + b"a" * 200_000 + b"\r\n\r\n",
        b"GET /api/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        + b"".join(b"X-%d: v\r\n" % i for i in range(20_000))
        + b"\r\n",
        b"GET /api/orgs?" + b"q=" * 100_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /" + b"a" * 200_000 + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        b"GET /api/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
        b"Authorization: Bearer " + b"x" * 60_000 + b"\r\n\r\n",
    ],
    ids=["one huge header", "many headers", "huge query", "huge path", "huge token"],
)
def test_huge_headers_and_urls_are_refused_and_the_server_keeps_serving(
    real_server: ServerProcess, request_bytes: bytes
) -> None:
    answer = _raw(real_server.port, request_bytes)
    if answer:
        status = int(answer.split(b" ", 2)[1])
        assert status != 200 or b"Bearer" not in request_bytes[:200], answer[:200]
        assert status < 500, answer[:300]
        assert b"Traceback" not in answer
    status, _, _ = http_get(real_server.port, "/healthz")
    assert status == 200
    assert "Traceback" not in real_server.output()


def test_a_request_that_never_ends_its_headers_does_not_stop_the_server(
    real_server: ServerProcess,
) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", real_server.port, timeout=5)
    connection.connect()
    assert connection.sock is not None
    connection.sock.sendall(b"GET /api/orgs HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    try:
        assert http_get(real_server.port, "/healthz")[0] == 200
    finally:
        connection.close()
