"""``orgplane validate``: check a spec like a compiler, print findings in text/json/sarif/github."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from orgplane.cli.console import err, out, print_raw, safe, spec_path
from orgplane.errors import SpecError

if TYPE_CHECKING:
    from orgplane.rules import Finding
    from orgplane.rules.registry import RuleRegistry

__all__ = ["validate"]


class OutputFormat(StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"


def validate(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="PATH",
            help="Spec file or folder. Default: --spec, $ORGPLANE_SPEC, ./org, or '.'.",
        ),
    ] = None,
    spec: Annotated[
        Path | None, typer.Option("--spec", help="Spec file or folder (same as PATH).")
    ] = None,
    output_format: Annotated[
        OutputFormat,
        typer.Option("--format", "-f", help="text for people, json/sarif/github for CI."),
    ] = OutputFormat.TEXT,
    strict: Annotated[
        bool, typer.Option("--strict", help="Fail (exit 1) on warnings too.")
    ] = False,
) -> None:
    """Check an org spec and print its findings the way a compiler prints errors.

    Exit 0 when clean, 1 on errors (and on warnings with --strict), 2 when the spec
    cannot be read at all.
    """
    from orgplane.rules import Severity, default_registry
    from orgplane.spec import load_spec

    target = spec_path(path or spec)
    registry = default_registry()
    exit_code = 0
    try:
        org = load_spec(target)
        findings = registry.check(org)
    except SpecError as exc:
        findings = [_from_diagnostic(d) for d in exc.diagnostics]
        exit_code = exc.exit_code
    errors = sum(f.severity is Severity.ERROR for f in findings)
    warnings = sum(f.severity is Severity.WARNING for f in findings)
    if not exit_code and (errors or (strict and warnings)):
        exit_code = 1
    _render(findings, output_format, registry)
    if output_format is OutputFormat.TEXT:
        sys.stdout.flush()  # findings before the summary, also when both go to one terminal
        infos = len(findings) - errors - warnings
        summary = f"{target}: {_count(errors, 'error')}, {_count(warnings, 'warning')}, {_count(infos, 'note')}"
        err().print(safe(summary if findings else f"{target}: no problems found"))
    raise typer.Exit(exit_code)


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _from_diagnostic(diagnostic: Any) -> Finding:
    from orgplane.model import Location
    from orgplane.rules import Finding, Severity

    location = (
        Location(diagnostic.file, diagnostic.line, diagnostic.col) if diagnostic.line else None
    )
    message = diagnostic.message if diagnostic.line else f"{diagnostic.file}: {diagnostic.message}"
    return Finding(diagnostic.code, Severity.ERROR, message, location, diagnostic.hint)


def _render(findings: list[Finding], fmt: OutputFormat, registry: RuleRegistry) -> None:
    if fmt is OutputFormat.TEXT:
        console = out()
        for finding in findings:
            console.print(safe(finding))
    elif fmt is OutputFormat.JSON:
        print_raw(json.dumps([_as_json(f) for f in findings], indent=2, ensure_ascii=False))
    elif fmt is OutputFormat.SARIF:
        print_raw(json.dumps(_as_sarif(findings, registry), indent=2, ensure_ascii=False))
    else:
        for finding in findings:
            print_raw(_as_github(finding))


def _as_json(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "hint": finding.hint,
        "file": loc.file if loc else None,
        "line": loc.line if loc else None,
        "col": loc.col if loc else None,
        "subject": finding.subject,
    }


def _as_sarif(findings: list[Finding], registry: RuleRegistry) -> dict[str, Any]:
    from importlib.metadata import version

    from orgplane.rules import Severity

    sarif_level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.summary},
            "fullDescription": {"text": rule.doc},
            "defaultConfiguration": {"level": sarif_level[rule.severity]},
        }
        for rule in registry
    ]
    results = []
    for finding in findings:
        result: dict[str, Any] = {
            "ruleId": finding.code,
            "level": sarif_level[finding.severity],
            "message": {
                "text": finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
            },
        }
        if finding.location:
            result["locations"] = [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": Path(finding.location.file).as_posix()},
                        "region": {
                            "startLine": finding.location.line,
                            "startColumn": finding.location.col,
                        },
                    }
                }
            ]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "orgplane",
                        "version": version("orgplane"),
                        "informationUri": "https://orgplane.dev/docs/rules",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


def _escape(text: str, *, prop: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _as_github(finding: Finding) -> str:
    from orgplane.rules import Severity

    level = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}[
        finding.severity
    ]
    props = [f"title={_escape(finding.code, prop=True)}"]
    if finding.location:
        loc = finding.location
        props = [
            f"file={_escape(loc.file, prop=True)}",
            f"line={loc.line}",
            f"col={loc.col}",
            *props,
        ]
    message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
    return f"::{level} {','.join(props)}::{_escape(message)}"
