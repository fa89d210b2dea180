"""Crash safety and concurrent applies: ``orgplane apply`` killed with SIGKILL in the
middle of its write, and several applies of one org at the same moment, on a SQLite file
and on PostgreSQL.

What a user would notice, and what is asserted: after a kill the database is intact
(``PRAGMA integrity_check``), holds exactly the version before or exactly the version
being applied (never a mix), the apply history and the audit log name an apply if and
only if its content is there, and the next apply works. When applies race, each one
succeeds without a traceback (none fails for having met another), the history holds one
entry per apply that reported a change, the audit log chains them (each entry's "before"
is the previous entry's "after"), and the API serves the version the last of them wrote.

Timing only chooses when to kill (the write lock is watched, from outside, to kill while
the write is underway); every assertion holds whenever the kill lands. A version is
recognised by a dry run of it reporting no change (the whole snapshot compared) and by
its groups and people read back.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal
from sqlalchemy import Engine, NullPool, make_url, select, text
from sqlalchemy.orm import Session

from orgplane.model import Org, OrgIndex
from orgplane.rules import Finding, Severity, default_registry, relative_findings
from orgplane.services import apply_spec
from orgplane.services.apply import APPLY_ACTION
from orgplane.spec import load_spec
from orgplane.spec.generator import generate_org
from orgplane.store import create_engine
from orgplane.store.applies import ApplyView, list_applies
from orgplane.store.audit import list_audit
from orgplane.store.group_queries import all_summaries
from orgplane.store.tables import PersonRow
from orgplane.web import create_app
from tests.api.conftest import DEV_SETTINGS, client_for

#: The generated org's code (``orgplane dev generate``).
CODE = "GEN"
#: The PostgreSQL application name of the applies started here (libpq reads PGAPPNAME):
#: what the watchers below look for, whatever other tests left connected.
APP_NAME = "orgplane-apply-under-attack"
#: Every bounded wait here (a process, a lock, a server backend) gives up after this.
BOUND_SECONDS = 25.0
#: When to kill the apply of version B: while the spec loads (before the database is
#: touched), that many seconds after the write lock is taken, or as soon as the lock is
#: let go (the commit, and what follows it).
KILL_MOMENTS: tuple[str | float, ...] = ("loading", 0.0, 0.3, 0.6, "committed")


@dataclass(frozen=True, slots=True)
class Version:
    """One version of the org: its spec folder, as loaded, and what it should store."""

    label: str
    folder: Path
    org: Org
    findings: list[Finding]

    @property
    def counts(self) -> dict[str, Any]:
        """The sizes the apply history and the audit log record for this version."""
        return {
            "groups": len(OrgIndex(self.org).groups),
            "people": len(self.org.people),
            "roles": len(self.org.roles),
            "catalog": len(self.org.catalog),
            "findings": {
                severity.value: sum(f.severity is severity for f in self.findings)
                for severity in Severity
            },
        }

    def groups(self) -> dict[str, str]:
        return {path: group.name for path, group in OrgIndex(self.org).groups.items()}

    def people(self) -> dict[str, str]:
        return {person.id: person.name for person in self.org.people}


def _version(label: str, folder: Path, seed: int, **sizes: int) -> Version:
    generate_org(folder, seed=seed, **sizes)
    org = load_spec(folder)
    # Stored as 'orgplane apply FOLDER' stores them: by the spec's own file names.
    findings = relative_findings(default_registry().check(org), folder, folder.name)
    return Version(label, folder, org, findings)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Version]:
    """Two versions of a large org (an apply writes for a second or more): different
    trees, names and numbers of people, so their history entries differ too."""
    root = tmp_path_factory.mktemp("large")
    sizes = {"departments": 6, "squads_per": 8, "units_per": 4, "catalog": 2000}
    return {
        "A": _version("A", root / "a", 1, people=7_000, **sizes),
        "B": _version("B", root / "b", 2, people=7_500, **sizes),
    }


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Version]:
    """Four versions of a small org, to race."""
    root = tmp_path_factory.mktemp("small")
    sizes = {"departments": 3, "squads_per": 5, "units_per": 3, "catalog": 500}
    return {
        label: _version(label, root / label, seed, people=2000 + 100 * seed, **sizes)
        for seed, label in enumerate(("V1", "V2", "V3", "V4"), start=1)
    }


# -- the CLI, as another process -----------------------------------------------------------


def _command(version: Version, db_url: str, *extra: str) -> list[str]:
    main = "from orgplane.cli import main; main()"
    return [sys.executable, "-c", main, "apply", str(version.folder), "--db", db_url, *extra]


def _environment() -> dict[str, str]:
    environment = {
        **os.environ,
        "ORGPLANE_NO_CACHE": "1",
        "COLUMNS": "200",
        "PGAPPNAME": APP_NAME,
    }
    for name in ("ORGPLANE_DB", "ORGPLANE_SPEC"):
        environment.pop(name, None)
    return environment


@dataclass(frozen=True, slots=True)
class Run:
    """How one ``orgplane apply`` process ended: its exit code (None when killed)."""

    code: int | None
    out: str
    err: str
    #: Whether the write lock was held by someone at the moment of the kill.
    killed_mid_write: bool = False


def _start(command: list[str], folder: Path, name: str) -> tuple[subprocess.Popen[bytes], Path]:
    # Output goes to files (a pipe nobody reads could block the apply); a session of
    # its own, so a kill takes the spec loader's worker process along.
    out = folder / f"{name}.out"
    with out.open("wb") as stdout, (folder / f"{name}.err").open("wb") as stderr:
        process = subprocess.Popen(
            command, stdout=stdout, stderr=stderr, env=_environment(), start_new_session=True
        )
    return process, out


def _kill(process: subprocess.Popen[bytes]) -> None:
    with suppress(ProcessLookupError):  # it has ended, and every process of its group
        os.killpg(process.pid, signal.SIGKILL)


def _finish(process: subprocess.Popen[bytes], out: Path, killed: bool, mid: bool) -> Run:
    try:
        code = process.wait(timeout=BOUND_SECONDS)
    finally:
        _kill(process)
    return Run(
        None if killed else code,
        out.read_text(errors="replace"),
        out.with_suffix(".err").read_text(errors="replace"),
        mid,
    )


def _wait_until(condition: Callable[[], bool]) -> bool:
    deadline = time.monotonic() + BOUND_SECONDS
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


# -- watching the database from outside ------------------------------------------------------


def _sqlite_path(db_url: str) -> Path:
    database = make_url(db_url).database
    assert database is not None
    return Path(database)


def _writer_holds_lock(db_url: str) -> Callable[[], bool]:
    """A probe: does some process hold the apply's lock on the database right now?"""
    if db_url.startswith("sqlite"):
        path = _sqlite_path(db_url)

        def sqlite_locked() -> bool:
            # Asking for the write lock without waiting: "locked" means a writer has it.
            connection = sqlite3.connect(path, timeout=0, isolation_level=None)
            try:
                connection.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:
                return True
            else:
                connection.execute("ROLLBACK")
                return False
            finally:
                connection.close()

        return sqlite_locked
    watcher = create_engine(db_url, poolclass=NullPool)

    def advisory_lock_held() -> bool:
        with watcher.connect() as connection:
            held = connection.scalar(
                text(
                    "SELECT count(*) FROM pg_locks JOIN pg_stat_activity USING (pid) "
                    "WHERE locktype = 'advisory' AND granted AND application_name = :name"
                ),
                {"name": APP_NAME},
            )
        return bool(held)

    return advisory_lock_held


