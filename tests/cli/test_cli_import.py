"""``orgplane import``: writing a spec folder, the report, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import EXAMPLES, Run

SEEDS = EXAMPLES / "seeds"


def _seed(number: str) -> str:
    return str(next(SEEDS.glob(f"{number}_*.txt")))


def test_import_writes_a_valid_spec_folder_the_same_way_twice(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "cipo"
    result = run("import", _seed("001"), "--out", str(out))
    assert result.code == 0, result.err
    assert "all 336 content lines accounted for" in result.out
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    assert sorted(first) == [
        "1a.yaml",
        "1b.yaml",
        "1c.yaml",
        "1d.yaml",
        "1e.yaml",
        "1f.yaml",
        "1g.yaml",
        "org.yaml",
    ]
    assert run("import", _seed("000"), _seed("001"), "--out", str(out)).code == 0
    again = {p.name: p.read_bytes().split(b"\n", 1)[1] for p in out.iterdir()}
    assert again == {name: data.split(b"\n", 1)[1] for name, data in first.items()}
    validated = run("validate", str(out))
    assert validated.code == 1  # the documents' own contradiction: D-1 and D-4 talk to 1F
    assert validated.out.count(" OP104 ") == 2


def test_dry_run_writes_nothing_and_json_reports(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "nothing"
    result = run("import", _seed("004"), "--out", str(out), "--dry-run", "--format", "json")
    assert result.code == 0
    assert not out.exists()
    report = json.loads(result.out)
    assert report["counts"]["role"] == 12  # registry and roster rows, merged into 6 roles
    assert report["uncovered"] == {}
    assert "INF-0" not in result.out
    # What the org holds, by the names a reader of the document would use.
    assert report["org"]["contains"] == {
        "team": 1,
        "KPIs": 5,
        "stakeholders": 3,  # each named twice (interfaces, collaboration): merged
        "catalog entries": 5,
        "roles": 6,
        "message templates": 3,
        "gates": 2,
        "workflows": 2,
        "on-call rotations": 1,
    }
    assert report["problems"] == []  # a team document has structure: no "no org" warning


def test_text_report_shows_the_org_and_what_lines_became(run: Run) -> None:
    result = run("import", _seed("000"), _seed("001"), "--dry-run")
    assert result.code == 0
    for expected in (
        "The org it made",
        "department",
        "squad",
        "unit",
        "KPIs",
        "Source lines became",
    ):
        assert expected in result.out
    assert "all 573 content lines accounted for" in result.out


def test_import_never_overwrites_a_hand_written_spec(run: Run, tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text("org: {code: A, name: Mine}\n")
    result = run("import", _seed("001"), "--out", str(tmp_path))
    assert result.code == 2
    assert "did not write" in result.err
    assert (tmp_path / "org.yaml").read_text() == "org: {code: A, name: Mine}\n"


def test_unreadable_documents(run: Run, tmp_path: Path) -> None:
    latin = tmp_path / "latin.md"
    latin.write_bytes("# Caf\u00e9\n".encode("latin-1"))
    alone = run("import", str(latin), "--out", str(tmp_path / "out"))
    assert alone.code == 2
    assert (
        alone.err.strip()
        == f"{latin}:1:6: error OP000 not UTF-8 text (byte 0xe9) (hint: save the file as UTF-8)"
    )
    assert not (tmp_path / "out").exists()
    mixed = run("import", str(latin), _seed("001"), "--out", str(tmp_path / "out"))
    assert mixed.code == 1
    assert f"{latin}:1:6: warning not imported: not UTF-8 text" in mixed.out
    assert (tmp_path / "out" / "1b.yaml").exists()


def test_missing_out_is_a_usage_error(run: Run) -> None:
    result = run("import", _seed("001"))
    assert result.code == 2
    assert "--out" in result.err
