"""The web UI in a real browser (Chromium, driven by Playwright) against the real server
(``orgplane serve`` with the bundled example orgs).

What a user does: open the org page, fold the tree, search "Storage", open B-2 and read
its KPIs and its dependency graph, filter the catalog, read the findings, read KPI status
on B-2's page and the scorecard — on a laptop and on a phone, with a mouse and with the
keyboard, in light and dark. Each test saves screenshots to ``test-artifacts/web/``.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from orgplane.services.measurements import Measurement, record
from orgplane.store.engine import create_engine
from tests.web.conftest import PHONE
from tests.web.servers import ServerProcess, http_get

#: Every kind of page, with what its <title> must say.
PAGES = [
    ("/orgs/CIPO", "Chief Infrastructure & Platform Officer"),
    ("/orgs/CIPO/groups/1B/B-2", "B-2 Storage Services"),
    ("/orgs/DIT/catalog", "Catalog · Data Infrastructure Team"),
    ("/orgs/CIPO/findings", "Findings · Chief Infrastructure & Platform Officer"),
    ("/orgs/NOPE", "Not found"),
]

#: WCAG 2 contrast ratio of an element's text (``color``, or ``fill`` for SVG text) to
#: the background it sits on (the nearest ancestor with an opaque background).
_CONTRAST_JS = """
([selector, property]) => {
  const el = document.querySelector(selector);
  if (!el) return null;
  const parse = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let node = el, back = [255, 255, 255];
  while (node && node.nodeType === 1) {
    const c = parse(getComputedStyle(node).backgroundColor);
    if (c.length < 4 || c[3] > 0) { back = c; break; }
    node = node.parentElement;
  }
  const fore = parse(getComputedStyle(el)[property]);
  const [a, b] = [lum(fore), lum(back)];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}
