"""``export``, ``schema``, ``init`` and the README's generated CLI reference."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from orgplane.cli import create_app
from orgplane.cli.export import ExportFormat
from orgplane.cli.reference import END, START, render_reference
from orgplane.exporters import FORMATS
from tests.cli.conftest import EXAMPLES, Run

README = Path(__file__).resolve().parents[2] / "README.md"


def test_export_formats_match_the_exporters() -> None:
    assert tuple(f.value for f in ExportFormat) == FORMATS


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_export_of_every_example_works(run: Run, fmt: str) -> None:
    for example in ("cipo", "data-infra", "plugilo-infra", "infra-ops"):
        result = run("export", fmt, "--spec", str(EXAMPLES / example))
        assert result.code == 0, result.err
        assert result.out.strip()
        assert "INF-0" not in result.out  # internal role ids never reach output


def test_json_export_validates_against_the_published_schema(run: Run, cipo: str) -> None:
    document = json.loads(run("export", "json", "--spec", cipo).out)
    schema = json.loads(run("schema", "--export").out)
    jsonschema.Draft202012Validator(schema).validate(document)
    b2 = next(c for g in document["groups"] for c in g["children"] if c["code"] == "B-2")
    assert b2["path"] == "1B/B-2"
    assert [k["text"] for k in b2["kpis"]] == ["Durability 11×9", "P95 latency < 5ms"]


def test_export_to_a_file_is_all_or_nothing(run: Run, cipo: str, tmp_path: Path) -> None:
    target = tmp_path / "catalog-info.yaml"
    result = run("export", "backstage", "--spec", cipo, "-o", str(target))
    assert result.code == 0
    entities = list(yaml.safe_load_all(target.read_text()))
    assert any(e["kind"] == "Group" and e["spec"]["type"] == "squad" for e in entities)
    bad = run(
        "export", "backstage", "--spec", str(tmp_path / "missing"), "-o", str(tmp_path / "x.yaml")
    )
    assert bad.code == 2
    assert not (tmp_path / "x.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalog-info.yaml"]


def test_unknown_format_is_a_usage_error(run: Run, cipo: str) -> None:
    result = run("export", "pdf", "--spec", cipo)
    assert result.code == 2
    assert "pdf" in result.err


def test_spec_schema_is_valid_and_checks_the_scaffold(run: Run, tmp_path: Path) -> None:
    schema = json.loads(run("schema").out)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert run("init", str(tmp_path / "org")).code == 0
    for file in (tmp_path / "org").iterdir():
        jsonschema.Draft202012Validator(schema).validate(yaml.safe_load(file.read_text()))


def test_init_scaffolds_a_clean_spec_and_never_overwrites(run: Run, tmp_path: Path) -> None:
    target = tmp_path / "org"
    assert run("init", str(target)).code == 0
    result = run("validate", "--strict", str(target))
    assert result.code == 0, result.out
    assert run("tree", "--spec", str(target)).out.count("─") >= 6
    again = run("init", str(target))
    assert again.code == 2
    assert "already has" in again.err


def test_readme_cli_reference_is_current() -> None:
    text = README.read_text(encoding="utf-8")
    current = text[text.index(START) + len(START) : text.index(END)].strip()
    assert current == render_reference(create_app()).strip(), (
        "README's CLI reference is stale: run `orgplane dev cli-reference --write README.md`"
    )


def test_help_explains_every_command(run: Run) -> None:
    result = run("--help")
    assert result.code == 0
    for command in ("validate", "tree", "show", "owners", "deps", "export", "schema", "init"):
        assert command in result.out


def test_no_cli_output_of_infra_ops_shows_internal_ids(run: Run, infra_ops: str) -> None:
    outputs = [
        run("validate", infra_ops),
        run("validate", infra_ops, "--format", "sarif"),
        run("tree", "--spec", infra_ops, "--details"),
        run("owners", "monitoring", "--spec", infra_ops),
        run("owners", "database", "--spec", infra_ops, "--json"),
        *(run("export", fmt, "--spec", infra_ops) for fmt in FORMATS),
    ]
    team = json.loads(run("export", "json", "--spec", infra_ops).out)["groups"][0]["code"]
    outputs += [
        run("show", team, "--spec", infra_ops),
        run("show", team, "--spec", infra_ops, "--json"),
    ]
    outputs += [
        run("deps", team, "--spec", infra_ops),
        run("deps", team, "--reverse", "--spec", infra_ops),
    ]
    for result in outputs:
        assert "INF-0" not in result.out + result.err
    assert all((result.out + result.err).strip() for result in outputs)
