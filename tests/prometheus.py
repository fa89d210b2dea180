"""A real Prometheus for the tests, scraping a tiny exporter whose values the tests set.

``Exporter`` serves ``/metrics`` in the Prometheus text format from a thread of this
process (127.0.0.1, a free port): ``set(name, value, **labels)`` sets a gauge,
``inc(name, amount, **labels)`` adds to a counter. ``PrometheusServer`` runs Debian's
``prometheus`` (``/usr/bin/prometheus``, else whatever is on PATH; ``scripts/test``
installs it) in a temporary folder with a config that scrapes the exporter every second,
its own storage and a free loopback port; ``start()`` returns once ``/-/ready`` answers
and the first scrape of the exporter is stored. Root needs no other user here.

``running_prometheus`` is the whole stack as a context manager, for a fixture in any
``conftest.py``; ``require_prometheus`` is the binary, or a skip outside CI and a failure
in CI (``CI=true``) when it is missing. ``wait_for_value`` polls an instant query until
its value passes a test (a value set on the exporter is in Prometheus a scrape later),
then waits for the next whole second, so that a range query with ``step: 1s`` ending
after it has a point showing the value.
"""

from __future__ import annotations

import atexit
import contextlib
import math
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

__all__ = [
    "Exporter",
    "PrometheusServer",
    "find_prometheus",
    "require_prometheus",
    "running_prometheus",
    "wait_for_value",
]

PROMETHEUS = Path("/usr/bin/prometheus")
#: The job name of the exporter in Prometheus (its series carry ``job="exporter"``).
JOB = "exporter"
#: How long a start may take; a busy CI machine may need much more than the usual second.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0


def find_prometheus() -> Path | None:
    """Debian's Prometheus server, else one on PATH, else ``None``."""
    if PROMETHEUS.is_file():
        return PROMETHEUS
    found = shutil.which("prometheus")
    return Path(found) if found else None


