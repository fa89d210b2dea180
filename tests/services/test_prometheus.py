"""Measurements from Prometheus: against a real server (``prometheus`` fixture) scraping
the test exporter, and through httpx's mock transport for what a server cannot be made
to do on demand (a proxy's error page, a stretch of more than 10,000 points)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from orgplane.model.kpi import MeasureSource
from orgplane.services.prometheus import (
    PrometheusError,
    Sample,
    default_lookback,
    fetch_samples,
)
from tests import prometheus as harness
from tests.prometheus import Exporter, PrometheusServer, free_port, wait_for_value

T = TypeVar("T")


def source(url: str, **fields: str) -> dict[str, Any]:
    """A prometheus ``measure`` as the store keeps it (the model's JSON)."""
    measure = MeasureSource.model_validate({"type": "prometheus", "url": url, **fields})
    return measure.model_dump(mode="json", exclude_none=True)


def until(check: Callable[[], T | None], what: str, timeout: float = 15.0) -> T:
    """``check()``'s first answer that is not ``None``; a scrape a second makes the
    server's view change every second."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer is not None:
            return answer
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} after {timeout:g} s", pytrace=False)
        time.sleep(0.2)


def last_minute() -> tuple[datetime, datetime]:
    end = datetime.now(UTC)
    return end - timedelta(minutes=1), end


# -- against a real Prometheus -------------------------------------------------------------


def test_a_query_gives_one_sample_per_step_oldest_first(
    prometheus: PrometheusServer, exporter: Exporter
) -> None:
    metric = "orgplane_test_latency_seconds"
    measure = source(prometheus.url, query=metric, step="1s")
    exporter.set(metric, 0.25)
    until(lambda: fetch_samples(measure, *last_minute()) or None, "sample of 0.25")
    exporter.set(metric, 0.5)

    def ends_with_half() -> tuple[datetime, datetime, list[Sample]] | None:
        start, end = last_minute()
        samples = fetch_samples(measure, start, end)
        return (start, end, samples) if samples and samples[-1].value == 0.5 else None

    start, end, samples = until(ends_with_half, "sample of 0.5")

    values = [sample.value for sample in samples]
    assert values[0] == 0.25
    assert values == sorted(values)  # 0.25 until the change, then 0.5
    moments = [sample.at for sample in samples]
    assert moments == sorted(set(moments))
    assert all(start <= at <= end for at in moments)
    assert all(at.utcoffset() == timedelta(0) and at.microsecond == 0 for at in moments)
    assert all(sample.good is None and sample.total is None for sample in samples)


def test_good_and_total_give_their_ratio(prometheus: PrometheusServer, exporter: Exporter) -> None:
    exporter.inc("orgplane_test_checkout_good_total", 99)
    exporter.inc("orgplane_test_checkout_total", 100)
    measure = source(
        prometheus.url,
        good="orgplane_test_checkout_good_total",
        total="orgplane_test_checkout_total",
        step="1s",
    )

    samples = until(lambda: fetch_samples(measure, *last_minute()) or None, "ratio sample")

    assert {(s.value, s.good, s.total) for s in samples} == {(0.99, 99.0, 100.0)}


def test_points_whose_total_is_zero_are_skipped(
    prometheus: PrometheusServer, exporter: Exporter
) -> None:
    exporter.inc("orgplane_test_idle_good_total", 0)
    exporter.inc("orgplane_test_idle_total", 0)
    total_only = source(prometheus.url, query="orgplane_test_idle_total", step="1s")
    ratio = source(
        prometheus.url,
        good="orgplane_test_idle_good_total",
        total="orgplane_test_idle_total",
        step="1s",
    )

    def zero_totals() -> tuple[tuple[datetime, datetime], list[Sample]] | None:
        window = last_minute()
        samples = fetch_samples(total_only, *window)
        return (window, samples) if samples else None

    window, totals = until(zero_totals, "sample of the total")

    assert {sample.value for sample in totals} == {0.0}
    assert fetch_samples(ratio, *window) == []


def test_nan_and_infinite_values_are_skipped(
    prometheus: PrometheusServer, exporter: Exporter
) -> None:
    metric = "orgplane_test_error_ratio"
    exporter.set(metric, math.nan)
    wait_for_value(prometheus.url, metric, math.isnan)
    exporter.set(metric, math.inf)
    wait_for_value(prometheus.url, metric, math.isinf)
    exporter.set(metric, 0.03)

    def raw_values(start: datetime, end: datetime) -> set[str]:
        """The values the server itself answers, NaN and +Inf as it writes them."""
        response = httpx.get(
            f"{prometheus.url}/api/v1/query_range",
            params={
                "query": metric,
                "start": str(math.ceil(start.timestamp())),
                "end": str(math.floor(end.timestamp())),
                "step": "1",
            },
        )
        return {value for _, value in response.json()["data"]["result"][0]["values"]}

    def all_three() -> tuple[datetime, datetime] | None:
        window = last_minute()
        return window if raw_values(*window) == {"NaN", "+Inf", "0.03"} else None

    window = until(all_three, "NaN, +Inf and 0.03 in one range")
    samples = fetch_samples(source(prometheus.url, query=metric, step="1s"), *window)

    assert {sample.value for sample in samples} == {0.03}


def test_several_series_are_refused_with_a_hint_to_aggregate(
    prometheus: PrometheusServer, exporter: Exporter
) -> None:
    metric = "orgplane_test_queue_depth"
    exporter.set(metric, 1, shard="a")
    exporter.set(metric, 2, shard="b")
    measure = source(prometheus.url, query=metric, step="1s")

    def refused() -> PrometheusError | None:
        try:
            fetch_samples(measure, *last_minute())
        except PrometheusError as exc:
            return exc
        return None

    message = str(until(refused, "refusal of two series"))

    assert message.startswith(f"Prometheus {prometheus.url}: query '{metric}' returned 2 series")
    assert 'shard="a"' in message
    assert message.endswith(f"aggregate it, e.g. sum({metric})")


def test_a_query_prometheus_refuses_names_its_error(prometheus: PrometheusServer) -> None:
    with pytest.raises(PrometheusError) as refused:
        fetch_samples(source(prometheus.url, query="sum(", step="1s"), *last_minute())

    message = str(refused.value)
    assert message.startswith(f"Prometheus {prometheus.url}: query 'sum(' failed: bad_data: ")
    assert "\n" not in message


def test_a_query_without_data_gives_no_samples(prometheus: PrometheusServer) -> None:
    measure = source(prometheus.url, query="orgplane_test_never_exported", step="1s")

    assert fetch_samples(measure, *last_minute()) == []


# -- without a Prometheus ------------------------------------------------------------------


def test_an_unreachable_server_is_named_in_the_error() -> None:
    url = f"http://127.0.0.1:{free_port()}"

    with pytest.raises(PrometheusError) as refused:
        fetch_samples(source(url, query="up"), *last_minute(), timeout=5)

    assert str(refused.value) == f"Prometheus {url}: cannot connect (Connection refused)"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://[::1", "request failed (Invalid port: ':1')"),
        ("http://prometheus.invalid", "cannot connect ("),
    ],
)
def test_a_url_that_leads_nowhere_is_an_error(url: str, reason: str) -> None:
    with pytest.raises(PrometheusError) as refused:
        fetch_samples({"url": url, "query": "up"}, *last_minute(), timeout=5)

    assert str(refused.value).startswith(f"Prometheus {url}: {reason}")


def matrix(*series: list[tuple[float, str]]) -> dict[str, Any]:
    return {
        "status": "success",
        "data": {
            "resultType": "matrix",
            "result": [{"metric": {}, "values": values} for values in series],
        },
    }


def test_a_long_stretch_is_asked_for_in_parts_of_at_most_10000_points() -> None:
    asked: list[dict[str, str]] = []

    def answer(request: httpx.Request) -> httpx.Response:
        params = {k: v[0] for k, v in parse_qs(urlsplit(str(request.url)).query).items()}
        asked.append(params)
        first, last, step = (float(params[key]) for key in ("start", "end", "step"))
        points = [(first + i * step, "1") for i in range(int((last - first) / step) + 1)]
        return httpx.Response(200, json=matrix(points))

    start = datetime(2024, 6, 1, tzinfo=UTC)
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        samples = fetch_samples(
            source("http://prom.example:9090", query="up", step="1s"),
            start,
            start + timedelta(seconds=25_000),
            client=client,
        )

    assert len(samples) == 25_001
    assert [s.at for s in samples] == [start + timedelta(seconds=i) for i in range(25_001)]
    assert [(p["start"], p["end"]) for p in asked] == [
        ("1717200000", "1717209999"),
        ("1717210000", "1717219999"),
        ("1717220000", "1717225000"),
    ]


def test_the_stretch_is_rounded_to_the_step_grid_and_the_step_defaults_to_a_minute() -> None:
    asked: list[httpx.URL] = []

    def answer(request: httpx.Request) -> httpx.Response:
        asked.append(request.url)
        return httpx.Response(200, json=matrix())

    start = datetime(2024, 6, 1, 10, 0, 30, tzinfo=UTC)
    with httpx.Client(transport=httpx.MockTransport(answer)) as client:
        measure = source("http://prom.example:9090/", query='sum(rate(x{a="b"}[5m]))')
        fetch_samples(measure, start, start + timedelta(minutes=10), client=client)
        # Nothing of the grid lies between two moments a step apart: no request.
        fetch_samples(measure, start, start + timedelta(seconds=20), client=client)

    [url] = asked
    assert url.path == "/api/v1/query_range"
    assert dict(url.params) == {
        "query": 'sum(rate(x{a="b"}[5m]))',
        "start": "1717236060",  # 10:01:00
        "end": "1717236600",  # 10:10:00
        "step": "60",
    }


def test_an_answer_that_is_not_from_prometheus_is_an_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="<html>\n<h1>Bad Gateway</h1>\n</html>")

    with (
        httpx.Client(transport=httpx.MockTransport(answer)) as client,
        pytest.raises(PrometheusError) as refused,
    ):
        fetch_samples(source("http://prom.example:9090", query="up"), *last_minute(), client=client)

    assert str(refused.value) == (
        "Prometheus http://prom.example:9090: answered HTTP 502 Bad Gateway that is not a "
        "Prometheus API response: <html> <h1>Bad Gateway</h1> </html>"
    )


@pytest.mark.parametrize(
    ("fields", "lookback"),
    [
        ({}, timedelta(hours=1)),
        ({"range": "7d"}, timedelta(days=7)),
        ({"range": "90s"}, timedelta(seconds=90)),
    ],
)
def test_the_lookback_is_the_range_or_an_hour(fields: dict[str, str], lookback: timedelta) -> None:
    assert default_lookback(source("http://prom.example:9090", query="up", **fields)) == lookback


def test_a_missing_prometheus_skips_the_tests_but_fails_them_in_ci(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(harness, "find_prometheus", lambda: None)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install prometheus"):
        harness.require_prometheus()

    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        harness.require_prometheus()
