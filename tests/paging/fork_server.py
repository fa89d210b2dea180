"""Starts ``orgplane worker`` processes fast, for the chaos test: ``python -m
tests.paging.fork_server``.

Starting the ``orgplane`` command costs seconds of CPU (importing SQLAlchemy, pydantic,
FastAPI …); a test that kills a worker twenty times and restarts it each time would spend
its minute importing. This process imports what ``orgplane worker`` needs once, then forks:
each child is a process of its own that sets its environment (``ORGPLANE_DB`` …) and runs
the CLI's own entry point (``orgplane.cli.main``, what the ``orgplane`` script calls) with
the worker's arguments. A SIGKILL of a child kills a real worker, mid-whatever.

It reads one JSON command a line on stdin and answers one JSON line on stdout:

- ``{"start": [args…], "env": {…}, "log": path}`` → ``{"pid": N}``: a worker, its
  output (stdout and stderr) to ``log``;
- ``{"signal": N, "pid": P}`` → ``{"pid": P, "status": S}``: sends signal ``N`` to the
  child and waits (up to ``wait`` seconds, default 20) until it has ended; ``status`` is
  its wait status, or ``null`` if it is still running;
- end of input: every child still running is killed, and the server ends.

It forks before any thread or database connection exists in it, which is what makes
forking safe.
"""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import sys
import time
from typing import Any

# What ``orgplane worker`` imports, imported once here (children inherit it).
import httpx  # noqa: F401
import psycopg  # noqa: F401
import sqlalchemy.dialects.postgresql.psycopg
import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401

import orgplane.cli.worker
import orgplane.services.workers
import orgplane.store  # noqa: F401
from orgplane.cli import main

__all__ = ["serve"]

_PR_SET_PDEATHSIG = 1  # prctl(2)


def _die_with_parent() -> None:
    """On Linux, a worker is killed when this server ends, however it ends (so none is
    left running after a test that was itself killed)."""
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


def _child(args: list[str], env: dict[str, str], log: str) -> None:
    """In the forked child: become the worker; never returns."""
    code = 1
    try:
        _die_with_parent()
        descriptor = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.dup2(descriptor, 1)
        os.dup2(descriptor, 2)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        sys.stdout = os.fdopen(1, "w", buffering=1, closefd=False)
        sys.stderr = os.fdopen(2, "w", buffering=1, closefd=False)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        os.environ.update(env)
        try:
            main(args)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    finally:
        os._exit(code)


def _wait(pid: int, seconds: float) -> int | None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return -1
        if done:
            return status
        if time.monotonic() > deadline:
            return None
        time.sleep(0.01)


def _answer(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


def serve() -> None:
    children: set[int] = set()
    try:
        for line in sys.stdin:
            command = json.loads(line)
            if "start" in command:
                pid = os.fork()
                if pid == 0:
                    _child(list(command["start"]), dict(command["env"]), str(command["log"]))
                children.add(pid)
                _answer({"pid": pid})
            elif "signal" in command:
                pid = int(command["pid"])
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, int(command["signal"]))
                status = _wait(pid, float(command.get("wait", 20.0)))
                if status is not None:
                    children.discard(pid)
                _answer({"pid": pid, "status": status})
    finally:
        for pid in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
            _wait(pid, 5.0)


if __name__ == "__main__":
    serve()
