"""What the chaos test runs against: worker processes it can kill, and the org whose
ladder they run, with contacts on the test's receiver (``tests/paging/receiver.py``):
bo's address fails now and then (``/flaky/``), dee's first one for good (``/gone/``).

``WorkerPool`` keeps ``count`` ``orgplane worker`` processes running through the fork
server (``tests/paging/fork_server.py``), kills one with SIGKILL and starts another in
its place.
"""

from __future__ import annotations

import copy
import json
import os
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from tests.paging.engine_kit import ORG
from tests.web.servers import clean_env

__all__ = ["FINAL_PATH", "LADDER_PEOPLE", "ROUNDS", "ForkServer", "WorkerPool", "chaos_org"]

#: Who each rung of the chaos ladder pages (every round the same): the rotation's
#: primary, its secondary, then PostgreSQL's owner role (the DBA: dee).
LADDER_PEOPLE: tuple[frozenset[str], ...] = (
    frozenset({"ana"}),
    frozenset({"bo"}),
    frozenset({"dee"}),
)
#: The address each person is finally reached at (dee's first one is gone).
FINAL_PATH = {"ana": "/ana", "bo": "/flaky/bo", "dee": "/dee"}
ROUNDS = 4


def chaos_org(base_url: str) -> dict[str, Any]:
    """engine_kit's org with contacts on the receiver and a ladder of 3 rungs × 4 rounds,
    one minute apart (minutes 0 to 11 of the page)."""
    org = copy.deepcopy(ORG)
    contacts = {
        "ana": [f"{base_url}/ana"],
        "bo": [f"{base_url}/flaky/bo"],
        "dee": [f"{base_url}/gone/dee", f"{base_url}/dee"],
    }
    for person in cast("list[dict[str, Any]]", org["people"]):
        if person["id"] in contacts:
            person["contacts"] = contacts[person["id"]]
            person.pop("email", None)
    org["escalation_policies"] = [
        {
            "id": "chaos-ladder",
            "name": "Chaos ladder",
            "applies_to": ["ops"],
            "repeat": ROUNDS - 1,
            "repeat_after_minutes": 1,
            "steps": [
                {"to": "rotation:ops"},
                {"to": "rotation:ops/secondary", "after_minutes": 1},
                {"to": "Component Owner", "after_minutes": 2},
            ],
        }
    ]
    return org


class ForkServer:
    """``python -m tests.paging.fork_server``, and a bounded conversation with it."""

    def __init__(self, log: Path) -> None:
        self.log = log
        root = Path(__file__).resolve().parents[2]
        with log.open("ab") as stderr:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "tests.paging.fork_server"],
                cwd=root,
                env=clean_env({"ORGPLANE_NO_CACHE": "1"}),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=stderr,
            )

    def ask(self, command: dict[str, Any], timeout: float = 120.0) -> dict[str, Any]:
        stdin, stdout = self.process.stdin, self.process.stdout
        assert stdin is not None
        assert stdout is not None
        stdin.write(json.dumps(command).encode() + b"\n")
        stdin.flush()
        ready, _, _ = select.select([stdout], [], [], timeout)
        line = stdout.readline() if ready else b""
        if not line:
            raise RuntimeError(
                f"the fork server did not answer {command} within {timeout:g} s:\n"
                f"{self.log.read_text(errors='replace')[-3000:]}"
            )
        answer: dict[str, Any] = json.loads(line)
        return answer

    def close(self) -> None:
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=30)


@dataclass
class WorkerPool:
    """``count`` worker processes with ``args`` and ``env``; their logs in ``folder``."""

    server: ForkServer
    folder: Path
    args: list[str]
    env: dict[str, str]
    count: int
    pids: list[int] = field(default_factory=list)
    started_at: list[float] = field(default_factory=list)
    kills: int = 0
    starts: int = 0

    def _spawn(self) -> tuple[int, float]:
        self.starts += 1
        log = self.folder / f"worker-{self.starts}.log"
        answer = self.server.ask({"start": self.args, "env": self.env, "log": str(log)})
        return int(answer["pid"]), time.monotonic()

    def start(self) -> None:
        for _ in range(self.count):
            pid, at = self._spawn()
            self.pids.append(pid)
            self.started_at.append(at)

    def kill_and_restart(self, slot: int) -> str | None:
        """SIGKILL the worker in ``slot``, wait until it is gone, start another; what was
        wrong with the one killed (it had ended by itself), if anything."""
        pid = self.pids[slot]
        answer = self.server.ask({"signal": int(signal.SIGKILL), "pid": pid})
        status = answer["status"]
        if status is None:
            raise RuntimeError(f"worker {pid} outlived SIGKILL")
        self.kills += 1
        self.pids[slot], self.started_at[slot] = self._spawn()
        if os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL:
            return None
        return f"worker {pid} had ended by itself before it was killed (wait status {status})"

    def stop(self) -> list[str]:
        """SIGTERM every worker and wait for it; what went wrong (none should)."""
        problems = []
        for pid in self.pids:
            answer = self.server.ask({"signal": int(signal.SIGTERM), "pid": pid, "wait": 30})
            if answer["status"] is None:
                self.server.ask({"signal": int(signal.SIGKILL), "pid": pid})
                problems.append(f"worker {pid} did not stop within 30 s of SIGTERM")
        self.pids.clear()
        return problems

    def logs(self) -> str:
        """The tail of each worker log that holds a traceback."""
        shown = []
        for log in sorted(self.folder.glob("worker-*.log")):
            text = log.read_text(errors="replace")
            if "Traceback" in text:
                shown.append(f"--- {log.name}\n{text[-2500:]}")
        return "\n".join(shown[:4])
