"""Where the reading commands find their orgs: the database the server uses when no spec
is named (and they say so), a folder of several orgs, the org a code picks, and output
that fits an 80-column terminal."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from orgplane.rules import default_registry, relative_findings
from orgplane.services import apply_spec
from orgplane.spec import load_spec
from orgplane.store import create_engine, upgrade
from tests.cli.conftest import EXAMPLES, Run


@pytest.fixture(scope="module")
def served_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the four example orgs, as ``./scripts/run`` leaves it."""
    path = tmp_path_factory.mktemp("served") / "orgplane.db"
    upgrade(f"sqlite:///{path}")
    engine = create_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        for name in ("cipo", "data-infra", "plugilo-infra", "infra-ops"):
            org = load_spec(EXAMPLES / name)
            found = relative_findings(
                default_registry().check(org), EXAMPLES / name, f"examples/{name}"
            )
            apply_spec(session=session, org=org, findings=found, actor="t", accept_errors=True)
    engine.dispose()
    return path


@pytest.fixture
def project(tmp_path: Path, served_db: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project folder after ``./scripts/run``: the server's database, and spec files
    of another kind below it (test fixtures) that must not be read."""
    shutil.copyfile(served_db, tmp_path / "orgplane.db")
    fixtures = tmp_path / "tests" / "fixtures"
    fixtures.mkdir(parents=True)
    (fixtures / "openslo.yaml").write_text("apiVersion: openslo/v1\nkind: SLO\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGPLANE_DB", raising=False)
    return tmp_path


def test_show_answers_from_the_servers_database_and_says_so(run: Run, project: Path) -> None:
    result = run("show", "B-2")
    assert result.code == 0, result.err
    assert "B-2 Storage Services" in result.out
    assert result.err.startswith("(from the database sqlite:///orgplane.db, as applied ")
    # Its findings are the stored ones, named as the spec names its files.
    d1 = json.loads(run("show", "D-1", "--json").out)
    assert d1["org"] == "CIPO"
    assert any(f.startswith("examples/cipo/1d.yaml:31:7: error OP104") for f in d1["findings"])
    assert not any(str(EXAMPLES) in f for f in d1["findings"])


@pytest.mark.parametrize(
    "args",
    [
        ("tree", "--org", "IOT"),
        ("owners", "Airflow"),
        ("deps", "1B", "--reverse"),
        ("oncall", "now", "IOT"),
        ("export", "mermaid", "--org", "PI"),
    ],
)
def test_every_reading_command_answers_from_the_database(
    run: Run, project: Path, args: tuple[str, ...]
) -> None:
    result = run(*args)
    assert result.code == 0, result.err
    assert "(from the database sqlite:///orgplane.db" in result.err
    assert "openslo" not in result.err  # the fixtures below were never read


def test_a_code_picks_its_org_and_several_ask_for_one(run: Run, project: Path) -> None:
    assert run("scorecard", "B-2", "--format", "json").code == 0  # only CIPO has a B-2
    card = json.loads(run("scorecard", "B-2", "--format", "json").out)
    assert card[0]["org"] == "CIPO"
    missing = run("show", "ZZ-9")
    assert missing.code == 1
    assert missing.err.splitlines()[-1].startswith("orgplane: error: no group 'ZZ-9' in CIPO, DIT")
    chosen = run("show", "IOT", "--org", "iot")
    assert chosen.code == 0
    assert "Infrastructure & Operations Team" in chosen.out


def test_owners_searches_every_org_unless_one_is_named(run: Run, project: Path) -> None:
    everywhere = json.loads(run("owners", "databases", "--json").out)
    places = {(row["org"], row["kind"], row["path"]) for row in everywhere}
    assert ("IOT", "group", "IOT") in places  # owns "Database management"
    assert ("CIPO", "group", "1B/B-2/U-S3") in places  # the DB-aaS unit
    assert ("IOT", "role", "role:database-administrator") in places
    assert all(row["evidence"] for row in everywhere)  # each says why
    cipo = json.loads(run("owners", "database", "--org", "CIPO", "--json").out)
    assert [row["path"] for row in cipo] == ["1B/B-2/U-S3"]


def test_a_folder_of_several_orgs_loads_each(run: Run, tmp_path: Path) -> None:
    trees = run("tree", "--spec", str(EXAMPLES), "--depth", "1")
    assert trees.code == 0, trees.err
    for title in ("(CIPO)", "(DIT)", "(IOT)", "(PI)"):
        assert title in trees.out
    shown = run("show", "B-2", "--spec", str(EXAMPLES))
    assert shown.code == 0
    assert "CIPO Chief Infrastructure & Platform Officer" in shown.out


def test_no_spec_and_no_database_is_one_line(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("show", "B-2")
    assert result.code == 2
    assert result.err == (
        "orgplane: error: no org to answer about here: name a spec with --spec PATH, or "
        "apply one ('orgplane apply PATH') to answer from the database\n"
    )


def test_deps_of_a_squad_do_not_inherit_its_departments(run: Run, project: Path) -> None:
    squad = run("deps", "B-2", "--reverse")
    assert squad.out.splitlines() == [
        "What depends on B-2 Storage Services: nothing",
        "9 groups depend on 1B, the department B-2 is in, as a whole: not on B-2 "
        "(orgplane deps 1B --reverse)",
    ]
    department = json.loads(run("deps", "1B", "--reverse", "--json").out)
    assert {"1D/D-3", "1F/F-1", "1C/C-1"} <= {row["path"] for row in department}


@pytest.mark.parametrize("command", [("show", "D-1"), ("scorecard", "C-5"), ("deps", "1B", "-r")])
def test_output_fits_80_columns_and_cuts_nothing(
    run: Run, project: Path, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    result = run(*command)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in result.out
    if command[0] == "show":
        # The finding wraps instead of ending at the border.
        text = " ".join(line.strip("│ ") for line in lines)
        assert "policy forbids 1F and 1D to interface directly" in text
    if command[0] == "scorecard":
        header = lines[1] + lines[2] if "status" not in lines[1] else lines[1]
        assert "status" in header
        assert "KPIs below" in " ".join(lines[1:4])
        assert "no KPIs" in result.out
