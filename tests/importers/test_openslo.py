"""OpenSLO import: the spec's documented examples become KPIs, export → import gives the
same objectives, windows and queries, and bad input is one positioned error."""

from __future__ import annotations

from pathlib import Path

import pytest

from orgplane.errors import SpecReadError
from orgplane.exporters import export
from orgplane.exporters.openslo import openslo_export
from orgplane.importers.openslo.importer import looks_like_openslo, read_openslo_text
from orgplane.importers.service import ImportResult, import_paths
from orgplane.kpis import Objective, parse_objective
from orgplane.kpis.windows import default_window
from orgplane.model import Kpi, Org, OrgIndex
from orgplane.model.source import SourcedDict
from orgplane.spec import load_spec
from orgplane.spec.examples import bundled_examples
from tests.cli_run import Run

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "openslo"
DOCUMENTED = sorted(FIXTURES.glob("*.yaml"))
SEED_CIPO = next((ROOT / "examples" / "seeds").glob("001_*.txt"))


def _kpis(result: ImportResult) -> dict[str, list[Kpi]]:
    return {path: group.kpis for path, group in result.org.walk() if group.kpis}


def _only(result: ImportResult) -> Kpi:
    (kpi,) = [kpi for kpis in _kpis(result).values() for kpi in kpis]
    return kpi


# -- the documented examples ----------------------------------------------------------------


@pytest.mark.parametrize("path", DOCUMENTED, ids=lambda path: path.name)
def test_every_documented_example_imports_as_typed_kpis(path: Path) -> None:
    result = import_paths([path])
    kpis = [kpi for kpis in _kpis(result).values() for kpi in kpis]
    assert kpis
    for kpi in kpis:
        objective = parse_objective(kpi.text)
        assert objective.typed, kpi.text
    assert result.report.unreadable == []
    assert result.report.uncovered() == {}
    assert result.report.documents == [str(path)]


def test_a_ratio_metric_of_good_events() -> None:
    result = import_paths([FIXTURES / "ratio-metric.yaml"])
    group = result.org.groups[0]
    assert (group.code, group.name, group.kind, group.description) == (
        "foo",
        "Foo",
        "service",
        "The foo web service",
    )
    kpi = _only(result)
    assert (kpi.text, kpi.id, kpi.name, kpi.window) == (
        "Foo SLO ≥ 98%",
        "foo-slo",
        "Foo Total Errors",
        "28d",
    )
    assert kpi.measure is not None
    assert kpi.measure.model_dump(exclude_none=True, mode="json") == {
        "type": "prometheus",
        "url": "http://prometheus.example:9090",
        "good": 'sum(localhost_server_requests{code=~"2xx|3xx",host="*",instance="127.0.0.1:9090"})',
        "total": 'localhost_server_requests{code="total",host="*",instance="127.0.0.1:9090"}',
    }
    assert "counter: true" in kpi.note  # orgplane sums per step: the note says so
    assert result.org.code == "OPENSLO"


def test_a_threshold_metric_is_a_share_of_values_in_a_plain_number() -> None:
    kpi = _only(import_paths([FIXTURES / "threshold-metric.yaml"]))
    assert kpi.text == "Searching time < 500 (99%)"
    objective = parse_objective(kpi.text)
    assert (objective.kind.value, objective.value, objective.share, objective.unit) == (
        "share",
        500,
        0.99,
        "number",
    )
    assert kpi.window == "2w"
    assert kpi.measure is not None
    assert kpi.measure.query is not None
    assert kpi.measure.query.startswith("histogram_quantile(0.99")
    assert kpi.note.startswith("Regardless of the number")


def test_a_calendar_window_with_timeslices_and_two_objectives() -> None:
    result = import_paths([FIXTURES / "calendar-window.yaml"])
    internal, sla = _kpis(result)["web-availability"]
    assert (internal.text, internal.name, internal.id) == (
        "Web availability ≥ 99% (99.5%)",
        "Internal objective",
        "service-availability",
    )
    assert (sla.text, sla.name, sla.id) == (
        "Web availability ≥ 99% (99%)",
        "SLA",
        "service-availability-2",
    )
    assert internal.window == sla.window == "month"
    assert internal.measure is not None
    assert internal.measure.step == "1m"  # the time slice
    assert internal.measure.url == "http://prometheus.example:9090"  # from spec.url
    # The calendar starts mid-day in New York; orgplane's months start on the 1st, UTC.
    assert "America/New_York" in internal.note


