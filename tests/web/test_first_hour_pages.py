"""The pages a first visit sees, in-process over the four example orgs: the org tree with
leads, what each group owns and its KPI status; a group page that puts people and what
the group owns first and leaves out empty cards; and empty states that say what is
true ("no catalog yet", "No KPIs yet", "1 group")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.services.measurements import Measurement, record
from orgplane.settings import get_settings
from orgplane.spec import load_spec
from orgplane.store import create_engine, upgrade
from orgplane.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    url = f"sqlite:///{tmp_path_factory.mktemp('pages') / 'orgplane.db'}"
    upgrade(url)
    engine = create_engine(url)
    with Session(engine) as session:
        for name in ("cipo", "data-infra", "plugilo-infra", "infra-ops"):
            org = load_spec(EXAMPLES / name)
            found = default_registry().check(org)
            apply_spec(session=session, org=org, findings=found, actor="t", accept_errors=True)
        now = datetime.now(UTC)
        record(
            session,
            [Measurement("B-2#p95-latency", now - timedelta(hours=1), 0.009)],
            actor="t",
            org_code="CIPO",
        )
    with TestClient(create_app(get_settings({}), engine), base_url="http://127.0.0.1") as c:
        yield c
    engine.dispose()


def _text(client: TestClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    return " ".join(re.sub(r"<[^>]+>", " ", response.text).split())


def test_the_org_tree_shows_status_what_each_group_owns_and_leads(client: TestClient) -> None:
    cipo = client.get("/orgs/CIPO").text
    # B-2's latency is breached: its badge, and its department's, say so.
    b2 = re.search(r'href="/orgs/CIPO/groups/1B/B-2">Storage Services</a>.*?</summary>', cipo)
    assert b2 is not None
    assert 'class="pill small breached"' in b2.group(0)
    assert 'title="KPIs: 0 of 1 met (0%), 1 breached, 1 no data"' in b2.group(0)
    dit = _text(client, "/orgs/DIT")
    assert "Data Platform Team subteam owns 11" in dit
    assert "4 groups" in dit
    iot = _text(client, "/orgs/IOT")
    assert "1 group" in iot
    assert "1 groups" not in iot


def test_a_group_page_puts_people_and_what_it_owns_first(client: TestClient) -> None:
    page = _text(client, "/orgs/DIT/groups/data-platform-team")
    members = page.index("Members Eng 1, Eng 2")
    owns = page.index("Owns 11 in the catalog")
    responsibilities = page.index("Responsibilities")
    assert members < owns < responsibilities
    assert "Kafka" in page[owns:responsibilities]
    # No card that would only say there is nothing in it.
    for empty in ("none named", "None written", "No findings about this group", "Lead:"):
        assert empty not in page


def test_empty_cards_are_left_out(client: TestClient) -> None:
    page = _text(client, "/orgs/CIPO/groups/1G")
    for empty in ("none named", "None written", "Responsibilities", "Stack", "Owns", "On call now"):
        assert empty not in page
    assert "Depends on 1G (3)" in page  # others plan their capacity with it
    assert "1G depends on (0) Nothing." in page
    assert "Findings" in page  # 1G has one: a department with no groups under it


def test_empty_states_say_what_is_true(client: TestClient) -> None:
    catalog = _text(client, "/orgs/PI/catalog")
    assert "Plugilo Infrastructure has no catalog yet" in catalog
    assert "No catalog entries match" not in catalog
    filtered = _text(client, "/orgs/DIT/catalog?q=zzzz")
    assert "No catalog entries match: 62 entries in all." in filtered
    scorecard = _text(client, "/orgs/PI/scorecard")
    assert "No KPIs yet" in scorecard
    assert "No measurements yet" not in scorecard
    unmeasured = _text(client, "/orgs/DIT/scorecard")
    assert "No KPIs yet" in unmeasured or "No measurements yet" in unmeasured
