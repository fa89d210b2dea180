"""OpenSLO indicators: DataSources, metric sources, SLIs and the measures they become.

Imports ``importers.openslo.documents`` (documents and their field accessors), ``model``
and pydantic. An SLI is a ratio of good or bad events, or a threshold; a Prometheus
metric source becomes a ``prometheus`` measure with the server's url (from the
``DataSource`` it references, else ``spec.url``, else the only Prometheus DataSource of
the files imported); other metric sources leave the KPI recorded by hand, with the
source type and query in its note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pydantic import ValidationError

from orgplane.importers.openslo.documents import (
    DocumentIndex,
    NamedDocument,
    OpenSloFile,
    error_at,
    field_flag,
    field_mapping,
    field_text,
    missing_field,
    required_text,
)
from orgplane.model import MeasureSource, SourceType
from orgplane.model.source import SourcedDict

__all__ = [
    "Indicator",
    "IndicatorContext",
    "alpha_ratio_indicator",
    "shared_indicator",
    "valid_measure",
]


# -- data sources -------------------------------------------------------------------------


def _only_prometheus_url(sources: list[NamedDocument]) -> str | None:
    """The url the Prometheus DataSources of ``sources`` name, if they name exactly one."""
    urls = {
        _connection_url(source)
        for source in sources
        if str(source.spec.get("type", "")).strip().lower() == "prometheus"
    }
    urls.discard(None)
    return urls.pop() if len(urls) == 1 else None


def _connection_url(source: NamedDocument) -> str | None:
    details = source.spec.get("connectionDetails")
    if isinstance(details, SourcedDict):
        url = details.get("url")
        if isinstance(url, str) and url.strip():
            return url.strip()
    return None


# -- indicators ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Source:
    """One metric source: its type, its query, and the Prometheus url when it has one."""

    kind: str  # "prometheus", "orgplane" or another type, lowercase
    type: str  # as written
    query: str | None
    url: str | None
    where: SourcedDict
    spec: SourcedDict


@dataclass(frozen=True, slots=True)
class Indicator:
    """What an SLI measures: a ratio of ``good`` or ``bad`` events, or a ``threshold``."""

    polarity: str
    measure: MeasureSource | None
    notes: tuple[str, ...]
    #: The SLI's displayName, if any: what it measures.
    display: str | None


class IndicatorContext:
    """Reads indicators and metric sources against the documents of every file."""

    def __init__(self, index: DocumentIndex) -> None:
        self.index = index
        self.everywhere = _only_prometheus_url(list(index.sources.values()))
        #: The url a Prometheus source with none of its own uses (``for_file``).
        self.only_url = self.everywhere

    def for_file(self, file: OpenSloFile) -> None:
        """Sources without a url use the only Prometheus url of their own file's
        DataSources, else of every file's."""
        names = {
            str(metadata.get("name", "")).strip()
            for document in file.documents
            if document.data.get("kind") == "DataSource"
            and isinstance(metadata := document.data.get("metadata"), SourcedDict)
        }
        local = [source for name, source in self.index.sources.items() if name in names]
        self.only_url = _only_prometheus_url(local) or self.everywhere

    def source(self, holder: SourcedDict, what: str) -> _Source:
        """The ``metricSource`` of ``holder`` (v1)."""
        metric = field_mapping(holder, "metricSource", what, required=True)
        ref = field_text(metric, "metricSourceRef", "metricSource")
        data_source = self.index.sources.get(ref) if ref else None
        if ref and data_source is None and field_text(metric, "type", "metricSource") is None:
            raise error_at(
                metric,
                "metricSourceRef",
                f"no DataSource named {ref!r} in the files imported",
                hint="import the file that defines it too, or give the metricSource a type",
            )
        written = field_text(metric, "type", "metricSource")
        if written is None and data_source is not None:
            written = field_text(data_source.spec, "type", "DataSource")
        if written is None:
            raise missing_field(
                metric, "type", "metricSource", "a metricSource without a DataSource names its type"
            )
        spec = field_mapping(metric, "spec", "metricSource", required=True)
        query = field_text(spec, "query", "metricSource spec")
        url = None
        if written.lower() == "prometheus":
            url = (
                (_connection_url(data_source) if data_source else None)
                or field_text(spec, "url", "metricSource spec")
                or self.only_url
            )
        return _Source(written.lower(), written, query, url, metric, spec)

    def alpha_source(self, holder: SourcedDict, key: str, what: str) -> _Source:
        """A v1alpha metric source: ``{source, queryType, query}``."""
        metric = field_mapping(holder, key, what, required=True)
        written = required_text(metric, "source", what)
        query = required_text(metric, "query", what)
        url = self.only_url if written.lower() == "prometheus" else None
        return _Source(written.lower(), written, query, url, metric, SourcedDict(metric.source))