def test_an_sli_by_reference_counting_bad_events_and_a_raw_ratio() -> None:
    result = import_paths([FIXTURES / "indicator-ref.yaml"])
    errors, success = _kpis(result)["checkout"]
    # The SLI counts errors: the KPI is the share of bad events, named after the SLI.
    assert errors.text == "Checkout errors ≤ 0.05%"
    assert errors.window == "4w"
    assert errors.measure is not None
    assert errors.measure.good is not None
    assert 'code=~"5.."' in errors.measure.good  # orgplane's good/total is the ratio measured
    assert success.text == "Checkout success ratio ≥ 99.9%"
    assert success.window == "quarter"
    assert success.measure is not None
    assert (success.measure.query, success.measure.step) == ("checkout:success:ratio_rate5m", "5m")
    assert "RatioTimeslices" in success.note


def test_a_source_orgplane_cannot_query_keeps_the_kpi_and_names_the_source() -> None:
    kpi = _only(import_paths([FIXTURES / "datadog.yaml"]))
    assert kpi.text == "Foo SLO ≥ 98%"
    assert kpi.measure is None
    assert kpi.window is None  # the SLO names no window: orgplane's default applies
    assert kpi.note.startswith("OpenSLO: measured by Datadog (good: sum:trace.http")


def test_v1alpha_time_windows_and_ratio_metrics() -> None:
    kpi = _only(import_paths([FIXTURES / "v1alpha.yaml"]))
    assert (kpi.text, kpi.window) == ("Webapp availability ≥ 99.9%", "7d")
    assert kpi.measure is not None
    assert kpi.measure.url == "http://prometheus.example:9090"  # the file's only DataSource
    assert kpi.measure.total == "sum(rate(http_requests_total[5m]))"


def test_all_documented_examples_import_together() -> None:
    result = import_paths(DOCUMENTED)
    assert result.report.unreadable == []
    assert len(result.report.documents) == len(DOCUMENTED)
    assert sorted(code for code in (g.code for g in result.org.groups)) == [
        "checkout",
        "foo",
        "web-availability",
        "web-shop",
        "webapp",
    ]


# -- round trip -----------------------------------------------------------------------------


def _terms(org: Org) -> list[tuple[str, Objective, str, dict[str, object] | None]]:
    """What a round trip keeps: per group code, each objective, its effective window and
    its measure (queries, url, step, range)."""
    out = []
    for _, group in org.walk():
        for kpi in group.kpis:
            objective = parse_objective(kpi.text)
            window = kpi.window or default_window(objective).text
            measure = (
                kpi.measure.model_dump(exclude_none=True, mode="json") if kpi.measure else None
            )
            out.append((group.code, objective, window, measure))
    return sorted(out, key=lambda row: (row[0], str(row[1])))


def _round_trip(org: Org, tmp_path: Path) -> tuple[str, ImportResult]:
    text = export(org, "openslo")
    stream = tmp_path / "slos.yaml"
    stream.write_text(text, encoding="utf-8")
    return text, import_paths([stream])


def _exported_terms(org: Org) -> list[tuple[str, Objective, str, dict[str, object] | None]]:
    """The terms of the KPIs the export does not skip."""
    skipped = {(skip.path, skip.text) for skip in openslo_export(org, OrgIndex(org)).skipped}
    kept = org.model_copy(deep=True)
    for path, group in kept.walk():
        group.kpis = [kpi for kpi in group.kpis if (path, kpi.text) not in skipped]
    return _terms(kept)


