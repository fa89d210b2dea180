"""Measurements from Prometheus: range queries over its HTTP API.

Imports ``httpx``, ``kpis.windows`` and ``errors``. A KPI's ``measure`` of type
``prometheus`` names a server ``url`` and either a ``query`` whose value is the
measurement, or a ``good`` and a ``total`` query whose ratio is. ``fetch_samples`` asks
``GET {url}/api/v1/query_range`` for the points of ``[start, end]`` every ``step``
(default ``1m``) and returns one ``Sample`` per point.

The points lie on a grid of the step counted from the epoch (``start`` is rounded up and
``end`` down to it), so two pulls over overlapping stretches ask for the same moments and
the store skips what it already has. Prometheus answers at most 11,000 points per series
and request, so a long stretch is asked for in several requests. A query must return at
most one series: several would be several measurements of one moment.

Every failure a user can cause (a server that does not answer, an HTTP error, a query
Prometheus refuses, several series) is a ``PrometheusError`` with a one-line message
naming the server. ``client`` is the seam for tests: pass an ``httpx.Client`` (with a
``MockTransport``, say) and no network is used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from orgplane.errors import OrgplaneError
from orgplane.kpis.windows import parse_duration

__all__ = [
    "DEFAULT_RANGE",
    "DEFAULT_STEP",
    "PrometheusError",
    "Sample",
    "default_lookback",
    "fetch_samples",
]

#: The step between points when a source names none.
DEFAULT_STEP = "1m"
#: How far back a pull goes when a source names no ``range`` (and nothing is stored yet).
DEFAULT_RANGE = "1h"
#: Points per request: Prometheus refuses more than 11,000 per series.
_MAX_POINTS = 10_000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class PrometheusError(OrgplaneError):
    """A Prometheus server could not give the measurements asked for."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One measurement read from a source: a moment (aware, UTC) and a value; ``good`` and
    ``total`` too when the value is their ratio."""

    at: datetime
    value: float
    good: float | None = None
    total: float | None = None


def default_lookback(source: Mapping[str, Any]) -> timedelta:
    """How far back from now a pull of ``source`` reaches: its ``range``, else 1 hour.

    The caller pulls from the later of the newest stored measurement and now minus this.
    """
    return _duration(source, "range", DEFAULT_RANGE)


def fetch_samples(
    source: Mapping[str, Any],
    start: datetime,
    end: datetime,
    *,
    client: httpx.Client | None = None,
    timeout: float = 10.0,
) -> list[Sample]:
    """The measurements of ``source`` (a prometheus ``measure``) in ``[start, end]``,
    oldest first, one per step. NaN and infinite values are skipped, and so are ratio
    points whose total is 0."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("fetch_samples needs aware datetimes")
    url = str(source.get("url") or "").rstrip("/")
    if not url:
        raise PrometheusError("a prometheus source needs a url")
    step_ms = _ms(_duration(source, "step", DEFAULT_STEP))
    if step_ms <= 0:
        raise PrometheusError(f"Prometheus {url}: step {source.get('step')!r} must be positive")
    query, good, total = source.get("query"), source.get("good"), source.get("total")
    if not query and not (good and total):
        raise PrometheusError(f"Prometheus {url}: the source needs a query, or good and total")
    lo = -(-_ms(start - _EPOCH) // step_ms) * step_ms  # up to the step grid
    hi = _ms(end - _EPOCH) // step_ms * step_ms  # down to it
    if lo > hi:
        return []
    api = _Api(url, client, timeout)
    try:
        samples: list[Sample] = []
        chunk = step_ms * (_MAX_POINTS - 1)
        for first in range(lo, hi + 1, chunk + step_ms):
            last = min(first + chunk, hi)
            if query:
                points = api.query_range(str(query), first, last, step_ms)
                samples.extend(Sample(_moment(at), value) for at, value in points.items())
            else:
                goods = api.query_range(str(good), first, last, step_ms)
                totals = api.query_range(str(total), first, last, step_ms)
                samples.extend(
                    Sample(_moment(at), goods[at] / whole, goods[at], whole)
                    for at, whole in totals.items()
                    if at in goods and whole != 0
                )
        return samples
    finally:
        api.close()


class _Api:
    """``GET /api/v1/query_range`` on one server, its answers checked and parsed."""

    def __init__(self, url: str, client: httpx.Client | None, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.owned = client is None
        self.client = client if client is not None else httpx.Client(timeout=timeout)

    def close(self) -> None:
        if self.owned:
            self.client.close()

    def query_range(
        self, query: str, first_ms: int, last_ms: int, step_ms: int
    ) -> dict[int, float]:
        """The finite values of ``query``'s one series at each moment (ms) of the grid."""
        params = {
            "query": query,
            "start": _seconds(first_ms),
            "end": _seconds(last_ms),
            "step": _seconds(step_ms),
        }
        where = f"Prometheus {self.url}"
        try:
            response = self.client.get(
                f"{self.url}/api/v1/query_range", params=params, timeout=self.timeout
            )
        except httpx.TimeoutException:
            raise PrometheusError(f"{where}: no answer within {self.timeout:g} s") from None
        except httpx.ConnectError as exc:
            raise PrometheusError(f"{where}: cannot connect ({_reason(exc)})") from None
        except (httpx.HTTPError, httpx.InvalidURL) as exc:
            raise PrometheusError(f"{where}: request failed ({_reason(exc)})") from None
        body = _json(response)
        if body is None or not isinstance(body, dict):
            status = f"HTTP {response.status_code} {response.reason_phrase}".strip()
            text = _one_line(response.text)[:200]
            raise PrometheusError(
                f"{where}: answered {status} that is not a Prometheus API response"
                + (f": {text}" if text else "")
            )
        if body.get("status") != "success" or not response.is_success:
            kind = body.get("errorType") or f"HTTP {response.status_code}"
            message = _one_line(str(body.get("error") or response.reason_phrase))
            raise PrometheusError(f"{where}: query {query!r} failed: {kind}: {message}")
        data = body.get("data")
        if not isinstance(data, dict) or data.get("resultType") != "matrix":
            kind = data.get("resultType") if isinstance(data, dict) else None
            raise PrometheusError(f"{where}: query {query!r} answered {kind!r}, not a matrix")
        result = data.get("result") or []
        if len(result) > 1:
            shown = ", ".join(_labels(series) for series in result[:2])
            raise PrometheusError(
                f"{where}: query {query!r} returned {len(result)} series ({shown}"
                f"{', …' if len(result) > 2 else ''}), one is needed: aggregate it, "
                f"e.g. sum({query})"
            )
        if not result:
            return {}
        series = result[0]
        if isinstance(series, dict) and not series.get("values") and series.get("histograms"):
            raise PrometheusError(
                f"{where}: query {query!r} returned native histograms, not numbers: "
                "take a number from them, e.g. histogram_quantile(0.95, …)"
            )
        try:
            return _finite_points(series, first_ms, last_ms)
        except (AttributeError, TypeError, ValueError, OverflowError):
            raise PrometheusError(f"{where}: query {query!r} answered a malformed series") from None


def _finite_points(series: Any, first_ms: int, last_ms: int) -> dict[int, float]:
    """``{moment in ms: value}`` of a matrix series in ``[first_ms, last_ms]`` (the
    stretch asked for: a moment outside it, which a server should not answer, is
    dropped), without NaN and infinite values."""
    points: dict[int, float] = {}
    for at, text in series.get("values") or []:
        value = float(text)  # "NaN", "+Inf" and "-Inf" parse too
        moment = round(float(at) * 1000)  # an infinite moment: OverflowError
        if math.isfinite(value) and first_ms <= moment <= last_ms:
            points[moment] = value
    return points


def _duration(source: Mapping[str, Any], key: str, default: str) -> timedelta:
    text = source.get(key) or default
    try:
        return parse_duration(str(text))
    except ValueError as exc:
        raise PrometheusError(f"prometheus source: {key} {exc}") from None


def _ms(delta: timedelta) -> int:
    return (delta.days * 86_400 + delta.seconds) * 1000 + delta.microseconds // 1000


def _moment(ms: int) -> datetime:
    return _EPOCH + timedelta(milliseconds=ms)


def _seconds(ms: int) -> str:
    """Unix seconds with millisecond precision, as the API takes them."""
    whole, part = divmod(ms, 1000)
    return f"{whole}.{part:03d}" if part else str(whole)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _labels(series: Any) -> str:
    metric = series.get("metric") if isinstance(series, dict) else None
    if not isinstance(metric, dict) or not metric:
        return "{}"
    name = metric.get("__name__", "")
    pairs = ", ".join(f'{k}="{v}"' for k, v in sorted(metric.items()) if k != "__name__")
    return f"{name}{{{pairs}}}"


def _reason(exc: Exception) -> str:
    """A short reason: ``Connection refused`` rather than ``[Errno 111] Connection refused``."""
    text = _one_line(str(exc)) or type(exc).__name__
    if text.startswith("[Errno") and "] " in text:
        text = text.split("] ", 1)[1]
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())
