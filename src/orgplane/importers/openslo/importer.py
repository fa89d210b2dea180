"""OpenSLO import: ``openslo/v1`` (and ``openslo/v1alpha``) YAML → KPIs on groups.

Imports the importers' ``openslo_documents`` (files, documents, field accessors),
``openslo_indicators`` (SLIs, metric sources, measures), ``openslo_windows`` (time
windows), ``openslo_objectives`` (objectives, KPI drafts), ``openslo_groups`` (where
each service's KPIs go) and ``report``, and ``kpis``, ``model`` and ``errors``. No Python
OpenSLO library exists; this reads the v1 specification (github.com/OpenSLO/OpenSLO,
README) as docs/openslo.md maps it. The entry points (``looks_like_openslo``,
``read_openslo``, ``import_openslo``) are all importable from here.

A file is a stream of documents of kinds ``SLO``, ``SLI``, ``Service`` and
``DataSource``; the alert kinds are reported and left out (orgplane alerts on burn rates
of its own). Each objective of an SLO becomes a KPI on a group: the SLO's ``service``
names the group (by the ``orgplane.dev/path`` or ``/code`` annotation of the Service,
else a group whose code is the service name, else a new group named after the Service).
The KPI's text is the canonical text (``render_objective``) of an objective built from
the SLO: a ratio of good events is "≥ target", of bad events "≤ 1 − target", a
threshold with a target is a share ("< 500 (99%)"). When the SLO's ``displayName``
types as the same objective, that objective is taken, so the strictness of a
comparator, a percentile, a scope or a unit ("P95 latency < 5ms") survive a round trip.

Prometheus metric sources become a ``prometheus`` measure with the queries; the
server's url comes from the ``DataSource`` the source references
(``connectionDetails.url``), else ``spec.url``, else the only Prometheus DataSource of
the files imported, else it is an error. Other metric sources (Datadog …) leave the KPI
recorded by hand, with the source type and query in its note (never other spec fields,
which may hold credentials). A construct orgplane cannot express is an error at its
file:line:col (``SpecError``); a file with an error is left out as a whole.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pydantic import ValidationError

from orgplane.errors import Diagnostic
from orgplane.importers.openslo.documents import (
    ALERT_KINDS,
    API_VERSIONS,
    DocumentError,
    DocumentIndex,
    OpenSloDocument,
    OpenSloFile,
    document_header,
    error_at,
    field_items,
    field_mapping,
    field_number,
    field_text,
    index_file,
    looks_like_openslo,
    missing_field,
    orgplane_annotations,
    read_openslo,
    read_openslo_text,
    required_text,
)
from orgplane.importers.openslo.groups import ServiceGroups
from orgplane.importers.openslo.indicators import (
    Indicator,
    IndicatorContext,
    alpha_ratio_indicator,
    shared_indicator,
    valid_measure,
)
from orgplane.importers.openslo.objectives import (
    KpiDraft,
    built_objective,
    comparator_family,
    objective_agrees,
)
from orgplane.importers.openslo.windows import duration_step, time_window
from orgplane.importers.report import ImportReport
from orgplane.kpis import Comparator, parse_objective, render_objective
from orgplane.kpis.identity import slugify
from orgplane.model import Kpi, Location, Org, SourceType
from orgplane.model.base import SLUG_PATTERN
from orgplane.model.source import SourcedDict

__all__ = [
    "API_VERSIONS",
    "OpenSloDocument",
    "OpenSloFile",
    "import_openslo",
    "looks_like_openslo",
    "read_openslo",
    "read_openslo_text",
]

_BUDGETING = ("Occurrences", "Timeslices", "RatioTimeslices")
_OPS = {"gte": Comparator.GE, "gt": Comparator.GT, "lte": Comparator.LE, "lt": Comparator.LT}
#: How the import report names the lines of each kind of document besides SLOs.
_CLAIMS = {"Service": "service", "SLI": "indicator", "DataSource": "data source"}
_SLUG = re.compile(SLUG_PATTERN)


# -- SLOs ---------------------------------------------------------------------------------


def _slo_drafts(context: IndicatorContext, doc: SourcedDict, version: str) -> list[KpiDraft]:
    metadata = field_mapping(doc, "metadata", "SLO", required=True)
    name = required_text(metadata, "name", "SLO metadata")
    display = field_text(metadata, "displayName", "SLO metadata")
    annotations = orgplane_annotations(metadata)
    spec = field_mapping(doc, "spec", "SLO", required=True)
    service = required_text(spec, "service", "SLO spec")
    description = field_text(spec, "description", "SLO spec") or ""
    window, window_notes = time_window(spec, version)
    method = field_text(spec, "budgetingMethod", "SLO spec", required=True)
    if method not in _BUDGETING:
        raise error_at(
            spec,
            "budgetingMethod",
            f"budgetingMethod must be one of {', '.join(_BUDGETING)}, not {method!r}",
        )
    objectives = field_items(spec, "objectives", "SLO spec")
    if not objectives:
        raise missing_field(spec, "objectives", "SLO spec")
    shared = shared_indicator(context, spec, version)
    drafts: list[KpiDraft] = []
    for index, item in objectives:
        indicator = shared or alpha_ratio_indicator(context, item)
        if indicator is None:
            raise error_at(spec, "indicator", "an SLO needs an indicator", code="OP004")
        if indicator.polarity == "threshold" and len(objectives) > 1:
            raise error_at(
                spec, "objectives", "an SLO with a thresholdMetric has one objective", index=1
            )
        drafts.append(
            _draft(
                name=name,
                display=display,
                annotations=annotations,
                service=service,
                description=description,
                window=window,
                notes=window_notes,
                method=method,
                indicator=indicator,
                item=item,
                number=index + 1,
                doc=doc,
                spec=spec,
            )
        )
    return drafts


def _draft(
    *,
    name: str,
    display: str | None,
    annotations: dict[str, str],
    service: str,
    description: str,
    window: str | None,
    notes: tuple[str, ...],
    method: str,
    indicator: Indicator,
    item: SourcedDict,
    number: int,
    doc: SourcedDict,
    spec: SourcedDict,
) -> KpiDraft:
    what = "objective"
    given = [key for key in ("target", "targetPercent") if item.get(key) is not None]
    if len(given) != 1:
        raise error_at(
            item, None, "an objective has a target or a targetPercent (one of them)", code="OP004"
        )
    if given == ["target"]:
        target = field_number(item, "target", what)
        limit = Decimal(1)
    else:
        target = field_number(item, "targetPercent", what)
        limit = Decimal(100)
    assert target is not None
    if not 0 <= target < limit:
        raise error_at(item, given[0], f"{given[0]} must be at least 0 and below {limit}")
    target = target / limit if limit != 1 else target
    op: Comparator | None = None
    value: Decimal | None = None
    if indicator.polarity == "threshold":
        op_text = field_text(item, "op", what)
        if op_text is None:
            raise missing_field(
                item, "op", "an objective of a thresholdMetric", "lt, lte, gt or gte"
            )
        if op_text not in _OPS:
            raise error_at(item, "op", f"op must be lt, lte, gt or gte, not {op_text!r}")
        op = _OPS[op_text]
        value = field_number(item, "value", what)
        if value is None:
            raise missing_field(item, "value", "an objective of a thresholdMetric")
    slice_target = field_number(item, "timeSliceTarget", what)
    slice_window = field_text(item, "timeSliceWindow", what)
    step = None
    notes = notes + indicator.notes
    if method == "Timeslices":
        if slice_target is None:
            raise missing_field(item, "timeSliceTarget", "an objective budgeted by Timeslices")
        if not 0 < slice_target <= 1:
            raise error_at(item, "timeSliceTarget", "timeSliceTarget must be above 0 and at most 1")
    if method != "Occurrences":
        if slice_window is None:
            raise missing_field(item, "timeSliceWindow", f"an objective budgeted by {method}")
        step = duration_step(item, "timeSliceWindow", slice_window)
        if indicator.polarity == "threshold" and method == "Timeslices":
            notes += (
                f"OpenSLO Timeslices: a {slice_window} slice counts as good when "
                f"{slice_target} of its values meet the threshold; orgplane counts each "
                "measurement.",
            )
        elif method == "RatioTimeslices":
            notes += (
                f"OpenSLO RatioTimeslices: the mean of the {slice_window} slices' ratios; "
                "orgplane scores good/total over the whole window.",
            )
    objective_name = field_text(item, "displayName", what)
    candidates = [text for text in (display, objective_name) if text]
    parsed = [parse_objective(text) for text in candidates]
    family = {"good": "higher", "bad": "lower"}.get(indicator.polarity) or comparator_family(op)
    # A typed displayName names the metric, if it points the same way ("Availability
    # 99.9%" cannot name a ratio of bad events).
    typed = next((p for p in parsed if p.typed and comparator_family(p.comparator) == family), None)
    scope = None
    if typed is not None:
        metric = typed.metric
    elif indicator.polarity == "bad":
        # The SLI counts what goes wrong; an SLO's own name says what should go right.
        metric = indicator.display or display or objective_name or name
        scope = None if indicator.display else "bad events"
    else:
        metric = display or indicator.display or objective_name or name
    built = built_objective(
        metric=" ".join(metric.split())[:250],
        scope=scope,
        polarity=indicator.polarity,
        method=method,
        target=target,
        op=op,
        value=value,
        slice_target=slice_target,
        hint=typed,
    )
    objective = next((p for p in parsed if p.typed and objective_agrees(p, built)), built)
    if objective is not built:
        objective = replace(objective, text=render_objective(objective))
    # An objective's displayName that is not just the KPI's text is the KPI's name.
    kpi_name = None
    if objective_name and not objective_agrees(parse_objective(objective_name), built):
        kpi_name = objective_name
    measure = indicator.measure
    if measure is not None and measure.type is SourceType.PROMETHEUS:
        extra = {"step": step or annotations.get("step"), "range": annotations.get("range")}
        extra = {key: val for key, val in extra.items() if val is not None}
        if extra:
            measure = valid_measure(doc, {**measure.model_dump(exclude_none=True), **extra})
    kpi_id = annotations.get("kpi") if number == 1 else None
    if kpi_id is None or not _SLUG.match(kpi_id):
        kpi_id = name if _SLUG.match(name) else slugify(name)
        if number > 1:
            kpi_id = f"{kpi_id}-{number}"
    weight = 1.0
    if "weight" in annotations:
        try:
            weight = float(annotations["weight"])
        except ValueError:
            weight = 1.0
    note = "\n".join(part for part in (description, *notes) if part)
    try:
        kpi = Kpi(
            text=objective.text,
            id=kpi_id,
            name=kpi_name[:300] if kpi_name else None,
            weight=max(weight, 0.0),
            measure=measure,
            window=window,
            note=note,
        )
    except ValidationError as exc:
        problem = exc.errors()[0]
        raise error_at(doc, None, f"not a valid KPI: {problem['msg']}") from None
    return KpiDraft(kpi, objective, service, spec)


# -- the org ------------------------------------------------------------------------------


def import_openslo(
    files: list[OpenSloFile], *, org: Org | None, report: ImportReport
) -> tuple[Org | None, list[Diagnostic]]:
    """Add the SLOs of ``files`` to ``org`` (or to a new org when ``None``) as KPIs.

    Returns the org and one diagnostic per file left out (the first problem in it);
    the org is ``None`` only when ``org`` was and no file could be imported.
    """
    failed: list[Diagnostic] = []
    index = DocumentIndex()
    indexed: list[OpenSloFile] = []
    for file in files:
        try:
            index_file(file, index)
        except DocumentError as exc:
            failed.append(exc.diagnostic)
        else:
            indexed.append(file)
    context = IndicatorContext(index)
    base = org.model_copy(deep=True) if org is not None else None
    groups = ServiceGroups(base, index)
    imported: list[tuple[OpenSloFile, list[tuple[OpenSloDocument, str, list[KpiDraft]]]]] = []
    for file in indexed:
        saved = groups.checkpoint()
        try:
            converted = _convert(context, file, groups)
        except DocumentError as exc:
            groups.rollback(saved)  # a file left out makes no group
            failed.append(exc.diagnostic)
        else:
            imported.append((file, converted))
    if base is None and not imported:
        return None, failed
    result = base if base is not None else groups.new_org()
    groups.attach(result)
    for file, converted in imported:
        report.documents.append(file.path)
        report.content_lines[file.path] = set(file.content_lines)
        for document, kind, drafts in converted:
            location = Location(file.path, document.first_line, 1)
            for draft in drafts:
                path = groups.add(draft)
                report.claim(location, "kpi", path, draft.kpi.text, document.last_line)
            if kind in ALERT_KINDS:
                report.claim(location, "not imported", "", kind, document.last_line)
                report.problem(
                    location,
                    f"{kind} not imported: orgplane alerts on the burn rates of every SLO "
                    "(docs/openslo.md)",
                )
            elif kind != "SLO":
                report.claim(location, _CLAIMS[kind], "", kind, document.last_line)
    if not any(drafts for _, converted in imported for _, _, drafts in converted) and imported:
        report.problem(Location(imported[0][0].path, 1, 1), "no OpenSLO SLO found: no KPI imported")
    return result, failed


def _convert(
    context: IndicatorContext, file: OpenSloFile, groups: ServiceGroups
) -> list[tuple[OpenSloDocument, str, list[KpiDraft]]]:
    out: list[tuple[OpenSloDocument, str, list[KpiDraft]]] = []
    context.for_file(file)
    for document in file.documents:
        version, kind = document_header(document.data)
        drafts = _slo_drafts(context, document.data, version) if kind == "SLO" else []
        for draft in drafts:
            groups.resolve(draft)
        out.append((document, kind, drafts))
    return out
