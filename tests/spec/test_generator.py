"""The org generator behind ``orgplane dev generate``: deterministic, loadable, as asked."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from orgplane.errors import UsageError
from orgplane.model import OrgIndex
from orgplane.rules import Severity, default_registry
from orgplane.spec import generator, load_spec
from orgplane.spec.generator import GenerationSummary, generate_org

SMALL = {"departments": 2, "squads_per": 3, "units_per": 2, "people": 50, "catalog": 20}


def _generate(out: Path, seed: int = 0, **sizes: int) -> GenerationSummary:
    return generate_org(out, seed=seed, **{**SMALL, **sizes})


def _contents(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_the_same_seed_writes_byte_identical_files(tmp_path: Path) -> None:
    _generate(tmp_path / "one")
    _generate(tmp_path / "two")
    _generate(tmp_path / "other", seed=1)
    assert _contents(tmp_path / "one") == _contents(tmp_path / "two")
    assert _contents(tmp_path / "one") != _contents(tmp_path / "other")


def test_a_small_org_loads_with_the_counts_asked_for(tmp_path: Path) -> None:
    summary = _generate(tmp_path)
    org = load_spec(tmp_path)
    index = OrgIndex(org)
    kinds = Counter(group.kind for group in index.groups.values())
    assert kinds == {"department": 2, "squad": 6, "unit": 12}
    assert (summary.departments, summary.squads, summary.units) == (2, 6, 12)
    assert len(org.people) == summary.people == 50
    assert len(org.catalog) == summary.catalog == 20
    assert len(org.roles) == summary.roles
    assert len(index.edges) == summary.dependencies > 0
    assert [path.name for path in summary.files] == [
        "org.yaml",
        "dept-01.yaml",
        "dept-02.yaml",
        "people-01.yaml",
        "catalog-01.yaml",
    ]
    assert summary.bytes_written == sum(path.stat().st_size for path in summary.files)


def test_the_most_depended_on_group_exists_and_has_the_most_dependents(tmp_path: Path) -> None:
    summary = _generate(tmp_path, departments=4, squads_per=10, units_per=3, people=400)
    index = OrgIndex(load_spec(tmp_path))
    incoming = Counter(edge.target for edge in index.edges)
    assert summary.most_depended_path in index.groups
    assert incoming[summary.most_depended_path] == summary.most_depended_count
    assert summary.most_depended_count == max(incoming.values())
    # Skewed on purpose: the busiest group stands out from a typical one.
    assert summary.most_depended_count >= 3 * sorted(incoming.values())[len(incoming) // 2]
    assert index.impact(summary.most_depended_path, reverse=True)


def test_the_generated_org_is_realistic_and_healthy(tmp_path: Path) -> None:
    _generate(tmp_path, departments=4, squads_per=10, units_per=3, people=400, catalog=100)
    org = load_spec(tmp_path)
    index = OrgIndex(org)
    for parent in [None, *index.groups]:
        codes = [index.groups[path].code for path in index.children(parent)]
        assert len(codes) == len(set(codes)), f"sibling codes repeat under {parent}"
    assert any(len(paths) > 1 for paths in index.codes().values()), "no code is reused"
    squads = [group for group in index.groups.values() if group.kind == "squad"]
    assert all(2 <= len(squad.responsibilities) <= 4 for squad in squads)
    assert all(1 <= len(squad.kpis) <= 3 for squad in squads)
    assert all(item.version for squad in squads for item in squad.stack)
    assert {person.id for person in org.people} >= {
        lead for group in index.groups.values() for lead in group.leads
    }
    assert all(index.resolve(entry.owner or "").path for entry in org.catalog)
    errors = [f for f in default_registry().check(org) if f.severity is Severity.ERROR]
    assert errors == []


def test_many_departments_reuse_squad_codes_and_refer_by_path(tmp_path: Path) -> None:
    summary = _generate(tmp_path, departments=28, squads_per=2, units_per=0, people=0, catalog=0)
    index = OrgIndex(load_spec(tmp_path))
    assert "2B" in index.groups
    assert index.resolve("A-1").ambiguous  # in 1A and in 2A
    for group in index.groups.values():
        for dependency in group.dependencies:
            assert index.resolve(dependency.target).path is not None, dependency.target
    assert summary.people == 0


def test_people_and_catalog_are_split_into_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(generator, "CHUNK_SIZE", 20)
    summary = _generate(tmp_path, people=45, catalog=40)
    names = [path.name for path in summary.files]
    assert names[-5:] == [
        "people-01.yaml",
        "people-02.yaml",
        "people-03.yaml",
        "catalog-01.yaml",
        "catalog-02.yaml",
    ]
    org = load_spec(tmp_path)
    assert [person.id for person in org.people] == [f"p-{i:06d}" for i in range(1, 46)]


def test_refuses_a_folder_with_spec_files_and_negative_sizes(tmp_path: Path) -> None:
    (tmp_path / "org.yaml").write_text("version: 1\n", encoding="utf-8")
    with pytest.raises(UsageError, match="already holds spec files"):
        _generate(tmp_path)
    with pytest.raises(UsageError, match="--people must be 0 or more"):
        _generate(tmp_path / "new", people=-1)
    with pytest.raises(UsageError, match="--departments must be 1 or more"):
        _generate(tmp_path / "new", departments=0)
