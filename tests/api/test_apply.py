"""``POST /api/apply``: a spec file in, the change report out; and what the reads answer
after it (ETags, the audit log, dependencies in every direction)."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Server, assert_problem, snapshot

#: A small org whose dependencies point every way a spec can write them.
#: P provides to C ("to"), C consumes from P and R ("from"), R and S share ("with").
ROUTES = """\
org:
  code: RTE
  name: Routes
groups:
- code: P
  name: Provider
  leads: [ana]
  dependencies:
  - {target: C, provides: metrics, direction: to}
  groups:
  - code: P-1
    name: Provider squad
- code: C
  name: Consumer
  members: [ben]
  dependencies:
  - {target: R, provides: storage}
- code: R
  name: Runtime
  dependencies:
  - {target: S, provides: policy, direction: with}
- code: S
  name: Security
people:
- {id: ana, name: Ana Lima, email: ana@example.org}
- {id: ben, name: Ben Okafor}
"""


def apply(server: Server, body: str, role: str = "editor", **params: Any) -> Any:
    response = server.client.post(
        "/api/apply",
        content=body.encode(),
        params=params,
        headers={**server.auth(role), "Content-Type": "application/yaml"},
    )
    return response


def test_an_editor_applies_a_new_org_and_gets_the_change_report(fresh: Server) -> None:
    response = apply(fresh, ROUTES)
    assert response.status_code == 200, response.text
    report = response.json()
    assert report["org"] == "RTE"
    assert report["changed"] is True
    assert report["dry_run"] is False
    assert isinstance(report["apply_id"], int)
    assert report["changes"]["created"] is True
    assert report["changes"]["groups_added"] == ["C", "P", "P/P-1", "R", "S"] or set(
        report["changes"]["groups_added"]
    ) == {"C", "P", "P/P-1", "R", "S"}
    assert fresh.client.get("/api/orgs/RTE").json()["groups"] == 5


def test_applying_the_same_spec_again_changes_nothing(fresh: Server) -> None:
    assert apply(fresh, ROUTES).status_code == 200
    before = snapshot(fresh.engine)
    again = apply(fresh, ROUTES).json()
    assert again["changed"] is False
    assert again["apply_id"] is None
    assert snapshot(fresh.engine) == before


def test_a_dry_run_reports_and_writes_nothing(fresh: Server) -> None:
    before = snapshot(fresh.engine)
    report = apply(fresh, ROUTES, dry_run="true").json()
    assert report["dry_run"] is True
    assert report["changed"] is True
    assert report["apply_id"] is None
    assert snapshot(fresh.engine) == before
    assert_problem(fresh.client.get("/api/orgs/RTE"), 404)


def test_a_spec_with_errors_is_a_422_problem_with_positions_and_nothing_is_written(
    fresh: Server,
) -> None:
    broken = ROUTES.replace("{target: R, provides: storage}", "{target: NOPE, provides: x}")
    before = snapshot(fresh.engine)
    problem = assert_problem(apply(fresh, broken), 422)
    assert problem["errors"]
    first = problem["errors"][0]
    assert first["file"] == "request-body.yaml"
    assert first["line"] > 0
    assert "NOPE" in first["message"]
    assert snapshot(fresh.engine) == before


def test_every_apply_is_in_the_audit_log_with_the_token_that_made_it(fresh: Server) -> None:
    token_id = fresh.tokens["editor"].split("_")[1]
    apply_id = apply(fresh, ROUTES).json()["apply_id"]
    entries = fresh.client.get(
        "/api/audit", params={"action": "spec.apply"}, headers=fresh.auth("admin")
    ).json()["items"]
    newest = entries[0]
    assert newest["actor"] == f"token:{token_id}"
    assert newest["target"] == "org:RTE"
    assert newest["after"]["apply_id"] == apply_id
    assert newest["before"] is None
    assert len(entries) == 5, "the four examples, then this one"
    tokens = fresh.client.get(
        "/api/audit", params={"action": "token.create"}, headers=fresh.auth("admin")
    ).json()["items"]
    assert len(tokens) == 3


def test_a_refused_or_dry_apply_leaves_no_audit_entry(fresh: Server) -> None:
    def count() -> int:
        body = fresh.client.get("/api/audit", params={"limit": 500}, headers=fresh.auth("admin"))
        return len(body.json()["items"])

    before = count()
    apply(fresh, ROUTES, dry_run="true")
    apply(fresh, "org: {code: X")
    apply(fresh, ROUTES, role="viewer")
    assert count() == before


def test_the_etag_of_a_read_changes_when_an_apply_changes_its_data(fresh: Server) -> None:
    apply(fresh, ROUTES)
    first = fresh.client.get("/api/orgs/RTE/groups/C")
    tag = first.headers["etag"]
    same = fresh.client.get("/api/orgs/RTE/groups/C", headers={"If-None-Match": tag})
    assert same.status_code == 304
    assert same.content == b""
    assert apply(fresh, ROUTES.replace("name: Consumer", "name: Consumer Team")).status_code == 200
    after = fresh.client.get("/api/orgs/RTE/groups/C", headers={"If-None-Match": tag})
    assert after.status_code == 200
    assert after.json()["name"] == "Consumer Team"
    assert after.headers["etag"] != tag
    unrelated = fresh.client.get("/api/orgs/CIPO/groups/1B")
    assert (
        fresh.client.get(
            "/api/orgs/CIPO/groups/1B", headers={"If-None-Match": unrelated.headers["etag"]}
        ).status_code
        == 304
    )


def _others(edges: list[dict[str, Any]], start: str) -> dict[str, int]:
    """The groups on the edges other than ``start``, each at the fewest hops it took."""
    out: dict[str, int] = {}
    for edge in edges:
        for other in (edge["group"], edge["target_path"]):
            if other not in (None, start):
                out[other] = min(out.get(other, edge["depth"]), edge["depth"])
    return out


def test_dependencies_follow_the_direction_the_spec_wrote(fresh: Server) -> None:
    apply(fresh, ROUTES)

    def deps(ref: str, which: str, depth: int = 5) -> dict[str, int]:
        response = fresh.client.get(f"/api/orgs/RTE/groups/{ref}/{which}", params={"depth": depth})
        assert response.status_code == 200, response.text
        return _others(response.json(), ref)

    # C depends on P ("P provides metrics to C") and on R, and through R on S.
    assert deps("C", "dependencies") == {"P": 1, "R": 1, "S": 2}
    assert deps("C", "dependencies", depth=1) == {"P": 1, "R": 1}
    assert deps("P", "dependencies") == {}
    assert deps("P", "dependents") == {"C": 1}
    # R and S share a policy: each depends on the other.
    assert deps("S", "dependencies") == {"R": 1}
    assert deps("S", "dependents") == {"R": 1, "C": 2}
    assert deps("R", "dependents") == {"S": 1, "C": 1}


def test_what_breaks_if_a_provider_fails_follows_directions(fresh: Server) -> None:
    apply(fresh, ROUTES)
    impact = fresh.client.get("/api/orgs/RTE/lookups/impact", params={"group": "S"}).json()
    assert [g["path"] for g in impact["affected"]] == ["R", "C"]
    impact = fresh.client.get("/api/orgs/RTE/lookups/impact", params={"group": "P"}).json()
    assert [g["path"] for g in impact["affected"]] == ["C"]


def test_who_to_contact_about_a_group_without_people_is_the_nearest_above(
    fresh: Server,
) -> None:
    apply(fresh, ROUTES)
    contact = fresh.client.get("/api/orgs/RTE/lookups/contact", params={"group": "P-1"}).json()
    assert contact["group"]["path"] == "P/P-1"
    assert contact["via"]["path"] == "P"
    assert contact["contacts"] == [
        {
            "id": "ana",
            "name": "Ana Lima",
            "relation": "lead",
            "email": "ana@example.org",
            "chat": None,
        }
    ]
    nobody = fresh.client.get("/api/orgs/RTE/lookups/contact", params={"group": "S"}).json()
    assert nobody["contacts"] == []
    assert nobody["via"] is None