def test_round_trip_of_every_shape_the_export_writes(tmp_path: Path) -> None:
    org = load_spec(FIXTURES / "org")
    _, back = _round_trip(org, tmp_path)
    wanted = _exported_terms(org)
    assert len(wanted) == 10
    assert _terms(back.org) == wanted
    kpis = {kpi.text: kpi for kpis in _kpis(back).values() for kpi in kpis}
    pipelines = kpis["Failed Pipelines < 2%"]
    assert (pipelines.name, pipelines.weight, pipelines.note) == (
        "CI health",
        2.0,
        "Counted per pipeline run.",
    )
    assert kpis["Durability ≥ 11×9"].id == "durability"
    assert back.org.code == "ACME"
    assert back.org.name == "Acme Infra"
    b2 = next(group for group in back.org.groups if group.code == "B-2")
    assert (b2.name, b2.kind, b2.description) == (
        "Storage Services",
        "squad",
        "Block and object storage.",
    )


@pytest.mark.parametrize("path", bundled_examples(), ids=lambda path: path.name)
def test_round_trip_of_the_bundled_examples(path: Path, tmp_path: Path) -> None:
    org = load_spec(path)
    text, back = _round_trip(org, tmp_path)
    assert len(_terms(back.org)) == text.count("\nkind: SLO\n")
    assert _terms(back.org) == _exported_terms(org)
    # Groups come back flat and texts canonical; after that, a round trip is a fixpoint.
    again, back_again = _round_trip(back.org, tmp_path)
    assert _terms(back_again.org) == _terms(back.org)
    assert export(back_again.org, "openslo") == again


def test_round_trip_of_the_documented_examples(tmp_path: Path) -> None:
    """Imported, exported and imported again: Timeslices, bad events, raw ratios and
    calendar windows keep their meaning (and a source orgplane cannot query stays
    unmeasured)."""
    first = import_paths(DOCUMENTED)
    _, second = _round_trip(first.org, tmp_path)
    assert _terms(second.org) == _terms(first.org)
    assert len(_terms(first.org)) == 7


# -- Markdown and OpenSLO together ----------------------------------------------------------

_B2 = """\
apiVersion: openslo/v1
kind: DataSource
metadata:
  name: prom
spec:
  type: Prometheus
  connectionDetails:
    url: http://prom:9090
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: b2-latency
  displayName: P95 latency < 5ms
spec:
  service: b-2
  indicator:
    metadata:
      name: b2-latency
    spec:
      thresholdMetric:
        metricSource:
          metricSourceRef: prom
          spec:
            query: histogram_quantile(0.95, sum(rate(io_seconds_bucket[5m])) by (le))
  budgetingMethod: Occurrences
  objectives:
    - op: lt
      value: 0.005
      target: 0.95
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: b2-reads
spec:
  service: b-2
  indicator:
    metadata:
      name: b2-reads
      displayName: Read errors
    spec:
      ratioMetric:
        bad:
          metricSource:
            metricSourceRef: prom
            spec:
              query: sum(rate(read_errors_total[5m]))
        total:
          metricSource:
            metricSourceRef: prom
            spec:
              query: sum(rate(reads_total[5m]))
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9999
---
apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: page
spec:
  conditions: []
"""


def test_slos_land_on_the_markdown_groups_their_service_names(tmp_path: Path) -> None:
    slos = tmp_path / "b2-slos.yaml"
    slos.write_text(_B2, encoding="utf-8")
    alone = import_paths([SEED_CIPO])
    both = import_paths([SEED_CIPO, slos])
    before, after = dict(alone.org.walk()), dict(both.org.walk())
    assert sorted(before) == sorted(after)  # no group added: "b-2" is B-2
    kpis = after["1B/B-2"].kpis
    assert [kpi.text for kpi in kpis] == [
        "Durability 11×9",
        "P95 latency < 5ms",
        "Read errors ≤ 0.01%",
    ]
    latency = kpis[1]
    assert latency.measure is not None
    assert latency.measure.query is not None  # the Markdown KPI got its query
    assert latency.id is None  # and kept its identity
    for path, group in before.items():
        if path != "1B/B-2":
            assert after[path].model_dump(exclude={"groups"}) == group.model_dump(
                exclude={"groups"}
            )
    assert both.report.uncovered() == {}
    problems = [str(problem) for problem in both.report.problems]
    assert f"{slos}:57:1: warning AlertPolicy not imported" in "\n".join(problems)