def require_prometheus() -> Path:
    """The Prometheus binary. Missing, it skips the test, but fails it in CI, where
    ``scripts/test`` should have installed it."""
    found = find_prometheus()
    if found is not None:
        return found
    reason = (
        "prometheus is not installed: run ./scripts/test (it installs Debian's prometheus), "
        "or apt-get install prometheus"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"{reason} (CI=true: the Prometheus tests must run)", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


# -- the exporter --------------------------------------------------------------------------

_Labels = tuple[tuple[str, str], ...]


class Exporter:
    """Gauges and counters served at ``http://127.0.0.1:{port}/metrics``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._types: dict[str, str] = {}
        self._values: dict[str, dict[_Labels, float]] = {}
        exporter = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] != "/metrics":
                    self.send_error(404)
                    return
                body = exporter.render().encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass  # a line per scrape would drown the test output

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="test-exporter", daemon=True
        )

    @property
    def target(self) -> str:
        """``host:port``, as a Prometheus scrape config names it."""
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever() to notice
            self._server.shutdown()
        self._server.server_close()

    def set(self, name: str, value: float, **labels: str) -> None:
        """Set the gauge ``name`` (with ``labels``) to ``value`` (NaN and ±Inf too)."""
        self._put(name, "gauge", value, labels, add=False)

    def inc(self, name: str, amount: float = 1.0, **labels: str) -> None:
        """Add ``amount`` to the counter ``name`` (name it ``…_total``); it starts at 0."""
        if amount < 0:
            raise ValueError("a counter only goes up")
        self._put(name, "counter", amount, labels, add=True)

    def remove(self, name: str) -> None:
        """Stop serving ``name`` (Prometheus marks its series stale at the next scrape)."""
        with self._lock:
            self._types.pop(name, None)
            self._values.pop(name, None)

    def _put(self, name: str, kind: str, value: float, labels: dict[str, str], add: bool) -> None:
        key = tuple(sorted(labels.items()))
        with self._lock:
            known = self._types.setdefault(name, kind)
            if known != kind:
                raise ValueError(f"{name} is a {known}, not a {kind}")
            series = self._values.setdefault(name, {})
            series[key] = series.get(key, 0.0) + value if add else value

    def render(self) -> str:
        """Every metric in the text exposition format."""
        lines: list[str] = []
        with self._lock:
            for name, kind in sorted(self._types.items()):
                lines.append(f"# TYPE {name} {kind}")
                for labels, value in sorted(self._values[name].items()):
                    lines.append(f"{name}{_render_labels(labels)} {_render_value(value)}")
        return "\n".join(lines) + "\n"


def _render_labels(labels: _Labels) -> str:
    if not labels:
        return ""
    escaped = (
        (key, value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n"))
        for key, value in labels
    )
    return "{" + ",".join(f'{key}="{value}"' for key, value in escaped) + "}"


def _render_value(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


# -- the server ----------------------------------------------------------------------------


class PrometheusServer:
    """One Prometheus process in a temporary folder; ``stop()`` removes it all."""

    def __init__(self, binary: Path, targets: list[str], *, scrape_interval: str = "1s") -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="orgplane-prometheus-"))
        self.log = self.root / "prometheus.log"
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        quoted = ", ".join(f'"{target}"' for target in targets)
        (self.root / "prometheus.yml").write_text(
            "global:\n"
            f"  scrape_interval: {scrape_interval}\n"
            f"  evaluation_interval: {scrape_interval}\n"
            "scrape_configs:\n"
            f"  - job_name: {JOB}\n"
            f"    scrape_interval: {scrape_interval}\n"
            f"    scrape_timeout: {scrape_interval}\n"
            f"    static_configs:\n"
            f"      - targets: [{quoted}]\n",
            encoding="utf-8",
        )

    @property
    def url(self) -> str:
        """The base URL a prometheus ``measure`` names."""
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """The end of what Prometheus logged so far."""
        if not self.log.exists():
            return ""
        return self.log.read_text(encoding="utf-8", errors="replace")[-4000:]

    def start(self, timeout: float = START_TIMEOUT) -> None:
        """Start Prometheus; return once it is ready and has stored a scrape of ``JOB``."""
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    str(self.binary),
                    f"--config.file={self.root / 'prometheus.yml'}",
                    f"--storage.tsdb.path={self.root / 'data'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                    "--log.level=info",
                ],
                cwd=self.root,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C on the tests does not reach it first
            )
        atexit.register(self.kill)
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            self._wait(timeout, deadline, "/-/ready", lambda: _ready(client, self.url))
            self._wait(
                timeout,
                deadline,
                f"a first scrape of job {JOB}",
                lambda: _instant(client, self.url, f'up{{job="{JOB}"}}') == 1.0,
            )

    def _wait(self, timeout: float, deadline: float, what: str, done: Callable[[], bool]) -> None:
        while True:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(
                    f"prometheus exited with {self.process.returncode} before {what}:\n"
                    f"{self.output()}"
                )
            with contextlib.suppress(httpx.HTTPError, ValueError):
                if done():
                    return
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"prometheus at {self.url} had no {what} after {timeout:.0f} s; "
                    f"its log ends:\n{self.output()}"
                )
            time.sleep(0.1)

    def stop(self) -> None:
        """Ask Prometheus to stop (SIGTERM), wait, kill what is left, remove its folder."""
        try:
            process = self.process
            if process is not None and process.poll() is None:
                process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    process.wait(timeout=STOP_TIMEOUT)
            self.kill()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def kill(self) -> None:
        """End the process group now; safe to call more than once."""
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
        atexit.unregister(self.kill)


def _ready(client: httpx.Client, url: str) -> bool:
    return client.get(f"{url}/-/ready").status_code == 200


def _instant(client: httpx.Client, url: str, query: str) -> float | None:
    """The value of ``query``'s single series now, ``None`` without one."""
    response = client.get(f"{url}/api/v1/query", params={"query": query})
    body = response.json()
    result = body.get("data", {}).get("result") or []
    if body.get("status") != "success" or len(result) != 1:
        return None
    return float(result[0]["value"][1])


@contextlib.contextmanager
def running_prometheus() -> Iterator[tuple[PrometheusServer, Exporter]]:
    """An exporter and a Prometheus scraping it, stopped (and removed) on the way out."""
    binary = require_prometheus()
    exporter = Exporter()
    exporter.start()
    server = PrometheusServer(binary, [exporter.target])
    try:
        server.start()
        yield server, exporter
    finally:
        server.stop()
        exporter.stop()


def wait_for_value(
    url: str,
    query: str,
    predicate: Callable[[float], bool],
    timeout: float = 15.0,
    *,
    grid: float = 1.0,
) -> float:
    """Poll the instant ``query`` on the Prometheus at ``url`` until its one series has a
    value ``predicate`` accepts; that value. Fails the test after ``timeout`` seconds.

    Then it waits for the next multiple of ``grid`` seconds (0: not at all): a range
    query ending after that with a step of ``grid`` (what ``fetch_samples`` asks for with
    ``step: 1s``, whose points lie on the step's grid) has a point showing the value. The
    instant query only proves the value was scraped; the grid point after it may lie in
    the future for up to a step.
    """
    deadline = time.monotonic() + timeout
    last: object = "nothing yet"
    with httpx.Client(timeout=5.0) as client:
        while True:
            try:
                value = _instant(client, url, query)
            except (httpx.HTTPError, ValueError) as exc:
                value, last = None, exc
            else:
                last = value if value is not None else "no series"
            if value is not None and predicate(value):
                break
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{query} at {url} did not reach the expected value in {timeout:g} s "
                    f"(last: {last})",
                    pytrace=False,
                )
            time.sleep(0.1)
    if grid > 0:
        # Prometheus and this process read the same clock: the answer came after the
        # server's evaluation, so the next grid moment from now is at or after the scrape.
        now = time.time()
        time.sleep(math.ceil(now / grid) * grid - now + 0.01)
    return value
