"""The web pages in-process (no browser): errors are pages, ``/`` finds the first org, and
nothing a spec says can become markup. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from orgplane.model import Org
from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.settings import get_settings
from orgplane.spec import load_spec, load_spec_text
from orgplane.web import create_app

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

#: An org whose every shown string tries to become markup.
HOSTILE_SPEC = """\
version: 1
org:
  code: XSS
  name: "Evil <script>alert('org')</script> Org"
  description: "<img src=x onerror=alert('desc')>"
people:
- id: mallory
  name: "Mallory <b onmouseover=alert(1)>"
groups:
- code: H1
  kind: department
  name: "<script>alert('group')</script>"
  description: "\\"><svg onload=alert('d')>"
  leads: [mallory]
  responsibilities: ["<iframe src=javascript:alert(1)>"]
  kpis: ["Uptime ≥ 99.9% <script>k</script>"]
  stack:
  - name: "<marquee>"
    version: "1.0\\"><x>"
  groups:
  - code: H-2
    kind: squad
    name: "Squad & <u>co</u>"
    dependencies:
    - target: H1
      provides: "<script>alert('edge')</script>"
    - target: "<nope>"
      provides: "x"
catalog:
- id: evil-entry
  name: "<script>alert('catalog')</script>"
  owner: H1
  description: "</td><script>alert('td')</script>"
  tools: ["<tool>"]
"""

#: The only tags the pages may contain; a spec's string never adds one.
PAGE_TAGS = {
    "html", "head", "meta", "title", "link", "script", "body", "a", "header", "nav", "form",
    "label", "select", "option", "noscript", "button", "main", "footer", "p", "h1", "h2",
    "h3", "span", "div", "section", "dl", "dt", "dd", "ul", "li", "small", "strong", "br",
    "table", "thead", "tbody", "tr", "th", "td", "input", "details", "summary",
    "svg", "defs", "marker", "path", "rect", "text", "g",
}  # fmt: skip


class _Page(HTMLParser):
    """A page's tags (with attributes) and text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _apply(engine: Engine, org: Org) -> None:
    with Session(engine) as session:
        apply_spec(
            session=session,
            org=org,
            findings=default_registry().check(org),
            actor="test",
            accept_errors=True,
        )


def _client(engine: Engine) -> TestClient:
    return TestClient(
        create_app(get_settings({}), engine), base_url="http://127.0.0.1", follow_redirects=False
    )


@pytest.fixture
def client(engine: Engine) -> Iterator[TestClient]:
    """The server in-process, over CIPO (with its 2 errors) and the hostile org XSS."""
    _apply(engine, load_spec(EXAMPLES / "cipo"))
    _apply(engine, load_spec_text(HOSTILE_SPEC, "hostile.yaml"))
    with _client(engine) as client:
        yield client


def _assert_html_page(response: Any, status: int) -> _Page:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    page = _Page(response.text)
    assert page.tags[0][0] == "html"
    assert page.tags[0][1].get("lang") == "en"
    assert ("a", {"class": "skip", "href": "#content"}) in page.tags
    return page


def test_the_front_door_lists_every_org_with_its_health(client: TestClient) -> None:
    page = _assert_html_page(client.get("/"), 200)
    text = " ".join(" ".join(page.text).split())
    links = [a.get("href") for tag, a in page.tags if tag == "a"]
    assert links.index("/orgs/CIPO") < links.index("/orgs/XSS")  # by code
    cards = text[text.index("each at a glance") :]  # after the title and the org picker
    cipo = cards[cards.index("Chief Infrastructure") : cards.index("Evil")]
    # No measurements yet: its KPIs, then what the validator found, then its size.
    assert "KPIs no data 45 KPIs, none measured" in cipo
    assert "Findings 2 errors · 1 warning · 2 info" in cipo
    assert "On call no rotation" in cipo
    assert "Open pages none" in cipo
    assert "Size 0 people · 104 groups · no catalog" in cipo
    assert "/orgs/CIPO/findings" in links
    assert client.get("/switch", params={"org": "XSS"}).headers["location"] == "/orgs/XSS"
    # The picker's value stays one path segment, whatever it holds.
    odd = client.get("/switch", params={"org": "../api/orgs?x=1"})
    assert odd.headers["location"] == "/orgs/..%2Fapi%2Forgs%3Fx%3D1"