"""

_FOCUS_JS = """
() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  return {
    tag: el.tagName.toLowerCase(),
    text: (el.textContent || el.getAttribute('aria-label') || el.name || '').trim().slice(0, 40),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    shadow: s.boxShadow !== 'none',
  };
}
"""

#: Boxes of an SVG's elements in its own coordinates, for overlap checks.
_BOXES_JS = """
(selector) => Array.from(document.querySelectorAll(selector)).map((el) => {
  const b = el.getBBox();
  return [b.x, b.y, b.x + b.width, b.y + b.height, el.textContent];
})
"""


def _shot(page: Page, artifacts: Path, name: str) -> None:
    page.screenshot(path=artifacts / f"{name}.png", full_page=True)


def _api(server: ServerProcess, path: str) -> Any:
    status, _, body = http_get(server.port, path)
    assert status == 200, (path, status, body[:300])
    return json.loads(body)


def _mark_document(page: Page) -> None:
    """Tag the loaded document: if the tag is still there later, no page load happened."""
    page.evaluate("window.__sameDocument = true")


def _same_document(page: Page) -> bool:
    return bool(page.evaluate("window.__sameDocument === true"))


def _overlap(a: list[Any], b: list[Any]) -> bool:
    return bool(a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3])


def _assert_apart(first: list[list[Any]], second: list[list[Any]] | None = None) -> None:
    """No box of ``first`` overlaps another of ``first`` (or, given, one of ``second``)."""
    for i, a in enumerate(first):
        for b in first[i + 1 :] if second is None else second:
            assert not _overlap(a, b), f"{a[4]!r} overlaps {b[4]!r}"


def _assert_graph_is_tidy(page: Page, graph: str) -> None:
    """In the SVG ``graph``: no two boxes overlap, no two texts overlap, and no edge
    label sits on a box it does not belong to."""
    rects = page.evaluate(_BOXES_JS, f"{graph} rect")
    texts = page.evaluate(_BOXES_JS, f"{graph} text")
    outside = page.evaluate(_BOXES_JS, f"{graph} text.edge-label:not(rect ~ text)")
    assert rects
    assert texts
    _assert_apart(rects)
    _assert_apart(texts)
    _assert_apart(outside, rects)


def test_org_tree_folds_with_mouse_and_keyboard(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/CIPO")
    expect(page.locator("h1")).to_contain_text("Chief Infrastructure & Platform Officer")
    tree = page.locator("ul.tree")
    departments = tree.locator(":scope > li > details")
    expect(departments).to_have_count(6)  # 1G has no groups under it: a leaf, no <details>
    facilities = tree.locator("details:has(> summary a[href='/orgs/CIPO/groups/1A'])")
    storage = tree.locator("details:has(> summary a[href='/orgs/CIPO/groups/1B/B-2'])")
    procurement = page.get_by_role("link", name="Procurement & Vendor Operations")
    ceph = page.get_by_role("link", name="Object Storage (Ceph-S3)")
    # Departments start open, squads closed.
    expect(facilities).to_have_attribute("open", "")
    expect(procurement).to_be_visible()
    expect(storage).not_to_have_attribute("open", re.compile(".*"))
    expect(ceph).to_be_hidden()
    _shot(page, artifacts, "org-tree")

    # Keyboard: Tab reaches the first summary (1A) with a visible focus ring; Enter folds it.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.tagName") == "SUMMARY":
            break
    focused = page.evaluate(_FOCUS_JS)
    assert focused["tag"] == "summary", focused
    assert focused["text"].startswith("1A"), focused
    assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
    page.keyboard.press("Enter")
    expect(facilities).not_to_have_attribute("open", re.compile(".*"))
    expect(procurement).to_be_hidden()
    page.keyboard.press("Enter")
    expect(facilities).to_have_attribute("open", "")
    expect(procurement).to_be_visible()

    # And a squad opens to show its units.
    storage.locator(":scope > summary").focus()
    page.keyboard.press("Enter")
    expect(ceph).to_be_visible()
    # The mouse folds it again (a click on the summary, not on the group's link in it).
    storage.locator(":scope > summary .kind").click()
    expect(ceph).to_be_hidden()


def test_search_storage_then_open_b2(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/CIPO")
    _mark_document(page)
    page.get_by_role("searchbox", name=re.compile("Search groups")).fill("Storage")
    results = page.locator("#search-results")
    hit = results.get_by_role("link", name="B-2 Storage Services")
    expect(hit).to_be_visible()
    expect(results.get_by_role("link", name=re.compile("Object Storage"))).to_be_visible()
    assert _same_document(page), "the search reloaded the page"
    assert page.url == f"{example_server.url}/orgs/CIPO"
    _shot(page, artifacts, "org-search-storage")

    hit.click()
    page.wait_for_url(f"{example_server.url}/orgs/CIPO/groups/1B/B-2")
    expect(page.locator("h1")).to_have_text(re.compile(r"B-2\s+Storage Services\s+squad"))
    kpis = page.locator("section[aria-labelledby=kpi-h]")
    expect(kpis.get_by_role("cell", name="Durability 11×9")).to_be_visible()
    expect(kpis.get_by_role("cell", name="P95 latency < 5ms")).to_be_visible()

    # Nothing depends on B-2 itself, and it depends on nothing: no picture. What depends
    # on its department as a whole is 1B's, one line and one link away.
    expect(page.locator("svg.depgraph")).to_have_count(0)
    whole = page.locator(".as-a-whole")
    expect(whole).to_contain_text("9 groups depend on 1B, the department B-2 is in")
    _shot(page, artifacts, "group-b2")
    whole.get_by_role("link", name="see 1B").click()
    page.wait_for_url(re.compile(r"/orgs/CIPO/groups/1B#deps-h$"))

    graph = page.locator("svg.depgraph.wide")
    expect(graph).to_be_visible()
    expect(page.locator("svg.depgraph.tall")).to_be_hidden()  # the phone's drawing
    expect(graph).to_have_attribute("aria-label", re.compile(r"^1B: 9 groups depend on it"))
    expect(page.locator(".graph-legend")).to_contain_text("points at the group depended on")
    # Every group that depends on 1B has a box, D-1 among them.
    dependents = _api(example_server, "/api/orgs/CIPO/groups/1B/dependents")
    depends_on_1b = {edge["group"] for edge in dependents}
    assert "1D/D-1" in depends_on_1b
    hrefs = graph.locator("a").evaluate_all("(els) => els.map((e) => e.getAttribute('href'))")
    assert {href.removeprefix("/orgs/CIPO/groups/") for href in hrefs} == depends_on_1b
    d1 = graph.locator("a[href='/orgs/CIPO/groups/1D/D-1']")
    expect(d1).to_contain_text("D-1")
    expect(d1).to_contain_text("Data Platform")
    # Names wrap rather than being cut.
    expect(graph.locator("a[href='/orgs/CIPO/groups/1F/F-3']")).to_contain_text("Engineering")
    expect(graph.locator("text", has_text="…")).to_have_count(0)
    expect(graph.locator("rect")).to_have_count(10)
    expect(graph.locator("text.edge-label")).to_have_count(9)
    _assert_graph_is_tidy(page, "svg.depgraph.wide")
    _shot(page, artifacts, "group-1b")

    # The list under the picture names the same groups, as ordinary links.
    listed = page.locator("section[aria-labelledby=deps-h] ul.plain a")
    expect(listed).to_have_count(len(depends_on_1b))


def test_catalog_filters_without_a_page_load(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/DIT/catalog")
    rows = page.locator("#catalog-rows tbody tr")
    expect(rows).to_have_count(50)  # 62 entries, 50 a page
    expect(page.get_by_role("link", name="Next page")).to_be_visible()
    _mark_document(page)

    kafka = _api(example_server, "/api/orgs/DIT/catalog?q=kafka&limit=500")["items"]
    assert 0 < len(kafka) < 50
    page.get_by_placeholder("Filter by name, description or tool").fill("kafka")
    expect(rows).to_have_count(len(kafka))
    expect(rows.first).to_contain_text(kafka[0]["name"])
    expect(page.get_by_role("link", name="Next page")).to_have_count(0)
    page.wait_for_url(re.compile(r"[?&]q=kafka"))  # the filtered list has its own address
    _shot(page, artifacts, "catalog-kafka")

    both = _api(example_server, "/api/orgs/DIT/catalog?q=kafka&kind=offering&limit=500")["items"]
    assert 0 < len(both) < len(kafka)
    page.get_by_label("Kind").select_option("offering")
    expect(rows).to_have_count(len(both))
    for cell in rows.locator("td[data-label=Kind]").all_inner_texts():
        assert cell == "offering"

    offerings = _api(example_server, "/api/orgs/DIT/catalog?kind=offering&limit=50")["items"]
    page.get_by_placeholder("Filter by name, description or tool").fill("")
    expect(rows).to_have_count(len(offerings))
    expect(rows.first).to_contain_text(offerings[0]["name"])
    assert _same_document(page), "filtering reloaded the page"

    # The filtered address, opened afresh, shows the same list (the server renders it).
    page.goto(f"{example_server.url}/orgs/DIT/catalog?q=kafka&kind=offering")
    expect(rows).to_have_count(len(both))
    _shot(page, artifacts, "catalog-kafka-offering")


def test_findings_page_lists_the_two_errors_of_cipo(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    page.goto(f"{example_server.url}/orgs/CIPO/findings")
    errors = page.locator("li.finding", has=page.locator(".sev-error"))
    expect(errors).to_have_count(2)
    for row in errors.all():
        expect(row.locator("a.rule")).to_have_text("OP104")
        expect(row).to_contain_text("policy forbids 1F and 1D to interface directly")
    expect(errors.nth(0)).to_contain_text("D-1 depends on 1F")
    expect(errors.nth(1)).to_contain_text("D-4 depends on 1F")
    api = _api(example_server, "/api/orgs/CIPO/findings?severity=error")["items"]
    assert [f["code"] for f in api] == ["OP104", "OP104"]
    _shot(page, artifacts, "findings-cipo")


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("org", "/orgs/CIPO"),
        ("group-1b", "/orgs/CIPO/groups/1B"),
        ("group-d1", "/orgs/CIPO/groups/1D/D-1"),
        ("catalog", "/orgs/DIT/catalog"),
        ("findings", "/orgs/CIPO/findings"),
    ],
)
def test_phone_pages_do_not_scroll_sideways(
    phone_page: Page, example_server: ServerProcess, artifacts: Path, name: str, path: str
) -> None:
    page = phone_page
    page.goto(f"{example_server.url}{path}")
    if name == "org":
        page.get_by_role("searchbox").fill("Storage")
        expect(page.locator("#search-results a").first).to_be_visible()
    screen = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= screen
    assert page.evaluate("document.body.scrollWidth") <= screen
    # Nothing but a frame meant to scroll (a wide table, the graph) is wider than the screen.
    too_wide = page.evaluate(
        """() => Array.from(document.querySelectorAll('main *')).filter((el) => {
             const r = el.getBoundingClientRect();
             return r.right > window.innerWidth + 1 && !el.closest('.table-wrap, .graph-wrap');
           }).map((el) => el.tagName + '.' + el.className)"""
    )
    assert not too_wide, too_wide
    if name.startswith("group"):  # the tall drawing of the graph, readable at this width
        expect(page.locator("svg.depgraph.tall")).to_be_visible()
        expect(page.locator("svg.depgraph.wide")).to_be_hidden()
        _assert_graph_is_tidy(page, "svg.depgraph.tall")
    _shot(page, artifacts, f"phone-{name}")


@pytest.mark.parametrize(("path", "title"), PAGES)
def test_every_page_has_title_language_skip_link_and_visible_focus(
    page: Page, example_server: ServerProcess, path: str, title: str
) -> None:
    response = page.goto(f"{example_server.url}{path}")
    assert response is not None
    assert response.status == (404 if "NOPE" in path else 200)
    assert (response.header_value("content-type") or "").startswith("text/html")
    assert page.title() == f"{title} · orgplane"
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("main#content").count() == 1

    # The first Tab shows the skip link; Enter on it moves focus to the main content.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None
    assert box["x"] >= 0, box  # on the screen, not parked off it
    assert box["y"] >= 0, box
    assert page.evaluate(_FOCUS_JS)["outline"]
    page.keyboard.press("Enter")
    expect(page.locator("main#content")).to_be_focused()

    # Every control reached with Tab shows where the focus is.
    page.goto(f"{example_server.url}{path}")
    seen = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUS_JS)
        if focused["tag"] == "body":
            break
        seen.append(focused)
        assert focused["outline"] or focused["shadow"], f"no visible focus on {focused}"
    assert len(seen) >= 2, seen


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_text_is_readable_in_light_and_dark(
    page: Page, dark_page: Page, example_server: ServerProcess, artifacts: Path, scheme: str
) -> None:
    tab = dark_page if scheme == "dark" else page
    tab.goto(f"{example_server.url}/orgs/CIPO/groups/1D/D-1")
    samples = [
        ("h1", "color"),
        (".lede", "color"),
        (".crumbs a", "color"),
        ("nav.main a[aria-current=page]", "color"),
        ("nav.main a:not([aria-current])", "color"),
        (".panel a", "color"),
        (".panel .legend", "color"),
        (".graph-legend", "color"),
        (".panel .sev-error", "color"),
        (".chips li small", "color"),
        ("footer.bottom", "color"),
        ("svg.depgraph.wide text.code", "fill"),
        ("svg.depgraph.wide text.name", "fill"),
        ("svg.depgraph.wide text.edge-label", "fill"),
    ]
    poor = {}
    for selector, prop in samples:
        ratio = tab.evaluate(_CONTRAST_JS, [selector, prop])
        assert ratio is not None, f"nothing matches {selector}"
        if ratio < 4.5:
            poor[selector] = round(ratio, 2)
    _shot(tab, artifacts, f"group-d1-{scheme}")
    assert not poor, f"contrast under 4.5:1 in {scheme} mode: {poor}"


def test_not_found_is_a_page(page: Page, example_server: ServerProcess, artifacts: Path) -> None:
    response = page.goto(f"{example_server.url}/orgs/CIPO/groups/ZZ-99")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Not found")
    expect(page.locator("main")).to_contain_text("no group 'ZZ-99' in org CIPO")
    page.get_by_role("link", name="Back to the start").click()
    page.wait_for_url(f"{example_server.url}/")
    expect(page.locator("h1")).to_have_text("Every org")
    _shot(page, artifacts, "not-found-then-home")


def _record_b2(server: ServerProcess) -> None:
    """Measurements of B-2's KPIs in the server's database, as ``orgplane kpi record``
    stores them: two weeks of P95 latencies under 5 ms (met), and a day of object writes
    with one lost (11 nines breached)."""
    now = datetime.now(UTC)
    latency = [
        Measurement("B-2#p95-latency", now - timedelta(days=day, hours=1), 0.003 + day % 4 * 3e-4)
        for day in range(14)
    ]
    writes = [
        Measurement("B-2#durability", now - timedelta(hours=h), good / 1e6, good, 1e6)
        for h, good in ((h, 1e6 - 1 if h == 5 else 1e6) for h in range(1, 25))
    ]
    engine = create_engine(server.args[server.args.index("--db") + 1])
    try:
        with Session(engine) as session:
            record(session, [*latency, *writes], actor="browser-test", org_code="CIPO")
    finally:
        engine.dispose()


def test_kpi_status_on_the_group_page_and_the_scorecard(
    page: Page, example_server: ServerProcess, artifacts: Path
) -> None:
    _record_b2(example_server)
    page.goto(f"{example_server.url}/orgs/CIPO/groups/1B/B-2")
    kpis = page.locator("section[aria-labelledby=kpi-h]")
    latency = kpis.locator("tbody tr", has_text="P95 latency < 5ms")
    expect(latency.locator(".pill")).to_have_text("met")
    expect(latency.locator("td[data-label=Value]")).to_contain_text("14 measurements")
    trend = re.compile(r"^Trend over 28d: min 3(\.\d+)? ms, max 3\.\d+ ms, last 3(\.\d+)? ms")
    spark = latency.get_by_role("img", name=trend)
    expect(spark).to_be_visible()
    box = spark.bounding_box()
    assert box is not None
    assert box["width"] >= 100, box  # drawn at its size, not squeezed away
    durability = kpis.locator("tbody tr", has_text="Durability 11×9")
    expect(durability.locator(".pill")).to_have_text("breached")
    expect(durability.locator("td[data-label=Budget]")).to_contain_text("overspent")
    expect(page.locator("#rollup")).to_contain_text("1 of 2 met (50%), 1 breached")
    expect(page.locator(".demo-banner")).to_have_count(0)  # measured, not generated
    for scheme in ("light", "dark"):  # the pills' words stay readable on their tints
        page.emulate_media(color_scheme=scheme)
        for selector in (".pill.met", ".pill.breached"):
            ratio = page.evaluate(_CONTRAST_JS, [selector, "color"])
            assert ratio >= 4.5, (scheme, selector, ratio)
    page.emulate_media(color_scheme="light")
    _shot(page, artifacts, "group-b2-kpis")

    page.get_by_role("navigation", name="Sections").get_by_role("link", name="Scorecard").click()
    page.wait_for_url(f"{example_server.url}/orgs/CIPO/scorecard")
    expect(page.locator("h1")).to_contain_text("Chief Infrastructure & Platform Officer")
    b2 = page.locator("tbody tr", has=page.get_by_role("link", name="B-2 Storage Services"))
    expect(b2.locator(".pill")).to_have_text("breached")
    expect(b2).to_contain_text("50%")
    expect(page.get_by_role("link", name="U-S1 Object Storage (Ceph-S3)")).to_have_count(0)
    _shot(page, artifacts, "scorecard-cipo")

    b2.get_by_role("link", name="Scorecard of B-2").click()
    page.wait_for_url(f"{example_server.url}/orgs/CIPO/scorecard?group=1B/B-2")
    expect(page.locator("section[aria-labelledby=own-h] svg.spark")).to_have_count(2)
    expect(page.get_by_role("link", name="U-S1 Object Storage (Ceph-S3)")).to_be_visible()
    _shot(page, artifacts, "scorecard-b2")

    page.set_viewport_size(PHONE)
    screen = page.evaluate("window.innerWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= screen
    expect(page.locator("section[aria-labelledby=own-h] svg.spark").first).to_be_visible()
    _shot(page, artifacts, "phone-scorecard-b2")
