"""``orgplane demo measurements``: loudly labelled demo data, removable with --clear."""

from __future__ import annotations

import json

from tests.cli.conftest import Run


def test_demo_measurements_are_labelled_and_cleared(run: Run, db_url: str, infra_ops: str) -> None:
    assert run("apply", infra_ops, "--db", db_url).code == 0

    made = run("demo", "measurements", "--db", db_url, "--days", "30", "--seed", "3")
    assert made.code == 0, made.err
    assert made.out.startswith("DEMO DATA: generated, not measured")
    assert "over 30 days" in made.out
    assert "IOT" in made.out
    assert "orgplane demo measurements --clear" in made.out
    assert "Traceback" not in made.err
    kpis = json.loads(run("kpi", "list", "--db", db_url, "--json").out)
    assert any(kpi["demo"] for kpi in kpis)

    again = run("demo", "measurements", "--db", db_url, "--days", "30", "--seed", "3")
    count = made.out.splitlines()[1].split()[0]
    assert int(count) > 0
    assert again.out.splitlines()[1].split()[0] == count  # replaced, not added

    cleared = run("demo", "measurements", "--clear", "--db", db_url)
    assert cleared.code == 0
    assert cleared.out.startswith("DEMO DATA removed: ")
    assert " demo measurements deleted" in cleared.out
    assert not any(
        kpi["demo"] for kpi in json.loads(run("kpi", "list", "--db", db_url, "--json").out)
    )
    nothing = run("demo", "measurements", "--clear", "--org", "IOT", "--db", db_url)
    assert nothing.code == 0
    assert "nothing removed" in nothing.out

    log = json.loads(run("audit", "--db", db_url, "--json").out)
    assert [e["action"] for e in log][:3] == ["kpi.demo.clear", "kpi.demo", "kpi.demo"]


def test_bad_input_is_one_line_and_a_failing_exit(run: Run, db_url: str, infra_ops: str) -> None:
    empty = run("demo", "measurements", "--db", db_url)
    assert empty.code == 0
    assert "no org in the database" in empty.out
    assert run("apply", infra_ops, "--db", db_url).code == 0

    for args in (("--org", "NOPE"), ("--org", "NOPE", "--clear")):
        bad = run("demo", "measurements", *args, "--db", db_url)
        assert bad.code == 1
        assert bad.out == ""
        assert bad.err == "orgplane: error: no org 'NOPE' in the database (orgs: IOT)\n"
    for days in ("0", "401"):
        wrong = run("demo", "measurements", "--days", days, "--db", db_url)
        assert wrong.code == 2
        assert "--days" in wrong.err


def test_help_says_demo_and_how_to_remove_it(run: Run) -> None:
    result = run("demo", "measurements", "--help")
    assert result.code == 0
    assert "DEMO" in result.out
    assert "--clear" in result.out
    assert "--seed" in result.out
    assert "demo" in run("--help").out
