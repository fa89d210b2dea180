"""KPIs over HTTP: record measurements, read them back, scorecards, and /metrics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.api.conftest import Server, assert_problem, snapshot

NOW = datetime.now(UTC).replace(microsecond=0)


def _post(server: Server, items: list[dict[str, object]], role: str = "editor") -> object:
    return server.client.post(
        "/api/orgs/CIPO/measurements", json={"measurements": items}, headers=server.auth(role)
    )


def _points(hours: int, value: float) -> list[dict[str, object]]:
    return [
        {
            "kpi": "B-1#api-uptime",
            "at": (NOW - timedelta(hours=h)).isoformat(),
            "value": value,
            "good": value * 1000,
            "total": 1000,
        }
        for h in range(1, hours + 1)
    ]


def test_an_editor_records_measurements_once(fresh: Server) -> None:
    response = fresh.client.post(
        "/api/orgs/CIPO/measurements",
        json={"measurements": _points(3, 0.9999)},
        headers=fresh.auth("editor"),
    )
    assert response.status_code == 201, response.text
    assert response.json()["added"] == 3
    again = fresh.client.post(
        "/api/orgs/CIPO/measurements",
        json={"measurements": _points(3, 0.9999)},
        headers=fresh.auth("editor"),
    )
    assert again.json() == {
        "added": 0,
        "skipped": 3,
        "kpis": {"CIPO:1B/B-1#api-uptime": {"added": 0, "skipped": 3}},
    }
    audit = fresh.client.get(
        "/api/audit", params={"action": "kpi.record"}, headers=fresh.auth("admin")
    ).json()
    assert len(audit["items"]) == 1


def test_writes_need_an_editor_token_and_bad_input_is_a_problem(fresh: Server) -> None:
    before = snapshot(fresh.engine)
    body = {"measurements": _points(1, 0.99)}
    assert_problem(fresh.client.post("/api/orgs/CIPO/measurements", json=body), 401)
    assert_problem(
        fresh.client.post("/api/orgs/CIPO/measurements", json=body, headers=fresh.auth("viewer")),
        403,
    )
    for bad in (
        [{"kpi": "B-1#nope", "at": NOW.isoformat(), "value": 1}],
        [{"kpi": "B-1#api-uptime", "at": "2026-11-20T10:00:00", "value": 1}],
        [{"kpi": "B-1#api-uptime", "at": NOW.isoformat(), "value": 1, "good": 5, "total": 1}],
        [{"kpi": "B-1#api-uptime", "at": NOW.isoformat(), "value": "high"}],
    ):
        response = fresh.client.post(
            "/api/orgs/CIPO/measurements",
            json={"measurements": bad},
            headers=fresh.auth("editor"),
        )
        problem = assert_problem(response)
        assert 400 <= response.status_code < 500, problem
    assert snapshot(fresh.engine) == before


def test_series_are_cursor_paged(fresh: Server) -> None:
    fresh.client.post(
        "/api/orgs/CIPO/measurements",
        json={"measurements": _points(5, 0.999)},
        headers=fresh.auth("editor"),
    )
    seen: list[str] = []
    params: dict[str, str | int] = {"kpi": "1B/B-1#api-uptime", "limit": 2}
    while True:
        page = fresh.client.get("/api/orgs/CIPO/measurements", params=params).json()
        seen += [item["at"] for item in page["items"]]
        if not page["next_cursor"]:
            break
        params["cursor"] = page["next_cursor"]
    assert len(seen) == 5
    assert seen == sorted(seen)


def test_kpis_and_the_scorecard_show_status(fresh: Server) -> None:
    fresh.client.post(
        "/api/orgs/CIPO/measurements",
        json={"measurements": _points(24, 0.99)},  # below 99.95%: breached
        headers=fresh.auth("editor"),
    )
    kpis = fresh.client.get("/api/orgs/CIPO/kpis", params={"group": "1B/B-1"}).json()
    (uptime,) = [k for k in kpis["items"] if k["id"] == "api-uptime"]
    assert uptime["status"] == "breached"
    assert uptime["display"] == "99%"
    assert uptime["budget_remaining"] < 0
    card = fresh.client.get("/api/orgs/CIPO/scorecard").json()
    assert card["rollup"]["counts"]["breached"] == 1
    one_b = next(c for c in card["children"] if c["code"] == "1B")
    assert one_b["rollup"]["status"] == "breached"
    group = fresh.client.get(
        "/api/orgs/CIPO/scorecard", params={"group": "B-1", "sparkline": True}
    ).json()
    assert group["kpis"][0]["sparkline"][-1] == 0.99
    metrics = fresh.client.get("/metrics").text
    label = 'group="1B/B-1",kpi="api-uptime",org="CIPO"'
    assert f"orgplane_kpi_status{{{label}}} 3.0" in metrics
    assert f"orgplane_kpi_target{{{label}}} 0.9995" in metrics
    assert f"orgplane_error_budget_remaining{{{label}}}" in metrics
