"""What a client reads: orgs, groups, people, roles, the catalog, lookups and findings,
checked against the example specs they were applied from."""

from __future__ import annotations

from collections import deque
from functools import cache
from typing import Any

import pytest

from orgplane.model import Org, OrgIndex
from orgplane.rules import default_registry
from orgplane.spec import load_spec
from tests.api.conftest import EXAMPLE_CODES, EXAMPLES, Server, assert_problem


@cache
def spec(code: str) -> Org:
    folder = next(name for name, c in EXAMPLE_CODES.items() if c == code)
    return load_spec(EXAMPLES / folder)


@cache
def index(code: str) -> OrgIndex:
    return OrgIndex(spec(code))


def get(server: Server, path: str, **params: Any) -> Any:
    response = server.client.get(path, params=params)
    assert response.status_code == 200, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    return response.json()


def _within(path: str, ancestor: str) -> bool:
    return path == ancestor or path.startswith(ancestor + "/")


def reached(code: str, start: str, depth: int, *, reverse: bool) -> set[str]:
    """The groups a breadth-first walk of the spec's dependency edges reaches, by the
    rule of docs/architecture.md: a group stands for its subtree (what depends on B-2
    depends on 1B), and does not inherit its parent's dependents."""
    edges = index(code).edges
    seen, queue, out = {start}, deque([(start, 0)]), set()
    while queue:
        path, hops = queue.popleft()
        if hops == depth:
            continue
        for edge in edges:
            near, far = (edge.target, edge.source) if reverse else (edge.source, edge.target)
            if not _within(near, path) or _within(far, path) or _within(far, start):
                continue
            if far not in seen:
                seen.add(far)
                out.add(far)
                queue.append((far, hops + 1))
    return out


def _reached_by(edges: list[dict[str, Any]], start: str, want: set[str]) -> set[str]:
    """The groups of ``want`` the edges reach; each edge starts inside ``start`` or a
    group the walk reached."""
    ends = [(e["group"], e["target_path"]) for e in edges]
    for pair in ends:
        assert any(
            end is not None and any(_within(end, a) for a in {start} | want) for end in pair
        ), pair
    return {end for pair in ends for end in pair if end in want}


def test_the_org_list_has_every_example_org_with_its_group_count(served: Server) -> None:
    body = get(served, "/api/orgs")
    assert body["next_cursor"] is None
    assert [org["code"] for org in body["items"]] == sorted(EXAMPLE_CODES.values())
    for org in body["items"]:
        assert org["groups"] == len(index(org["code"]).groups)
        assert org["name"] == spec(org["code"]).name


def test_one_org_by_code_and_an_unknown_org_is_a_404_problem(served: Server) -> None:
    assert get(served, "/api/orgs/IOT")["name"] == "Infrastructure & Operations Team"
    problem = assert_problem(served.client.get("/api/orgs/NOPE"), 404)
    assert "NOPE" in problem["detail"]
    assert problem["instance"] == "/api/orgs/NOPE"


def test_the_tree_nests_every_group_under_its_parent_in_spec_order(served: Server) -> None:
    tree = get(served, "/api/orgs/CIPO/tree")
    seen: list[str] = []

    def walk(nodes: list[dict[str, Any]], parent: str | None) -> None:
        paths = [node["path"] for node in nodes]
        assert paths == index("CIPO").children(parent)
        for node in nodes:
            seen.append(node["path"])
            walk(node["children"], node["path"])

    walk(tree, None)
    assert sorted(seen) == sorted(index("CIPO").groups)


def test_the_tree_cut_at_depth_one_is_the_top_level_alone(served: Server) -> None:
    tree = get(served, "/api/orgs/CIPO/tree", depth=1)
    assert [node["code"] for node in tree] == ["1A", "1B", "1C", "1D", "1E", "1F", "1G"]
    assert all(node["children"] == [] for node in tree)


def test_a_group_by_path_and_by_its_code_is_the_same_group(served: Server) -> None:
    by_path = get(served, "/api/orgs/CIPO/groups/1B/B-2")
    assert get(served, "/api/orgs/CIPO/groups/B-2") == by_path
    group = index("CIPO").groups["1B/B-2"]
    assert by_path["name"] == group.name
    assert by_path["kind"] == group.kind
    assert by_path["parent"] == "1B"
    assert [k["text"] for k in by_path["kpis"]] == [k.text for k in group.kpis]
    assert by_path["responsibilities"] == group.responsibilities
    assert [c["code"] for c in by_path["children"]] == [g.code for g in group.groups]
    assert [(d["target"], d["provides"]) for d in by_path["dependencies"]] == [
        (d.target, d.provides) for d in group.dependencies
    ]


def test_a_code_two_groups_share_is_a_409_problem_naming_both_paths(served: Server) -> None:
    problem = assert_problem(served.client.get("/api/orgs/CIPO/groups/U-RE1"), 409)
    assert "1C/C-5/U-RE1" in problem["detail"]
    assert "1F/F-6/U-RE1" in problem["detail"]
    assert get(served, "/api/orgs/CIPO/groups/1F/F-6/U-RE1")["parent"] == "1F/F-6"


