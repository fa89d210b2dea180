"""The findings page: what the validator reported on an org's last apply.

Imports ``api`` (dependencies), ``rules``, ``store`` and ``web.pages`` (templates); no
SQL here. Findings are counted by severity and by rule, filtered by either (plain links:
``?severity=error&rule=OP104``), and listed worst first. The group a finding is about,
and every group code or path its message names, link to the group's page. Files are
named as the spec names them (``cipo/1d.yaml``), never by the server's paths: the apply
stored them so (``rules.relative_findings``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from orgplane.api.deps import ReaderDep, SessionDep
from orgplane.rules import Finding, Severity
from orgplane.store import findings, group_queries
from orgplane.web.pages import base_context, org_or_404, render

__all__ = ["router"]

router = APIRouter(include_in_schema=False)

#: A word that may be a group's code or path ("1D", "D-1", "1C/C-5/U-RE1").
_WORD = re.compile(r"(?<![\w/.-])([A-Za-z0-9][\w.-]*(?:/[A-Za-z0-9][\w.-]*)*)(?![\w/-])")


@dataclass(frozen=True, slots=True)
class Part:
    """A piece of a message: text, and the group page it links to (if it names one)."""

    text: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    finding: Finding
    message: list[Part]
    about: str | None


def _linked(message: str, groups: dict[str, str], base: str) -> list[Part]:
    """``message`` in parts, each group code or path it names (unambiguously) a link."""
    parts: list[Part] = []
    at = 0
    for match in _WORD.finditer(message):
        word = match.group(1).rstrip(".")
        path = groups.get(word)
        if path is None:
            continue
        if match.start() > at:
            parts.append(Part(message[at : match.start()]))
        parts.append(Part(word, base + path))
        at = match.start() + len(word)
    if at < len(message):
        parts.append(Part(message[at:]))
    return parts


@router.get("/orgs/{org}/findings")
def findings_page(
    request: Request,
    session: SessionDep,
    _caller: ReaderDep,
    org: str,
    severity: Annotated[str, Query(max_length=16)] = "",
    rule: Annotated[str, Query(max_length=32)] = "",
) -> Response:
    view = org_or_404(session, org)
    every = sorted(
        findings.list_findings(session, view.code),
        key=lambda f: (f.severity.rank, f.code, *f.sort_key()),
    )
    by_code: dict[str, list[str]] = {}
    summaries = group_queries.all_summaries(session, view.code)
    for summary in summaries:
        by_code.setdefault(summary.code, []).append(summary.path)
    groups = {code: paths[0] for code, paths in by_code.items() if len(paths) == 1}
    groups.update({s.path: s.path for s in summaries if "/" in s.path})
    base = f"/orgs/{view.code}/groups/"
    shown = [
        f
        for f in every
        if (not severity or f.severity.value == severity) and (not rule or f.code == rule)
    ]
    rows = [Row(f, _linked(f.message, groups, base), f.subject) for f in shown]
    severities = Counter(f.severity.value for f in every)
    rules = Counter(f.code for f in every if not severity or f.severity.value == severity)
    return render(
        request,
        "findings.html",
        **base_context(session, view, "findings"),
        rows=rows,
        total=len(every),
        severities=[(s.value, severities[s.value]) for s in Severity if severities[s.value]],
        rules=sorted(rules.items()),
        severity=severity,
        rule=rule,
    )
