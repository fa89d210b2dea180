"""What ``bench_timers.py`` runs on: a GENERATED org with a rotation per team, pages
made in bulk with their first rung due when the benchmark says, a webhook receiver on
loopback that notes when each notification arrives, and the worker process.

``python bench/timer_kit.py worker --db URL [--noop] …`` is one worker process: the real
``EngineThreads`` of ``orgplane worker`` (engines on threads, the auditor), with every
channel a no-op (``--noop``) or the real ones (webhooks to the receiver). On SIGTERM it
writes what its engines did, each timer's lateness included, as JSON to ``--out``.
"""

from __future__ import annotations

import argparse
import json
import signal
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType
from typing import Any

from sqlalchemy import Engine as SqlEngine
from sqlalchemy.orm import Session

from orgplane.integrations.channels import Channels, Notice
from orgplane.model import Org
from orgplane.rules import default_registry
from orgplane.services import apply_spec
from orgplane.services.engine import EngineStats
from orgplane.services.pages import DirectoryCache, describe_ladder
from orgplane.services.workers import EngineThreads
from orgplane.settings import get_settings
from orgplane.store import begin_write, create_engine, pages, timers

__all__ = ["ORG_CODE", "Receiver", "apply_bench_org", "make_pages", "receiving"]

ORG_CODE = "BENCH"
KINDS = ("webhook", "slack", "mattermost", "teams", "email")


def bench_org(rotations: int, hook_url: str) -> dict[str, Any]:
    """GENERATED: ``rotations`` teams, each with a rotation of three people taking weekly
    turns (Europe/Berlin) and a secondary; every person reachable by a webhook."""
    people: list[dict[str, Any]] = []
    oncall: list[dict[str, Any]] = []
    groups: list[dict[str, Any]] = []
    for team in range(rotations):
        members = [f"p{team}-{n}" for n in range(4)]
        for person in members:
            people.append(
                {"id": person, "name": f"Person {person}", "contacts": [f"{hook_url}/{person}"]}
            )
        groups.append({"code": f"T{team}", "name": f"Team {team}"})
        oncall.append(
            {
                "id": f"r{team}",
                "name": f"Team {team} on call",
                "group": f"T{team}",
                "timezone": "Europe/Berlin",
                "primary": members[0],
                "layers": [
                    {"members": members[:3], "start": "2026-01-05T09:00", "turn": "1w"},
                ],
                "secondary": members[3],
            }
        )
    return {
        "code": ORG_CODE,
        "name": "Benchmark org (GENERATED)",
        "groups": [{"code": ORG_CODE, "name": "Benchmark", "groups": groups}],
        "people": people,
        "oncall": oncall,
    }


def apply_bench_org(database: SqlEngine, rotations: int, hook_url: str) -> None:
    org = Org.model_validate(bench_org(rotations, hook_url))
    with Session(database) as session:
        apply_spec(
            session=session,
            org=org,
            findings=default_registry().check(org),
            actor="bench",
            now=datetime.now(UTC),
        )


def make_pages(database: SqlEngine, due: list[datetime], rotations: int) -> list[str]:
    """A page per instant of ``due``, its first rung due then: what ``open_page`` writes,
    in one transaction for all of them (opening them one by one would take longer than
    the benchmark)."""
    made = []
    with Session(database) as session:
        begin_write(session)  # SQLite: the write lock first, as every service takes it
        directory = DirectoryCache().get(session, ORG_CODE)
        for n, at in enumerate(due):
            target = f"r{n % rotations}"
            found = directory.page_target(target)
            page_id = str(uuid.uuid4())
            pages.insert_page(
                session,
                page_id=page_id,
                org_code=ORG_CODE,
                summary=f"GENERATED page {n}",
                target=target,
                component=None,
                rotation_id=found.rotation_id,
                ladder=found.ladder.to_json(),
                opened_at=at,
                opened_by="bench",
            )
            pages.add_event(
                session,
                page_id,
                at=at,
                kind="opened",
                actor="bench",
                text=f"Paged {target}. Escalates by {describe_ladder(found.ladder)}.",
            )
            first = at + timedelta(minutes=found.ladder.due_minutes(0, 0))
            timers.schedule(
                session, kind="rung", ref=page_id, due_at=first, data={"rung": 0, "round": 0}
            )
            made.append(page_id)
        session.commit()
    return made


@dataclass
class Receiver:
    """A webhook receiver on loopback: when (``time.time()``) each page's first
    notification arrived, and how many arrived in all."""

    port: int = 0
    first: dict[str, float] = field(default_factory=dict)
    count: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            arrived = time.time()
            try:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            except (ValueError, KeyError, OSError):  # cut short (a killed worker's)
                self.send_response(400)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with receiver.lock:
                receiver.count += 1
                receiver.first.setdefault(body["page"], arrived)
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class receiving:  # noqa: N801 (a context manager, used like a function)
    """``with receiving() as receiver:`` a ``Receiver`` listening until the block ends."""

    def __enter__(self) -> Receiver:
        self.receiver = Receiver()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self.receiver))
        self.server.daemon_threads = True
        self.receiver.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        return self.receiver

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()


# -- the worker process ----------------------------------------------------------------


class _Noop:
    def send(self, notice: Notice, address: str) -> None:
        return None


class _AllLateness(EngineStats):
    """Keeps every timer's lateness (the engine's own keeps a window)."""

    def note_lateness(self, seconds: float) -> None:
        self.lateness.append(seconds)


def worker(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="one benchmark worker process")
    parser.add_argument("--db", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--lease", type=float, default=30.0)
    parser.add_argument("--poll", type=float, default=0.5)
    parser.add_argument("--noop", action="store_true", help="every channel does nothing")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    database = create_engine(args.db, pool_size=args.threads + 2)
    noop = _Noop()
    runner = EngineThreads(
        database=database,
        settings=get_settings(),
        count=args.threads,
        lease=timedelta(seconds=args.lease),
        poll=args.poll,
        channels=Channels(dict.fromkeys(KINDS, noop)) if args.noop else None,
        name="bench",
    )

    def stop(_signal: int, _frame: FrameType | None) -> None:
        runner.stop(timeout=0)

    signal.signal(signal.SIGTERM, stop)
    runner.start()
    # Every engine keeps every lateness: set before any timer of the benchmark is due.
    for engine in runner.engines:
        engine.stats = _AllLateness()
    args.out.with_suffix(".ready").write_text("ready")
    runner.wait()
    runner.stop()
    report = {
        "fired": sum(e.stats.fired for e in runner.engines),
        "sent": sum(e.stats.sent for e in runner.engines),
        "lost_claims": sum(e.stats.lost_claims for e in runner.engines),
        "lateness": [s for e in runner.engines for s in e.stats.lateness],
    }
    args.out.write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    import sys

    if sys.argv[1:2] == ["worker"]:
        raise SystemExit(worker(sys.argv[2:]))
    raise SystemExit("usage: timer_kit.py worker --db URL --out FILE [--noop] …")
