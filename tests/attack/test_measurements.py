"""Attacks on KPI measurements: moments outside what orgplane supports at every entry
point, a stored out-of-range moment, a spec that points ``kpi pull`` at files and hosts
of its choosing, and a write through one org's URL into another org."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from orgplane.services import create_token
from orgplane.services.measurement_sources import SourcePolicy, SourceRefusedError
from orgplane.store import create_engine
from orgplane.store.kpi_tables import KpiSeriesRow, MeasurementRow
from orgplane.web import create_app
from tests.api.conftest import (
    DEV_SETTINGS,
    Server,
    assert_problem,
    client_for,
    snapshot,
)
from tests.cli_run import Run

#: Moments Python cannot turn into UTC or add a day to: year 1 at +23:59, the last
#: minute of year 9999 at -23:59; and the edges just outside the supported range.
TOO_EARLY = "0001-01-01T00:00:00+23:59"
TOO_LATE = "9999-12-31T23:59:00-23:59"
EXTREMES = [TOO_EARLY, TOO_LATE, "1969-12-31T23:59:59Z", "9999-01-01T00:00:00Z"]
UPTIME = "B-1#api-uptime"


def _record(server: Server, org: str, kpi: str, at: str) -> httpx.Response:
    body = {"measurements": [{"kpi": kpi, "at": at, "value": 0.999}]}
    return server.client.post(
        f"/api/orgs/{org}/measurements", json=body, headers=server.auth("editor")
    )


# -- out-of-range moments, over HTTP ----------------------------------------------------


@pytest.mark.parametrize("at", EXTREMES)
def test_a_measurement_at_an_unsupported_moment_is_refused(
    fresh: Server,
    at: str,
) -> None:
    before = snapshot(fresh.engine)
    problem = assert_problem(_record(fresh, "CIPO", UPTIME, at), 422)
    assert problem["detail"].startswith("measurements[0].at: ")
    assert "1970-01-01T00:00:00Z" in problem["detail"]
    assert snapshot(fresh.engine) == before
    listed = fresh.client.get("/api/orgs/CIPO/measurements", params={"kpi": UPTIME})
    assert listed.status_code == 200, listed.text


@pytest.mark.parametrize("at", EXTREMES)
@pytest.mark.parametrize(
    ("path", "field", "params"),
    [
        ("/api/orgs/CIPO/scorecard", "at", {}),
        ("/api/orgs/CIPO/kpis", "at", {}),
        ("/api/orgs/CIPO/measurements", "from", {"kpi": UPTIME}),
        ("/api/orgs/CIPO/measurements", "to", {"kpi": UPTIME}),
    ],
)
def test_an_unsupported_moment_in_a_query_is_a_422_naming_it(
    served: Server,
    at: str,
    path: str,
    field: str,
    params: dict[str, str],
) -> None:
    response = served.client.get(path, params={**params, field: at})
    problem = assert_problem(response, 422)
    assert problem["detail"].startswith(f"{field}: ")


def _store_as_before(server: Server, ms: int) -> None:
    """A measurement of B-1#api-uptime at ``ms``, written as an older orgplane did."""
    with Session(server.engine) as session, session.begin():
        series_id = session.execute(
            select(KpiSeriesRow.id).where(
                KpiSeriesRow.org_code == "CIPO", KpiSeriesRow.kpi_id == "api-uptime"
            )
        ).scalar_one()
        session.execute(insert(MeasurementRow).values(series_id=series_id, at_ms=ms, value=0.5))


