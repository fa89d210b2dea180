"""Exporters: an org rendered for people and for other tools.

Imports ``orgplane.model``, ``orgplane.kpis``, ``orgplane.errors``, the stdlib and PyYAML
only (no Rich: the CLI decides how output reaches a terminal). Each format lives in its
own module and is a pure function of the org; ``export`` is the one entry point callers
use (the CLI also asks ``openslo.openslo_export`` which KPIs it skipped).

    markdown    the documents' own shapes: top tree, breakdown tables, box-drawing trees
    mermaid     a Mermaid flowchart: tree edges solid, dependencies dashed
    dot         a Graphviz digraph with one cluster per top-level group
    json        the whole org with references resolved; schema: ``export_json_schema()``
    backstage   Backstage catalog entities (Group, User, System, Component, Resource)
    openslo     the SLO-type KPIs as OpenSLO v1 (Service, SLO, DataSource); docs/openslo.md
"""

from __future__ import annotations

from collections.abc import Callable

from orgplane.errors import UsageError
from orgplane.exporters.backstage import export_backstage
from orgplane.exporters.dot import export_dot
from orgplane.exporters.jsonexport import export_json, export_json_schema
from orgplane.exporters.markdown import export_markdown
from orgplane.exporters.mermaid import export_mermaid
from orgplane.exporters.openslo import export_openslo
from orgplane.model import Org, OrgIndex

__all__ = ["FORMATS", "export", "export_json_schema"]

_EXPORTERS: dict[str, Callable[[Org, OrgIndex], str]] = {
    "markdown": lambda org, _index: export_markdown(org),
    "mermaid": export_mermaid,
    "dot": export_dot,
    "json": export_json,
    "backstage": export_backstage,
    "openslo": export_openslo,
}

#: The formats ``export`` writes, in the order a user would want them listed.
FORMATS: tuple[str, ...] = tuple(_EXPORTERS)


def export(org: Org, fmt: str, index: OrgIndex | None = None) -> str:
    """The org as text in format ``fmt`` (one of ``FORMATS``).

    ``index`` may be passed when the caller already built one for this org, to save
    building it again.
    """
    exporter = _EXPORTERS.get(fmt)
    if exporter is None:
        raise UsageError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if index is None:
        index = OrgIndex(org)
    elif index.org is not org:
        raise ValueError("the index passed to export() was built for a different org")
    return exporter(org, index)
