"""Fixtures of the service tests: a real Prometheus and the exporter it scrapes.

One Prometheus per session (``tests/prometheus.py``), started by the first test that
asks for ``prometheus`` or ``exporter``. Without the ``prometheus`` binary those tests
are skipped, except in CI, where they fail. Tests share the exporter: each sets metrics
of its own names.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.prometheus import Exporter, PrometheusServer, running_prometheus


@pytest.fixture(scope="session")
def prometheus_stack() -> Iterator[tuple[PrometheusServer, Exporter]]:
    with running_prometheus() as stack:
        yield stack


@pytest.fixture(scope="session")
def prometheus(prometheus_stack: tuple[PrometheusServer, Exporter]) -> PrometheusServer:
    """A running Prometheus (``prometheus.url``) scraping ``exporter`` every second."""
    return prometheus_stack[0]


@pytest.fixture(scope="session")
def exporter(prometheus_stack: tuple[PrometheusServer, Exporter]) -> Exporter:
    """The exporter ``prometheus`` scrapes: ``exporter.set(name, value)``, ``inc``."""
    return prometheus_stack[1]