def test_a_stored_out_of_range_moment_breaks_no_read(
    fresh: Server,
) -> None:
    year_one = datetime(1, 1, 1, tzinfo=timezone(timedelta(hours=23, minutes=59)))
    _store_as_before(fresh, int(year_one.timestamp() * 1000))
    _store_as_before(fresh, 10**15)  # year 33658
    now = datetime.now(UTC).replace(microsecond=0)
    assert _record(fresh, "CIPO", UPTIME, (now - timedelta(hours=1)).isoformat()).status_code == 201

    listed = fresh.client.get("/api/orgs/CIPO/measurements", params={"kpi": UPTIME})
    assert listed.status_code == 200, listed.text
    assert len(listed.json()["items"]) == 1
    assert listed.json()["out_of_range"] == 2
    for path in ("/api/orgs/CIPO/scorecard", "/api/orgs/CIPO/kpis", "/orgs/CIPO/scorecard"):
        assert fresh.client.get(path).status_code == 200, path
    card = fresh.client.get("/api/orgs/CIPO/scorecard", params={"group": "B-1"}).json()
    (uptime,) = [k for k in card["kpis"] if k["id"] == "api-uptime"]
    assert uptime["count"] == 1


# -- a KPI reference naming another org -------------------------------------------------


def test_an_orgs_url_bounds_the_kpis_it_writes_and_reads(
    fresh: Server,
) -> None:
    at = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    before = snapshot(fresh.engine)
    for org, ref in (
        ("CIPO", "IOT:IOT#availability"),
        ("ACME", "IOT:IOT#availability"),
        ("DIT", f"CIPO:{UPTIME}"),
    ):
        response = _record(fresh, org, ref, at)
        problem = assert_problem(response)
        assert response.status_code in (404, 422), problem
    read = fresh.client.get("/api/orgs/CIPO/measurements", params={"kpi": "IOT:IOT#availability"})
    assert assert_problem(read, 422)["detail"].startswith("kpi: ")
    assert snapshot(fresh.engine) == before
    # The same reference through its own org's URL is written.
    assert _record(fresh, "IOT", "IOT:IOT#availability", at).status_code == 201


def test_the_cli_refuses_a_reference_to_another_org_than_org(
    run: Run, db_url: str, tmp_path: Path
) -> None:
    for code in ("SRC", "OTH"):
        spec = _disk_spec(tmp_path / code, {}, code)
        assert run("apply", str(spec), "--db", db_url).code == 0
    result = run("kpi", "record", "OTH:Q#depth", "1", "--org", "SRC", "--db", db_url)
    _one_line_error(result, "names org OTH, not org SRC")
    card = run("scorecard", "--org", "OTH", "--at", "2030-01-01", "-f", "json", "--db", db_url)
    assert json.loads(card.out)[0]["rollup"]["counts"]["no_data"] == 1


# -- out-of-range moments, in the CLI ---------------------------------------------------

SPEC = """\
version: 1
org: {{code: {code}, name: Sources}}
groups:
- code: Q
  kind: squad
  name: Queues
  kpis:
{kpis}
"""


def _spec(code: str, kpis: dict[str, str]) -> str:
    lines = [
        f"  - {{text: Queue depth ≤ {100 + i}, id: {name}, measure: {measure}}}"
        for i, (name, measure) in enumerate(kpis.items())
    ]
    lines.append("  - {text: Queue lag ≤ 5 s, id: depth, window: 9999w}")
    return SPEC.format(code=code, kpis="\n".join(lines))


def _disk_spec(folder: Path, kpis: dict[str, str], code: str = "SRC") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "org.yaml").write_text(_spec(code, kpis), encoding="utf-8")
    return folder


@pytest.fixture
def applied(run: Run, db_url: str, tmp_path: Path) -> str:
    assert run("apply", str(_disk_spec(tmp_path / "org", {})), "--db", db_url).code == 0
    return db_url


def _one_line_error(result: object, *words: str) -> None:
    err = getattr(result, "err", "")
    assert getattr(result, "code", 0) != 0
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    for word in words:
        assert word in err, err


@pytest.mark.parametrize("at", [*EXTREMES, "0001-01-01", "9999-06-01"])
def test_cli_moments_outside_the_range_are_one_line_errors(run: Run, applied: str, at: str) -> None:
    record = run("kpi", "record", "Q#depth", "1", "--at", at, "--db", applied)
    _one_line_error(record, "--at", "1970-01-01T00:00:00Z")
    card = run("scorecard", "--at", at, "--db", applied)
    _one_line_error(card, "--at")


