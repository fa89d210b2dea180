"""``orgplane db upgrade`` and ``orgplane db current``; how commands find the database."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplane.store import head_revision
from tests.cli.conftest import Run


def test_upgrade_then_current(run: Run, empty_db_url: str) -> None:
    before = run("db", "current", "--db", empty_db_url)
    assert before.code == 1
    assert "schema none" in before.out
    assert "orgplane db upgrade" in before.out
    upgraded = run("db", "upgrade", "--db", empty_db_url)
    assert upgraded.code == 0
    assert f"upgraded from schema none to {head_revision()}" in upgraded.err
    again = run("db", "upgrade", "--db", empty_db_url)
    assert again.code == 0
    assert "up to date" in again.err
    current = run("db", "current", "--db", empty_db_url)
    assert current.code == 0
    assert f"schema {head_revision()} (current)" in current.out


def test_default_database_and_the_environment(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ORGPLANE_DB", raising=False)
    assert run("db", "current").code == 1
    assert not (tmp_path / "orgplane.db").exists()  # looking does not create it
    assert run("db", "upgrade").code == 0
    assert (tmp_path / "orgplane.db").is_file()
    other = tmp_path / "other.db"
    monkeypatch.setenv("ORGPLANE_DB", f"sqlite:///{other}")
    assert run("db", "upgrade").code == 0
    assert other.is_file()
    assert "other.db: schema" in run("db", "current").out


def test_commands_refuse_a_database_that_is_not_ready(
    run: Run, empty_db_url: str, tmp_path: Path
) -> None:
    missing = tmp_path / "missing.db"
    result = run("token", "list", "--db", f"sqlite:///{missing}")
    assert result.code == 1
    assert result.err.startswith(f"orgplane: error: no database at {missing}")
    assert not missing.exists()
    if empty_db_url.startswith("sqlite:///"):
        Path(empty_db_url.removeprefix("sqlite:///")).touch()  # an empty SQLite database
    result = run("audit", "--db", empty_db_url)
    assert result.code == 1
    assert "has schema none" in result.err
    assert "run 'orgplane db upgrade'" in result.err
    unreachable = run("db", "current", "--db", "postgresql://u:pw@127.0.0.1:1/x")
    assert unreachable.code == 1
    assert unreachable.err.count("\n") == 1
    assert "u:***@" in unreachable.err
    bad = run("db", "upgrade", "--db", "mysql://u@h/x")
    assert bad.code == 2
    assert "sqlite and postgresql only" in bad.err
