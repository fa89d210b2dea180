"""Stored XSS: a spec whose every text field is a script payload, served by the real
``orgplane serve`` and read in a real browser, never runs a line of it.

The spec (two orgs, so the org picker shows too) puts the payloads in every text field
the model has: names, descriptions, notes, responsibilities, stack, KPI texts and notes,
what a dependency provides, people, roles, catalog entries, policies, processes. Some of
them produce findings, which quote them back. A KPI of each org's group has
measurements, so KPI rows, roll-ups and sparklines are drawn. Then the browser opens
every page of the web UI: the org, the live search (typed into its box and swapped in
by htmx, and as a bare fragment), each group, the catalog with its filters, the
findings, the scorecards, and error pages that quote a payload from the address.

Each page is checked twice, as two defences: with the Content-Security-Policy bypassed
(so escaping alone must hold: a payload that became markup would open a dialog) and
with it enforced (what a user's browser does; nothing may even try to run, so the
browser reports no violation). On each page: no dialog opened, no element carries an
``on*`` attribute, the only scripts are the app's own files under /static, no link
or form points at a ``javascript:`` address, every element is one the templates write,
the policy header is sent, and the payloads are there as text, where the page shows
the field (so the test cannot pass by showing nothing).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
import yaml
from playwright.sync_api import Browser, Page, Response
from sqlalchemy.orm import Session

from orgplane.services.measurements import Measurement, record
from orgplane.store.engine import create_engine
from tests.attack._browser import Watch, dom_problems, settle
from tests.web.servers import ServerProcess

#: Each payload tries another way out of the text: an element, an attribute, a script
#: string, a template, the <title> and <style> raw-text elements, a <textarea>, and
#: elements whose handlers fire by themselves (no click needed).
PAYLOADS = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(2)>',
    "<svg onload=alert(3)>",
    "'-alert(5)-'",
    "[{{7*7}}]",
    "</title><script>alert(6)</script>",
    "</style><script>alert(7)</script>",
    "</textarea><details open ontoggle=alert(8)>",
    "'><input autofocus onfocus=alert(9)>",
)
HOSTILE = " ".join(PAYLOADS)
#: In every field that holds a reference or an address (a dependency's target, a
#: catalog entry's owner, a person's e-mail): were it made a link, a click would run it.
LINK = "javascript:alert(4)"
#: Searches and filters hold at most 200 characters: the payloads in two halves.
HALVES = (" ".join(PAYLOADS[:5]), " ".join(PAYLOADS[5:]))
#: Searches that find nothing, so the page says what was searched for.
SEARCHES = tuple(f"nomatch {half}" for half in HALVES)
#: ``{{7*7}}`` evaluated by a template engine.
EVALUATED = "[49]"


def hostile(label: str) -> str:
    """The text of one field: its label (to tell fields apart) and every payload."""
    return f"{label} {HOSTILE}"


def _org_spec() -> dict[str, Any]:
    t = hostile
    return {
        "version": 1,
        "org": {
            "code": "XSS",
            "name": t("org"),
            "description": t("org-desc"),
            "leads": ["mallory"],
        },
        "people": [
            {"id": "mallory", "name": t("mallory"), "email": LINK, "chat": LINK, "roles": ["r1"]},
            {"id": "trudy", "name": t("trudy"), "timezone": t("tz")},
        ],
        "roles": [
            {
                "id": "r1",
                "name": t("role"),
                "description": t("role-desc"),
                "specialty": t("role-specialty"),
                "group": "G1",
                "responsibilities": [t("role-resp")],
                "internal_id": t("role-internal"),
            }
        ],
        "groups": [
            {
                "code": "G1",
                "kind": "department",
                "name": t("g1"),
                "description": t("g1-desc"),
                "leads": ["mallory"],
                "members": ["trudy"],
                "responsibilities": [t("g1-resp")],
                "stack": [{"name": t("g1-stack"), "version": t("g1-ver"), "note": t("g1-sn")}],
                "kpis": [
                    {
                        "id": "uptime",
                        "text": f"Uptime ≥ 99.9% ({HOSTILE})",
                        "name": t("kpi-name"),
                        "note": t("kpi-note"),
                    },
                    {"id": "vague", "text": t("kpi-vague")},  # qualitative: a finding
                ],
                "dependencies": [
                    {"target": LINK, "provides": t("dep-link")},  # unknown: a finding
                    {"target": t("dep-target"), "provides": t("dep-x"), "note": t("dep-note")},
                ],
                "stakeholders": [t("g1-stake")],
                "boundaries": [t("g1-bound")],
                "notes": [t("g1-note")],
                "groups": [
                    {
                        "code": "G-2",
                        "kind": "squad",
                        "name": t("g2"),
                        "members": ["mallory"],
                        "kpis": [{"id": "latency", "text": f"P95 latency < 5ms ({HOSTILE})"}],
                        "dependencies": [{"target": "G1", "provides": t("g2-provides")}],
                    },
                ],
            },
            {
                "code": "G3",
                "kind": "department",
                "name": t("g3"),
                # Forbidden by the policy below: a finding that quotes the policy's note.
                "dependencies": [{"target": "G1", "provides": t("g3-provides")}],
            },
        ],
        "catalog": [
            {
                "id": "e1",
                "name": t("cat"),
                "owner": LINK,  # unknown: shown as text, and a finding
                "description": t("cat-desc"),
                "lifecycle": t("cat-life"),
                "sla": t("cat-sla"),
                "contact": LINK,
                "intake": t("cat-intake"),
                "escalation": [t("cat-esc")],
                "tools": [t("cat-tool")],
            },
            {"id": "e2", "name": t("cat2"), "owner": "G1", "description": t("cat2-desc")},
        ],
        "policies": {
            "forbidden_interfaces": [{"groups": ["G1", "G3"], "note": t("policy-note")}],
            "authorities": [
                {
                    "group": "G1",
                    "subjects": [{"name": t("subject"), "match": [t("match")]}],
                    "note": t("auth-note"),
                }
            ],
            "review_cadences": [{"name": t("review"), "note": t("review-note")}],
            "change_classes": [{"name": t("change"), "approvers": [t("approver")]}],
            "planning_cycle": {"name": t("cycle"), "build_weeks": 6},
            "career_ladder": [t("ladder")],
        },
        "oncall": [
            {
                "id": "rot",
                "name": t("rotation"),
                "group": "G1",
                "primary": t("primary"),
                "escalation": [{"to": t("escalate"), "note": t("esc-note")}],
            }
        ],
        "templates": [{"id": "incident", "name": t("template"), "body": t("body")}],
        "gates": [{"id": "gate", "name": t("gate"), "checks": [t("check")]}],
        "workflows": [
            {
                "id": "flow",
                "name": t("flow"),
                "trigger": t("trigger"),
                "steps": [{"actor": t("actor"), "actions": [t("action")]}],
            }
        ],
        "roadmap": [{"name": t("phase"), "weeks": t("weeks"), "deliverables": [t("deliver")]}],
        "glossary": [{"term": t("term"), "definition": t("definition")}],
        "notes": [t("org-note")],
    }


def _second_org_spec() -> dict[str, Any]:
    """A second org: with two, every page carries the org picker and its names."""
    return {
        "version": 1,
        "org": {"code": "XS2", "name": hostile("org2"), "description": hostile("org2-desc")},
        "groups": [{"code": "A", "name": hostile("a"), "kpis": ["Availability ≥ 99%"]}],
    }


def _measure(db_url: str) -> None:
    """Two weeks of measurements for a KPI of each group, so rows, roll-ups and
    sparklines are drawn (as ``orgplane kpi record`` stores them)."""
    now = datetime.now(UTC)
    uptime = [
        Measurement("G1#uptime", now - timedelta(hours=h), 0.9995) for h in range(1, 14 * 24, 12)
    ]
    latency = [
        Measurement("G1/G-2#latency", now - timedelta(hours=h), 0.002 + h % 24 * 1e-4)
        for h in range(1, 14 * 24, 12)
    ]
    engine = create_engine(db_url)
    try:
        with Session(engine) as session:
            record(session, [*uptime, *latency], actor="attack-test", org_code="XSS")
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """``orgplane serve`` of the two hostile orgs (applied despite their findings)."""
    folder = tmp_path_factory.mktemp("xss")
    specs = []
    for name, spec in (("xss.yaml", _org_spec()), ("xs2.yaml", _second_org_spec())):
        path = folder / name
        path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), "utf-8")
        specs.append(str(path))
    db_url = f"sqlite:///{folder / 'xss.db'}"
    server = ServerProcess(
        [*specs, "--allow-errors", "--db", db_url], cwd=folder, log=folder / "server.log"
    )
    try:
        server.start()
        _measure(db_url)
        yield server
    finally:
        server.stop()


def _q(text: str) -> str:
    return quote(text, safe="")


@dataclass(frozen=True)
class Visit:
    """A page to open, and the texts it must show (the fields it displays)."""

    path: str
    shows: tuple[str, ...] = ()
    status: int = 200
    #: A fragment htmx swaps into a page, without the page around it.
    fragment: bool = False
    #: Elements the page must draw (a scored KPI's status and its sparkline).
    draws: tuple[str, ...] = ()


ORG_SHOWS = (hostile("org"), hostile("org-desc"), hostile("g1"), hostile("g2"), hostile("g3"))
MEASURED = (".kpis .pill.met", ".kpis svg.spark path.line")
UPTIME = f"Uptime ≥ 99.9% ({HOSTILE})"
VISITS = [
    Visit("/orgs/XSS", ORG_SHOWS),
    Visit("/orgs/XS2", (hostile("org2"), hostile("org2-desc"), hostile("a"))),
    Visit(f"/orgs/XSS/search?q={_q('onerror alert')}", (hostile("g1"), hostile("g2")), 200, True),
    *(
        Visit(f"/orgs/XSS/search?q={_q(q)}", (f"Nothing matches “{q}”",), 200, True)
        for q in SEARCHES
    ),
    Visit(
        "/orgs/XSS/groups/G1",
        (
            hostile("g1"),
            hostile("g1-desc"),
            hostile("mallory"),
            hostile("trudy"),
            hostile("g1-resp"),
            hostile("g1-stack"),
            hostile("g1-ver"),
            UPTIME,
            hostile("kpi-note"),
            hostile("dep-link"),
            LINK,
            hostile("dep-target"),
            hostile("dep-x"),
            # G-2's dependency on G1, its parent, is inside G1: on G-2's page, not G1's.
            hostile("g3-provides"),
            hostile("g1-stake"),
            hostile("g1-bound"),
            hostile("g1-note"),
            f'unknown group "{LINK}"',
        ),
        draws=MEASURED,
    ),
    Visit(
        "/orgs/XSS/groups/G1/G-2",
        (
            hostile("g2"),
            hostile("mallory"),
            f"P95 latency < 5ms ({HOSTILE})",
            hostile("g2-provides"),
        ),
        draws=MEASURED,
    ),
    Visit("/orgs/XSS/groups/G3", (hostile("g3"), hostile("g3-provides"))),
    Visit(
        "/orgs/XSS/catalog",
        (hostile("cat"), hostile("cat-desc"), LINK, hostile("cat-tool"), hostile("cat2")),
    ),
    Visit(f"/orgs/XSS/catalog?q={_q(PAYLOADS[1])}&kind=service&owner=G1", (hostile("cat2"),)),
    *(
        Visit(f"/orgs/XSS/catalog?q={_q(half)}&kind={_q(PAYLOADS[2])}&owner={_q(HOSTILE)}")
        for half in HALVES
    ),
    Visit(
        "/orgs/XSS/findings",
        (
            f'unknown group "{LINK}"',
            f'unknown group "{hostile("dep-target")}"',
            f'KPI "{hostile("kpi-vague")}"',
            hostile("policy-note"),
        ),
    ),
    Visit("/orgs/XSS/scorecard", (hostile("org"), hostile("g1"), hostile("g2"), hostile("g3"))),
    Visit("/orgs/XSS/scorecard?group=G1", (hostile("g1"), UPTIME, hostile("g2")), draws=MEASURED),
    Visit("/orgs/XSS/scorecard?group=G1/G-2&levels=3", (hostile("g2"),)),
    # Error pages quote the address they could not find.
    Visit(f"/orgs/{_q(PAYLOADS[1])}", (PAYLOADS[1],), 404),
    Visit(f"/orgs/XSS/groups/{_q(HOSTILE)}", (f"no group {HOSTILE!r}",), 404),
    Visit(f"/orgs/XSS/scorecard?group={_q(HOSTILE)}", (f"no group {HOSTILE!r}",), 404),
    Visit(f"/switch?org={_q(PAYLOADS[2])}", (PAYLOADS[2],), 404),
    Visit(f"/orgs/XSS/catalog?after={_q(HOSTILE)}", (), 400),
    Visit(f"/{_q(HOSTILE)}", (), 404),
]


def _problems(page: Page, visit: Visit, response: Response | None) -> list[str]:
    """Everything wrong with the page now open."""
    where = visit.path
    problems = []
    if response is None:
        return [f"{where}: no response"]
    if response.status != visit.status:
        problems.append(f"{where}: status {response.status}, expected {visit.status}")
    policy = response.headers.get("content-security-policy", "")
    if "script-src 'self';" not in policy or "object-src 'none'" not in policy:
        problems.append(f"{where}: Content-Security-Policy {policy!r}")
    if response.headers.get("x-content-type-options") != "nosniff":
        problems.append(f"{where}: no nosniff")
    problems += dom_problems(page, where, fragment=visit.fragment)
    problems += [f"{where}: draws no {css}" for css in visit.draws if not page.locator(css).count()]
    text = page.locator("body").inner_text()
    problems += [f"{where}: not shown as text: {s!r}" for s in visit.shows if s not in text]
    if EVALUATED in text or EVALUATED in page.title():
        problems.append(f"{where}: a template evaluated {{{{7*7}}}}")
    return problems


@pytest.fixture(params=["csp-bypassed", "csp-enforced"])
def hostile_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """One page for all the visits, in a context of its own: with the policy bypassed
    (escaping alone must hold), or enforced as a user's browser does."""
    context = browser.new_context(bypass_csp=request.param == "csp-bypassed", locale="en-US")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_no_page_runs_what_the_spec_wrote(
    hostile_page: Page, hostile_server: ServerProcess
) -> None:
    page, watch = hostile_page, Watch()
    watch.attach(page)
    problems: list[str] = []
    for visit in VISITS:
        response = page.goto(hostile_server.url + visit.path)
        settle(page)
        problems += _problems(page, visit, response)
        if visit.path == "/orgs/XSS":
            title = page.title()
            if hostile("org") not in title:
                problems.append(f"/orgs/XSS: <title> is {title!r}")
            picker = page.locator("#org-switch option").all_text_contents()
            if {hostile("org2"), hostile("org")} != set(picker):
                problems.append(f"/orgs/XSS: org picker shows {picker!r}")
    assert not watch.dialogs, "\n".join(watch.dialogs)
    assert not problems, "\n".join(problems)
    assert not watch.violations, "\n".join(watch.violations)