def test_home_of_an_empty_database_says_what_to_do(engine: Engine) -> None:
    with _client(engine) as client:
        page = _assert_html_page(client.get("/"), 404)
    assert "no org has been applied yet: run 'orgplane apply SPEC'" in "".join(page.text)


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/orgs/NOPE", "no org 'NOPE'"),
        ("/orgs/NOPE/catalog", "no org 'NOPE'"),
        ("/orgs/NOPE/findings", "no org 'NOPE'"),
        ("/orgs/NOPE/groups/1B", "no org 'NOPE'"),
        ("/orgs/CIPO/groups/ZZ-99", "no group 'ZZ-99' in org CIPO"),
        ("/orgs/CIPO/groups/1B/nope", "no group '1B/nope' in org CIPO"),
        ("/no/such/page", "Not Found"),
    ],
)
def test_not_found_is_an_html_page(client: TestClient, path: str, detail: str) -> None:
    page = _assert_html_page(client.get(path), 404)
    assert ("title", {}) in page.tags
    assert "Not found · orgplane" in page.text
    assert detail in "".join(page.text)
    assert "Back to the start" in page.text


def test_the_api_keeps_its_problem_json(client: TestClient) -> None:
    response = client.get("/api/orgs/NOPE")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["status"] == 404


def test_other_errors_are_pages_too(client: TestClient) -> None:
    ambiguous = _assert_html_page(client.get("/orgs/CIPO/groups/U-RE1"), 409)
    text = "".join(ambiguous.text)
    assert "1C/C-5/U-RE1" in text
    assert "1F/F-6/U-RE1" in text
    bad_cursor = _assert_html_page(client.get("/orgs/CIPO/catalog?after=forged.cursor"), 400)
    assert "not a cursor of this list" in "".join(bad_cursor.text)
    too_long = _assert_html_page(client.get("/orgs/CIPO/catalog", params={"q": "x" * 201}), 400)
    assert "q: String should have at most 200 characters" in "".join(too_long.text)


@pytest.mark.parametrize(
    ("path", "shown"),
    [
        ("/orgs/XSS", ["Evil <script>alert('org')</script> Org", "<script>alert('group')</script>"]),
        (
            "/orgs/XSS/groups/H1",
            [
                "<script>alert('group')</script>",
                "\"><svg onload=alert('d')>",
                "<iframe src=javascript:alert(1)>",
                "Uptime ≥ 99.9% <script>k</script>",
                "<marquee>",
                "Mallory <b onmouseover=alert(1)>",
            ],
        ),
        ("/orgs/XSS/groups/H1/H-2", ["Squad & <u>co</u>", "<nope>", "<script>alert('edge')</script>"]),
        ("/orgs/XSS/search?q=alert", ["<script>alert('group')</script>"]),
        ("/orgs/XSS/search?q=%3Cimg%20src%3Dx%3E", ["<img src=x>"]),
        ("/orgs/XSS/catalog", ["<script>alert('catalog')</script>", "</td><script>alert('td')</script>", "<tool>"]),
        ("/orgs/XSS/catalog?q=%3Cscript%3E", ["<script>"]),
        ("/orgs/XSS/findings", ['unknown group "<nope>" in dependency of H-2']),
        ("/orgs/CIPO", ["Evil <script>alert('org')</script> Org"]),  # in the org picker
    ],
)  # fmt: skip
def test_strings_from_the_spec_are_text_never_markup(
    client: TestClient, path: str, shown: list[str]
) -> None:
    response = client.get(path)
    assert response.status_code == 200, response.text[:300]
    page = _Page(response.text)
    unexpected = {tag for tag, _ in page.tags} - PAGE_TAGS
    assert not unexpected, f"{path} has markup from the spec: {unexpected}"
    for tag, attrs in page.tags:
        if tag == "script":  # the server's own files only, by a root-relative path
            assert attrs.get("src") in ("/static/htmx.min.js", "/static/app.js"), attrs
        handlers = {name for name in attrs if name.startswith("on")}
        assert not handlers, (tag, attrs)  # no inline handler: the CSP runs none
    text = "".join(page.text)
    for string in shown:  # shown as the text it is, not dropped
        assert string in text, f"{string!r} is not on {path}"
