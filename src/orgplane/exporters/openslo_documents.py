"""OpenSLO documents: the DataSource, Service and SLO (with its indicator) of the stream.

Imports the exporters' ``openslo_plans`` (the ``Plan`` an SLO is written from) and
``_common``, ``orgplane.kpis`` and ``orgplane.model`` only. Each function builds one
``openslo/v1`` document as plain dicts, in the key order the stream is written in. What
OpenSLO cannot carry (the KPI id, its weight, the measure's step and range, the group's
code and kind) goes into ``orgplane.dev/…`` annotations.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from orgplane.exporters._common import group_label, one_line
from orgplane.exporters.openslo_plans import Plan
from orgplane.kpis import Objective
from orgplane.kpis.windows import default_window
from orgplane.model import Group, Kpi, MeasureSource, Org, SourceType

__all__ = [
    "ANNOTATION_PREFIX",
    "API_VERSION",
    "CALENDAR_DURATIONS",
    "CALENDAR_START",
    "DEFAULT_SLICE",
    "MAX_DESCRIPTION",
    "ORGPLANE_SOURCE",
    "PROMETHEUS_SOURCE",
    "KpiSource",
    "data_sources",
    "document",
    "service_document",
    "slo_document",
]

API_VERSION = "openslo/v1"
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


def data_sources(kpis: Iterable[Kpi]) -> dict[str, str]:
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


def document(
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


def service_document(org: Org, path: str, group: Group, name: str) -> dict[str, Any]:
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
    return document("Service", name, spec, display=group_label(group), annotations=annotations)


@dataclass(frozen=True, slots=True)
class KpiSource:
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


def _indicator(plan: Plan, source: KpiSource) -> dict[str, Any]:
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


def slo_document(
    name: str,
    service: str,
    kpi: Kpi,
    kpi_id: str,
    objective: Objective,
    plan: Plan,
    source: KpiSource,
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
    return document("SLO", name, spec, display=text, annotations=annotations)