def _prometheus(sources: list[_Source]) -> str:
    """The one url of Prometheus sources, or an error saying how to give it."""
    urls = {source.url for source in sources}
    if None in urls:
        where = next(source.where for source in sources if source.url is None)
        raise error_at(
            where,
            None,
            "a Prometheus metric source needs the server's url",
            code="OP004",
            hint="reference a DataSource with connectionDetails.url (metricSourceRef), "
            "or give spec.url",
        )
    if len(urls) > 1:
        raise error_at(
            sources[-1].where, None, "the queries of one SLI ask different Prometheus servers"
        )
    url = urls.pop()
    assert url is not None
    return url


def _measure(sources: dict[str, _Source]) -> tuple[MeasureSource | None, tuple[str, ...]]:
    """The measure of an indicator's sources (``query``, or ``good``/``total``)."""
    kinds = {source.kind for source in sources.values()}
    first = next(iter(sources.values()))
    if len(kinds) > 1:
        raise error_at(first.where, None, "the metric sources of one SLI are of different types")
    if first.kind == "orgplane":
        return _orgplane_measure(first), ()
    if first.kind != "prometheus":
        queries = "; ".join(
            f"{role}: {source.query}" for role, source in sources.items() if source.query
        )
        note = f"OpenSLO: measured by {first.type}" + (f" ({queries})" if queries else "")
        return None, (note + ".",)
    for role, source in sources.items():
        if source.query is None:
            raise missing_field(source.spec, "query", f"the {role} Prometheus metricSource spec")
    url = _prometheus(list(sources.values()))
    fields = {role: source.query for role, source in sources.items()}
    return valid_measure(first.where, {"type": "prometheus", "url": url, **fields}), ()


def _orgplane_measure(source: _Source) -> MeasureSource | None:
    kind = field_text(source.spec, "source", "Orgplane metricSource spec")
    if kind is None or kind == SourceType.MANUAL.value:
        return None
    fields: dict[str, str] = {"type": kind}
    for name in ("path", "format", "hook"):
        value = field_text(source.spec, name, "Orgplane metricSource spec")
        if value is not None:
            fields[name] = value
    return valid_measure(source.where, fields)


def valid_measure(where: SourcedDict, fields: Mapping[str, object]) -> MeasureSource:
    try:
        return MeasureSource.model_validate(fields)
    except ValidationError as exc:
        problem = exc.errors()[0]
        at = ".".join(str(part) for part in problem["loc"]) or "measure"
        raise error_at(where, None, f"not a valid measure: {at}: {problem['msg']}") from None