def test_an_import_file_with_an_unsupported_moment_names_its_line(
    run: Run, applied: str, tmp_path: Path
) -> None:
    data = tmp_path / "m.csv"
    data.write_text(f"at,value\n2024-06-01T10:00:00Z,1\n{TOO_EARLY},2\n")
    result = run("kpi", "import", str(data), "--kpi", "Q#depth", "--db", applied)
    _one_line_error(result, f"{data}:3:1", "outside the moments orgplane supports")
    listed = run("scorecard", "--at", "2024-06-02T00:00:00Z", "--db", applied, "-f", "json")
    assert listed.code == 0, listed.err  # a window of 9999 weeks starts at the epoch


# -- what kpi pull may open -------------------------------------------------------------

ROW = "at,value\n2024-06-01T10:00:00Z,5\n"


@pytest.fixture
def sources(tmp_path: Path) -> dict[str, Path]:
    """A spec folder with a file inside, a file outside, and a link from in to out."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.csv").write_text(ROW)
    spec = tmp_path / "spec"
    (spec / "data").mkdir(parents=True)
    (spec / "data" / "inside.csv").write_text(ROW)
    (spec / "data" / "link.csv").symlink_to(outside / "secret.csv")
    return {"spec": spec, "outside": outside}


def _pull(run: Run, db_url: str) -> tuple[dict[str, dict[str, object]], list[str], int]:
    result = run("kpi", "pull", "--db", db_url, "--json")
    assert "Traceback" not in result.err
    outcomes = {f"{o['org_code']}:{o['ref']}": o for o in json.loads(result.out)}
    return outcomes, result.err.strip().splitlines(), result.code


def test_pull_reads_files_only_inside_the_specs_folder(
    run: Run, db_url: str, sources: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORGPLANE_SOURCE_DIRS", raising=False)
    secret = sources["outside"] / "secret.csv"
    kpis = {
        "inside": "{type: file, path: data/inside.csv}",
        "parent": "{type: file, path: ../outside/secret.csv}",
        "absolute": f"{{type: file, path: {secret}}}",
        "linked": "{type: file, path: data/link.csv}",
        "passwd": "{type: file, path: /etc/passwd}",
    }
    assert run("apply", str(_disk_spec(sources["spec"], kpis)), "--db", db_url).code == 0
    outcomes, _, code = _pull(run, db_url)
    assert code == 1
    assert outcomes["SRC:Q#inside"]["added"] == 1
    for name in ("parent", "absolute", "linked", "passwd"):
        outcome = outcomes[f"SRC:Q#{name}"]
        assert outcome["added"] == 0
        assert "ORGPLANE_SOURCE_DIRS" in str(outcome["error"]), outcome
        assert str(sources["spec"].resolve()) in str(outcome["error"])

    # As a table: one line on stderr per refused KPI, naming it and its source.
    table = run("kpi", "pull", "--db", db_url)
    lines = table.err.strip().splitlines()
    assert len(lines) == 4, table.err
    assert any("SRC:Q#passwd" in line and "/etc/passwd" in line for line in lines)

    monkeypatch.setenv("ORGPLANE_SOURCE_DIRS", str(sources["outside"]))
    outcomes, _, _ = _pull(run, db_url)
    for name in ("parent", "absolute", "linked"):
        assert outcomes[f"SRC:Q#{name}"]["error"] is None
    assert outcomes["SRC:Q#parent"]["added"] == 1
    assert "ORGPLANE_SOURCE_DIRS" in str(outcomes["SRC:Q#passwd"]["error"])


def test_pull_opens_no_file_a_spec_applied_over_the_api_names(
    run: Run,
    db_url: str,
    sources: dict[str, Path],
    request: pytest.FixtureRequest,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("ORGPLANE_SOURCE_DIRS", raising=False)
    secret = sources["outside"] / "secret.csv"
    kpis = {
        "absolute": f"{{type: file, path: {secret}}}",
        "relative": "{type: file, path: ../../outside/secret.csv}",
        "passwd": "{type: file, path: /etc/passwd}",
    }
    with _api(db_url, request.getfixturevalue("portal")) as (client, headers):
        applied = client.post(
            "/api/apply",
            content=_spec("API", kpis).encode(),
            headers={**headers, "Content-Type": "application/yaml"},
        )
        assert applied.status_code == 200, applied.text
    outcomes, _, code = _pull(run, db_url)
    assert code == 1
    for name in kpis:
        outcome = outcomes[f"API:Q#{name}"]
        assert outcome["added"] == 0
        assert "ORGPLANE_SOURCE_DIRS" in str(outcome["error"]), outcome

    monkeypatch.setenv("ORGPLANE_SOURCE_DIRS", str(sources["outside"]))
    outcomes, _, _ = _pull(run, db_url)
    assert outcomes["API:Q#absolute"]["added"] == 1
    assert outcomes["API:Q#relative"]["error"] is not None


def test_pull_asks_only_allowed_prometheus_hosts(
    run: Run, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ORGPLANE_PROMETHEUS_HOSTS", raising=False)
    kpis = {
        "foreign": "{type: prometheus, url: 'http://192.0.2.1:9090', query: up}",
        "userinfo": "{type: prometheus, url: 'http://127.0.0.1@192.0.2.1:9090', query: up}",
        "local": "{type: prometheus, url: 'http://127.0.0.1:9', query: up, range: 999999w}",
    }
    assert run("apply", str(_disk_spec(tmp_path / "org", kpis)), "--db", db_url).code == 0
    outcomes, _, code = _pull(run, db_url)
    assert code == 1
    for name in ("foreign", "userinfo"):
        error = str(outcomes[f"SRC:Q#{name}"]["error"])
        assert "192.0.2.1" in error
        assert "ORGPLANE_PROMETHEUS_HOSTS" in error
    # Loopback is allowed: asked, and it does not answer (a range back past the epoch
    # starts at the epoch).
    assert "cannot connect" in str(outcomes["SRC:Q#local"]["error"])


@pytest.mark.parametrize(
    ("url", "hosts", "allowed"),
    [
        ("http://localhost:9090", (), True),
        ("http://127.8.0.1:9090", (), True),
        ("http://[::1]:9090", (), True),
        ("http://[::ffff:127.0.0.1]:9090", (), True),
        ("http://0.0.0.0:9090", (), False),
        ("http://2130706433:9090", (), False),
        ("http://localhost.evil.example:9090", (), False),
        ("http://prom.example:9090", ("prom.example",), True),
        ("https://prom.example", ("prom.example:443",), True),
        ("http://prom.example:9091", ("prom.example:9090",), False),
        ("http://prom.example.evil:9090", ("prom.example",), False),
        ("http://[fd00::1]:9090", ("[fd00::1]:9090",), True),
        ("http://prom.example:bad", ("prom.example",), False),
        ("ftp://localhost/", (), False),
    ],
)
def test_the_prometheus_allow_list(url: str, hosts: tuple[str, ...], allowed: bool) -> None:
    policy = SourcePolicy(prometheus_hosts=hosts)
    if allowed:
        assert policy.prometheus_url({"url": url}) == url
    else:
        with pytest.raises(SourceRefusedError):
            policy.prometheus_url({"url": url})


@contextmanager
def _api(url: str, runner: BlockingPortal) -> Iterator[tuple[httpx.Client, dict[str, str]]]:
    """A client of a server on the database at ``url``, and an editor's headers."""
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            secret = create_token(session=session, role="editor", actor="tests").secret
        with client_for(create_app(DEV_SETTINGS, engine), runner) as client:
            yield client, {"Authorization": f"Bearer {secret}"}
    finally:
        engine.dispose()


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_an_import_of_a_device_or_fifo_is_refused_without_reading(
    run: Run, applied: str, tmp_path: Path, kind: str
) -> None:
    data = tmp_path / "m.csv"
    if kind == "device":
        data.symlink_to("/dev/zero")  # endless: reading it would never finish
    else:
        os.mkfifo(data)  # no writer: opening it for reading would wait forever
    result = run("kpi", "import", str(data), "--kpi", "Q#depth", "--db", applied)
    _one_line_error(result, "m.csv", "not a regular file")
