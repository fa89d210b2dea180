"""OpenSLO export: the org's SLO-type KPIs as an ``openslo/v1`` YAML stream.

Imports the exporters' ``openslo_plans`` (how each KPI is written, or why it is
skipped), ``openslo_documents`` (the DataSource, Service and SLO documents),
``openslo_names`` (RFC 1123 names) and ``_common``, and ``orgplane.model``,
``orgplane.kpis`` and PyYAML only. No Python OpenSLO library exists; this follows the v1
specification (github.com/OpenSLO/OpenSLO, README) and docs/openslo.md, which has the
mapping table. The public names (``export_openslo``, ``openslo_export``,
``SKIP_REASONS``, ``dns_label`` …) are all importable from here.

The stream holds a ``DataSource`` per Prometheus server the KPIs are measured from, then,
per group with exported KPIs (in spec order), a ``Service`` and an ``SLO`` per KPI with
its indicator inline:

- a ratio KPI that is an SLO (``is_slo``: "API Uptime ≥ 99.95%") has a ``ratioMetric``:
  ``good``/``total`` when its measure has those queries, ``raw`` (``rawType: success``)
  when it has one query; a KPI of bad events ("Failed Pipelines < 2%") uses ``bad`` or
  ``rawType: failure`` and the target of good events (0.98); budgeting is
  ``Occurrences``;
- a share ("TTR ≤ 2h (90%)") or a percentile with a query ("P95 latency < 5ms") has a
  ``thresholdMetric`` and one objective ``{op, value, target}``: the target is the
  share, or the percentile as a fraction (95% of the values must be below 5ms is exactly
  "P95 < 5ms"); ``value`` is in the objective's normalized unit: **seconds** for
  durations, a fraction for percentages, bits per second, bytes;
- a share of a ratio measured by good/total queries ("Web availability ≥ 99% (99.5%)":
  99.5% of the steps must see 99% good events) is budgeted by ``Timeslices``: the ratio
  is the ``timeSliceTarget``, the measure's step the ``timeSliceWindow``;
- a KPI not measured by Prometheus gets a metric source of type ``Orgplane`` whose spec
  names the KPI's series in orgplane (org, group path, KPI id): OpenSLO requires a
  metric source, and those measurements are where orgplane has them.

Everything else is skipped, with a reason (``SKIP_REASONS``). Names are RFC 1123 labels
(lowercase letters, digits, ``-``; at most 63) built from the org code, the group path
and the KPI id, cut and ended with a hash when too long. What OpenSLO cannot carry (the
KPI id, its weight, the measure's step and range, the group's code and kind) is kept
in ``orgplane.dev/…`` annotations, so ``orgplane import`` reads the stream back as the
same KPIs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import yaml

from orgplane.exporters._common import one_line
from orgplane.exporters.openslo_documents import (
    API_VERSION,
    PROMETHEUS_SOURCE,
    KpiSource,
    data_sources,
    document,
    service_document,
    slo_document,
)
from orgplane.exporters.openslo_names import dns_label, label_allocator
from orgplane.exporters.openslo_plans import SKIP_REASONS, Plan, plan_kpi
from orgplane.kpis import Objective, parse_objective
from orgplane.kpis.identity import kpi_ids
from orgplane.model import Group, Kpi, Org, OrgIndex

__all__ = [
    "SKIP_REASONS",
    "OpenSloExport",
    "SkippedKpi",
    "dns_label",
    "export_openslo",
    "openslo_export",
]

# libyaml's emitter writes the same text as PyYAML's pure-Python one, faster.
_DUMPER: type[yaml.SafeDumper] | type[yaml.CSafeDumper] = (
    yaml.CSafeDumper if yaml.__with_libyaml__ else yaml.SafeDumper
)


@dataclass(frozen=True, slots=True)
class SkippedKpi:
    """A KPI the export left out, and why (one of ``SKIP_REASONS``)."""

    path: str
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class OpenSloExport:
    """The OpenSLO stream of an org, with what it left out."""

    text: str
    #: How many KPIs became SLOs.
    exported: int
    skipped: tuple[SkippedKpi, ...]

    def skipped_by_reason(self) -> dict[str, int]:
        """How many KPIs were skipped for each reason, in ``SKIP_REASONS`` order."""
        counts = Counter(skip.reason for skip in self.skipped)
        return {reason: counts[reason] for reason in SKIP_REASONS if counts[reason]}


def export_openslo(org: Org, index: OrgIndex) -> str:
    """The org's SLO-type KPIs as a multi-document OpenSLO v1 YAML stream."""
    return openslo_export(org, index).text


def openslo_export(org: Org, index: OrgIndex) -> OpenSloExport:
    """The OpenSLO stream and the KPIs it skipped (the CLI reports them)."""
    del index  # the stream needs only the groups' paths, which ``walk`` gives
    skipped: list[SkippedKpi] = []
    planned: list[tuple[str, Group, list[tuple[Kpi, str, Objective, Plan]]]] = []
    for path, group in org.walk():
        objectives = [parse_objective(kpi.text) for kpi in group.kpis]
        ids = kpi_ids(group.kpis, objectives)
        rows: list[tuple[Kpi, str, Objective, Plan]] = []
        for kpi, kpi_id, objective in zip(group.kpis, ids, objectives, strict=True):
            plan = plan_kpi(objective, kpi.measure)
            if isinstance(plan, str):
                skipped.append(SkippedKpi(path, kpi.text, plan))
            else:
                rows.append((kpi, kpi_id, objective, plan))
        if rows:
            planned.append((path, group, rows))

    sources = data_sources(kpi for _, _, rows in planned for kpi, *_ in rows)
    documents: list[dict[str, Any]] = [
        document("DataSource", name, {"type": PROMETHEUS_SOURCE, "connectionDetails": {"url": url}})
        for url, name in sources.items()
    ]
    services, slos = label_allocator(), label_allocator()
    exported = 0
    for path, group, rows in planned:
        service = services.allocate(f"{org.code}-{path}")
        documents.append(service_document(org, path, group, service))
        for kpi, kpi_id, objective, plan in rows:
            name = slos.allocate(f"{org.code}-{path}-{kpi_id}")
            source = KpiSource(org.code, path, kpi_id, kpi.measure, sources)
            documents.append(slo_document(name, service, kpi, kpi_id, objective, plan, source))
            exported += 1
    header = (
        f"# OpenSLO ({API_VERSION}) of org {one_line(org.code)}, written by "
        f"'orgplane export openslo': {exported} SLOs, {len(skipped)} KPIs skipped\n"
    )
    body = yaml.dump_all(
        documents,
        Dumper=_DUMPER,
        explicit_start=True,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=4096,
    )
    return OpenSloExport(header + body if documents else header, exported, tuple(skipped))
