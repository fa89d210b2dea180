"""OpenSLO export: the org's SLO-type KPIs as an ``openslo/v1`` YAML stream.

Imports ``orgplane.model``, ``orgplane.kpis``, the exporters' ``_common`` and PyYAML only.
No Python OpenSLO library exists; this follows the v1 specification
(github.com/OpenSLO/OpenSLO, README) and docs/openslo.md, which has the mapping table.

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

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import yaml

from orgplane.exporters._common import group_label, one_line
from orgplane.kpis import Comparator, Kind, Objective, Unit, parse_objective
from orgplane.kpis.budget import is_slo
from orgplane.kpis.identity import kpi_ids
from orgplane.kpis.units import exact
from orgplane.kpis.windows import default_window
from orgplane.model import Group, Kpi, MeasureSource, Org, OrgIndex, SourceType

__all__ = [
    "ANNOTATION_PREFIX",
    "API_VERSION",
    "CALENDAR_DURATIONS",
    "CALENDAR_START",
    "DEFAULT_SLICE",
    "MAX_NAME_LENGTH",
    "ORGPLANE_SOURCE",
    "SKIP_REASONS",
    "OpenSloExport",
    "SkippedKpi",
    "dns_label",
    "export_openslo",
    "openslo_export",
]

API_VERSION = "openslo/v1"
MAX_NAME_LENGTH = 63
#: OpenSLO caps descriptions at 1050 characters.
MAX_DESCRIPTION = 1050
ANNOTATION_PREFIX = "orgplane.dev/"
#: The metric source type of a KPI orgplane records itself (manual, file, internal).
ORGPLANE_SOURCE = "Orgplane"
PROMETHEUS_SOURCE = "Prometheus"
#: Calendar windows as OpenSLO durations; they start at a period boundary, UTC.
CALENDAR_DURATIONS = {"month": "1M", "quarter": "1Q", "year": "1Y", "shift": "8h"}
#: Any period boundary does; this one is a month, quarter, year and shift start.
CALENDAR_START = "2020-01-01 00:00:00"
#: The time slice of a measure that names no step: the step orgplane pulls at by default.
DEFAULT_SLICE = "1m"
_HASH_LENGTH = 8
_NOT_LABEL = re.compile(r"[^a-z0-9]+")
_OPS = {Comparator.GE: "gte", Comparator.GT: "gt", Comparator.LE: "lte", Comparator.LT: "lt"}

_QUALITATIVE = "qualitative: no measurable objective"
_NOT_SLO = "not an SLO: no share of events with an error budget of at most 10%"
_NEEDS_QUERY = "a percentile is exported only with a prometheus query of its values"
_THRESHOLD = (
    "a threshold must hold for every measurement, and OpenSLO targets are below 100% "
    "(write the share that must meet it: '(99%)')"
)
_EQUALS = "OpenSLO objectives compare with <, ≤, > or ≥, not ="
_NO_BUDGET = "a target of 100% leaves no error budget (OpenSLO targets are below 100%)"
_ONE_QUERY = (
    "a percentile, or a share of anything but a ratio, is measured by one query of values, "
    "not good and total"
)

#: Every reason a KPI is not exported, in the order the summary lists them.
SKIP_REASONS: tuple[str, ...] = (
    _QUALITATIVE,
    _NOT_SLO,
    _THRESHOLD,
    _NEEDS_QUERY,
    _ONE_QUERY,
    _EQUALS,
    _NO_BUDGET,
)

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


@dataclass(frozen=True, slots=True)
class _Plan:
    """How one KPI is written: the kind of indicator and the objective's numbers."""

    #: ``good`` or ``bad`` (a ratio of events), or ``threshold``.
    indicator: str
    target: Decimal
    op: str | None = None
    value: float | None = None
    #: For a share of time slices (``Timeslices``): the good ratio a slice must reach.
    slice_target: Decimal | None = None


def export_openslo(org: Org, index: OrgIndex) -> str:
    """The org's SLO-type KPIs as a multi-document OpenSLO v1 YAML stream."""
    return openslo_export(org, index).text