def test_children_are_the_groups_directly_under_a_group_in_spec_order(served: Server) -> None:
    children = get(served, "/api/orgs/CIPO/groups/1D/children")
    assert [c["path"] for c in children] == index("CIPO").children("1D")
    assert get(served, "/api/orgs/CIPO/groups/U-V1/children") == []


def test_members_are_the_leads_and_members_with_their_names(served: Server) -> None:
    org = spec("DIT")
    group = next(g for g in org.groups if g.members)
    members = get(served, f"/api/orgs/DIT/groups/{group.code}/members")
    assert [m["id"] for m in members if m["relation"] == "member"] == [
        p for p in group.members if p not in group.leads
    ]
    names = {p.id: p.name for p in org.people}
    assert all(m["name"] == names[m["id"]] for m in members)


def test_kpis_are_the_spec_texts_in_order(served: Server) -> None:
    kpis = get(served, "/api/orgs/CIPO/groups/1D/D-1/kpis")
    assert [k["text"] for k in kpis] == [
        "NameNode Uptime ≥ 99.9%",
        "Job Fail < 1%",
        "ISR ≤ 1",
    ]


@pytest.mark.parametrize("depth", [1, 2, 20])
def test_dependencies_reach_what_the_spec_says_within_depth(served: Server, depth: int) -> None:
    for start in ("1D/D-1", "1C", "1F/F-6"):
        edges = get(served, f"/api/orgs/CIPO/groups/{start}/dependencies", depth=depth)
        want = reached("CIPO", start, depth, reverse=False)
        assert _reached_by(edges, start, want) == want, start
        assert all(1 <= e["depth"] <= depth for e in edges)


@pytest.mark.parametrize("depth", [1, 3])
def test_dependents_are_the_reverse_dependencies_within_depth(served: Server, depth: int) -> None:
    for start in ("1B", "1E", "1D/D-4"):
        edges = get(served, f"/api/orgs/CIPO/groups/{start}/dependents", depth=depth)
        want = reached("CIPO", start, depth, reverse=True)
        assert _reached_by(edges, start, want) == want, start


def test_what_breaks_if_1b_fails_is_everything_that_depends_on_it(served: Server) -> None:
    impact = get(served, "/api/orgs/CIPO/lookups/impact", group="1B", depth=20)
    assert impact["group"]["path"] == "1B"
    affected = [g["path"] for g in impact["affected"]]
    assert len(affected) == len(set(affected))
    assert set(affected) == reached("CIPO", "1B", 20, reverse=True)
    assert "1D/D-1" in affected


def test_people_and_one_person_with_the_groups_they_are_in(served: Server) -> None:
    org = spec("DIT")
    people = get(served, "/api/orgs/DIT/people")["items"]
    assert [p["id"] for p in people] == sorted(p.id for p in org.people)
    person = next(p for p in org.people if any(p.id in g.members for g in org.groups))
    detail = get(served, f"/api/orgs/DIT/people/{person.id}")
    assert detail["name"] == person.name
    assert {(m["relation"], m["group"]["path"]) for m in detail["groups"]} >= {
        ("member", g.code) for g in org.groups if person.id in g.members
    }
    assert_problem(served.client.get("/api/orgs/DIT/people/nobody"), 404)


def test_roles_and_one_role_without_its_internal_id(served: Server) -> None:
    org = spec("IOT")
    roles = get(served, "/api/orgs/IOT/roles")["items"]
    assert sorted(r["id"] for r in roles) == sorted(r.id for r in org.roles)
    role = get(served, "/api/orgs/IOT/roles/network-engineer")
    assert role["name"] == "Network Engineer"
    assert role["reports_to"] == "infrastructure-architect"
    assert "internal_id" not in role
    assert_problem(served.client.get("/api/orgs/IOT/roles/INF-003"), 404)


def test_catalog_entries_and_one_entry_with_its_owner(served: Server) -> None:
    org = spec("DIT")
    entries = get(served, "/api/orgs/DIT/catalog", limit=500)["items"]
    assert sorted(e["id"] for e in entries) == sorted(e.id for e in org.catalog)
    assert [(e["name"], e["id"]) for e in entries] == sorted((e.name, e.id) for e in org.catalog)
    first = org.catalog[0]
    entry = get(served, f"/api/orgs/DIT/catalog/{first.id}")
    assert entry["name"] == first.name
    assert entry["owner_path"] == index("DIT").resolve(first.owner or "").path
    assert_problem(served.client.get("/api/orgs/DIT/catalog/no-such-entry"), 404)


