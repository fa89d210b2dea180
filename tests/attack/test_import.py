"""Attacks on the Markdown importer: documents shaped to make it slow or to crash it.

Each document is at a size where the importer used to take minutes (its time grew with
the square or the cube of the input, or doubled per 50 list levels) or raised a
traceback; now each imports in a second or two. No test asserts a time: at these sizes a
super-linear stage would make the suite visibly hang, and each test asserts what the
user sees instead — the import finishes, every line is accounted for, and the limits
hit are findings with their lines.
"""

from __future__ import annotations

from pathlib import Path

from orgplane.importers.markdown.structure.trees import MAX_TREE_DEPTH
from orgplane.importers.service import ImportResult, import_paths
from orgplane.importers.textlimit import MAX_TEXT
from tests.cli_run import Run

_HEAD = "# Org\n\n## 1A Platform\n\n"


def _import(tmp_path: Path, text: str) -> ImportResult:
    path = tmp_path / "doc.md"
    path.write_text(text, encoding="utf-8")
    result = import_paths([path])
    assert result.report.uncovered() == {}
    return result


def _box_tree(levels: int) -> str:
    """A tree drawn with one-space indents, each line a level deeper than the last."""
    lines = ["```", "1A Platform", *(" " * i + f"├─ node {i}" for i in range(levels)), "```"]
    return _HEAD + "\n".join(lines) + "\n"


def test_a_600_level_nested_list_imports_every_line(tmp_path: Path) -> None:
    """600 levels (366 KB): the old content-line regex doubled per 50 levels (22 s at 300)."""
    text = _HEAD + "\n".join("  " * i + f"- item {i}" for i in range(600)) + "\n"
    result = _import(tmp_path, text)
    assert result.report.problems == []


def test_a_deep_one_space_box_tree_is_cut_at_the_depth_limit_with_a_finding(
    tmp_path: Path,
) -> None:
    """400 levels: 8 s before; the levels past the limit are notes, with one finding."""
    result = _import(tmp_path, _box_tree(400))
    messages = [(p.location.line, p.message) for p in result.report.problems]
    assert messages == [
        (
            7 + MAX_TREE_DEPTH,
            f"tree: deeper than {MAX_TREE_DEPTH} levels; the lines below are kept as notes",
        )
    ]
    notes = result.org.groups[0].notes
    assert f"node {MAX_TREE_DEPTH}" in notes
    assert "node 399" in notes


def test_a_long_line_of_dependency_arrows_is_kept_in_parts(tmp_path: Path) -> None:
    """40,000 × "◄ 1B " on one code line: 44 s and a validation error before."""
    result = _import(tmp_path, _HEAD + "```\n" + "◄ 1B " * 40_000 + "\n```\n")
    [problem] = result.report.problems
    assert problem.location.line == 6
    assert "200,000 characters" not in problem.message  # the line, stripped, is 199,999
    assert "kept in 11 parts" in problem.message
    assert " ".join(result.org.groups[0].notes) == ("◄ 1B " * 40_000).strip()


def test_an_arrows_file_imports_every_line(tmp_path: Path) -> None:
    """20,000 lines of arrows (360 KB), one connected chart: quadratic before (minutes)."""
    text = _HEAD + "```\n" + "1A → 1B → 1C ◄ 1D\n" * 20_000 + "```\n"
    result = _import(tmp_path, text)
    assert any("kept in" in p.message for p in result.report.problems)


def test_a_thousand_nested_quotes_import_every_line(tmp_path: Path) -> None:
    """markdown-it stops nesting quotes at its own limit; the deeper ones stay text."""
    text = _HEAD + "\n".join(">" * (i + 1) + f" quote {i}" for i in range(1000)) + "\n"
    _import(tmp_path, text)


def test_an_over_long_cell_and_paragraph_are_findings_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    """A cell and a paragraph over the spec's limit on one text raised ValidationError."""
    cell, paragraph = "cell " * (MAX_TEXT // 4), "para " * (MAX_TEXT // 4)
    doc = tmp_path / "doc.md"
    doc.write_text(
        _HEAD + f"| Name | Responsibilities |\n|---|---|\n| x | {cell}|\n\n{paragraph}\n",
        encoding="utf-8",
    )
    result = run("import", str(doc), "--out", str(tmp_path / "out"))
    assert result.code == 0, result.err
    findings = [line for line in (result.out + result.err).splitlines() if "longer than" in line]
    assert sorted(f.split(": warning")[0] for f in findings) == [f"{doc}:7:1", f"{doc}:9:1"]
    assert "Traceback" not in result.err
    assert (tmp_path / "out").is_dir()


def test_a_2000_level_box_tree_is_a_finding_not_a_recursion_error(run: Run, tmp_path: Path) -> None:
    doc = tmp_path / "doc.md"
    doc.write_text(_box_tree(2000), encoding="utf-8")
    result = run("import", str(doc), "--out", str(tmp_path / "out"), "--dry-run")
    assert result.code == 0, result.err
    findings = [line for line in (result.out + result.err).splitlines() if "deeper than" in line]
    assert findings == [
        f"{doc}:{7 + MAX_TREE_DEPTH}:1: warning tree: deeper than {MAX_TREE_DEPTH} levels; "
        "the lines below are kept as notes"
    ]


def test_an_over_long_group_name_is_cut_with_a_finding_not_a_traceback(
    run: Run, tmp_path: Path
) -> None:
    """A heading naming a group past the 300-character limit on names raised ValidationError."""
    doc = tmp_path / "doc.md"
    doc.write_text("# Org\n\n## 1A " + "Name " * 100 + "\n\nText.\n", encoding="utf-8")
    result = run("import", str(doc), "--out", str(tmp_path / "out"), "--dry-run")
    assert result.code == 0, result.err
    findings = [line for line in (result.out + result.err).splitlines() if "longer than" in line]
    assert findings == [
        f"{doc}:3:1: warning a name of 499 characters is longer than the spec allows (300): "
        "cut to its first 300 characters"
    ]