def openslo_export(org: Org, index: OrgIndex) -> OpenSloExport:
    """The OpenSLO stream and the KPIs it skipped (the CLI reports them)."""
    del index  # the stream needs only the groups' paths, which ``walk`` gives
    skipped: list[SkippedKpi] = []
    planned: list[tuple[str, Group, list[tuple[Kpi, str, Objective, _Plan]]]] = []
    for path, group in org.walk():
        objectives = [parse_objective(kpi.text) for kpi in group.kpis]
        ids = kpi_ids(group.kpis, objectives)
        rows: list[tuple[Kpi, str, Objective, _Plan]] = []
        for kpi, kpi_id, objective in zip(group.kpis, ids, objectives, strict=True):
            plan = _plan(objective, kpi.measure)
            if isinstance(plan, str):
                skipped.append(SkippedKpi(path, kpi.text, plan))
            else:
                rows.append((kpi, kpi_id, objective, plan))
        if rows:
            planned.append((path, group, rows))

    sources = _data_sources(kpi for _, _, rows in planned for kpi, *_ in rows)
    documents: list[dict[str, Any]] = [
        _document(
            "DataSource", name, {"type": PROMETHEUS_SOURCE, "connectionDetails": {"url": url}}
        )
        for url, name in sources.items()
    ]
    services, slos = _Names(), _Names()
    exported = 0
    for path, group, rows in planned:
        service = services.allocate(f"{org.code}-{path}")
        documents.append(_service(org, path, group, service))
        for kpi, kpi_id, objective, plan in rows:
            name = slos.allocate(f"{org.code}-{path}-{kpi_id}")
            source = _Source(org.code, path, kpi_id, kpi.measure, sources)
            documents.append(_slo(name, service, kpi, kpi_id, objective, plan, source))
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


def _plan(objective: Objective, measure: MeasureSource | None) -> _Plan | str:
    """How to write the KPI, or why it is skipped."""
    if not objective.typed or objective.comparator is None or objective.value is None:
        return _QUALITATIVE
    prometheus = measure is not None and measure.type is SourceType.PROMETHEUS
    query = measure.query if measure is not None and prometheus else None
    if objective.kind is Kind.RATIO:
        if not is_slo(objective):
            return _NOT_SLO
        if objective.comparator in (Comparator.LE, Comparator.LT):
            return _Plan("bad", 1 - exact(objective.value))
        return _Plan("good", exact(objective.value))
    if objective.kind is Kind.SHARE and objective.share is not None:
        target = exact(objective.share)
        if prometheus and query is None and objective.unit is Unit.RATIO:
            return _slices(objective, target)
        if query is None and not is_slo(objective):
            return _NOT_SLO
    elif objective.kind is Kind.PERCENTILE and objective.percentile is not None:
        if query is None:
            return _ONE_QUERY if prometheus else _NEEDS_QUERY
        target = exact(objective.percentile) / 100
    elif objective.kind is Kind.THRESHOLD:
        return _THRESHOLD
    else:
        return _NOT_SLO
    if prometheus and query is None:
        return _ONE_QUERY
    if objective.comparator is Comparator.EQ:
        return _EQUALS
    if target >= 1:
        return _NO_BUDGET
    return _Plan("threshold", target, _OPS[objective.comparator], objective.value)


def _slices(objective: Objective, target: Decimal) -> _Plan | str:
    """A share of steps whose good/total ratio meets the value: OpenSLO's Timeslices."""
    assert objective.value is not None
    if objective.comparator is Comparator.EQ:
        return _EQUALS
    if target >= 1:
        return _NO_BUDGET
    value = exact(objective.value)
    if objective.comparator in (Comparator.LE, Comparator.LT):
        return _Plan("bad", target, slice_target=1 - value)
    return _Plan("good", target, slice_target=value)


def _data_sources(kpis: Iterable[Kpi]) -> dict[str, str]:
    """A DataSource name per Prometheus url, in url order: ``prometheus`` when there is
    one, else ``prometheus-1`` …"""
    urls = sorted(
        {
            kpi.measure.url
            for kpi in kpis
            if kpi.measure is not None
            and kpi.measure.type is SourceType.PROMETHEUS
            and kpi.measure.url
        }
    )
    if len(urls) == 1:
        return {urls[0]: "prometheus"}
    return {url: f"prometheus-{number}" for number, url in enumerate(urls, start=1)}


def dns_label(text: str, key: str | None = None) -> str:
    """An RFC 1123 label for ``text``: lowercase letters and digits joined by single ``-``,
    at most 63 characters; cut and ended with a hash of ``key`` when longer or empty."""
    label = _NOT_LABEL.sub("-", text.lower()).strip("-")
    if label and len(label) <= MAX_NAME_LENGTH:
        return label
    return _with_hash(label, key if key is not None else text)


def _with_hash(label: str, key: str) -> str:
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:_HASH_LENGTH]
    head = label[: MAX_NAME_LENGTH - _HASH_LENGTH - 1].rstrip("-")
    return f"{head}-{digest}" if head else digest


