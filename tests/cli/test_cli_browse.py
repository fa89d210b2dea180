"""``tree``, ``show``, ``owners``, ``deps``: the instant answers, on the CIPO example."""

from __future__ import annotations

import json

from tests.cli.conftest import Run


def test_tree_draws_the_org_like_the_documents(run: Run, cipo: str) -> None:
    result = run("tree", "--spec", cipo, "--depth", "1")
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0] == "Chief Infrastructure & Platform Officer  (CIPO)"
    assert "├─ 1A Facilities & Physical Infrastructure" in lines
    assert lines[-1].startswith("└─ 1G ")
    assert not any("B-2" in line for line in lines)
    deep = run("tree", "--spec", cipo).out
    assert "│   │   ├─ U-S1 Object Storage (Ceph-S3)" in deep


def test_show_a_group(run: Run, cipo: str) -> None:
    result = run("show", "B-2", "--spec", cipo)
    assert result.code == 0
    for text in ("B-2 Storage Services", "1B/B-2", "Durability 11×9", "P95 latency < 5ms", "U-S1"):
        assert text in result.out
    data = json.loads(run("show", "1D/D-1", "--spec", cipo, "--json").out)
    assert data["path"] == "1D/D-1"
    assert {"path": "1F", "provides": "SLO"} in data["depends_on"]
    assert any("OP104" in finding for finding in data["findings"])


def test_show_unknown_and_ambiguous_codes(run: Run, cipo: str) -> None:
    missing = run("show", "B-9", "--spec", cipo)
    assert missing.code == 1
    assert missing.err.strip().startswith(
        "orgplane: error: no group 'B-9' in org CIPO (did you mean"
    )
    ambiguous = run("show", "U-RE1", "--spec", cipo)
    assert ambiguous.code == 1
    assert "1C/C-5/U-RE1" in ambiguous.err
    assert "1F/F-6/U-RE1" in ambiguous.err


def test_owners_ranks_the_owner_first(run: Run, cipo: str) -> None:
    rows = json.loads(run("owners", "Kafka", "--spec", cipo, "--json").out)
    assert rows[0]["path"].startswith("1D/D-1")
    assert run("owners", "zzzz-nothing", "--spec", cipo).code == 1


def test_deps_and_reverse_deps(run: Run, cipo: str) -> None:
    forward = json.loads(run("deps", "D-2", "--spec", cipo, "--json").out)
    assert "1D/D-1" in [row["path"] for row in forward]
    reverse = json.loads(run("deps", "1B", "--reverse", "--spec", cipo, "--json").out)
    paths = [row["path"] for row in reverse]
    assert "1C/C-1" in paths
    assert "1D/D-1" in paths
    assert all(row["depth"] >= 1 for row in reverse)
    one_hop = json.loads(
        run("deps", "1B", "--reverse", "--depth", "1", "--spec", cipo, "--json").out
    )
    assert {row["depth"] for row in one_hop} == {1}
    table = run("deps", "1B", "--reverse", "--spec", cipo).out
    assert "What depends on 1B" in table