def _indicator_v1(context: IndicatorContext, spec: SourcedDict, display: str | None) -> Indicator:
    threshold = spec.get("thresholdMetric")
    ratio = spec.get("ratioMetric")
    if (threshold is None) == (ratio is None):
        raise error_at(
            spec, None, "an SLI has either a thresholdMetric or a ratioMetric", code="OP004"
        )
    if threshold is not None:
        source = context.source(
            field_mapping(spec, "thresholdMetric", "SLI spec"), "thresholdMetric"
        )
        measure, notes = _measure({"query": source})
        return Indicator("threshold", measure, notes, display)
    metric = field_mapping(spec, "ratioMetric", "SLI spec")
    roles = [role for role in ("good", "bad", "total", "raw") if metric.get(role) is not None]
    if "raw" in roles:
        if roles != ["raw"]:
            raise error_at(metric, "raw", "a ratioMetric has raw, or good/bad and total, not both")
        raw_type = field_text(metric, "rawType", "ratioMetric")
        if raw_type not in ("success", "failure"):
            if raw_type is None:
                raise missing_field(metric, "rawType", "ratioMetric", "success or failure")
            raise error_at(
                metric, "rawType", f"rawType must be success or failure, not {raw_type!r}"
            )
        source = context.source(field_mapping(metric, "raw", "ratioMetric"), "raw")
        measure, notes = _measure({"query": source})
        polarity = "good" if raw_type == "success" else "bad"
        return Indicator(polarity, measure, notes, display)
    if roles not in (["good", "total"], ["bad", "total"]):
        raise error_at(
            metric,
            None,
            "a ratioMetric has good and total, or bad and total, or raw",
            code="OP004",
        )
    numerator = context.source(field_mapping(metric, roles[0], "ratioMetric"), roles[0])
    total = context.source(field_mapping(metric, "total", "ratioMetric"), "total")
    # orgplane's good/total is "the ratio the measurement is": the numerator query, bad or
    # good, goes to measure.good, and the objective says which way is better.
    measure, notes = _measure({"good": numerator, "total": total})
    if measure is not None and field_flag(metric, "counter", "ratioMetric"):
        notes += (
            "OpenSLO counter: true: orgplane sums each step's values, so the queries should "
            "count per step (increase(…[step]) or rate(…)).",
        )
    return Indicator(roles[0], measure, notes, display)


def shared_indicator(
    context: IndicatorContext, spec: SourcedDict, version: str
) -> Indicator | None:
    """The indicator all objectives share: inline, by reference, or (v1alpha) threshold."""
    if version != "openslo/v1":
        inline = field_mapping(spec, "indicator", "SLO spec")
        if inline.get("thresholdMetric") is None:
            return None
        source = context.alpha_source(inline, "thresholdMetric", "indicator")
        measure, notes = _measure({"query": source})
        return Indicator("threshold", measure, notes, None)
    ref = field_text(spec, "indicatorRef", "SLO spec")
    inline_value = spec.get("indicator")
    if (ref is None) == (inline_value is None):
        raise error_at(
            spec, None, "an SLO has an indicator or an indicatorRef (one of them)", code="OP004"
        )
    if ref is not None:
        sli = context.index.slis.get(ref)
        if sli is None:
            raise error_at(
                spec,
                "indicatorRef",
                f"no SLI named {ref!r} in the files imported",
                hint="import the file that defines it too",
            )
        display = field_text(sli.metadata, "displayName", "SLI metadata")
        return _indicator_v1(context, sli.spec, display)
    inline = field_mapping(spec, "indicator", "SLO spec")
    indicator_meta = field_mapping(inline, "metadata", "indicator")
    display = field_text(indicator_meta, "displayName", "indicator metadata")
    return _indicator_v1(
        context, field_mapping(inline, "spec", "indicator", required=True), display
    )


def alpha_ratio_indicator(context: IndicatorContext, item: SourcedDict) -> Indicator | None:
    """A v1alpha objective's own ``ratioMetrics``."""
    ratio = item.get("ratioMetrics")
    if ratio is None:
        return None
    metrics = field_mapping(item, "ratioMetrics", "objective")
    good = context.alpha_source(metrics, "good", "ratioMetrics")
    total = context.alpha_source(metrics, "total", "ratioMetrics")
    measure, notes = _measure({"good": good, "total": total})
    return Indicator("good", measure, notes, None)
