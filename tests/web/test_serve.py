"""``orgplane serve`` end to end, as the README's first command runs it: a real process in
an empty folder, a real port, real signals."""

from __future__ import annotations

import http.server
import json
import re
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.small_specs import one_group_spec
from tests.web.servers import ServerProcess, free_port, http_get, run_orgplane

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
EXAMPLE_ORGS = ["CIPO", "DIT", "IOT", "PI"]

Serve = Callable[..., ServerProcess]


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Serve]:
    """Start ``orgplane serve ARGS`` in ``tmp_path`` (or ``cwd``); every server started is
    stopped when the test ends, passed or failed."""
    started: list[ServerProcess] = []

    def start(*args: str, cwd: Path = tmp_path, env: dict[str, str] | None = None) -> ServerProcess:
        server = ServerProcess(args, cwd=cwd, log=tmp_path / f"serve-{len(started)}.log", env=env)
        started.append(server)
        server.start()
        return server

    try:
        yield start
    finally:
        for server in started:
            server.stop()


def _json(server: ServerProcess, path: str) -> object:
    status, content_type, body = http_get(server.port, path)
    assert status == 200, (path, status, body[:300])
    assert content_type.startswith("application/json"), content_type
    return json.loads(body)


def _org_codes(server: ServerProcess) -> list[str]:
    page = _json(server, "/api/orgs")
    assert isinstance(page, dict)
    return [org["code"] for org in page["items"]]


