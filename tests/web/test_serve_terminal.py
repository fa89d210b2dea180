"""``orgplane serve`` at a terminal (a real pseudo-terminal): what a person sees.

The first start asks whether to fill the KPIs with demo data; a terminal whose input is
closed cannot answer, and the server starts without asking. At a terminal the logs are
lines a person reads; JSON lines are for machines (``--log-format json``, or whenever
stderr is not a terminal: the other serve tests read a log file).
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.servers import START_TIMEOUT, clean_env, free_port, http_get, orgplane_command


class Terminal:
    """``orgplane ARGS`` with stdin, stdout and stderr on a 200-column pseudo-terminal."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
        self.process = subprocess.Popen(
            [*orgplane_command(), *args],
            cwd=cwd,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=clean_env(),
            start_new_session=True,
        )
        os.close(slave)
        self.screen = ""

    def wait_for(self, text: str, timeout: float = START_TIMEOUT) -> str:
        """Read what the terminal shows until ``text`` appears; everything read so far."""
        deadline = time.monotonic() + timeout
        while text not in self.screen:
            left = deadline - time.monotonic()
            assert left > 0, f"{text!r} never appeared in:\n{self.screen[-3000:]}"
            ready, _, _ = select.select([self.master], [], [], min(left, 1.0))
            if not ready:
                assert self.process.poll() is None, f"exited early:\n{self.screen[-3000:]}"
                continue
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other end closed: the process ended
                chunk = b""
            if not chunk:
                raise AssertionError(f"{text!r} never appeared; it ended:\n{self.screen[-3000:]}")
            self.screen += chunk.decode("utf-8", "replace").replace("\r\n", "\n")
        return self.screen

    def type(self, keys: bytes) -> None:
        os.write(self.master, keys)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminals() -> Iterator[list[Terminal]]:
    started: list[Terminal] = []
    try:
        yield started
    finally:
        for terminal in started:
            terminal.stop()


def _serve(terminals: list[Terminal], cwd: Path, *args: str) -> tuple[Terminal, int]:
    port = free_port()
    terminal = Terminal(["serve", "--port", str(port), *args], cwd)
    terminals.append(terminal)
    return terminal, port


def test_a_terminal_whose_input_closes_is_not_asked_and_reads_text_logs(
    tmp_path: Path, terminals: list[Terminal]
) -> None:
    terminal, port = _serve(terminals, tmp_path)
    terminal.wait_for("[Y/n]")  # a first start at a terminal asks
    terminal.type(b"\x04")  # Ctrl-D: the terminal's input ends, nobody answers
    terminal.wait_for(f"serving http://127.0.0.1:{port}/")
    terminal.wait_for("Uvicorn running on")
    status, _, _ = http_get(port, "/orgs/CIPO")
    assert status == 200
    screen = terminal.wait_for("GET /orgs/CIPO 200")
    assert "aborted" not in screen
    assert "no KPI measurements yet: 'orgplane demo measurements'" in screen
    assert terminal.process.poll() is None  # still serving
    lines = [line for line in screen.splitlines() if line.strip()]
    assert not [line for line in lines if line.lstrip().startswith("{")], "JSON at a terminal"
    access = next(line for line in lines if "GET /orgs/CIPO 200" in line)
    assert access.endswith(" ms")


def test_log_format_json_at_a_terminal(tmp_path: Path, terminals: list[Terminal]) -> None:
    terminal, port = _serve(terminals, tmp_path, "--log-format", "json")
    terminal.wait_for("[Y/n]")
    terminal.type(b"n\n")  # no demo data
    terminal.wait_for(f"serving http://127.0.0.1:{port}/")
    terminal.wait_for("Uvicorn running on")
    http_get(port, "/healthz")
    screen = terminal.wait_for('"path": "/healthz"')
    access = next(line for line in screen.splitlines() if '"path": "/healthz"' in line)
    assert json.loads(access)["status"] == 200
    assert "demo measurements for" not in screen  # the answer was no