def test_live_search_and_filters_swap_in_text(
    hostile_page: Page, hostile_server: ServerProcess
) -> None:
    """What htmx swaps into a page (it runs scripts in what it swaps) stays text."""
    page, watch = hostile_page, Watch()
    watch.attach(page)
    page.goto(f"{hostile_server.url}/orgs/XSS")
    # htmx itself is told to evaluate nothing and run no script it swaps in.
    page.wait_for_function("() => window.htmx !== undefined")
    assert page.evaluate("() => [htmx.config.allowEval, htmx.config.allowScriptTags]") == [
        False,
        False,
    ]
    with page.expect_response(lambda r: "/search?" in r.url) as searched:
        page.locator("#q").fill("onerror alert")
    assert "script-src 'self';" in searched.value.headers["content-security-policy"]
    results = page.locator("#search-results")
    results.get_by_text(hostile("g2")).wait_for()
    problems = []
    for query in SEARCHES:
        with page.expect_response(lambda r: "/search?" in r.url):
            page.locator("#q").fill(query)
        results.get_by_text(f"Nothing matches “{query}”").wait_for()
        settle(page)
        problems += dom_problems(page, f"/orgs/XSS after searching {query!r}")

    page.goto(f"{hostile_server.url}/orgs/XSS/catalog")
    with page.expect_response(lambda r: "/catalog?" in r.url):
        page.locator("input[name=q]").fill(PAYLOADS[1])
    page.locator("#catalog-rows").get_by_text(hostile("cat2")).wait_for()
    with page.expect_response(lambda r: "/catalog?" in r.url):
        page.locator("input[name=owner]").fill(HOSTILE)
    page.locator("#catalog-rows").get_by_text("No catalog entries match").wait_for()
    settle(page)
    problems += dom_problems(page, "/orgs/XSS/catalog after filtering")
    # The filters keep what was typed, as the value of their boxes.
    assert page.locator("input[name=owner]").input_value() == HOSTILE
    assert not watch.dialogs, "\n".join(watch.dialogs)
    assert not problems, "\n".join(problems)
    assert not watch.violations, "\n".join(watch.violations)