def test_the_owner_of_a_catalog_entry_by_id_or_by_words(served: Server) -> None:
    first = spec("DIT").catalog[0]
    by_id = get(served, "/api/orgs/DIT/lookups/owner", entry=first.id)
    assert [e["id"] for e in by_id["entries"]] == [first.id]
    assert [o["path"] for o in by_id["owners"]] == [index("DIT").resolve(first.owner or "").path]
    by_words = get(served, "/api/orgs/DIT/lookups/owner", entry="kafka")
    assert by_words["entries"]
    assert all("kafka" in str(e).lower() for e in by_words["entries"])
    assert_problem(served.client.get("/api/orgs/DIT/lookups/owner", params={"entry": "zzz"}), 404)


def test_who_to_contact_about_a_group_is_its_people(served: Server) -> None:
    group = next(g for g in spec("DIT").groups if g.members)
    contacts = get(served, "/api/orgs/DIT/lookups/contact", group=group.code)
    assert contacts["group"]["code"] == group.code
    assert contacts["via"] is None
    assert {c["id"] for c in contacts["contacts"]} == {*group.leads, *group.members}


def test_the_findings_of_the_last_apply_are_the_validators(served: Server) -> None:
    org = spec("CIPO")
    expected = default_registry().check(org)
    findings = get(served, "/api/orgs/CIPO/findings")["items"]
    assert [(f["code"], f["severity"], f["message"]) for f in findings] == [
        (f.code, f.severity.value, f.message) for f in expected
    ]
    errors = get(served, "/api/orgs/CIPO/findings", severity="error")["items"]
    assert [f["code"] for f in errors] == ["OP104", "OP104"]
    assert all(f["line"] and f["file"].endswith("1d.yaml") for f in errors)
    about_1g = get(served, "/api/orgs/CIPO/findings", group="1G")["items"]
    assert [f["code"] for f in about_1g] == ["OP110"]
    # The seed names on-call roles that no person of the example holds.
    iot = get(served, "/api/orgs/IOT/findings")["items"]
    assert [(f["code"], f["severity"]) for f in iot] == [("OP118", "warning")] * 2


def test_the_apply_history_has_the_examples_first_apply(served: Server) -> None:
    page = get(served, "/api/orgs/DIT/applies")
    assert page["next_cursor"] is None
    history = page["items"]
    assert len(history) == 1
    assert history[0]["actor"] == "tests"
    assert history[0]["changes"]["created"] is True
    assert history[0]["counts"]["groups"] == len(index("DIT").groups)


READS = [
    "/api/orgs",
    "/api/orgs/CIPO",
    "/api/orgs/CIPO/tree",
    "/api/orgs/CIPO/groups?kind=squad",
    "/api/orgs/CIPO/groups/1B",
    "/api/orgs/CIPO/groups/1B/children",
    "/api/orgs/DIT/groups/data-platform-team/members",
    "/api/orgs/CIPO/groups/1D/D-1/kpis",
    "/api/orgs/CIPO/groups/1D/D-1/dependencies",
    "/api/orgs/CIPO/groups/1B/dependents",
    "/api/orgs/DIT/people",
    "/api/orgs/DIT/people/eng-1",
    "/api/orgs/IOT/roles",
    "/api/orgs/IOT/roles/network-engineer",
    "/api/orgs/DIT/catalog",
    "/api/orgs/DIT/catalog/airflow",
    "/api/orgs/DIT/lookups/owner?entry=airflow",
    "/api/orgs/DIT/lookups/contact?group=mlops-team",
    "/api/orgs/CIPO/lookups/impact?group=1B",
    "/api/orgs/CIPO/findings",
    "/api/orgs/CIPO/applies",
    "/healthz",
    "/readyz",
]


@pytest.mark.parametrize("path", READS)
def test_every_read_is_tagged_and_a_client_with_the_tag_gets_a_304(
    served: Server, path: str
) -> None:
    first = served.client.get(path)
    assert first.status_code == 200, first.text[:300]
    tag = first.headers["etag"]
    assert tag.startswith('W/"')
    assert served.client.get(path).headers["etag"] == tag, "the same data, the same tag"
    for header in (tag, tag.removeprefix("W/"), f'"other", {tag}', "*"):
        cached = served.client.get(path, headers={"If-None-Match": header})
        assert cached.status_code == 304, header
        assert cached.content == b""
        assert cached.headers["etag"] == tag
    stale = served.client.get(path, headers={"If-None-Match": 'W/"0123456789abcdef"'})
    assert stale.status_code == 200
    assert stale.json() == first.json()


@pytest.mark.parametrize(
    "path",
    [
        "/api/orgs/CIPO/groups/1B/B-2",  # a kept answer
        "/api/orgs/CIPO/groups",
        "/api/orgs/DIT/lookups/owner?entry=airflow",
        "/healthz",
        "/orgs/CIPO",  # a page
    ],
)
def test_head_answers_as_get_without_the_body(served: Server, path: str) -> None:
    got = served.client.get(path)
    head = served.client.head(path)
    assert head.status_code == got.status_code == 200
    assert head.content == b""
    for header in ("content-type", "content-length", "etag"):
        assert head.headers.get(header) == got.headers.get(header), header


def test_head_where_get_is_not_allowed_is_a_405_problem(served: Server) -> None:
    response = served.client.head("/api/apply")
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
