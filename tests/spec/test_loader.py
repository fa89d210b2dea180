"""Loading specs: positions, merging folders, and one clear error per kind of bad input."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from orgplane.errors import SpecError, SpecReadError
from orgplane.model import OrgIndex
from orgplane.model.base import Located, Shorthand
from orgplane.spec import load_spec, load_spec_text

MINIMAL = """\
version: 1
org: {code: ACME, name: Acme}
groups:
  - code: 1D
    kind: Department
    name: Data
    groups:
      - code: D-1
        name: Data Platform
        stack: [Hadoop 3.x, "Kubernetes v1.30", {name: Kafka, version: "3.7"}, Go]
        kpis: ["NameNode Uptime ≥ 99.9%", {text: "ISR ≤ 1", weight: 2}]
        dependencies:
          - {target: 1F, provides: SLO}
          - 1B
"""


def _error(text: str) -> str:
    with pytest.raises(SpecError) as info:
        load_spec_text(text, "org.yaml")
    return str(info.value)


def test_values_know_their_file_line_and_column() -> None:
    org = load_spec_text(MINIMAL, "org.yaml")
    squad = org.groups[0].groups[0]
    assert str(squad.location()) == "org.yaml:8:9"
    assert str(squad.kpis[0].location()) == "org.yaml:11:16"
    assert str(squad.kpis[1].location()) == "org.yaml:11:43"
    assert str(squad.dependencies[1].location()) == "org.yaml:14:13"
    assert str(squad.location("name")) == "org.yaml:9:9"
    assert str(squad.location("responsibilities")) == "org.yaml:8:9"  # absent: the group itself


def test_shorthands_and_text_scalars() -> None:
    org = load_spec_text(MINIMAL, "org.yaml")
    squad = org.groups[0].groups[0]
    assert [(s.name, s.version) for s in squad.stack] == [
        ("Hadoop", "3.x"),
        ("Kubernetes", "v1.30"),
        ("Kafka", "3.7"),
        ("Go", None),
    ]
    assert squad.kpis[1].weight == 2.0
    assert squad.dependencies[1].target == "1B"
    assert org.groups[0].kind == "department"  # kinds are labels, compared lower-case


def test_only_shorthand_models_read_a_bare_string() -> None:
    error = _error("org: {code: A, name: B}\npeople: [ana]\n")
    assert (
        error == "org.yaml:2:10: error OP001 people[0]: expected a mapping for Person (got 'ana')"
    )

    with pytest.raises(TypeError, match="make it a Shorthand model"):

        class Named(Located):
            shorthand_field: ClassVar[str | None] = "name"
            name: str

    class Tagged(Shorthand):
        shorthand_field: ClassVar[str | None] = "name"
        name: str

    assert Tagged.model_validate("x") == Tagged(name="x")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "org: {code: A, name: B}\ngroups:\n  - code: X\n    nmae: Y\n",
            "org.yaml:4:5: error OP002 unknown field 'nmae' in group (hint: did you mean 'name'?)",
        ),
        (
            "org: {code: A, name: B}\ngroups:\n  - code: X\n",
            "org.yaml:3:5: error OP004 missing required field 'name' in group",
        ),
        (
            "org: {code: A, name: B}\ngroups:\n  - {code: 'bad code', name: Y}\n",
            "org.yaml:3:6: error OP001 groups[0].code: not a valid code or identifier (got 'bad code')",
        ),
        (
            "org: {code: A, name: B}\ngroups: yes\n",
            "org.yaml:2:1: error OP001 groups: expected a valid list (got 'yes')",
        ),
        (
            "org: {code: A, name: B}\ngroups: []\ngroups: []\n",
            "org.yaml:3:1: error OP003 duplicate key 'groups' (first at line 2, column 1)",
        ),
        ("groups: []\n", "org.yaml:1:1: error OP006 no 'org:' section"),
        (
            "- a\n- b\n",
            "org.yaml:1:1: error OP001 expected a mapping at the top of the file, found a list",
        ),
        ("org: {code: A, name: [B\n", "org.yaml:2:1: error OP000 invalid YAML"),
        ("# only a comment\n", "org.yaml:1:1: error OP005 the file is empty"),
        (
            "org: !!python/object:os.system {}\n",
            "org.yaml:1:6: error OP000 YAML tag tag:yaml.org,2002:python/object:os.system is not supported",
        ),
        (
            "a: " + "[" * 5000 + "]" * 5000,
            "org.yaml:1:203: error OP000 nesting deeper than 200 levels",
        ),
    ],
)
def test_bad_input_gets_one_positioned_line(text: str, expected: str) -> None:
    assert _error(text).startswith(expected)


def test_every_problem_of_a_file_is_reported() -> None:
    with pytest.raises(SpecError) as info:
        load_spec_text("org: {code: A, name: B, x: 1}\ngroups:\n  - {code: X, y: 2}\n", "o.yaml")
    codes = sorted(d.code for d in info.value.diagnostics)
    assert codes == ["OP002", "OP002", "OP004"]


def test_binary_wrong_encoding_and_huge_files(tmp_path: Path) -> None:
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"org:\n  code: \x00\x01")
    with pytest.raises(SpecReadError, match=r"bin.yaml:2:9: error OP000 binary file"):
        load_spec(binary)
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("org: {code: A, name: Caf\u00e9}\n".encode("latin-1"))
    with pytest.raises(SpecReadError, match=r"latin.yaml:1:25: error OP000 not UTF-8 text"):
        load_spec(latin)
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    with pytest.raises(SpecReadError, match=r"larger than the 16 MiB"):
        load_spec(huge)
    with pytest.raises(SpecReadError, match="no such file"):
        load_spec(tmp_path / "missing")


def test_a_folder_merges_in_path_order(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text(
        "org: {code: A, name: Acme}\npolicies: {lead_threshold: {size: 3}}\n"
    )
    (tmp_path / "b.yaml").write_text("groups: [{code: B, name: Bee}]\n")
    (tmp_path / "a.yaml").write_text(
        "groups: [{code: A1, name: Aye}]\npeople: [{id: p1, name: P}]\n"
    )
    (tmp_path / ".hidden.yaml").write_text("not: [valid")
    (tmp_path / "notes.txt").write_text("ignored")
    org = load_spec(tmp_path)
    assert [g.code for g in org.groups] == ["A1", "B"]
    assert org.policies.lead_threshold is not None
    assert str(org.groups[1].location()) == f"{tmp_path / 'b.yaml'}:1:10"


def test_folder_conflicts_are_reported(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(
        "org: {code: A, name: Acme}\npolicies: {lead_threshold: {size: 3}}\n"
    )
    (tmp_path / "b.yaml").write_text(
        "org: {code: B, name: Bee}\npolicies: {lead_threshold: {size: 4}}\n"
    )
    with pytest.raises(SpecError) as info:
        load_spec(tmp_path)
    messages = [d.message for d in info.value.diagnostics]
    assert any("a second 'org:' section" in m for m in messages)
    assert any("policy 'lead_threshold' is set twice" in m for m in messages)


def test_empty_folder_is_unreadable(tmp_path: Path) -> None:
    with pytest.raises(SpecReadError, match="no spec files"):
        load_spec(tmp_path)


def test_index_resolves_codes_and_paths() -> None:
    text = """\
