"""OpenSLO export: the stream is valid OpenSLO v1 and says what each KPI says.

``openslo_problems`` checks a stream against the required fields and value ranges of the
OpenSLO v1 specification (github.com/OpenSLO/OpenSLO, README): there is no Python
OpenSLO library to validate with.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from orgplane.exporters import export
from orgplane.exporters.openslo import SKIP_REASONS, dns_label, openslo_export
from orgplane.model import Org, OrgIndex
from orgplane.spec import load_spec
from orgplane.spec.examples import bundled_examples
from tests.cli_run import Run

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "openslo"
ORG = FIXTURES / "org"

_KINDS = {"DataSource", "SLO", "SLI", "Service", "AlertPolicy", "AlertCondition"}
_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
_DURATION = re.compile(r"^[1-9]\d*[mhdwMQY]$")
_START = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
_OPS = {"lt", "lte", "gt", "gte"}
_BUDGETING = {"Occurrences", "Timeslices", "RatioTimeslices"}


def openslo_problems(documents: list[Any], *, self_contained: bool = True) -> list[str]:
    """Every way ``documents`` break the OpenSLO v1 specification (empty: valid).

    ``self_contained``: references (service, indicatorRef, metricSourceRef) must name a
    document of the stream, as an export's do.
    """
    problems: list[str] = []
    names: dict[str, set[str]] = {}
    for doc in documents:
        if isinstance(doc, dict) and isinstance(doc.get("metadata"), dict):
            names.setdefault(str(doc.get("kind")), set()).add(str(doc["metadata"].get("name")))

    def check(condition: bool, where: str, message: str) -> None:
        if not condition:
            problems.append(f"{where}: {message}")

    def description(spec: dict[str, Any], where: str) -> None:
        if "description" in spec:
            text = spec["description"]
            check(isinstance(text, str) and len(text) <= 1050, where, "description ≤ 1050")

    def metric_source(holder: Any, where: str) -> None:
        check(isinstance(holder, dict), where, "a mapping")
        if not isinstance(holder, dict):
            return
        source = holder.get("metricSource")
        check(isinstance(source, dict), where, "metricSource required")
        if not isinstance(source, dict):
            return
        check(isinstance(source.get("spec"), dict), where, "metricSource.spec required")
        ref = source.get("metricSourceRef")
        check(ref is not None or isinstance(source.get("type"), str), where, "type or ref")
        if ref is not None and self_contained:
            check(ref in names.get("DataSource", set()), where, f"no DataSource {ref}")

    def indicator(spec: Any, where: str) -> str | None:
        check(isinstance(spec, dict), where, "SLI spec is a mapping")
        if not isinstance(spec, dict):
            return None
        description(spec, where)
        kinds = [key for key in ("thresholdMetric", "ratioMetric") if key in spec]
        check(len(kinds) == 1, where, "exactly one of thresholdMetric, ratioMetric")
        if "thresholdMetric" in spec:
            metric_source(spec["thresholdMetric"], f"{where}.thresholdMetric")
            return "threshold"
        ratio = spec.get("ratioMetric")
        if not isinstance(ratio, dict):
            return None
        if "raw" in ratio:
            check(not {"good", "bad", "total"} & set(ratio), where, "raw excludes good/bad/total")
            check(ratio.get("rawType") in ("success", "failure"), where, "rawType required")
            metric_source(ratio["raw"], f"{where}.raw")
        else:
            check(("good" in ratio) != ("bad" in ratio), where, "good or bad, not both")
            check("total" in ratio, where, "total required")
            check(isinstance(ratio.get("counter", False), bool), where, "counter is a bool")
            for role in ("good", "bad", "total"):
                if role in ratio:
                    metric_source(ratio[role], f"{where}.{role}")
        return "ratio"

    for number, doc in enumerate(documents):
        where = f"document {number + 1}"
        check(isinstance(doc, dict), where, "a mapping")
        if not isinstance(doc, dict):
            continue
        check(doc.get("apiVersion") == "openslo/v1", where, "apiVersion openslo/v1")
        kind = doc.get("kind")
        check(kind in _KINDS, where, f"unknown kind {kind}")
        metadata = doc.get("metadata")
        check(isinstance(metadata, dict), where, "metadata required")
        if not isinstance(metadata, dict):
            continue
        name = metadata.get("name")
        check(isinstance(name, str) and _LABEL.match(name) is not None, where, f"name {name!r}")
        where = f"{kind} {name}"
        if "displayName" in metadata:
            check(isinstance(metadata["displayName"], str), where, "displayName is text")
        annotations = metadata.get("annotations", {})
        check(
            isinstance(annotations, dict) and all(isinstance(v, str) for v in annotations.values()),
            where,
            "annotations map to text",
        )
        spec = doc.get("spec")
        check(isinstance(spec, dict), where, "spec required")
        if not isinstance(spec, dict):
            continue
        description(spec, where)
        if kind == "DataSource":
            check(isinstance(spec.get("type"), str), where, "DataSource type required")
            check(isinstance(spec.get("connectionDetails"), dict), where, "connectionDetails")
        elif kind == "SLI":
            indicator(spec, where)
        elif kind == "SLO":
            service = spec.get("service")
            check(isinstance(service, str), where, "service required")
            if self_contained:
                check(service in names.get("Service", set()), where, f"no Service {service}")
            check(("indicator" in spec) != ("indicatorRef" in spec), where, "indicator xor ref")
            metric = None
            if "indicator" in spec:
                inline = spec["indicator"]
                check(isinstance(inline.get("metadata", {}).get("name"), str), where, "SLI name")
                metric = indicator(inline.get("spec"), f"{where} indicator")
            elif self_contained:
                check(spec["indicatorRef"] in names.get("SLI", set()), where, "no such SLI")
            windows = spec.get("timeWindow", [])
            check(isinstance(windows, list) and len(windows) <= 1, where, "one timeWindow")
            for window in windows:
                check(_DURATION.match(str(window.get("duration"))) is not None, where, "duration")
                rolling = window.get("isRolling", "calendar" not in window)
                check(isinstance(rolling, bool), where, "isRolling is a bool")
                if not rolling:
                    calendar = window.get("calendar")
                    check(isinstance(calendar, dict), where, "calendar of a calendar window")
                    if isinstance(calendar, dict):
                        check(
                            _START.match(str(calendar.get("startTime"))) is not None,
                            where,
                            "startTime",
                        )
                        check(isinstance(calendar.get("timeZone"), str), where, "timeZone")
            method = spec.get("budgetingMethod")
            check(method in _BUDGETING, where, f"budgetingMethod {method!r}")
            objectives = spec.get("objectives")
            check(isinstance(objectives, list) and len(objectives) >= 1, where, "objectives")
            if not isinstance(objectives, list):
                continue
            if metric == "threshold":
                check(len(objectives) == 1, where, "one objective with a thresholdMetric")
            for objective in objectives:
                targets = [key for key in ("target", "targetPercent") if key in objective]
                check(len(targets) == 1, where, "target xor targetPercent")
                if "target" in objective:
                    target = objective["target"]
                    check(isinstance(target, float | int) and 0 <= target < 1, where, "target")
                if "targetPercent" in objective:
                    percent = objective["targetPercent"]
                    check(isinstance(percent, float | int) and 0 <= percent < 100, where, "%")
                if metric == "threshold":
                    check(objective.get("op") in _OPS, where, "op of a thresholdMetric")
                    check(isinstance(objective.get("value"), float | int), where, "value")
                if method == "Timeslices":
                    check("timeSliceTarget" in objective, where, "timeSliceTarget")
                if method in ("Timeslices", "RatioTimeslices"):
                    check("timeSliceWindow" in objective, where, "timeSliceWindow")
    for kind in names:
        named = [d for d in documents if isinstance(d, dict) and d.get("kind") == kind]
        check(len(named) == len(names[kind]), kind, "names unique per kind")
    return problems


@pytest.fixture(scope="module")
def acme() -> Org:
    return load_spec(ORG)


def _stream(org: Org) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(export(org, "openslo")) if doc is not None]


def _slo(documents: list[dict[str, Any]], display: str) -> dict[str, Any]:
    return next(
        d for d in documents if d["kind"] == "SLO" and d["metadata"]["displayName"] == display
    )


# -- the checker ----------------------------------------------------------------------------


def test_the_checker_accepts_the_specs_documented_examples() -> None:
    for path in sorted(FIXTURES.glob("*.yaml")):
        documents = [
            doc
            for doc in yaml.safe_load_all(path.read_text(encoding="utf-8"))
            if doc and doc.get("apiVersion") == "openslo/v1"
        ]
        assert openslo_problems(documents, self_contained=False) == [], path.name


@pytest.mark.parametrize(
    ("break_it", "problem"),
    [
        (lambda slo: slo["spec"].pop("budgetingMethod"), "budgetingMethod"),
        (lambda slo: slo["spec"]["objectives"][0].update(target=1.0), "target"),
        (lambda slo: slo["metadata"].update(name="Foo_SLO"), "name"),
        (lambda slo: slo["spec"].update(indicatorRef="x"), "indicator xor ref"),
        (lambda slo: slo["spec"]["timeWindow"][0].update(duration="1s"), "duration"),
        (lambda slo: slo["spec"]["indicator"]["spec"]["ratioMetric"].pop("total"), "total"),
    ],
)
def test_the_checker_finds_what_breaks_the_spec(
    break_it: Callable[[dict[str, Any]], object], problem: str
) -> None:
    documents = list(yaml.safe_load_all((FIXTURES / "ratio-metric.yaml").read_text()))
    break_it(documents[2])
    assert any(problem in found for found in openslo_problems(documents))


# -- the bundled examples -------------------------------------------------------------------


@pytest.mark.parametrize("path", bundled_examples(), ids=lambda path: path.name)
def test_every_bundled_example_exports_valid_openslo(path: Path) -> None:
    org = load_spec(path)
    result = openslo_export(org, OrgIndex(org))
    documents = [doc for doc in yaml.safe_load_all(result.text) if doc is not None]
    assert openslo_problems(documents) == []
    slos = [doc for doc in documents if doc["kind"] == "SLO"]
    assert len(slos) == result.exported
    kpis = sum(len(group.kpis) for _, group in org.walk())
    assert result.exported + len(result.skipped) == kpis
    assert result.text.startswith(f"# OpenSLO (openslo/v1) of org {org.code}")


def test_the_examples_export_their_slos_and_say_why_the_rest_are_skipped() -> None:
    cipo = load_spec(next(p for p in bundled_examples() if p.name == "cipo"))
    result = openslo_export(cipo, OrgIndex(cipo))
    assert result.exported == 15
    assert result.skipped_by_reason() == {
        SKIP_REASONS[1]: 5,  # "Cost Savings ≥ 8%": not events
        SKIP_REASONS[2]: 19,  # "MTTR < 30 min": a threshold on every measurement
        SKIP_REASONS[3]: 6,  # "P95 latency < 5ms" without a query of its values
    }
    documents = _stream(cipo)
    uptime = _slo(documents, "API Uptime ≥ 99.95%")
    assert uptime["spec"]["objectives"] == [
        {"displayName": "API Uptime ≥ 99.95%", "target": 0.9995}
    ]
    # Not measured by Prometheus: the SLI points at the KPI's series in orgplane.
    assert uptime["spec"]["indicator"]["spec"]["ratioMetric"] == {
        "rawType": "success",
        "raw": {
            "metricSource": {
                "type": "Orgplane",
                "spec": {"org": "CIPO", "group": "1B/B-1", "kpi": "api-uptime"},
            }
        },
    }
    service = next(d for d in documents if d["metadata"]["name"] == uptime["spec"]["service"])
    assert service["metadata"]["displayName"] == "B-1 Compute Platform"
    assert service["metadata"]["annotations"]["orgplane.dev/path"] == "1B/B-1"


def test_orgs_without_slos_export_only_the_header() -> None:
    org = Org(code="EMPTY", name="No KPIs")
    text = export(org, "openslo")
    assert text == (
        "# OpenSLO (openslo/v1) of org EMPTY, written by 'orgplane export openslo': "
        "0 SLOs, 0 KPIs skipped\n"
    )
    assert list(yaml.safe_load_all(text)) == []


# -- the mapping ----------------------------------------------------------------------------


def test_the_rich_org_is_valid_openslo(acme: Org) -> None:
    assert openslo_problems(_stream(acme)) == []


def test_one_data_source_per_prometheus_server(acme: Org) -> None:
    sources = [d for d in _stream(acme) if d["kind"] == "DataSource"]
    assert [(d["metadata"]["name"], d["spec"]) for d in sources] == [
        (
            "prometheus-1",
            {"type": "Prometheus", "connectionDetails": {"url": "http://prom.acme:9090"}},
        ),
        (
            "prometheus-2",
            {"type": "Prometheus", "connectionDetails": {"url": "http://prom2.acme:9090"}},
        ),
    ]


def test_a_ratio_of_good_events_with_good_and_total_queries(acme: Org) -> None:
    slo = _slo(_stream(acme), "API Uptime ≥ 99.95%")
    ratio = slo["spec"]["indicator"]["spec"]["ratioMetric"]
    assert ratio["counter"] is False  # orgplane sums each step's values: not a counter
    assert ratio["good"]["metricSource"] == {
        "metricSourceRef": "prometheus-1",
        "type": "Prometheus",
        "spec": {"query": 'sum(rate(http_requests_total{code!~"5.."}[5m]))'},
    }
    assert ratio["total"]["metricSource"]["spec"] == {"query": "sum(rate(http_requests_total[5m]))"}
    assert slo["spec"]["budgetingMethod"] == "Occurrences"
    assert slo["spec"]["timeWindow"] == [{"duration": "30d", "isRolling": True}]
    assert slo["metadata"]["annotations"] == {
        "orgplane.dev/kpi": "api-uptime",
        "orgplane.dev/step": "5m",
        "orgplane.dev/range": "2h",
    }


def test_a_ratio_of_bad_events_counts_them_as_bad_and_targets_the_good_share(acme: Org) -> None:
    slo = _slo(_stream(acme), "Failed Pipelines < 2%")
    ratio = slo["spec"]["indicator"]["spec"]["ratioMetric"]
    assert sorted(ratio) == ["bad", "counter", "total"]
    assert "failed" in ratio["bad"]["metricSource"]["spec"]["query"]
    # The KPI's name labels the objective; its note is the description.
    assert slo["spec"]["objectives"] == [{"displayName": "CI health", "target": 0.98}]
    assert slo["spec"]["description"] == "Counted per pipeline run."
    assert slo["metadata"]["annotations"]["orgplane.dev/weight"] == "2.0"
    assert slo["spec"]["timeWindow"] == [
        {
            "duration": "1M",
            "calendar": {"startTime": "2020-01-01 00:00:00", "timeZone": "UTC"},
            "isRolling": False,
        }
    ]


def test_a_ratio_measured_by_one_query_is_a_raw_ratio(acme: Org) -> None:
    slo = _slo(_stream(acme), "Durability 11×9")
    assert slo["spec"]["indicator"]["spec"]["ratioMetric"] == {
        "rawType": "success",
        "raw": {
            "metricSource": {
                "metricSourceRef": "prometheus-2",
                "type": "Prometheus",
                "spec": {"query": "storage:durability:ratio"},
            }
        },
    }
    assert slo["spec"]["objectives"][0]["target"] == 0.99999999999
    assert slo["spec"]["timeWindow"][0]["duration"] == "1Y"


def test_a_percentile_is_a_threshold_met_by_its_share_of_values_in_seconds(acme: Org) -> None:
    slo = _slo(_stream(acme), "P95 latency < 5ms")
    assert list(slo["spec"]["indicator"]["spec"]) == ["thresholdMetric"]
    assert slo["spec"]["indicator"]["metadata"]["displayName"] == "P95 latency"
    assert slo["spec"]["objectives"] == [
        {"displayName": "P95 latency < 5ms", "op": "lt", "value": 0.005, "target": 0.95}
    ]
    loss = _slo(_stream(acme), "Packet Loss < 0.05% (P95)")
    assert loss["spec"]["objectives"][0] | {"displayName": ""} == {
        "displayName": "",
        "op": "lt",
        "value": 0.0005,
        "target": 0.95,
    }
    assert loss["spec"]["timeWindow"] == [{"duration": "12h", "isRolling": True}]


def test_shares_are_thresholds_and_kpis_orgplane_records_point_at_orgplane(acme: Org) -> None:
    documents = _stream(acme)
    ttr = _slo(documents, "TTR L1 ≤ 2h (90%)")
    assert ttr["spec"]["objectives"][0] == {
        "displayName": "TTR L1 ≤ 2h (90%)",
        "op": "lte",
        "value": 7200.0,
        "target": 0.9,
    }
    assert ttr["spec"]["indicator"]["spec"]["thresholdMetric"]["metricSource"]["type"] == "Orgplane"
    assert ttr["spec"]["timeWindow"][0]["duration"] == "1Q"
    jobs = _slo(documents, "Job success > 99%")
    source = jobs["spec"]["indicator"]["spec"]["ratioMetric"]["raw"]["metricSource"]
    assert source["spec"] == {
        "org": "ACME",
        "group": "1B/B-2",
        "kpi": "job-success",
        "source": "file",
        "path": "jobs.csv",
    }
    assert jobs["spec"]["timeWindow"] == [{"duration": "1Q", "isRolling": True}]
    change = _slo(documents, "Change Success Rate ≥ 95%")
    hook = change["spec"]["indicator"]["spec"]["ratioMetric"]["raw"]["metricSource"]["spec"]
    assert hook["hook"] == "change_success_rate"
    assert change["spec"]["timeWindow"][0]["duration"] == "8h"  # a shift, calendar-aligned


def test_what_is_skipped_and_why(acme: Org) -> None:
    result = openslo_export(acme, OrgIndex(acme))
    assert {(skip.text, skip.reason) for skip in result.skipped} == {
        ("MTTR < 30 min (Sev-1)", SKIP_REASONS[2]),
        ("Cost Savings ≥ 8%", SKIP_REASONS[1]),
        ("Roadmap published quarterly", SKIP_REASONS[1]),
    }


@pytest.mark.parametrize(
    ("kpi", "reason"),
    [
        ("Availability", SKIP_REASONS[0]),
        ("Lead time ≤ 90 days", SKIP_REASONS[2]),
        ("P95 latency < 5ms", SKIP_REASONS[3]),
        ("Vault TTL = 24h (95%)", SKIP_REASONS[5]),
    ],
)
def test_each_skip_reason(kpi: str, reason: str) -> None:
    org = Org.model_validate(
        {"code": "X", "name": "X", "groups": [{"code": "A", "name": "A", "kpis": [kpi]}]}
    )
    result = openslo_export(org, OrgIndex(org))
    assert [(s.path, s.text, s.reason) for s in result.skipped] == [("A", kpi, reason)]


def test_a_percentile_measured_by_good_and_total_is_skipped() -> None:
    org = Org.model_validate(
        {
            "code": "X",
            "name": "X",
            "groups": [
                {
                    "code": "A",
                    "name": "A",
                    "kpis": [
                        {
                            "text": "P99 latency < 1s",
                            "measure": {
                                "type": "prometheus",
                                "url": "http://p:9090",
                                "good": "a",
                                "total": "b",
                            },
                        },
                        {
                            "text": "P100 latency < 1s",
                            "measure": {"type": "prometheus", "url": "http://p:9090", "query": "q"},
                        },
                    ],
                }
            ],
        }
    )
    result = openslo_export(org, OrgIndex(org))
    assert [s.reason for s in result.skipped] == [SKIP_REASONS[4], SKIP_REASONS[6]]


def test_names_are_dns_labels_unique_per_kind_and_stable(acme: Org) -> None:
    documents = _stream(acme)
    long = [d["metadata"]["name"] for d in documents if "u-re1" in d["metadata"]["name"]]
    assert len(long) == 2  # the Service and the SLO of the unit with a long code
    assert all(len(name) <= 63 and _LABEL.match(name) for name in long)
    assert len(set(long)) == 2
    assert dns_label("C_5") == dns_label("C-5") == "c-5"
    assert dns_label("") != ""
    assert export(acme, "openslo") == export(acme, "openslo")


# -- the command ----------------------------------------------------------------------------


def test_export_openslo_prints_the_stream_and_reports_skipped_kpis(
    run: Run, tmp_path: Path
) -> None:
    cipo = str(next(p for p in bundled_examples() if p.name == "cipo"))
    result = run("export", "openslo", "--spec", cipo)
    assert result.code == 0, result.err
    documents = [d for d in yaml.safe_load_all(result.out) if d]
    assert openslo_problems(documents) == []
    assert sum(d["kind"] == "SLO" for d in documents) == 15
    assert result.err.splitlines() == [
        "openslo: 15 KPIs exported as SLOs, 30 skipped",
        f"     5  {SKIP_REASONS[1]}",
        f"    19  {SKIP_REASONS[2]}",
        f"     6  {SKIP_REASONS[3]}",
    ]
    target = tmp_path / "slos.yaml"
    written = run("export", "openslo", "--spec", cipo, "-o", str(target))
    assert written.code == 0
    assert target.read_text(encoding="utf-8") == result.out
    assert written.err.startswith(f"wrote {target} (")


def test_the_docs_show_what_export_writes(run: Run, tmp_path: Path) -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "openslo.md").read_text("utf-8")
    export_section = docs.split("## Export")[1].split("### Which KPIs")[0]
    summary = export_section.split("```text\n")[1].split("```")[0]
    stream = export_section.split("```yaml\n")[1].split("```")[0]
    cipo = next(p for p in bundled_examples() if p.name == "cipo")
    target = tmp_path / "slos.yaml"
    result = run("export", "openslo", "--spec", str(cipo), "-o", str(target))
    written = target.read_text(encoding="utf-8")
    assert result.err.replace(str(target), "slos.yaml") == summary
    assert written.split("\n", 1)[0] == stream.split("\n", 1)[0]
    documents = list(yaml.safe_load_all(written))
    for shown in yaml.safe_load_all(stream):
        if shown is not None:
            assert shown in documents
