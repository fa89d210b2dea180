"""The CLI, the API and the web pages say the same thing, read from one database: what
depends on a group, and how a group's KPIs stand (at risk is not met)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from orgplane.services.measurements import Measurement, record
from tests.api.conftest import Server
from tests.cli_run import Run


def _page_text(server: Server, path: str) -> str:
    response = server.client.get(path)
    assert response.status_code == 200, response.text[:300]
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_what_depends_on_a_squad_is_the_same_everywhere(fresh: Server, run: Run) -> None:
    cli = json.loads(run("deps", "B-2", "--reverse", "--db", fresh.url, "--json").out)
    api = fresh.client.get("/api/orgs/CIPO/groups/1B/B-2/dependents").json()
    page = _page_text(fresh, "/orgs/CIPO/groups/1B/B-2")
    # Nothing depends on B-2 itself; the nine that depend on 1B as a whole are 1B's.
    assert cli == []
    assert api == []
    assert "Depends on B-2 (0)" in page
    assert "9 groups depend on 1B, the department B-2 is in, as a whole: not on B-2" in page
    assert "Cluster-API" not in page
    text = run("deps", "B-2", "--reverse", "--db", fresh.url).out
    assert "9 groups depend on 1B, the department B-2 is in, as a whole: not on B-2" in text
    # And what depends on 1B is the same list in all three, B-2's dependents among them.
    cli_1b = {
        row["path"]
        for row in json.loads(run("deps", "1B", "-r", "-d", "1", "--db", fresh.url, "--json").out)
    }
    api_1b = fresh.client.get("/api/orgs/CIPO/lookups/impact", params={"group": "1B", "depth": 1})
    assert {g["path"] for g in api_1b.json()["affected"]} == cli_1b
    page_1b = _page_text(fresh, "/orgs/CIPO/groups/1B")
    assert f"Depends on 1B ({len(cli_1b)})" in page_1b
    assert all(path in page_1b for path in cli_1b)


def test_a_kpi_at_risk_is_not_met_in_the_cli_the_api_or_the_web(fresh: Server, run: Run) -> None:
    now = datetime.now(UTC)
    with Session(fresh.engine) as session:
        # P95 latency < 5ms at 4.9 ms: meets the target within 5% of it, so at risk.
        record(
            session,
            [Measurement("B-2#p95-latency", now - timedelta(hours=h), 0.0049) for h in (1, 2)],
            actor="test",
            org_code="CIPO",
        )
    words = "0 of 1 met (0%), 1 at risk, 1 no data"
    cli = json.loads(run("scorecard", "B-2", "--db", fresh.url, "--format", "json").out)
    assert cli[0]["rollup"]["summary"] == words
    assert cli[0]["rollup"]["share_met"] == 0.0
    assert words in " ".join(run("scorecard", "B-2", "--db", fresh.url).out.split())
    api = fresh.client.get("/api/orgs/CIPO/scorecard", params={"group": "B-2"}).json()
    assert api["rollup"]["summary"] == words
    assert api["rollup"]["status"] == "at_risk"
    page = _page_text(fresh, "/orgs/CIPO/groups/1B/B-2")
    assert f"KPIs of B-2 and below: at risk {words}" in page
    org = _page_text(fresh, "/orgs/CIPO/scorecard")
    assert "0 of 1 met (0%), 1 at risk, 44 no data" in org
