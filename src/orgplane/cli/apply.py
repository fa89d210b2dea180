"""``orgplane apply``: validate a spec and sync it into the database, printing what changed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from orgplane.cli.console import err, out, print_raw, safe, spec_path
from orgplane.cli.db import DbOption, cli_actor, open_session
from orgplane.errors import SpecError

if TYPE_CHECKING:
    from orgplane.services import ApplyResult, ChangeReport
    from orgplane.services.changes import Counts

__all__ = ["apply_command"]

#: Items of one kind listed before "… and N more".
MAX_LISTED = 50


def apply_command(
    path: Annotated[
        Path | None,
        typer.Argument(
            metavar="SPEC_PATH",
            help="Spec file or folder. Default: $ORGPLANE_SPEC, ./org, or '.'.",
        ),
    ] = None,
    db: DbOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would change; write nothing.")
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the change report as JSON.")
    ] = False,
    allow_errors: Annotated[
        bool,
        typer.Option(
            "--allow-errors",
            help="Apply even when the validator reports errors; they are stored as findings.",
        ),
    ] = False,
) -> None:
    """Validate a spec, then make the database's copy of the org match it, in one transaction.

    Prints what changed: groups added, removed, moved or renamed, leads and owners
    changed, counts of people, roles and catalog entries. Applying an unchanged spec
    writes nothing. A spec with errors is refused (exit 1) and nothing is written, unless
    --allow-errors; the spec's findings are stored with the org.
    """
    from orgplane.rules import Severity, default_registry, relative_findings
    from orgplane.services import apply_spec
    from orgplane.spec import load_spec

    target = spec_path(path)
    try:
        org = load_spec(target)
    except SpecError as exc:
        for diagnostic in exc.diagnostics:
            out().print(safe(diagnostic))
        sys.stdout.flush()
        err().print(safe(f"{target}: cannot be read as a spec; nothing applied"))
        raise typer.Exit(exc.exit_code) from None
    findings = default_registry().check(org)
    errors = [finding for finding in findings if finding.severity is Severity.ERROR]
    # Stored by the spec's own names ("cipo/1d.yaml"), never this machine's paths.
    root = target if target.is_dir() else target.parent
    stored = relative_findings(findings, root, target.name if target.is_dir() else "")
    if errors:
        for finding in errors:
            out().print(safe(finding))
        sys.stdout.flush()
        noun = "error" if len(errors) == 1 else "errors"
        if not allow_errors:
            err().print(safe(f"{target}: {len(errors)} {noun}; nothing applied"))
            raise typer.Exit(1)
        err().print(safe(f"{target}: {len(errors)} {noun}; applied anyway (--allow-errors)"))
    with open_session(db) as session:
        result = apply_spec(
            session=session,
            org=org,
            findings=stored,
            actor=cli_actor(),
            dry_run=dry_run,
            accept_errors=allow_errors,
        )
    if as_json:
        data = {
            "org": result.report.org,
            "apply_id": result.apply_id,
            "dry_run": result.dry_run,
            "changed": result.changed,
            "changes": result.report.to_json(),
        }
        print_raw(json.dumps(data, indent=2, ensure_ascii=False, default=str))
        return
    _render(out(), result, target)


def _render(console: Console, result: ApplyResult, target: Path) -> None:
    report = result.report
    prefix = "dry run, nothing written: " if result.dry_run else ""
    if not result.changed:
        console.print(safe(f"{prefix}org {report.org}: no changes (the database matches {target})"))
        return
    applied = f" (apply #{result.apply_id})" if result.apply_id is not None else ""
    if report.created:
        console.print(
            safe(
                f"{prefix}org {report.org} created from {target}{applied}: "
                f"{_plural(len(report.groups_added), 'group')}, "
                f"{_plural(report.people.added, 'person', 'people')}, "
                f"{_plural(report.roles.added, 'role')}, "
                f"{_plural(report.catalog.added, 'catalog entry', 'catalog entries')}, "
                f"{_plural(report.kpis.added, 'KPI')}"
            )
        )
        _findings(console, report)
        return
    console.print(safe(f"{prefix}org {report.org} updated from {target}{applied}"))
    if report.org_fields:
        console.print(safe(f"  org: {', '.join(report.org_fields)} changed"))
    lines: list[Text] = []
    lines += [_line("+", "green", f"{path} added") for path in report.groups_added]
    lines += [_line("-", "red", f"{path} removed") for path in report.groups_removed]
    for move in report.groups_moved:
        below = f" (with {_plural(move.carried, 'group')} below it)" if move.carried else ""
        lines.append(
            _line("→", "cyan", f"{move.code} moved: {move.old_path} → {move.new_path}{below}")
        )
    for rename in report.groups_renamed:
        lines.append(
            _line(
                "~", "yellow", f"{rename.path} renamed: {rename.old_name!r} → {rename.new_name!r}"
            )
        )
    for change in report.leads_changed:
        before = ", ".join(change.before) or "(none)"
        after = ", ".join(change.after) or "(none)"
        lines.append(_line("~", "yellow", f"{change.path} leads: {before} → {after}"))
    for owner in report.owners_changed:
        lines.append(
            _line(
                "~",
                "yellow",
                f"catalog {owner.entry_id} ({owner.name}) owner: "
                f"{owner.before or '(none)'} → {owner.after or '(none)'}",
            )
        )
    lines += [_line("~", "yellow", f"{path} changed") for path in report.groups_changed]
    lines += [
        _line("~", "yellow", f"groups under {parent or 'the org'} reordered")
        for parent in report.groups_reordered
    ]
    for line in lines[:MAX_LISTED]:
        console.print(line)
    if len(lines) > MAX_LISTED:
        console.print(f"  … and {len(lines) - MAX_LISTED} more (--json lists all)")
    for noun, counts in (
        ("people", report.people),
        ("roles", report.roles),
        ("catalog", report.catalog),
        ("KPIs", report.kpis),
    ):
        if counts:
            console.print(f"  {noun}: {_counts(counts)}")
    _findings(console, report)


def _line(mark: str, style: str, text: str) -> Text:
    line = Text("  ")
    line.append(mark, style=style)
    line.append(f" {safe(text)}")
    return line


def _plural(count: int, singular: str, plural: str | None = None) -> str:
    return f"{count} {singular if count == 1 else plural or singular + 's'}"


def _counts(counts: Counts) -> str:
    return f"{counts.added} added, {counts.removed} removed, {counts.changed} changed"


def _findings(console: Console, report: ChangeReport) -> None:
    if report.findings is None:
        return
    after = report.findings.after
    console.print(
        f"  findings stored: {_plural(after.get('warning', 0), 'warning')}, "
        f"{_plural(after.get('info', 0), 'note')} (see 'orgplane validate')"
    )
