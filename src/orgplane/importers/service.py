"""Import Markdown documents (and OpenSLO files): read, build, assemble, and account for
every line.

Imports the other ``importers`` modules, ``model`` and ``errors``. A file whose YAML has
``apiVersion: openslo/…`` is read by ``importers.openslo.importer``: its SLOs become KPIs on the
org the Markdown documents make, or on an org of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from orgplane.errors import Diagnostic, SpecReadError
from orgplane.gcpause import paused_gc
from orgplane.importers.markdown.assemble import to_org
from orgplane.importers.markdown.builder import build
from orgplane.importers.markdown.document import Document, read_markdown
from orgplane.importers.openslo.importer import (
    OpenSloFile,
    import_openslo,
    looks_like_openslo,
    read_openslo,
)
from orgplane.importers.report import ImportReport
from orgplane.model import Location, Org

__all__ = [
    "ImportResult",
    "import_documents",
    "import_paths",
    "org_contents",
]

# Lines that carry no text of their own: fences, rules, table separators, tree guides.
# Tested with set operations on the stripped line, not one regex: a regex of nested
# whitespace repeats backtracks cubically on a long line of spaces and guides.
_RULE_CHARS = frozenset("-*_")
_SEPARATOR_CHARS = frozenset(":|-")
_GUIDE_CHARS = frozenset("│┃║|¦:+`└├┌┐┘┬┴┼▼▲►◄─━═")


def _is_markup(line: str) -> bool:
    text = line.strip()
    if text.startswith(("```", "~~~")):
        return True
    chars = {ch for ch in text if not ch.isspace()}
    if chars <= _GUIDE_CHARS:
        return True
    if chars <= _SEPARATOR_CHARS and "---" in text:
        return True
    return chars <= _RULE_CHARS and sum(ch in _RULE_CHARS for ch in text) >= 3


@dataclass(frozen=True, slots=True)
class ImportResult:
    org: Org
    report: ImportReport


def _content_lines(doc: Document) -> set[int]:
    return {
        number
        for number, line in enumerate(doc.lines, start=1)
        if line.strip() and not _is_markup(line)
    }


def import_documents(documents: list[Document]) -> ImportResult:
    """Build one org from documents about it; the report accounts for every content line."""
    with paused_gc():
        return _import(documents)


def _import(documents: list[Document]) -> ImportResult:
    report = ImportReport()
    for doc in documents:
        report.content_lines[doc.path] = _content_lines(doc)
    draft = build(documents, report)
    org = to_org(draft, report)
    if not org.groups:
        for doc in documents:
            report.problem(
                Location(doc.path, 1, 1),
                "no org structure found (no tree of coded groups, no breakdown table): "
                "everything is kept as notes",
            )
    return ImportResult(org, report)


def import_paths(paths: list[Path]) -> ImportResult:
    """Read Markdown and OpenSLO files and import them. A file that cannot be read is
    reported (with its line where there is one) and the others are still imported;
    ``SpecReadError`` only when no file can be read."""
    documents: list[Document] = []
    slo_files: list[OpenSloFile] = []
    unreadable: list[Diagnostic] = []
    with paused_gc():
        for path in paths:
            try:
                if looks_like_openslo(path):
                    slo_files.append(read_openslo(path, str(path)))
                else:
                    documents.append(read_markdown(path, str(path)))
            except SpecReadError as exc:
                unreadable.extend(exc.diagnostics)
        if not documents and not slo_files:
            raise SpecReadError(unreadable)
        result = import_documents(documents) if documents else None
        if slo_files:
            report = result.report if result is not None else ImportReport()
            org, left_out = import_openslo(
                slo_files, org=result.org if result is not None else None, report=report
            )
            unreadable.extend(left_out)
            if org is None:
                raise SpecReadError(unreadable)
            result = ImportResult(org, report)
        assert result is not None  # documents or OpenSLO files were read
    for diagnostic in unreadable:
        location = Location(diagnostic.file, diagnostic.line, diagnostic.col)
        result.report.problem(location, f"not imported: {diagnostic.message}")
        result.report.unreadable.append(diagnostic.file)
    return result


def org_contents(org: Org) -> dict[str, int]:
    """What an imported org holds, by the names users know: groups by kind
    ("department", "squad" …), KPIs, dependencies, catalog entries, people, roles,
    policies and process definitions. Only what it has (no zero counts)."""
    groups = [group for _, group in org.walk()]
    counts: dict[str, int] = {}
    for group in groups:
        counts[group.kind] = counts.get(group.kind, 0) + 1
    policies = sum(
        len(value) if isinstance(value, list) else int(value is not None)
        for name, value in org.policies
        if name != "source"
    )
    counts |= {
        "KPIs": sum(len(group.kpis) for group in groups),
        "dependencies": sum(len(group.dependencies) for group in groups),
        "stakeholders": sum(len(group.stakeholders) for group in groups),
        "catalog entries": len(org.catalog),
        "people": len(org.people),
        "roles": len(org.roles),
        "policies": policies,
        "message templates": len(org.templates),
        "gates": len(org.gates),
        "workflows": len(org.workflows),
        "on-call rotations": len(org.oncall),
        "roadmap phases": len(org.roadmap),
        "glossary entries": len(org.glossary),
    }
    return {name: count for name, count in counts.items() if count}
