"""Benchmark: the HTTP API of ``orgplane serve`` on the large generated org.

Run from the repository root::

    uv run python bench/bench_api.py [--out DIR] [--db FILE | --db-url URL] [--duration S]
        [--rounds N] [--workers N]

Needs ``wrk`` (Debian: ``apt-get install wrk``). Benchmarks are not part of CI, so
``scripts/test`` does not install it; this script says so and stops when it is missing.

1. Generates the org of ``bench_load.py`` (4,520 groups, 100,000 people, 50,000 catalog
   entries) into DIR, or a temporary folder, unless DIR already holds one.
2. Applies it as a user would, ``orgplane db upgrade`` then ``orgplane apply``, into a
   new SQLite file (``--db FILE`` keeps the file and reuses it on the next run), or into
   the database ``--db-url`` names (PostgreSQL: ``postgresql://user@host/db``), unless
   it holds the org already.
3. Starts ``orgplane serve --no-apply --db … --workers N`` (``--workers``, default 1)
   and waits for /readyz.
4. Cold answers: every path of the two hot scenarios below once, in turn, on one
   connection, before anything else asks for them — each one a miss of the server's
   kept answers (``api/snapshots.py``), so this is the cost of building an answer.
5. Load, with wrk (``--connections`` connections, 2 threads, ``--duration`` seconds per
   run, ``--latency``), in ``--rounds`` rounds, the order of the scenarios reversed
   every other round so that a drifting machine favours none of them:
   ``/healthz`` (the baseline); ``GET /api/orgs/GEN/groups/<code>`` rotating over
   real, unambiguous group codes; ``GET /api/orgs/GEN/lookups/owner?entry=<id>``
   rotating over real catalog ids (a wrk Lua script per scenario). Before the rounds,
   each scenario is warmed up with short wrk runs until its requests/s stop rising (every
   worker has met every path). Each scenario's requests/s is compared with /healthz's
   *in the same round* and the same worker count; the report gives the median over
   rounds. Then each scenario once more on one connection: its latency when nothing
   queues.
6. Every list, at page 1 and deep pages: follows ``next_cursor`` (``limit=50``) to page
   100 and 1,000 (or the last page), then times each of those pages (median of 5, one
   keep-alive connection, nothing else running), and the unpaged lists once.

See docs/benchmarks.md ("Serving the API") for the budget and recorded results.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import sqlalchemy

from bench_load import SIZES
from orgplane.spec.generator import generate_org
from orgplane.store import create_engine

ORG = "GEN"
BUDGET_RATIO = 0.80
BUDGET_P99_MS = 20.0
BUDGET_LIST_MS = 50.0
DEEP_PAGES = (1, 100, 1000)
SAMPLE = 2000  #: group codes and catalog ids each load script rotates over


def _orgplane() -> list[str]:
    script = Path(sys.executable).with_name("orgplane")
    return (
        [str(script)]
        if script.is_file()
        else [sys.executable, "-c", "from orgplane.cli import main; main()"]
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Client:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int, token: str | None = None) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def get(self, path: str) -> tuple[int, bytes, float]:
        """Status, body and wall-clock seconds of ``GET path``."""
        try:
            return self._get(path)
        except (http.client.RemoteDisconnected, ConnectionError):
            # The server closes a connection idle for 5 s (uvicorn's keep-alive timeout).
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return self._get(path)

    def _get(self, path: str) -> tuple[int, bytes, float]:
        start = time.perf_counter()
        self.connection.request("GET", path, headers=self.headers)
        response = self.connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - start

    def json(self, path: str) -> Any:
        status, body, _ = self.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        return json.loads(body)


@dataclass(frozen=True, slots=True)
class Server:
    port: int
    pid: int
    workers: int

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far: every process of its process group (the
        uvicorn workers too), all their threads, user + system."""
        total = 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that just ended
            if int(fields[2]) == self.pid:  # its process group
                total += int(fields[11]) + int(fields[12])
        return total / os.sysconf("SC_CLK_TCK")


