"""``orgplane serve`` as a real process, the way a user starts it, for the end-to-end tests.

``ServerProcess`` runs the ``orgplane`` console script of the environment the tests run
in (no ``uv run`` in between, so a signal reaches the server itself), in a folder of the
test's, with an environment free of the caller's ``ORGPLANE_*`` settings. Its output goes
to a log file, never to a pipe nobody reads (a full pipe would stall the server). The
process leads its own session, and ``stop()`` — which the fixtures call however a test
ends, and ``atexit`` calls if they could not — ends the whole process group.
"""

from __future__ import annotations

import atexit
import contextlib
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

__all__ = ["ServerProcess", "free_port", "http_get", "orgplane_command", "run_orgplane"]

#: How long a start may take before the test gives up (migrating and applying the four
#: example orgs takes a few seconds; a busy CI machine may need many more).
START_TIMEOUT = 120.0
STOP_TIMEOUT = 20.0


def orgplane_command() -> list[str]:
    """The installed ``orgplane`` command next to this Python, as a user runs it."""
    script = Path(sys.executable).with_name("orgplane")
    if script.is_file():
        return [str(script)]
    found = shutil.which("orgplane")
    if found:
        return [found]
    return [sys.executable, "-c", "from orgplane.cli import main; main()"]


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without orgplane's settings, plus ``extra``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ORGPLANE_")}
    env.update(extra or {})
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def http_get(port: int, path: str, *, timeout: float = 10.0) -> tuple[int, str, bytes]:
    """``GET path`` on 127.0.0.1:``port``: (status, content type, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.getheader("content-type") or "", response.read()
    finally:
        connection.close()


def run_orgplane(
    args: Sequence[str], *, cwd: Path, env: Mapping[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run a command that is expected to end by itself (a refused start, say)."""
    return subprocess.run(
        [*orgplane_command(), *args],
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
        start_new_session=True,
    )


class ServerProcess:
    """One ``orgplane serve`` process; ``start()`` returns once /readyz answers 200."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        cwd: Path,
        log: Path,
        env: Mapping[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        self.port = port or free_port()
        self.args = ["serve", "--port", str(self.port), *args]
        self.cwd = cwd
        self.log = log
        self.env = clean_env(env)
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        """Everything the server wrote to stdout and stderr so far."""
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def start(self, timeout: float = START_TIMEOUT) -> float:
        """Start the server and wait until it is ready; the seconds that took."""
        started = time.monotonic()
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*orgplane_command(), *self.args],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        atexit.register(self.kill)
        deadline = started + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"orgplane serve exited with {self.process.returncode} before it was "
                    f"ready:\n{self.output()[-4000:]}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                if http_get(self.port, "/readyz", timeout=2)[0] == 200:
                    return time.monotonic() - started
            if time.monotonic() > deadline:
                self.kill()
                raise RuntimeError(
                    f"orgplane serve was not ready after {timeout:.0f} s:\n{self.output()[-4000:]}"
                )
            time.sleep(0.1)

    def stop(self, sig: signal.Signals = signal.SIGINT) -> int | None:
        """Ask the server to stop with ``sig`` (Ctrl-C by default) and wait for it; the
        exit code. Whatever is still running after that is killed."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=STOP_TIMEOUT)
        self.kill()
        return process.returncode

    def kill(self) -> None:
        """End the server's whole process group, now; safe to call more than once."""
        process = self.process
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=STOP_TIMEOUT)
        atexit.unregister(self.kill)

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.stop()