def _apply_killed(version: Version, db_url: str, folder: Path, moment: str | float) -> Run:
    """Run ``orgplane apply`` of ``version`` and SIGKILL it at ``moment`` (unless it ends
    first)."""
    locked = _writer_holds_lock(db_url)
    process, out = _start(_command(version, db_url), folder, f"kill-{moment}")

    def ended() -> bool:
        return process.poll() is not None

    if moment == "loading":
        time.sleep(0.3)
    else:
        _wait_until(lambda: ended() or locked())
        if moment == "committed":
            _wait_until(lambda: ended() or not locked())
        else:
            assert isinstance(moment, float)
            time.sleep(moment)
    if ended():
        return _finish(process, out, killed=False, mid=False)
    mid_write = locked()
    _kill(process)
    return _finish(process, out, killed=True, mid=mid_write)


def _settle(db_url: str, engine: Engine) -> None:
    """After a kill: on SQLite, the file is intact; on PostgreSQL, the server has ended
    the killed client's transaction (and let go of its lock) within the bound."""
    if db_url.startswith("sqlite"):
        connection = sqlite3.connect(_sqlite_path(db_url))
        try:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
        finally:
            connection.close()
        return

    def gone() -> bool:
        with engine.connect() as connection:
            busy = connection.scalar(
                text("SELECT count(*) FROM pg_stat_activity WHERE application_name = :name"),
                {"name": APP_NAME},
            )
        return not busy

    assert _wait_until(gone), "the killed apply is still connected to the server"