@contextmanager
def _server(db_url: str, log: Path, workers: int) -> Iterator[Server]:
    port = _free_port()
    command = ["serve", "--no-apply", "--db", db_url, "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [*_orgplane(), *command, "--workers", str(workers)],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"orgplane serve exited: {log.read_text()[-2000:]}")
            try:
                if Client(port).get("/readyz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("orgplane serve was not ready after 120 s")
            time.sleep(0.2)
        yield Server(port, process.pid, workers)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _prepare_database(out: Path, url: str) -> str:
    """``url``, holding the org: applied as a user would, unless it holds it already."""
    if _holds_org(url):
        print(f"reusing the database {url}", file=sys.stderr)
        return url
    start = time.perf_counter()
    for command in (["db", "upgrade", "--db", url], ["apply", str(out), "--db", url]):
        subprocess.run([*_orgplane(), *command], check=True, stdout=sys.stderr)
    print(f"applied the org in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return url


def _holds_org(url: str) -> bool:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sqlalchemy.text("SELECT count(*) FROM orgs WHERE code = :code"), {"code": ORG}
            ).scalar_one()
        return bool(count)
    except sqlalchemy.exc.DBAPIError:
        return False  # a new database: no schema yet
    finally:
        engine.dispose()


def _database_version(url: str) -> str:
    engine = create_engine(url)
    try:
        if engine.dialect.name == "sqlite":
            return f"SQLite {engine.dialect.dbapi.sqlite_version}"  # type: ignore[union-attr]
        with engine.connect() as connection:
            version = connection.execute(sqlalchemy.text("SHOW server_version")).scalar_one()
        return f"PostgreSQL {version}"
    finally:
        engine.dispose()


# --- load with wrk -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Load:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    #: The server's CPU time per request: steadier than req/s on a busy machine.
    cpu_ms: float


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def _lua(paths: list[str], folder: Path, name: str) -> Path:
    """A wrk script that requests ``paths`` in turn, each thread from its own place."""
    script = folder / f"{name}.lua"
    entries = ",\n".join(json.dumps(path) for path in paths)
    script.write_text(
        f"local paths = {{\n{entries}\n}}\n"
        "local threads = 0\n"
        "function setup(thread)\n"
        "  thread:set('first', threads * 997)\n"
        "  threads = threads + 1\n"
        "end\n"
        "function init(args) i = first or 0 end\n"
        "function request()\n"
        "  i = i + 1\n"
        "  return wrk.format('GET', paths[(i % #paths) + 1])\n"
        "end\n",
        encoding="utf-8",
    )
    return script


def _wrk(server: Server, script: Path, *, connections: int, threads: int, duration: int) -> Load:
    command = [
        "wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency",
        "-s", str(script), f"http://127.0.0.1:{server.port}/",
    ]  # fmt: skip
    cpu_before = server.cpu_seconds()
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    cpu = server.cpu_seconds() - cpu_before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", out, re.MULTILINE))
    if "99" not in latency:
        raise RuntimeError(f"no latency distribution in wrk's output:\n{out}")
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = int(bad.group(1)) if bad else 0
    if socket_errors:
        errors += sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1)))
    return Load(rps, _ms(latency["50"]), _ms(latency["99"]), total, errors, cpu * 1000 / total)


def _warm_up(server: Server, script: Path, *, connections: int, threads: int) -> int:
    """Short wrk runs until requests/s stop rising (at most 20): every worker has then
    met every path, and the rounds measure the steady state. The runs it took."""
    best = 0.0
    for run in range(1, 21):
        rps = _wrk(server, script, connections=connections, threads=threads, duration=3)
        if run > 1 and rps.requests_per_second < best * 1.05:
            return run
        best = max(best, rps.requests_per_second)
    return 20


@dataclass(frozen=True, slots=True)
class Cold:
    requests: int
    p50_ms: float
    p99_ms: float
    cpu_ms: float


def _cold(server: Server, paths: list[str]) -> Cold:
    """Each path once, in turn, on one connection: answers nobody asked for yet."""
    client = Client(server.port)
    cpu_before = server.cpu_seconds()
    times = []
    for path in paths:
        status, body, seconds = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        times.append(seconds * 1000)
    cpu = server.cpu_seconds() - cpu_before
    times.sort()
    p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
    return Cold(len(paths), statistics.median(times), p99, cpu * 1000 / len(paths))


# --- lists -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListTiming:
    name: str
    pages: int  #: pages followed (up to the deepest measured)
    last: bool  #: whether the list ended before the deepest page measured
    times_ms: dict[int, float]  #: page number → median of 5


