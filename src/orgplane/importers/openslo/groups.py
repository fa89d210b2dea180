"""Where the KPIs of OpenSLO services go: an existing group of the org, or a new one.

Imports ``importers.openslo.documents`` (the documents indexed, annotations, errors),
``importers.openslo.objectives`` (the KPI drafts), ``kpis`` and ``model``. A service
names its group by the ``orgplane.dev/path`` or ``/code`` annotation of its Service,
else by a group whose code is the service name, else a new group is made once.
"""

from __future__ import annotations

import re

from orgplane.importers.openslo.documents import (
    DocumentIndex,
    NamedDocument,
    error_at,
    field_text,
    orgplane_annotations,
)
from orgplane.importers.openslo.objectives import KpiDraft
from orgplane.kpis import parse_objective
from orgplane.kpis.identity import kpi_ids, slugify
from orgplane.model import Group, Org
from orgplane.model.base import CODE_PATTERN, SLUG_PATTERN, is_code

__all__ = ["ServiceGroups"]

_SLUG = re.compile(SLUG_PATTERN)
_CODE = re.compile(CODE_PATTERN)


class ServiceGroups:
    """Where each service's KPIs go: an existing group of the org, or a new one."""

    def __init__(self, org: Org | None, index: DocumentIndex) -> None:
        self.index = index
        self.paths: dict[str, Group] = dict(org.walk()) if org is not None else {}
        self.by_service: dict[str, str] = {}
        self.new: dict[str, Group] = {}
        self.new_codes: set[str] = {g.code.lower() for g in (org.groups if org else [])}

    def checkpoint(self) -> tuple[dict[str, str], dict[str, Group], set[str]]:
        """The state ``rollback`` returns to: what a file that fails must not leave."""
        return dict(self.by_service), dict(self.new), set(self.new_codes)

    def rollback(self, saved: tuple[dict[str, str], dict[str, Group], set[str]]) -> None:
        self.by_service, self.new, self.new_codes = saved

    def resolve(self, draft: KpiDraft) -> str:
        """The path of the group the draft's service names (a new group is made once)."""
        service = draft.service
        if service in self.by_service:
            return self.by_service[service]
        named = self.index.services.get(service)
        annotations = orgplane_annotations(named.metadata) if named is not None else {}
        path = annotations.get("path")
        if path is not None and path in self.paths:
            self.by_service[service] = path
            return path
        code = annotations.get("code") or service
        matches = [p for p, group in self.paths.items() if group.code.lower() == code.lower()]
        if len(matches) > 1:
            raise error_at(
                draft.spec,
                "service",
                f"service {service!r} names {len(matches)} groups ({', '.join(matches)})",
                hint="give the Service an orgplane.dev/path annotation",
            )
        if matches:
            self.by_service[service] = matches[0]
            return matches[0]
        group = self._new_group(service, named, annotations)
        self.new[group.code] = group
        self.by_service[service] = group.code
        return group.code

    def _new_group(
        self, service: str, named: NamedDocument | None, annotations: dict[str, str]
    ) -> Group:
        wanted = annotations.get("code")
        code = wanted if wanted and is_code(wanted) else service
        if not _CODE.match(code):
            code = slugify(service, limit=60)
        base, number = code, 1
        while code.lower() in self.new_codes:
            number += 1
            code = f"{base}-{number}"
        self.new_codes.add(code.lower())
        display = field_text(named.metadata, "displayName", "Service metadata") if named else None
        name = display or service
        if wanted and name.startswith(f"{wanted} ") and len(name) > len(wanted) + 1:
            name = name[len(wanted) + 1 :]
        description = (
            field_text(named.spec, "description", "Service spec") if named else None
        ) or ""
        kind = annotations.get("kind") or "service"
        if not _SLUG.match(kind):
            kind = "service"
        return Group(code=code, name=name[:300], kind=kind, description=description)

    def new_org(self) -> Org:
        """An org for SLOs imported on their own: code and name from the Services'
        ``orgplane.dev/org`` annotations, else ``OPENSLO``."""
        code, name = "OPENSLO", "Imported from OpenSLO"
        for service in self.index.services.values():
            annotations = orgplane_annotations(service.metadata)
            if is_code(annotations.get("org", "")):
                code = annotations["org"]
                name = annotations.get("org-name") or code
                break
        return Org(code=code, name=name)

    def attach(self, org: Org) -> None:
        """Add the new groups to ``org`` (the top level), ready for ``add``."""
        org.groups = [*org.groups, *self.new.values()]
        self.paths = dict(org.walk())

    def add(self, draft: KpiDraft) -> str:
        """Put the draft's KPI on its group: fill in an equal KPI's measure and window, or
        add it with an id no other KPI of the group has. Returns the group's path."""
        path = self.by_service[draft.service]
        group = self.paths[path]
        objectives = [parse_objective(kpi.text) for kpi in group.kpis]
        for position, (kpi, objective) in enumerate(zip(group.kpis, objectives, strict=True)):
            if objective == draft.objective:
                update = {
                    "measure": kpi.measure or draft.kpi.measure,
                    "window": kpi.window or draft.kpi.window,
                }
                group.kpis[position] = kpi.model_copy(update=update)
                return path
        taken = set(kpi_ids(group.kpis, objectives))
        kpi_id, number = draft.kpi.id or "kpi", 1
        while kpi_id in taken:
            number += 1
            kpi_id = f"{draft.kpi.id}-{number}"
        group.kpis.append(draft.kpi.model_copy(update={"id": kpi_id}))
        return path