class _Names:
    """Hands out names of one kind, never the same one twice ("C-5" and "C_5" differ)."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def allocate(self, text: str) -> str:
        name = dns_label(text)
        attempt = 0
        while name in self._taken:
            attempt += 1
            name = _with_hash(dns_label(text), f"{text}#{attempt}")
        self._taken.add(name)
        return name


def _document(
    kind: str,
    name: str,
    spec: dict[str, Any],
    *,
    display: str | None = None,
    annotations: dict[str, str] | None = None,
) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": name}
    if display:
        metadata["displayName"] = display
    if annotations:
        metadata["annotations"] = {f"{ANNOTATION_PREFIX}{k}": v for k, v in annotations.items()}
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}


def _description(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_DESCRIPTION else text[: MAX_DESCRIPTION - 1] + "…"


def _service(org: Org, path: str, group: Group, name: str) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if group.description.strip():
        spec["description"] = _description(group.description)
    annotations = {
        "org": org.code,
        "org-name": one_line(org.name),
        "path": path,
        "code": group.code,
        "kind": group.kind,
    }
    return _document("Service", name, spec, display=group_label(group), annotations=annotations)


@dataclass(frozen=True, slots=True)
class _Source:
    """Where one KPI's measurements come from, and the DataSource names by url."""

    org: str
    path: str
    kpi_id: str
    measure: MeasureSource | None
    data_sources: dict[str, str]

    def metric(self, query: str | None) -> dict[str, Any]:
        """The ``metricSource`` of a query (Prometheus), or of the KPI's series (orgplane)."""
        measure = self.measure
        if measure is not None and measure.type is SourceType.PROMETHEUS and query is not None:
            assert measure.url is not None
            return {
                "metricSource": {
                    "metricSourceRef": self.data_sources[measure.url],
                    "type": PROMETHEUS_SOURCE,
                    "spec": {"query": query},
                }
            }
        spec: dict[str, Any] = {"org": self.org, "group": self.path, "kpi": self.kpi_id}
        if measure is not None and measure.type is not SourceType.MANUAL:
            spec["source"] = measure.type.value
            for field in ("path", "format", "hook"):
                value = getattr(measure, field)
                if value is not None:
                    spec[field] = str(value)
        return {"metricSource": {"type": ORGPLANE_SOURCE, "spec": spec}}


def _indicator(plan: _Plan, source: _Source) -> dict[str, Any]:
    measure = source.measure
    prometheus = measure if measure is not None and measure.type is SourceType.PROMETHEUS else None
    if plan.indicator == "threshold":
        return {"thresholdMetric": source.metric(prometheus.query if prometheus else None)}
    if prometheus is not None and prometheus.good is not None and prometheus.total is not None:
        # orgplane sums each step's good and total values: they are counts per step (or
        # rates), not monotonically increasing counters.
        return {
            "ratioMetric": {
                "counter": False,
                plan.indicator: source.metric(prometheus.good),
                "total": source.metric(prometheus.total),
            }
        }
    return {
        "ratioMetric": {
            "rawType": "success" if plan.indicator == "good" else "failure",
            "raw": source.metric(prometheus.query if prometheus else None),
        }
    }


def _time_window(window: str) -> dict[str, Any]:
    if window in CALENDAR_DURATIONS:
        return {
            "duration": CALENDAR_DURATIONS[window],
            "calendar": {"startTime": CALENDAR_START, "timeZone": "UTC"},
            "isRolling": False,
        }
    # Rolling windows are already duration shorthands (7d, 12h, 2w, 90m), except this one.
    return {"duration": "1Q" if window == "rolling-quarter" else window, "isRolling": True}


def _slo(
    name: str,
    service: str,
    kpi: Kpi,
    kpi_id: str,
    objective: Objective,
    plan: _Plan,
    source: _Source,
) -> dict[str, Any]:
    text = one_line(kpi.text)
    target: dict[str, Any] = {"displayName": one_line(kpi.name) if kpi.name else text}
    if plan.op is not None:
        target["op"] = plan.op
        target["value"] = plan.value
    target["target"] = float(plan.target)
    if plan.slice_target is not None:
        step = kpi.measure.step if kpi.measure is not None else None
        target["timeSliceTarget"] = float(plan.slice_target)
        target["timeSliceWindow"] = step or DEFAULT_SLICE
    spec: dict[str, Any] = {}
    if kpi.note.strip():
        spec["description"] = _description(kpi.note)
    spec["service"] = service
    spec["indicator"] = {
        "metadata": {"name": name, "displayName": one_line(objective.metric)},
        "spec": _indicator(plan, source),
    }
    spec["timeWindow"] = [_time_window(kpi.window or default_window(objective).text)]
    spec["budgetingMethod"] = "Occurrences" if plan.slice_target is None else "Timeslices"
    spec["objectives"] = [target]
    annotations = {"kpi": kpi_id}
    if kpi.weight != 1:
        annotations["weight"] = repr(kpi.weight)
    if kpi.measure is not None:
        for field in ("step", "range"):
            value = getattr(kpi.measure, field)
            if value is not None and not (field == "step" and plan.slice_target is not None):
                annotations[field] = value
    return _document("SLO", name, spec, display=text, annotations=annotations)