def _time(client: Client, path: str, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        status, body, seconds = client.get(path)
        if status != 200:
            raise RuntimeError(f"GET {path}: {status} {body[:300]!r}")
        times.append(seconds * 1000)
    return statistics.median(times)


def _paged(client: Client, name: str, path: str, params: dict[str, str]) -> ListTiming:
    """Follow ``path``'s cursors to the deepest page measured; time the pages."""
    query = {**params, "limit": "50"}
    urls: dict[int, str] = {}
    url = f"{path}?{urlencode(query)}"
    page = 1
    while True:
        if page in DEEP_PAGES:
            urls[page] = url
        found = client.json(url)
        cursor = found["next_cursor"]
        if cursor is None or page >= max(DEEP_PAGES):
            break
        page += 1
        url = f"{path}?{urlencode({**query, 'cursor': cursor})}"
    ended = cursor is None
    urls.setdefault(page, url)  # the last page reached
    return ListTiming(name, page, ended, {n: _time(client, u) for n, u in sorted(urls.items())})


def _lists(client: Client, admin: Client, sample: dict[str, str]) -> list[ListTiming]:
    base = f"/api/orgs/{ORG}"
    paged = [
        ("orgs", "/api/orgs", {}),
        ("groups", f"{base}/groups", {}),
        ("groups, kind=unit", f"{base}/groups", {"kind": "unit"}),
        ("groups, kind=department", f"{base}/groups", {"kind": "department"}),
        ("groups, parent=<department>", f"{base}/groups", {"parent": sample["department"]}),
        (f"groups, q={sample['group_word']}", f"{base}/groups", {"q": sample["group_word"]}),
        ("people", f"{base}/people", {}),
        ("roles", f"{base}/roles", {}),
        ("catalog", f"{base}/catalog", {}),
        ("catalog, kind=service", f"{base}/catalog", {"kind": "service"}),
        ("catalog, owner=<squad>", f"{base}/catalog", {"owner": sample["owner"]}),
        (f"catalog, q={sample['catalog_word']}", f"{base}/catalog", {"q": sample["catalog_word"]}),
        ("findings", f"{base}/findings", {}),
        ("applies", f"{base}/applies", {}),
    ]
    out = [_paged(client, name, path, params) for name, path, params in paged]
    out.append(_paged(admin, "audit (admin token)", "/api/audit", {}))
    return out


def _unpaged(client: Client, sample: dict[str, str]) -> list[tuple[str, float]]:
    base = f"/api/orgs/{ORG}"
    squad, hub = sample["squad"], sample["hub"]
    paths = [
        ("tree (every group)", f"{base}/tree"),
        ("tree, depth=2", f"{base}/tree?depth=2"),
        ("children of a department", f"{base}/groups/{sample['department']}/children"),
        ("members of a squad", f"{base}/groups/{squad}/members"),
        ("kpis of a squad", f"{base}/groups/{squad}/kpis"),
        ("dependencies of a squad", f"{base}/groups/{squad}/dependencies"),
        (f"dependents of {hub} (most depended-on)", f"{base}/groups/{hub}/dependents"),
        (f"dependents of {hub}, depth=5", f"{base}/groups/{hub}/dependents?depth=5"),
    ]
    return [(name, _time(client, path)) for name, path in paths]


# --- the run -------------------------------------------------------------------------


def _sample(client: Client) -> tuple[list[str], list[str], dict[str, str]]:
    """Real group codes (unambiguous ones), real catalog ids, and a few names to use."""
    groups: list[dict[str, Any]] = []
    url = f"/api/orgs/{ORG}/groups?limit=500"
    while url:
        page = client.json(url)
        groups += page["items"]
        cursor = page["next_cursor"]
        url = (
            f"/api/orgs/{ORG}/groups?{urlencode({'limit': 500, 'cursor': cursor})}"
            if cursor
            else ""
        )
    counts: dict[str, int] = {}
    for group in groups:
        counts[group["code"]] = counts.get(group["code"], 0) + 1
    rng = random.Random(0)
    codes = sorted(code for code, count in counts.items() if count == 1)
    catalog: list[str] = []
    url = f"/api/orgs/{ORG}/catalog?limit=500"
    while url and len(catalog) < 10 * SAMPLE:
        page = client.json(url)
        catalog += [entry["id"] for entry in page["items"]]
        cursor = page["next_cursor"]
        url = (
            f"/api/orgs/{ORG}/catalog?{urlencode({'limit': 500, 'cursor': cursor})}"
            if cursor
            else ""
        )
    first_entry = client.json(f"/api/orgs/{ORG}/catalog/{catalog[0]}")
    squads = [g for g in groups if g["kind"] == "squad"]
    owned = client.json(f"/api/orgs/{ORG}/catalog?limit=1")["items"][0]
    impact: dict[str, int] = {}
    for squad in squads[:: max(1, len(squads) // 100)]:
        dependents = client.json(f"/api/orgs/{ORG}/groups/{squad['path']}/dependents")
        impact[squad["path"]] = len(dependents)
    sample = {
        "department": next(g["path"] for g in groups if g["kind"] == "department"),
        "squad": squads[0]["path"],
        "hub": max(impact, key=lambda path: impact[path]),
        "owner": owned["owner_path"] or owned["owner"],
        "group_word": groups[-1]["name"].split()[0].lower(),
        "catalog_word": first_entry["name"].split()[0].lower(),
    }
    return rng.sample(codes, min(SAMPLE, len(codes))), rng.sample(catalog, SAMPLE), sample


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, help="folder of the generated org (reused if present)")
    parser.add_argument("--db", type=Path, help="SQLite file to apply into (reused if present)")
    parser.add_argument(
        "--db-url", help="a database URL (PostgreSQL) to apply into and serve, instead of --db"
    )
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of the three scenarios")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=1, help="orgplane serve --workers")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk", file=sys.stderr)
        return 2

    with tempfile.TemporaryDirectory(prefix="orgplane-bench-") as scratch_dir:
        scratch = Path(scratch_dir)
        out: Path = args.out or scratch / "org"
        if (out / "org.yaml").is_file():
            print(f"reusing the org in {out}", file=sys.stderr)
        else:
            start = time.perf_counter()
            summary = generate_org(out, seed=args.seed, **SIZES)
            print(f"generated {summary} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
        url = _prepare_database(out, args.db_url or f"sqlite:///{args.db or scratch / 'bench.db'}")
        with _server(url, scratch / "server.log", args.workers) as server:
            _run(args, server, url, scratch)
    return 0


def _run(args: argparse.Namespace, server: Server, url: str, scratch: Path) -> None:
    port = server.port
    client = Client(port)
    token = (
        subprocess.run(
            [*_orgplane(), "token", "create", "--role", "admin", "--name", "bench", "--db", url],
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .split()[-1]
    )
    codes, entries, sample = _sample(client)
    paths = {
        "healthz": ["/healthz"],
        "group": [f"/api/orgs/{ORG}/groups/{c}" for c in codes],
        "owner": [f"/api/orgs/{ORG}/lookups/owner?{urlencode({'entry': e})}" for e in entries],
    }
    scripts = {name: _lua(found, scratch, name) for name, found in paths.items()}
    cold = {name: _cold(server, paths[name]) for name in ("group", "owner")}
    for name, result in cold.items():
        print(f"cold: {name} {result}", file=sys.stderr)
    load = {"connections": args.connections, "threads": args.threads, "duration": args.duration}
    for name, script in scripts.items():  # warm up: imports, kept answers, SQLite's pages
        warm = _warm_up(server, script, connections=args.connections, threads=args.threads)
        print(f"warmed up {name} in {warm} runs of 3 s", file=sys.stderr)
    runs: dict[str, list[Load]] = {name: [] for name in scripts}
    for round_ in range(args.rounds):
        order = list(scripts) if round_ % 2 == 0 else list(reversed(scripts))
        for name in order:
            runs[name].append(_wrk(server, scripts[name], **load))
            print(f"round {round_ + 1}: {name} {runs[name][-1]}", file=sys.stderr)
    quiet = {
        name: _wrk(server, script, connections=1, threads=1, duration=max(5, args.duration // 3))
        for name, script in scripts.items()
    }
    lists = _lists(client, Client(port, token), sample)
    unpaged = _unpaged(client, sample)
    database = _database_version(url)
    _report(args, runs, quiet, cold, lists, unpaged, len(codes), len(entries), sample, database)


def _report(
    args: argparse.Namespace,
    runs: dict[str, list[Load]],
    quiet: dict[str, Load],
    cold: dict[str, Cold],
    lists: list[ListTiming],
    unpaged: list[tuple[str, float]],
    codes: int,
    entries: int,
    sample: dict[str, str],
    database: str,
) -> None:
    import fastapi
    import uvicorn

    rounds = len(runs["healthz"])
    ratios = {
        name: statistics.median(
            runs[name][i].requests_per_second / runs["healthz"][i].requests_per_second
            for i in range(rounds)
        )
        for name in runs
    }
    cpu = {name: statistics.median(run.cpu_ms for run in runs[name]) for name in runs}
    print(
        f"Machine: {os.cpu_count()} cores (shared), {platform.system()}, Python "
        f"{platform.python_version()}, SQLAlchemy {sqlalchemy.__version__}, FastAPI "
        f"{fastapi.__version__}, uvicorn {uvicorn.__version__}, {database}; "
        f"orgplane serve --workers {args.workers}; wrk "
        f"on the same machine.\nLoad: wrk -t{args.threads} -c{args.connections} -d{args.duration}s "
        f"--latency, {rounds} rounds; group codes rotate over {codes} unambiguous codes, "
        f"owner lookups over {entries} catalog ids.\n"
    )
    titles = {
        "healthz": "`GET /healthz` (baseline)",
        "group": "`GET /api/orgs/GEN/groups/<code>`",
        "owner": "`GET /api/orgs/GEN/lookups/owner?entry=<id>`",
    }
    print(
        f"| Scenario | req/s (median of {rounds}) | × /healthz | p50 ms | p99 ms "
        "| p50 / p99 ms, 1 connection | server CPU ms/request | /healthz's ÷ it | errors |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, title in titles.items():
        median_rps = statistics.median(run.requests_per_second for run in runs[name])
        p50 = statistics.median(run.p50_ms for run in runs[name])
        p99 = statistics.median(run.p99_ms for run in runs[name])
        errors = sum(run.errors for run in runs[name]) + quiet[name].errors
        print(
            f"| {title} | {median_rps:.0f} | {ratios[name]:.2f} | {p50:.1f} | {p99:.1f} "
            f"| {quiet[name].p50_ms:.1f} / {quiet[name].p99_ms:.1f} | {cpu[name]:.2f} "
            f"| {cpu['healthz'] / cpu[name]:.2f} | {errors} |"
        )
    print("\nPer round (req/s): " + "; ".join(
        f"{name} " + ", ".join(f"{run.requests_per_second:.0f}" for run in runs[name])
        for name in runs
    ))  # fmt: skip
    print("\nCold answers (each path once, one connection, before any load):\n")
    print("| Scenario | requests | p50 ms | p99 ms | server CPU ms/request |")
    print("|---|---:|---:|---:|---:|")
    for name, result in cold.items():
        print(
            f"| {titles[name]} | {result.requests} | {result.p50_ms:.1f} | {result.p99_ms:.1f} "
            f"| {result.cpu_ms:.2f} |"
        )

    print("\nLists (limit=50; ms, median of 5 requests of the same page; one connection):\n")
    print("| List | pages followed | page 1 | page 100 | page 1,000 | last page | max |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    worst = 0.0
    for timing in lists:
        cells = []
        for page in DEEP_PAGES:
            cells.append(f"{timing.times_ms[page]:.1f}" if page in timing.times_ms else "—")
        last = (
            f"{timing.times_ms[timing.pages]:.1f} (p. {timing.pages})"
            if timing.last and timing.pages not in DEEP_PAGES
            else ("= p. 1" if timing.last and timing.pages == 1 else "—")
        )
        top = max(timing.times_ms.values())
        worst = max(worst, top)
        print(f"| {timing.name} | {timing.pages} | {' | '.join(cells)} | {last} | {top:.1f} |")
    print("\nUnpaged lists (ms, median of 5):\n")
    print("| List | ms |")
    print("|---|---:|")
    for name, ms in unpaged:
        print(f"| {name} | {ms:.1f} |")
    print(f"\nSampled: {json.dumps(sample)}")
    group_p99 = statistics.median(run.p99_ms for run in runs["group"])
    owner_p99 = statistics.median(run.p99_ms for run in runs["owner"])
    verdicts = [
        (f"group by code ≥ {BUDGET_RATIO:.0%} of /healthz", ratios["group"] >= BUDGET_RATIO),
        (f"owner lookup ≥ {BUDGET_RATIO:.0%} of /healthz", ratios["owner"] >= BUDGET_RATIO),
        (
            f"p99 < {BUDGET_P99_MS:.0f} ms at {args.connections} connections",
            max(group_p99, owner_p99) < BUDGET_P99_MS,
        ),
        (
            f"p99 < {BUDGET_P99_MS:.0f} ms on 1 connection",
            max(quiet["group"].p99_ms, quiet["owner"].p99_ms) < BUDGET_P99_MS,
        ),
        (f"every paged list < {BUDGET_LIST_MS:.0f} ms at any page", worst < BUDGET_LIST_MS),
    ]
    print("\nBudget: " + "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in verdicts))


if __name__ == "__main__":
    raise SystemExit(main())
