"""``orgplane apply``: validate, sync into the database, print what changed."""

from __future__ import annotations

import json
from pathlib import Path

from orgplane.store import create_engine
from tests.cli.conftest import Run
from tests.services.specs import MOVED, RENAMED, applicable_cipo, reorganize, write_spec
from tests.store.helpers import dump


def test_apply_then_reapply_then_a_reorganization(run: Run, db_url: str, tmp_path: Path) -> None:
    org = applicable_cipo()
    spec = write_spec(org, tmp_path / "org")
    first = run("apply", str(spec), "--db", db_url)
    assert first.code == 0, first.err
    assert first.out.startswith(f"org CIPO created from {spec} (apply #1): 104 groups, 2 people")

    again = run("apply", str(spec), "--db", db_url)
    assert again.code == 0
    assert again.out.strip() == f"org CIPO: no changes (the database matches {spec})"

    changed = write_spec(reorganize(org), tmp_path / "org2")
    result = run("apply", str(changed), "--db", db_url)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == f"org CIPO updated from {changed} (apply #2)"
    assert f"  → A-1 moved: {MOVED[1]} → {MOVED[2]} (with 2 groups below it)" in lines
    assert f"  ~ {RENAMED[0]} renamed: 'CI/CD Platform' → '{RENAMED[1]}'" in lines
    assert "  - 1A/A-3 removed" in lines
    assert "  ~ 1B/B-2 leads: ana → ben" in lines


def test_a_spec_with_errors_is_refused_and_nothing_written(
    run: Run, db_url: str, cipo: str
) -> None:
    engine = create_engine(db_url)
    try:
        before = dump(engine)
        result = run("apply", cipo, "--db", db_url)
        assert result.code == 1
        assert [line.split(" error ")[1][:5] for line in result.out.splitlines()] == ["OP104"] * 2
        assert result.err.strip() == f"{cipo}: 2 errors; nothing applied"
        assert dump(engine) == before
    finally:
        engine.dispose()
    unreadable = run("apply", "/nonexistent/spec", "--db", db_url)
    assert unreadable.code == 2
    assert "Traceback" not in unreadable.out + unreadable.err


def test_json_and_dry_run(run: Run, db_url: str, tmp_path: Path) -> None:
    spec = write_spec(applicable_cipo(), tmp_path / "org")
    dry = json.loads(run("apply", str(spec), "--db", db_url, "--dry-run", "--json").out)
    assert dry["dry_run"] is True
    assert dry["apply_id"] is None
    assert dry["changes"]["created"] is True
    assert len(dry["changes"]["groups_added"]) == 104
    real = json.loads(run("apply", str(spec), "--db", db_url, "--json").out)
    assert real["changes"]["created"] is True  # the dry run left no trace
    assert real["apply_id"] is not None
    audit = json.loads(run("audit", "--db", db_url, "--json").out)
    assert [(e["action"], e["target"]) for e in audit] == [("spec.apply", "org:CIPO")]
    assert audit[0]["actor"].startswith("cli")
    assert audit[0]["after"]["groups"] == 104