# -- what the database holds -------------------------------------------------------------------


def _holds(engine: Engine, version: Version) -> bool:
    """Whether the database holds exactly ``version``: its groups and people read back
    as the spec has them, and a dry run of it changes nothing (the whole snapshot)."""
    with Session(engine) as session:
        stored_groups = {g.path: g.name for g in all_summaries(session, CODE)}
        named = select(PersonRow.id, PersonRow.name).where(PersonRow.org_code == CODE)
        stored_people = dict(session.execute(named).all())
    if stored_groups != version.groups() or stored_people != version.people():
        return False
    with Session(engine) as session:
        dry = apply_spec(
            session=session,
            org=version.org,
            findings=version.findings,
            actor="tests",
            dry_run=True,
        )
    return not dry.changed


def _which(engine: Engine, versions: Sequence[Version]) -> str:
    """The one version the database holds; fails on a mix (or on none)."""
    held = {version.label for version in versions if _holds(engine, version)}
    assert len(held) == 1, f"the database holds {sorted(held) or 'none'} of the versions"
    return held.pop()


def _history(engine: Engine) -> list[ApplyView]:
    """The org's apply history, oldest first, checked against the audit log: one audit
    entry per apply with the same counts and changes, each entry's "before" being the
    previous entry's "after" (no apply lost or interleaved)."""
    with Session(engine) as session:
        applied = list_applies(session, CODE, limit=10_000)[::-1]
        logged = list_audit(session, target=f"org:{CODE}", action=APPLY_ACTION, limit=10_000)[::-1]
    assert [entry.after["apply_id"] if entry.after else None for entry in logged] == [
        apply.id for apply in applied
    ]
    counts = []
    for entry, apply in zip(logged, applied, strict=True):
        assert entry.after is not None
        after = {k: v for k, v in entry.after.items() if k not in ("apply_id", "changes")}
        assert after == apply.counts
        assert entry.after["changes"] == apply.changes
        counts.append(after)
    assert [entry.before for entry in logged] == [None, *counts[:-1]]
    return applied


def _apply_here(engine: Engine, version: Version) -> None:
    with Session(engine) as session:
        apply_spec(session=session, org=version.org, findings=version.findings, actor="tests")


def _one_line_or_nothing(run: Run) -> None:
    assert "Traceback" not in run.err + run.out
    if run.code not in (None, 0):
        lines = run.err.strip().splitlines()
        assert len(lines) == 1, run.err
        assert lines[0].startswith("orgplane: error: "), run.err


# -- kill -9 during apply -----------------------------------------------------------------------


def test_apply_killed_at_any_moment_leaves_one_whole_version(
    db_url: str, engine: Engine, large: dict[str, Version], tmp_path: Path
) -> None:
    """Version A is stored; ``orgplane apply B`` is killed while it loads, at moments
    of its write, and right after its commit. After each kill the database holds A or
    B whole, and the history says which; then ``orgplane apply B`` works."""
    a, b = large["A"], large["B"]
    _apply_here(engine, a)
    labels = ["A"]  # the version each apply in the history stored, oldest first
    outcomes: dict[str | float, tuple[str, Run]] = {}
    for moment in KILL_MOMENTS:
        run = _apply_killed(b, db_url, tmp_path, moment)
        _one_line_or_nothing(run)
        assert run.code in (None, 0), run.err
        _settle(db_url, engine)
        held = _which(engine, [a, b])
        outcomes[moment] = (held, run)
        if run.code == 0:
            assert held == "B"  # it said it applied B: B is there
        if held == "B":
            labels.append("B")
        assert [apply.counts for apply in _history(engine)] == [
            large[label].counts for label in labels
        ]
        if held == "B":  # back to A, so that the next kill interrupts A → B again
            _apply_here(engine, a)
            labels.append("A")
    assert outcomes["loading"][0] == "A"
    # At least one kill landed while the write was underway: the test tested something.
    assert any(run.killed_mid_write for _held, run in outcomes.values()), outcomes

    recovery = _finish(*_start(_command(b, db_url), tmp_path, "recovery"), killed=False, mid=False)
    assert recovery.code == 0, recovery.err
    assert _which(engine, [a, b]) == "B"
    assert [apply.counts for apply in _history(engine)] == [
        large[label].counts for label in [*labels, "B"]
    ]


# -- concurrent applies -----------------------------------------------------------------------


def _any_ended(processes: Sequence[subprocess.Popen[bytes]]) -> bool:
    return any(process.poll() is not None for process in processes)


