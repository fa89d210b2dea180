"""Attacks on the server over HTTP and on what it shows: a DNS-rebinding Host, asset
URLs built from the Host, missing security headers, /metrics and /readyz read without a
token, a database password shown, a world-readable database, a guessable secret, page
errors with the wrong status, a cursor forged with the once-public secret, and bad
settings that raised a traceback."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from orgplane.api.pagination import Cursor
from orgplane.services import create_token
from orgplane.settings import DEV_SECRET, Settings, UnsafeSettingsError
from orgplane.store import create_engine, display_url, installation_secret, upgrade
from orgplane.web import create_app
from tests.cli_run import Run

LOOPBACK = "http://127.0.0.1"
OPEN = Settings(spec=None)
CLOSED = Settings(spec=None, open_reads=False, scrape_token="scrape-" + "x" * 40)


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    url = f"sqlite:///{tmp_path / 'orgplane.db'}"
    upgrade(url)
    made = create_engine(url)
    yield made
    made.dispose()


def _client(engine: Engine, settings: Settings = OPEN, host: str = "127.0.0.1") -> TestClient:
    return TestClient(create_app(settings, engine, host=host), base_url=LOOPBACK)


def _token(engine: Engine, role: str) -> str:
    with Session(engine) as session:
        secret = create_token(session=session, role=role, actor="test").secret
        session.commit()
    return secret


def test_a_rebinding_host_is_refused(engine: Engine) -> None:
    client = _client(engine)
    api = client.get("/api/orgs", headers={"host": "rebind.attacker.example"})
    assert api.status_code == 400
    assert api.headers["content-type"] == "application/problem+json"
    page = client.get("/", headers={"host": "rebind.attacker.example:8000"})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    for host in ("127.0.0.1:8000", "localhost", "[::1]:8000"):
        assert client.get("/api/orgs", headers={"host": host}).status_code == 200
    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200


def test_configured_and_listening_hosts_are_answered(engine: Engine) -> None:
    settings = Settings(spec=None, allowed_hosts=("org.example",), secret=secrets.token_hex(32))
    client = _client(engine, settings, host="192.168.1.10")
    for host in ("org.example", "ORG.example:443", "192.168.1.10:8000"):
        assert client.get("/healthz", headers={"host": host}).status_code == 200
        assert client.get("/readyz", headers={"host": host}).status_code != 400
    assert client.get("/readyz", headers={"host": "other.example"}).status_code == 400


def test_asset_urls_never_come_from_the_host(engine: Engine) -> None:
    page = _client(engine).get("/orgs/NOPE", headers={"host": "localhost:666"})
    assert page.status_code == 404
    assert '<script src="/static/htmx.min.js"' in page.text
    assert "localhost:666" not in page.text
    assert "onchange=" not in page.text


def test_pages_and_the_api_send_security_headers(engine: Engine) -> None:
    client = _client(engine)
    for path in ("/orgs/NOPE", "/api/orgs", "/api/docs"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], path
        assert headers["x-frame-options"] == "DENY"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "no-referrer"
    page_policy = client.get("/orgs/NOPE").headers["content-security-policy"]
    assert "script-src 'self';" in page_policy  # no inline script, no other origin


def test_metrics_and_readyz_are_closed_when_reads_are(engine: Engine) -> None:
    client = _client(engine, CLOSED)
    for path in ("/metrics", "/readyz"):
        assert client.get(path).status_code == 401, path
        bad = client.get(path, headers={"authorization": "Bearer wrong"})
        assert bad.status_code == 401, path
        scrape = {"authorization": f"Bearer {CLOSED.scrape_token}"}
        assert client.get(path, headers=scrape).status_code == 200, path
        viewer = {"authorization": f"Bearer {_token(engine, 'viewer')}"}
        assert client.get(path, headers=viewer).status_code == 200, path
    healthz = client.get("/healthz")
    assert healthz.status_code == 200
    assert healthz.json() == {"status": "ok"}


PASSWORD = "hunter2-Zx9"
SECRET_URL = f"postgresql://op@127.0.0.1:1/db?password={PASSWORD}&sslpassword={PASSWORD}"


def test_database_passwords_are_masked_everywhere_shown(engine: Engine, run: Run) -> None:
    for url in (
        SECRET_URL,
        f"postgresql://op:{PASSWORD}@127.0.0.1:1/db",
        "host=db password=" + PASSWORD,
    ):
        assert PASSWORD not in display_url(url)
    ready = _client(engine).get("/readyz")
    assert ready.json()["database"] == "sqlite"  # the kind, never the URL
    upgraded = run("db", "upgrade", "--db", SECRET_URL)
    assert upgraded.code != 0
    assert PASSWORD not in upgraded.out + upgraded.err
    assert upgraded.err.startswith("orgplane: error: database postgresql+psycopg://op@")
    for command in (["db", "current"], ["serve", "--no-apply"]):
        shown = run(*command, "--db", SECRET_URL)
        assert shown.code != 0
        assert PASSWORD not in shown.out + shown.err, command


def test_the_database_is_private_to_its_owner(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        url = f"sqlite:///{tmp_path / 'new.db'}"
        upgrade(url)
        engine = create_engine(url)
        with engine.connect() as connection:  # a connection keeps -wal and -shm open
            connection.execute(text("SELECT count(*) FROM installation"))
            for suffix in ("", "-wal", "-shm"):
                mode = stat.S_IMODE((tmp_path / f"new.db{suffix}").stat().st_mode)
                assert mode == 0o600, (suffix, oct(mode))
        engine.dispose()
        loose = tmp_path / "loose.db"
        loose.touch(mode=0o644)
        os.chmod(loose, 0o644)
        create_engine(f"sqlite:///{loose}").dispose()
        assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    finally:
        os.umask(old)


@pytest.mark.parametrize(
    "weak",
    [
        "a" * 32,
        "abcdefghijklmnopqrstuvwxyz012345",
        "qwertyuiopasdfghjklzxcvbnm123456",
        "abc123" * 6,
        "passwordpasswordpasswordpassword",
        DEV_SECRET,
    ],
)
def test_a_guessable_secret_is_refused_for_a_public_listener(weak: str) -> None:
    with pytest.raises(UnsafeSettingsError, match=r"secrets\.token_urlsafe"):
        Settings(spec=None, secret=weak).check_for_serving("0.0.0.0")


def test_random_secrets_are_accepted() -> None:
    for _ in range(20):
        Settings(spec=None, secret=secrets.token_urlsafe(32)).check_for_serving("0.0.0.0")
        Settings(spec=None, secret=secrets.token_hex(32)).check_for_serving("0.0.0.0")


def test_pages_answer_401_without_a_good_token(engine: Engine) -> None:
    client = _client(engine, CLOSED)
    for headers in ({}, {"authorization": "Bearer not-a-token"}, {"authorization": "Basic x"}):
        page = client.get("/orgs/NOPE", headers=headers)
        assert page.status_code == 401, headers
        assert page.headers["content-type"].startswith("text/html")
        assert page.headers["www-authenticate"] == "Bearer"
    viewer = {"authorization": f"Bearer {_token(engine, 'viewer')}"}
    assert client.get("/orgs/NOPE", headers=viewer).status_code == 404


def test_a_cursor_signed_with_the_old_public_secret_is_refused(engine: Engine) -> None:
    admin = {"authorization": f"Bearer {_token(engine, 'admin')}"}
    forged = Cursor(DEV_SECRET).encode("audit:None:None", [2**70])
    answer = _client(engine).get("/api/audit", params={"cursor": forged}, headers=admin)
    assert answer.status_code == 400
    assert answer.headers["content-type"] == "application/problem+json"


def test_two_apps_on_one_database_share_the_installation_secret(engine: Engine) -> None:
    _token(engine, "viewer")  # two entries in the audit log: two pages of one
    admin = {"authorization": f"Bearer {_token(engine, 'admin')}"}
    first, second = _client(engine), _client(engine)
    page = first.get("/api/audit", params={"limit": 1}, headers=admin).json()
    assert page["next_cursor"]
    following = second.get(
        "/api/audit", params={"limit": 1, "cursor": page["next_cursor"]}, headers=admin
    )
    assert following.status_code == 200


def test_processes_starting_at_once_agree_on_one_secret(engine: Engine) -> None:
    with ThreadPoolExecutor(max_workers=8) as pool:
        found = set(pool.map(lambda _: installation_secret(engine), range(16)))
    assert len(found) == 1
    assert DEV_SECRET not in found


@pytest.mark.parametrize(
    "variable",
    ["ORGPLANE_OPEN_READS=maybe", "ORGPLANE_MAX_BODY=abc", "ORGPLANE_MODE=staging"],
)
@pytest.mark.parametrize("command", [["validate"], ["db", "current"], ["serve"]])
def test_bad_settings_are_one_line(
    run: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, variable: str, command: list[str]
) -> None:
    name, _, value = variable.partition("=")
    monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)
    result = run(*command)
    assert result.code == 2
    assert result.err.startswith("orgplane: error: ORGPLANE_")
    assert len(result.err.splitlines()) == 1