def test_a_service_naming_two_groups_is_an_error_and_the_file_is_left_out(tmp_path: Path) -> None:
    slos = tmp_path / "slos.yaml"
    slos.write_text(_SLO.replace("service: web", "service: u-re1"), encoding="utf-8")
    result = import_paths([SEED_CIPO, slos])
    assert result.report.unreadable == [str(slos)]
    assert [str(problem) for problem in result.report.problems] == [
        f"{slos}:6:3: warning not imported: service 'u-re1' names 2 groups "
        "(1C/C-5/U-RE1, 1F/F-6/U-RE1)"
    ]


def test_a_file_left_out_adds_no_group(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(_SLO, encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    # Its first SLO would make group "api"; its second is broken, so neither counts.
    bad.write_text(
        _SLO.replace("service: web", "service: api")
        + "---\n"
        + _SLO.replace("service: web", "service: api").replace("target: 0.99", "target: 2"),
        encoding="utf-8",
    )
    result = import_paths([bad, good])
    assert [group.code for group in result.org.groups] == ["web"]
    assert result.report.unreadable == [str(bad)]
    assert result.report.documents == [str(good)]


# -- reading and bad input ------------------------------------------------------------------


def test_documents_of_a_stream_keep_their_file_positions() -> None:
    text = "# SLOs\n---\nkind: Service\n---\n\n\nkind: SLO\nspec:\n  service: web\n"
    file = read_openslo_text(text, "s.yaml")
    assert [(d.first_line, d.last_line) for d in file.documents] == [(2, 3), (4, 9)]
    slo = file.documents[1].data
    spec = slo["spec"]
    assert isinstance(spec, SourcedDict)
    assert str(spec.source.location("service")) == "s.yaml:9:3"
    assert file.content_lines == frozenset({3, 7, 8, 9})


def test_which_files_are_openslo(tmp_path: Path) -> None:
    assert looks_like_openslo(FIXTURES / "ratio-metric.yaml")
    assert not looks_like_openslo(SEED_CIPO)
    assert not looks_like_openslo(ROOT / "examples" / "cipo" / "org.yaml")
    other = tmp_path / "slos.txt"
    other.write_text("---\napiVersion: openslo/v1\nkind: Service\n", encoding="utf-8")
    assert looks_like_openslo(other)
    prose = tmp_path / "notes.md"
    prose.write_text("# Notes\n\n```yaml\napiVersion: openslo/v1\n```\n", encoding="utf-8")
    assert not looks_like_openslo(prose)
    assert not looks_like_openslo(tmp_path / "missing.yaml")
    empty = tmp_path / "no-slos.out"
    empty.write_text(export(Org(code="X", name="X"), "openslo"), encoding="utf-8")
    assert looks_like_openslo(empty)  # an export with no SLO in it is still OpenSLO


_SLO = """\
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web
spec:
  service: web
  indicator:
    metadata:
      name: web
    spec:
      thresholdMetric:
        metricSource:
          type: Prometheus
          spec:
            url: http://p:9090
            query: latency_seconds
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: lt
      value: 0.2
      target: 0.99
"""


@pytest.mark.parametrize(
    ("old", "new", "error"),
    [
        (
            "openslo/v1\nkind: SLO",
            "openslo/v2\nkind: SLO",
            "1:1: error OP001 apiVersion 'openslo/v2'",
        ),
        ("kind: SLO", "kind: Slo", "2:1: error OP001 kind 'Slo' is not one of"),
        (
            "    - duration: 28d\n      isRolling: true",
            "    - duration: 1w\n      isRolling: false",
            "18:7: error OP001 a calendar window of 1w is not supported (hint: orgplane's calendar",
        ),
        (
            "    - duration: 28d",
            "    - duration: 28 days",
            "18:7: error OP001 '28 days' is not a duration",
        ),
        ("Occurrences", "Occurences", "20:3: error OP001 budgetingMethod must be one of"),
        ("target: 0.99", "target: 99", "24:7: error OP001 target must be at least 0 and below 1"),
        ("target: 0.99", "target: high", "24:7: error OP001 objective: 'target' must be a number"),
        ("    - op: lt\n", "    - op: below\n", "22:7: error OP001 op must be lt, lte, gt or gte"),
        (
            "    - op: lt\n      value",
            "    - value",
            "22:7: error OP004 missing required field 'op'",
        ),
        (
            "            url: http://p:9090\n",
            "",
            "13:11: error OP004 a Prometheus metric source needs the server's url",
        ),
        (
            "            url: http://p:9090",
            "            url: p:9090",
            "13:11: error OP001 not a valid measure: url",
        ),
        (
            "      thresholdMetric:",
            "      thresholdMetrics:",
            "11:7: error OP004 an SLI has either",
        ),
        (
            "  indicator:\n",
            "  indicatorRef: web-sli\n  indicator:\n",
            "6:3: error OP004 an SLO has an indicator or",
        ),
        ("  service: web\n", "", "6:3: error OP004 missing required field 'service'"),
        (
            "  name: web\nspec:",
            "  name: web\n  name: again\nspec:",
            "5:3: error OP003 duplicate key 'name'",
        ),
        (
            "budgetingMethod: Occurrences",
            "budgetingMethod: [Occurrences",
            "21:13: error OP000 invalid YAML",
        ),
    ],
)
def test_bad_input_is_one_error_at_its_file_line_and_column(
    tmp_path: Path, old: str, new: str, error: str
) -> None:
    assert old in _SLO
    path = tmp_path / "slo.yaml"
    path.write_text(_SLO.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(SpecReadError) as caught:
        import_paths([path])
    assert str(caught.value).startswith(f"{path}:{error}")


def test_an_unknown_indicator_ref_names_the_missing_sli(tmp_path: Path) -> None:
    path = tmp_path / "slo.yaml"
    text = (
        _SLO.split("  indicator:\n")[0]
        + "  indicatorRef: web-sli\n"
        + _SLO.split("            query: latency_seconds\n")[1]
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecReadError) as caught:
        import_paths([path])
    assert str(caught.value) == (
        f"{path}:7:3: error OP001 no SLI named 'web-sli' in the files imported "
        "(hint: import the file that defines it too)"
    )


# -- the command ----------------------------------------------------------------------------


def test_import_writes_a_valid_spec_from_openslo_files(run: Run, tmp_path: Path) -> None:
    out = tmp_path / "spec"
    result = run("import", *map(str, DOCUMENTED), "--out", str(out))
    assert result.code == 0, result.err
    assert result.out.startswith(f"Imported {', '.join(map(str, DOCUMENTED))}")
    assert "all 273 content lines accounted for" in result.out
    assert run("validate", str(out)).code == 0
    exported = run("export", "openslo", "--spec", str(out))
    assert exported.err.startswith("openslo: 7 KPIs exported as SLOs, 0 skipped")


def test_import_of_a_bad_openslo_file_is_one_line_and_exit_2(run: Run, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        _SLO.replace("28d\n      isRolling: true", "1w\n      isRolling: false"), encoding="utf-8"
    )
    result = run("import", str(bad), "--dry-run")
    assert result.code == 2
    assert result.err == (
        f"{bad}:18:7: error OP001 a calendar window of 1w is not supported (hint: orgplane's "
        "calendar windows are 1M (month), 1Q (quarter), 1Y (year) and 8h (shift); use a "
        "rolling window)\n"
    )
    mixed = run("import", str(bad), str(FIXTURES / "ratio-metric.yaml"), "--dry-run")
    assert mixed.code == 1  # the good file is imported; the exit code says one was not
    assert f"{bad}:18:7: warning not imported: " in mixed.out


def test_the_docs_show_what_import_prints(
    run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = (ROOT / "docs" / "openslo.md").read_text(encoding="utf-8")
    shown = docs.split("Importing the CIPO export above on its own:\n\n```text\n")[1]
    shown = shown.split("```")[0]
    monkeypatch.chdir(tmp_path)
    cipo = next(p for p in bundled_examples() if p.name == "cipo")
    Path("slos.yaml").write_text(export(load_spec(cipo), "openslo"), encoding="utf-8")
    result = run("import", "slos.yaml", "--dry-run")
    assert result.code == 0
    assert result.out == shown
