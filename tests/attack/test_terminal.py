"""Terminal injection: spec, document, database and user text printed by the CLI is shown as
text. Rich markup in it (``[link=…]``, ``[/x]``) is not read, and control characters (ESC
sequences that clear the screen or hide a hyperlink, CR, bidi overrides) never reach the
terminal: they are shown as a visible ``\\uXXXX``.

``FORCE_COLOR`` makes Rich write as it would to a terminal, so a hyperlink it made would
show as an OSC 8 sequence in the captured output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_run import Result, Run

LINK = "[link=https://evil.example/x]Click me[/link]"
BAD_MARKUP = "[/nonexistent]"
CLEAR = "\x1b[2J"
OSC_LINK = "\x1b]8;;https://evil.example/x\x1b\\Click\x1b]8;;\x1b\\"
HOSTILE = [LINK, BAD_MARKUP, CLEAR, OSC_LINK, "over\rwrite", "abc\u202edcba", "c1\x9b2J"]


@pytest.fixture(autouse=True)
def _terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setattr("orgplane.cli.console._stdout_is_terminal", lambda: True)


def _spec(tmp_path: Path, name: str) -> Path:
    value = json.dumps(name)  # JSON is YAML: every character survives, escaped
    path = tmp_path / "org.yaml"
    path.write_text(
        f"""\
org: {{code: EV, name: {value}}}
groups:
- code: A
  name: {value}
  description: {value}
  leads: [ana]
  responsibilities: [{value}, storage]
  kpis: [{value}]
  dependencies: [{{target: B, provides: {value}}}]
- code: B
  name: {value}
  notes: [{value}]
people:
- {{id: ana, name: {value}}}
catalog:
- {{id: svc, name: {value}, kind: service, owner: A}}
""",
        encoding="utf-8",
    )
    return path


def _assert_shown_as_text(result: Result, name: str, *, shows: bool = True) -> None:
    printed = result.out + result.err
    assert "Traceback" not in printed
    assert "\x1b]8;" not in printed  # no hyperlink, made by Rich or passed through
    assert "\x1b[2J" not in printed
    assert "\r" not in printed
    assert "\u202e" not in printed
    assert "\x9b" not in printed
    if shows and name in (LINK, BAD_MARKUP):
        assert name in printed  # the markup is shown, as written
    if shows and name == CLEAR:
        assert "\\u001b[2J" in printed or "\\x1b[2J" in printed  # visible, as an escape


#: The commands that print a spec's text: each reads the spec of ``_spec``.
VIEWS = [
    ("show", "A"),
    ("show", "B"),  # a group depended on: what A provides it
    ("tree", "--details"),
    ("owners", "storage"),
    ("deps", "A"),
    ("deps", "B", "--reverse"),
]


@pytest.mark.parametrize("view", VIEWS, ids=" ".join)
@pytest.mark.parametrize("name", HOSTILE)
def test_views_print_names_as_text(
    run: Run, tmp_path: Path, name: str, view: tuple[str, ...]
) -> None:
    result = run(*view, "--spec", str(_spec(tmp_path, name)))
    assert result.code == 0, result.err
    _assert_shown_as_text(result, name)


@pytest.mark.parametrize("name", HOSTILE)
def test_validate_findings_print_as_text(run: Run, tmp_path: Path, name: str) -> None:
    spec = _spec(tmp_path, name)
    # A dependency on a group that does not exist: its finding quotes the spec's text.
    spec.write_text(
        spec.read_text(encoding="utf-8").replace("target: B,", f"target: {json.dumps(name)},"),
        encoding="utf-8",
    )
    for fmt in ("text", "github"):
        result = run("validate", str(spec), "--format", fmt)
        assert result.code in (0, 1), result.err
        _assert_shown_as_text(result, name)


@pytest.mark.parametrize("name", HOSTILE)
def test_export_prints_names_as_text(run: Run, tmp_path: Path, name: str) -> None:
    spec = str(_spec(tmp_path, name))
    for fmt in ("markdown", "mermaid", "dot"):
        result = run("export", fmt, "--spec", spec)
        assert result.code == 0, result.err
        _assert_shown_as_text(result, name)


@pytest.mark.parametrize("name", HOSTILE)
def test_apply_and_audit_print_names_as_text(
    run: Run, tmp_path: Path, db_url: str, name: str
) -> None:
    spec = _spec(tmp_path, name)
    first = run("apply", str(spec), "--db", db_url)
    assert first.code == 0, first.err
    _assert_shown_as_text(first, name, shows=False)
    before = f"code: B\n  name: {json.dumps(name)}"
    spec.write_text(spec.read_text(encoding="utf-8").replace(before, "code: B\n  name: B"), "utf-8")
    again = run("apply", str(spec), "--db", db_url)  # "B renamed: '<name>' → 'B'"
    assert again.code == 0, again.err
    _assert_shown_as_text(again, name)
    _assert_shown_as_text(run("audit", "--db", db_url), name, shows=False)


@pytest.mark.parametrize("name", HOSTILE)
def test_token_names_print_as_text(run: Run, db_url: str, name: str) -> None:
    created = run("token", "create", "--role", "viewer", "--name", name, "--db", db_url)
    assert created.code == 0, created.err
    listed = run("token", "list", "--db", db_url)
    assert listed.code == 0, listed.err
    _assert_shown_as_text(listed, name)
    _assert_shown_as_text(run("audit", "--db", db_url), name)


@pytest.mark.parametrize("name", HOSTILE)
def test_import_report_prints_document_text_as_text(run: Run, tmp_path: Path, name: str) -> None:
    document = tmp_path / "org.md"
    document.write_text(f"# {name}\n\n{name}\n\n- {name}\n", encoding="utf-8")
    result = run("import", str(document), "--dry-run")
    assert "Traceback" not in result.out + result.err
    _assert_shown_as_text(result, name)


def test_a_redirected_export_keeps_text_reordering_characters_as_written(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("orgplane.cli.console._stdout_is_terminal", lambda: False)
    spec = str(_spec(tmp_path, "abc\u202edcba\x1b[2J"))
    data = json.loads(run("export", "json", "--spec", spec).out)
    assert data["name"] == "abc\u202edcba\x1b[2J"  # JSON reads back exactly
    markdown = run("export", "markdown", "--spec", spec).out
    assert "abc\u202edcba" in markdown  # as written: the file is not a terminal
    assert "\x1b" not in markdown  # but a control character never passes


@pytest.mark.parametrize("name", HOSTILE)
def test_kpi_views_print_kpi_text_as_text(run: Run, tmp_path: Path, db_url: str, name: str) -> None:
    spec = _spec(tmp_path, name)
    assert run("apply", str(spec), "--db", db_url).code == 0
    demo = run("demo", "measurements", "--db", db_url)
    assert demo.code == 0, demo.err
    # Its progress bar redraws stderr with CR; the report on stdout names the org.
    assert "\r" not in demo.out
    for args in (
        ("kpi", "list", "--db", db_url),
        ("kpi", "parse", name),
        ("scorecard", "--db", db_url, "--depth", "3"),
        ("scorecard", "A", "--org", "EV", "--db", db_url),
    ):
        result = run(*args)
        assert result.code == 0, (args, result.err)
        _assert_shown_as_text(result, name, shows=False)
