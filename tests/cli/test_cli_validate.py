"""``orgplane validate``: compiler-style findings, CI formats, and exit codes."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli.conftest import Run


def test_cipo_reports_the_forbidden_interfaces(run: Run, cipo: str) -> None:
    result = run("validate", cipo)
    assert result.code == 1
    lines = result.out.splitlines()
    forbidden = [line for line in lines if " OP104 " in line]
    assert len(forbidden) == 2
    assert all(re.match(r".*1d\.yaml:\d+:\d+: error OP104 ", line) for line in forbidden)
    assert any(
        "D-1 depends on 1F (SLO), but policy forbids 1F and 1D to interface directly" in line
        for line in forbidden
    )
    assert any("D-4" in line and "Tenant Alert" in line for line in forbidden)
    assert "2 errors" in result.err


def test_clean_spec_exits_zero_and_strict_fails_on_warnings(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text("org: {code: A, name: Acme}\ngroups: [{code: X, kind: squad, name: X}]\n")
    assert run("validate", str(spec)).code == 0
    spec.write_text("org: {code: A, name: Acme}\ngroups: [{code: X, kind: department, name: X}]\n")
    lenient = run("validate", str(spec))
    assert lenient.code == 0
    assert "warning OP110" in lenient.out
    assert run("validate", "--strict", str(spec)).code == 1


def test_unreadable_input_exits_two_with_one_line(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "bad.yaml"
    spec.write_text("org: {code: A, name: [\n")
    result = run("validate", str(spec))
    assert result.code == 2
    assert result.out.strip().startswith(f"{spec}:2:1: error OP000 invalid YAML")
    assert "Traceback" not in result.out + result.err


def test_schema_errors_exit_one_with_position(run: Run, tmp_path: Path) -> None:
    spec = tmp_path / "org.yaml"
    spec.write_text("org: {code: A, name: Acme}\ngroups:\n  - code: X\n    nmae: Y\n")
    result = run("validate", str(spec))
    assert result.code == 1
    assert result.out.strip() == (
        f"{spec}:4:5: error OP002 unknown field 'nmae' in group (hint: did you mean 'name'?)"
    )


def test_json_sarif_and_github_formats(run: Run, cipo: str) -> None:
    findings = json.loads(run("validate", cipo, "--format", "json").out)
    assert {f["code"] for f in findings} >= {"OP104", "OP110"}
    assert all(f["line"] for f in findings if f["code"] == "OP104")
    sarif = json.loads(run("validate", cipo, "--format", "sarif").out)
    assert sarif["version"] == "2.1.0"
    run_ = sarif["runs"][0]
    assert {r["id"] for r in run_["tool"]["driver"]["rules"]} >= {"OP101", "OP104"}
    result = next(r for r in run_["results"] if r["ruleId"] == "OP104")
    assert result["level"] == "error"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] > 0
    github = run("validate", cipo, "--format", "github").out.splitlines()
    assert any(line.startswith("::error file=") and "title=OP104::" in line for line in github)


def test_spec_path_defaults(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "org").mkdir()
    (tmp_path / "org" / "org.yaml").write_text("org: {code: A, name: Acme}\n")
    monkeypatch.chdir(tmp_path)
    assert run("validate").code == 0  # ./org
    other = tmp_path / "other.yaml"
    other.write_text("org: {code: B, name: [\n")
    monkeypatch.setenv("ORGPLANE_SPEC", str(other))
    assert run("validate").code == 2  # $ORGPLANE_SPEC wins over ./org
