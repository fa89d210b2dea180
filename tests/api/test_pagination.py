"""Cursor pagination on every list, and the lists' filters."""

from __future__ import annotations

from typing import Any

import pytest

from orgplane.api.pagination import Cursor
from orgplane.settings import DEV_SECRET
from tests.api.conftest import Server, assert_problem

#: Every paginated list, with filters that leave several pages of items.
LISTS: list[tuple[str, dict[str, Any]]] = [
    ("/api/orgs", {}),
    ("/api/orgs/CIPO/groups", {}),
    ("/api/orgs/CIPO/groups", {"kind": "unit"}),
    ("/api/orgs/CIPO/groups", {"parent": "1C"}),
    ("/api/orgs/CIPO/groups", {"q": "platform"}),
    ("/api/orgs/DIT/people", {}),
    ("/api/orgs/IOT/roles", {}),
    ("/api/orgs/DIT/catalog", {}),
    ("/api/orgs/DIT/catalog", {"q": "data"}),
    ("/api/orgs/CIPO/findings", {}),
    ("/api/audit", {}),
]


def walk(server: Server, path: str, params: dict[str, Any], limit: int) -> list[Any]:
    """Every item of a list, page by page, following ``next_cursor``."""
    headers = server.auth("admin")
    items: list[Any] = []
    cursor = None
    for _ in range(1000):
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = server.client.get(path, params=query, headers=headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert len(page["items"]) <= limit
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["items"], "a page with a next cursor has items"
    raise AssertionError("the cursors never end")


@pytest.mark.parametrize(("path", "params"), LISTS, ids=lambda v: str(v) if v else "")
def test_walking_every_page_gives_every_item_once_in_order(
    served: Server, path: str, params: dict[str, Any]
) -> None:
    everything = walk(served, path, params, limit=500)
    size = len(everything)
    assert size >= 4, "the list is long enough to page through"
    # One item a page where that is a handful of pages; every page boundary either way.
    for limit in (1 if size <= 20 else 5, 3, size - 1, size):
        paged = walk(served, path, params, limit)
        assert paged == everything, f"limit={limit}"


def test_an_exact_last_page_has_no_next_cursor(served: Server) -> None:
    page = served.client.get("/api/orgs", params={"limit": 4}).json()
    assert len(page["items"]) == 4
    assert page["next_cursor"] is None


def test_a_tampered_cursor_is_a_400_problem(served: Server) -> None:
    first = served.client.get("/api/orgs/CIPO/groups", params={"limit": 2}).json()
    cursor: str = first["next_cursor"]
    token, _, signature = cursor.partition(".")
    flipped = signature[:-1] + ("0" if signature[-1] != "0" else "1")
    for damaged in (
        f"{token}.{flipped}",
        f"{token[:-2]}AA.{signature}",
        token,
        "not-a-cursor",
        "....",
        "%%%",
        "e30.",
    ):
        response = served.client.get(
            "/api/orgs/CIPO/groups", params={"limit": 2, "cursor": damaged}
        )
        problem = assert_problem(response, 400)
        assert problem["type"].endswith("/bad-cursor"), damaged


def test_a_cursor_of_another_list_is_a_400_problem(served: Server) -> None:
    groups = served.client.get("/api/orgs/CIPO/groups", params={"limit": 2}).json()
    units = served.client.get("/api/orgs/CIPO/groups", params={"limit": 2, "kind": "unit"}).json()
    for path, params, cursor in (
        ("/api/orgs/DIT/catalog", {}, groups["next_cursor"]),
        ("/api/orgs/DIT/groups", {}, groups["next_cursor"]),
        ("/api/orgs/CIPO/groups", {}, units["next_cursor"]),
        ("/api/orgs/CIPO/groups", {"kind": "squad"}, units["next_cursor"]),
    ):
        response = served.client.get(path, params={**params, "limit": 2, "cursor": cursor})
        assert_problem(response, 400)


def test_a_cursor_made_with_another_secret_is_a_400_problem(served: Server) -> None:
    forged = Cursor("someone else's secret").encode("groups:CIPO:None:None:", ["1A"])
    response = served.client.get("/api/orgs/CIPO/groups", params={"cursor": forged})
    assert_problem(response, 400)


def test_kind_filter_lists_only_groups_of_that_kind(served: Server) -> None:
    squads = walk(served, "/api/orgs/CIPO/groups", {"kind": "Squad"}, 500)
    assert squads
    assert {g["kind"] for g in squads} == {"squad"}
    assert walk(served, "/api/orgs/CIPO/groups", {"kind": "nothing"}, 500) == []


def test_parent_filter_lists_the_groups_directly_under_it(served: Server) -> None:
    under_1b = walk(served, "/api/orgs/CIPO/groups", {"parent": "1B"}, 500)
    assert under_1b
    assert {g["parent"] for g in under_1b} == {"1B"}
    top = walk(served, "/api/orgs/CIPO/groups", {"parent": ""}, 500)
    assert [g["code"] for g in top] == ["1A", "1B", "1C", "1D", "1E", "1F", "1G"]


def test_text_filter_finds_groups_by_word_prefixes(served: Server) -> None:
    found = walk(served, "/api/orgs/CIPO/groups", {"q": "kafk"}, 500)
    assert found
    for group in found:
        detail = served.client.get(f"/api/orgs/CIPO/groups/{group['path']}").text.lower()
        assert "kafk" in detail
    both = walk(served, "/api/orgs/CIPO/groups", {"q": "kafka zzzz"}, 500)
    assert both == []


def test_filters_combine(served: Server) -> None:
    found = walk(served, "/api/orgs/CIPO/groups", {"kind": "unit", "parent": "1D/D-1"}, 500)
    assert found
    assert all(g["kind"] == "unit" and g["parent"] == "1D/D-1" for g in found)


def test_catalog_filters_by_kind_owner_and_words(served: Server) -> None:
    everything = walk(served, "/api/orgs/DIT/catalog", {}, 500)
    owner = everything[0]["owner_path"]
    owned = walk(served, "/api/orgs/DIT/catalog", {"owner": owner}, 500)
    assert owned
    assert {e["owner_path"] for e in owned} == {owner}
    kind = everything[0]["kind"]
    assert {e["kind"] for e in walk(served, "/api/orgs/DIT/catalog", {"kind": kind}, 500)} == {kind}
    words = walk(served, "/api/orgs/DIT/catalog", {"q": "kafka"}, 500)
    assert words
    assert all("kafka" in str(e).lower() for e in words)


#: Roles whose escalation orders repeat and are missing: a keyset must cross both.
ROLES_SPEC = """\
org:
  code: PAG
  name: Paging
roles:
- {id: r-a, name: A, escalation_order: 2}
- {id: r-b, name: B}
- {id: r-c, name: C, escalation_order: 1}
- {id: r-d, name: D, escalation_order: 2}
- {id: r-e, name: E}
- {id: r-f, name: F, escalation_order: 10}
- {id: r-g, name: G, escalation_order: 1}
"""


def _apply(server: Server, body: str) -> None:
    response = server.client.post(
        "/api/apply",
        content=body.encode(),
        headers={**server.auth("editor"), "Content-Type": "application/yaml"},
    )
    assert response.status_code == 200, response.text


def test_roles_page_by_escalation_order_then_id_those_without_one_last(fresh: Server) -> None:
    _apply(fresh, ROLES_SPEC)
    expected = ["r-c", "r-g", "r-a", "r-d", "r-f", "r-b", "r-e"]
    for limit in (1, 2, 3, 6, 7, 50):
        roles = walk(fresh, "/api/orgs/PAG/roles", {}, limit)
        assert [r["id"] for r in roles] == expected, f"limit={limit}"


def test_the_apply_history_pages_newest_first(fresh: Server) -> None:
    for version in range(5):
        _apply(fresh, ROLES_SPEC.replace("name: Paging", f"name: Paging {version}"))
    history = walk(fresh, "/api/orgs/PAG/applies", {}, 500)
    assert len(history) == 5
    ids = [entry["id"] for entry in history]
    assert ids == sorted(ids, reverse=True)
    for limit in (1, 2, 4):
        assert walk(fresh, "/api/orgs/PAG/applies", {}, limit) == history, f"limit={limit}"


def test_findings_page_by_their_place_with_filters(served: Server) -> None:
    everything = walk(served, "/api/orgs/CIPO/findings", {}, 500)
    for severity in ("error", "info"):
        expected = [f for f in everything if f["severity"] == severity]
        assert len(expected) >= 2
        for limit in (1, 2):
            found = walk(served, "/api/orgs/CIPO/findings", {"severity": severity}, limit)
            assert found == expected, (severity, limit)


@pytest.mark.parametrize(
    ("path", "scope", "key"),
    [
        ("/api/orgs/IOT/roles", "roles:IOT", [3]),  # an offset, as older servers made them
        ("/api/orgs/IOT/roles", "roles:IOT", ["r", "s"]),
        ("/api/orgs/IOT/roles", "roles:IOT", [True, "s"]),
        ("/api/orgs/CIPO/applies", "applies:CIPO", ["1"]),
        ("/api/orgs/CIPO/findings", "findings:CIPO:None:None:position", [1, 2]),
    ],
)
def test_a_signed_cursor_with_a_key_of_another_shape_is_a_400_problem(
    served: Server, path: str, scope: str, key: list[Any]
) -> None:
    cursor = Cursor(DEV_SECRET).encode(scope, key)
    problem = assert_problem(served.client.get(path, params={"cursor": cursor}), 400)
    assert problem["type"].endswith("/bad-cursor")