org: {code: A, name: Acme}
groups:
  - {code: 1C, name: C, groups: [{code: C-5, name: R, groups: [{code: U-RE1, name: SemVer}]}]}
  - {code: 1F, name: F, groups: [{code: F-6, name: R, groups: [{code: U-RE1, name: Guard}]}]}
"""
    index = OrgIndex(load_spec_text(text))
    assert index.resolve("U-RE1").ambiguous
    assert index.resolve("1F/F-6/U-RE1").path == "1F/F-6/U-RE1"
    assert index.resolve("c-5").path == "1C/C-5"
    assert "C-5" in index.resolve("C-6").suggestions


def test_null_and_empty_values_mean_not_set() -> None:
    org = load_spec_text(
        "org: {code: A, name: Acme, description: ~}\n"
        "catalog:\n  - id: x\n    name: X\n    tier: null\n    owner:\n"
        "groups:\n  - {code: G, name: '~', description: \"null\"}\n",
        "o.yaml",
    )
    assert org.description == ""
    assert org.catalog[0].tier is None
    assert org.catalog[0].owner is None
    assert org.groups[0].name == "~"  # quoted: text
    assert org.groups[0].description == "null"
    with pytest.raises(
        SpecError, match=r"o\.yaml:1:6: error OP004 missing required field 'name' in org"
    ):
        load_spec_text("org: {code: A, name: }\n", "o.yaml")
    with pytest.raises(SpecError, match="OP003 duplicate key 'name'"):
        load_spec_text("org: {code: A, name: , name: B}\n", "o.yaml")