def _has_open(pid: int, path: Path) -> bool:
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for descriptor in descriptors:
        try:
            if Path(os.readlink(descriptor)) == path:
                return True
        except OSError:
            continue
    return False


@contextmanager
def _start_gate(
    db_url: str, engine: Engine
) -> Iterator[Callable[[Sequence[subprocess.Popen[bytes]]], None]]:
    """Hold the racers back at the database until every one of them is there, then let
    them all go at once (the function yielded waits for ``processes``; one that ends
    before it gets there opens the gate too, and its exit code tells why).

    On SQLite the gate is the write lock, held here until every process has the file
    open (and a moment more, to be waiting for it). On PostgreSQL it is an exclusive
    lock on the orgs table, held until every process waits for a lock: the apply lock,
    or the table once it holds that."""
    if db_url.startswith("sqlite"):
        path = _sqlite_path(db_url)
        connection = sqlite3.connect(path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")

        def sqlite_wait(processes: Sequence[subprocess.Popen[bytes]]) -> None:
            assert _wait_until(
                lambda: _any_ended(processes) or all(_has_open(p.pid, path) for p in processes)
            )
            time.sleep(0.3)

        try:
            yield sqlite_wait
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return

    def postgres_wait(processes: Sequence[subprocess.Popen[bytes]]) -> None:
        def all_waiting() -> bool:
            if _any_ended(processes):
                return True
            with engine.connect() as watcher:
                waiting = watcher.scalar(
                    text(
                        "SELECT count(DISTINCT pid) FROM pg_locks JOIN pg_stat_activity "
                        "USING (pid) WHERE NOT granted AND application_name = :name"
                    ),
                    {"name": APP_NAME},
                )
            return bool(waiting == len(processes))

        assert _wait_until(all_waiting), "the racing applies never all reached the database"

    with engine.connect() as gate:
        gate.execute(text("LOCK TABLE orgs IN ACCESS EXCLUSIVE MODE"))
        yield postgres_wait
        gate.rollback()


def test_concurrent_applies_take_turns_and_the_last_one_is_served(
    db_url: str,
    engine: Engine,
    small: dict[str, Version],
    tmp_path: Path,
    portal: BlockingPortal,
) -> None:
    """Six processes apply four versions (two of them twice) to an empty database at
    once: the first creates the org, the others update it in turn."""
    racing = [small[label] for label in ("V1", "V2", "V3", "V4", "V1", "V3")]
    started: list[tuple[Version, subprocess.Popen[bytes], Path]] = []
    try:
        with _start_gate(db_url, engine) as all_at_the_gate:
            for i, version in enumerate(racing):
                command = _command(version, db_url, "--json")
                started.append((version, *_start(command, tmp_path, f"race-{i}")))
            all_at_the_gate([process for _version, process, _out in started])
    except BaseException:
        for _version, process, _out in started:
            _kill(process)
        raise
    reported: dict[int, Version] = {}  # apply id → the version its process applied
    for version, process, out in started:
        run = _finish(process, out, killed=False, mid=False)
        _one_line_or_nothing(run)
        # Applies of one org take turns: none fails for having met another (a busy
        # database past its timeout would be the one excuse, far off at these sizes).
        assert run.code == 0, f"apply of {version.label}: {run.err}"
        result = json.loads(run.out)
        assert result["changed"] == (result["apply_id"] is not None)
        if result["changed"]:
            reported[result["apply_id"]] = version

    history = _history(engine)
    assert [apply.id for apply in history] == sorted(reported)
    assert [apply.counts for apply in history] == [reported[a.id].counts for a in history]
    assert [apply.changes["created"] for apply in history] == [True] + [False] * (len(history) - 1)
    last = reported[history[-1].id]
    assert _which(engine, list(small.values())) == last.label

    served = create_app(DEV_SETTINGS, engine)
    with client_for(served, portal) as client:
        org = client.get(f"/api/orgs/{CODE}").json()
        assert (org["name"], org["groups"]) == (last.org.name, len(last.groups()))
        applies = client.get(f"/api/orgs/{CODE}/applies", params={"limit": 100}).json()
        assert [item["id"] for item in applies["items"]] == sorted(reported, reverse=True)
        groups: dict[str, str] = {}
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 500, **({"cursor": cursor} if cursor else {})}
            page = client.get(f"/api/orgs/{CODE}/groups", params=params).json()
            groups.update({item["path"]: item["name"] for item in page["items"]})
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert groups == last.groups()