def _listening(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _state_lines(output: str) -> dict[str, str]:
    """``{org code: "applied" | "unchanged"}`` from the start-up lines of ``serve``."""
    return dict(re.findall(r": org (\w+) (applied|unchanged)", output))


def test_serve_with_no_arguments_serves_the_examples(tmp_path: Path, serve: Serve) -> None:
    folder = tmp_path / "empty"
    folder.mkdir()
    first = serve(cwd=folder)

    assert (folder / "orgplane.db").is_file()  # the embedded default, made on first start
    ready = _json(first, "/readyz")
    assert isinstance(ready, dict)
    assert ready["status"] == "ready"
    assert ready["database"] == "sqlite"  # its kind, never its URL (a password)
    assert _org_codes(first) == EXAMPLE_ORGS
    assert _state_lines(first.output()) == dict.fromkeys(EXAMPLE_ORGS, "applied")
    assert "org CIPO applied, 2 errors on its findings page" in first.output()
    assert f"serving http://127.0.0.1:{first.port}/ from sqlite:///orgplane.db" in first.output()
    assert "database sqlite:///orgplane.db: created" in first.output()
    # A first start offers demo measurements; without a terminal to ask on, it says how.
    assert "no KPI measurements yet: 'orgplane demo measurements'" in first.output()
    status, _, front = http_get(first.port, "/")
    assert status == 200  # the front door: every org at a glance
    assert all(f'href="/orgs/{code}"'.encode() in front for code in EXAMPLE_ORGS)
    status, content_type, body = http_get(first.port, "/orgs/CIPO")
    assert status == 200
    assert content_type.startswith("text/html")
    assert b"Storage Services" in body

    # Ctrl-C: uvicorn finishes what it was doing and the process ends cleanly.
    assert first.stop(signal.SIGINT) == 0
    assert "Finished server process" in first.output()
    assert "Traceback" not in first.output()
    assert not _listening(first.port)

    # Started again in the same folder: the examples are already there, nothing is written.
    second = serve(cwd=folder)
    assert _state_lines(second.output()) == dict.fromkeys(EXAMPLE_ORGS, "unchanged")
    assert "no KPI measurements yet" not in second.output()  # offered once
    # Its schema is current: nothing is said about the database's schema.
    assert "migrat" not in second.output()
    assert "schema" not in second.output()
    assert "database sqlite:///orgplane.db:" not in second.output()
    assert _org_codes(second) == EXAMPLE_ORGS
    applies = _json(second, "/api/orgs/CIPO/applies")
    assert isinstance(applies, dict)
    assert len(applies["items"]) == 1  # the first start's apply only
    # SIGTERM (what systemd and docker send): a graceful stop too. Uvicorn re-raises the
    # signal once it has shut down, so the exit status may say "terminated by SIGTERM".
    assert second.stop(signal.SIGTERM) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in second.output()
    assert "Traceback" not in second.output()
    assert not _listening(second.port)


def test_a_spec_with_errors_is_refused_unless_allowed(tmp_path: Path, serve: Serve) -> None:
    port = free_port()
    refused = run_orgplane(["serve", str(EXAMPLES / "cipo"), "--port", str(port)], cwd=tmp_path)
    assert refused.returncode == 2
    errors = [line for line in refused.stderr.splitlines() if line.startswith("orgplane: error:")]
    assert errors == [
        f"orgplane: error: {EXAMPLES / 'cipo'}: 2 errors; not served "
        "(fix them, or serve it anyway with --allow-errors)"
    ]
    assert refused.stderr.splitlines()[-1] == errors[0]
    assert refused.stderr.count("error OP104") == 2  # each error, with its file:line:col
    assert "Traceback" not in refused.stderr
    assert "serving" not in refused.stderr
    assert not _listening(port)

    allowed = serve(str(EXAMPLES / "cipo"), "--allow-errors", "--db", f"sqlite:///{tmp_path}/a.db")
    assert "org CIPO applied, 2 errors on its findings page" in allowed.output()
    assert _org_codes(allowed) == ["CIPO"]  # a spec given replaces the examples
    findings = _json(allowed, "/api/orgs/CIPO/findings?severity=error")
    assert isinstance(findings, dict)
    assert [f["code"] for f in findings["items"]] == ["OP104", "OP104"]


@pytest.mark.parametrize("secret", [None, "secret", "too-short-for-a-secret"])
def test_a_public_address_needs_a_strong_secret(tmp_path: Path, secret: str | None) -> None:
    port = free_port()
    env = {"ORGPLANE_SECRET": secret} if secret else None
    refused = run_orgplane(
        ["serve", "--host", "0.0.0.0", "--port", str(port)], cwd=tmp_path, env=env
    )
    assert refused.returncode == 2
    assert refused.stdout == ""
    why = {
        None: "is not set",
        "secret": "is a well-known value",
        "too-short-for-a-secret": "is shorter than 32 characters",
    }[secret]
    assert refused.stderr.splitlines() == [
        f"orgplane: error: refusing to serve (listening on 0.0.0.0): ORGPLANE_SECRET {why}; "
        "make one with python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    ]
    assert not (tmp_path / "orgplane.db").exists()  # refused before touching anything
    assert not _listening(port)


def test_several_workers_serve_one_database_and_see_each_others_writes(
    tmp_path: Path, serve: Serve
) -> None:
    folder = tmp_path / "spec"
    folder.mkdir()
    (folder / "org.yaml").write_text(one_group_spec("WRK", "Workers", "First"), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'workers.db'}"
    server = serve(str(folder), "--db", db, "--workers", "2")
    output = server.output()
    assert output.count(": created") == 1  # migrated and applied once, before the workers
    assert _state_lines(output) == {"WRK": "applied"}
    assert f"serving http://127.0.0.1:{server.port}/ from {db}, 2 worker processes" in output

    def answers() -> set[str]:
        """The group's name and its entry's owner's, as every worker says them: each
        request on a new connection, which either worker may take."""
        seen = set()
        for _ in range(20):
            group = _json(server, "/api/orgs/WRK/groups/A")
            owner = _json(server, "/api/orgs/WRK/lookups/owner?entry=svc")
            assert isinstance(group, dict)
            assert isinstance(owner, dict)
            seen |= {group["name"], *(o["name"] for o in owner["owners"])}
        return seen

    assert answers() == {"First"}  # and now kept by the workers
    (folder / "org.yaml").write_text(one_group_spec("WRK", "Workers", "Second"), encoding="utf-8")
    applied = run_orgplane(["apply", str(folder), "--db", db], cwd=tmp_path)
    assert applied.returncode == 0, applied.stderr
    assert answers() == {"Second"}

    # /metrics adds up both workers' counts, whichever of them answers the scrape.
    counted = re.compile(
        r'^orgplane_http_requests_total\{method="GET",route="/api/orgs/\{org\}/groups/\{ref\}",'
        r'status="200"\} (\S+)$',
        re.MULTILINE,
    )
    for _ in range(4):
        status, _, body = http_get(server.port, "/metrics")
        assert status == 200
        found = counted.search(body.decode())
        assert found is not None
        assert float(found.group(1)) == 40

    assert server.stop(signal.SIGINT) == 0
    assert "Traceback" not in server.output()
    assert not _listening(server.port)


def test_workers_must_be_at_least_one(tmp_path: Path) -> None:
    refused = run_orgplane(["serve", "--workers", "0", "--port", str(free_port())], cwd=tmp_path)
    assert refused.returncode == 2
    assert "--workers" in refused.stderr
    assert not (tmp_path / "orgplane.db").exists()


def test_the_workers_listen_on_a_socket_asyncio_knows_is_tcp() -> None:
    """Connections accepted on it get TCP_NODELAY, so no answer waits for a delayed ACK
    (uvicorn's own socket, proto 0, cost every kept-alive request ~40 ms)."""
    from orgplane.cli._workers import WorkersConfig

    config = WorkersConfig("orgplane.cli.serve:worker_app", port=free_port(), workers=2)
    with config.bind_socket() as listening:
        assert listening.family == socket.AF_INET
        assert listening.proto == socket.IPPROTO_TCP
        assert listening.get_inheritable()


def test_serve_with_demo_fills_the_kpis_with_labelled_demo_data(
    tmp_path: Path, serve: Serve
) -> None:
    server = serve("--demo")
    assert "DEMO DATA: generated, not measured" in server.output()
    card = _json(server, "/api/orgs/CIPO/scorecard")
    assert isinstance(card, dict)
    assert card["demo"] is True
    assert card["rollup"]["counts"]["met"] > 0
    status, _, body = http_get(server.port, "/orgs/CIPO/scorecard")
    assert status == 200
    assert b"Demo data" in body


class _Hooks(http.server.ThreadingHTTPServer):
    """A webhook receiver on loopback: keeps every JSON body posted to it."""

    def __init__(self) -> None:
        self.received: list[dict[str, object]] = []
        self.arrived = threading.Event()
        super().__init__(("127.0.0.1", 0), _HookHandler)


class _HookHandler(http.server.BaseHTTPRequestHandler):
    server: _Hooks

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        self.server.received.append(
            {"path": self.path, "key": self.headers.get("idempotency-key"), **json.loads(body)}
        )
        self.server.arrived.set()
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def hooks() -> Iterator[_Hooks]:
    receiver = _Hooks()
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.shutdown()
        receiver.server_close()


def _paging_spec(hook: str) -> str:
    return f"""\
org: {{code: PGE, name: Paging}}
groups:
  - {{code: OPS, name: Operations, leads: [ana]}}
people:
  - id: ana
    name: Ana
    contacts: ["{hook}"]
oncall:
  - {{id: ops, name: Ops on call, group: OPS, primary: ana, timezone: UTC, handoff: "09:00"}}
"""


@pytest.mark.parametrize("engine", [True, False], ids=["engine", "no-engine"])
def test_serve_runs_the_escalation_engine_unless_told_not_to(
    tmp_path: Path, serve: Serve, hooks: _Hooks, engine: bool
) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text(_paging_spec(f"http://127.0.0.1:{hooks.server_port}/ana"), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'paging.db'}"
    server = serve(str(spec), "--db", db, *(() if engine else ("--no-engine",)))
    assert ("escalation engine running" in server.output()) is engine

    paged = run_orgplane(
        ["page", "ops", "--summary", "Disk full on db-1", "--db", db], cwd=tmp_path
    )
    assert paged.returncode == 0, paged.stderr
    delivered = hooks.arrived.wait(30 if engine else 3)
    assert delivered is engine, hooks.received
    if engine:
        (note,) = hooks.received
        assert note["path"] == "/ana"
        assert note["key"]
        assert "Disk full on db-1" in json.dumps(note)
        # /readyz keeps an audit for a few seconds: the page shows within them.
        deadline = time.monotonic() + 20
        while True:
            ready = _json(server, "/readyz")
            assert isinstance(ready, dict)
            if ready["paging"]["open_pages"] == 1 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert ready["paging"] == {**ready["paging"], "open_pages": 1, "healthy": True}
    assert server.stop(signal.SIGINT) == 0
    assert "Traceback" not in server.output()
