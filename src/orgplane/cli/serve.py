"""``orgplane serve``: the server — API, web UI, health and metrics — on one port.

With no spec it serves the example orgs that ship with orgplane from a SQLite file in
the working directory, created and migrated on first start. Every start applies the
specs it is given (an unchanged spec writes nothing), so the pages always show them.

With ``--workers N`` uvicorn runs N server processes on the one port. Migrating and
applying happen once, in this process, before any worker starts; each worker then builds
its own app (``worker_app``) from the same settings, database and host, which reach it
through the environment (uvicorn starts workers afresh: nothing else is inherited).
SQLite in WAL mode lets the workers read side by side; each keeps its own answers and
notices the others' writes (``api/snapshots.py``). The workers count requests in a
folder of files made for the run (prometheus_client's multiprocess mode, unless
``$PROMETHEUS_MULTIPROC_DIR`` names one already), so /metrics shows them all.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import sys
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from orgplane.cli.console import err, is_terminal, safe
from orgplane.cli.db import DbOption, cli_actor, resolve_url
from orgplane.cli.demo import fill_demo, offer_demo
from orgplane.errors import UsageError
from orgplane.settings import UnsafeSettingsError, get_settings

if TYPE_CHECKING:
    from collections.abc import Iterator

    from fastapi import FastAPI
    from sqlalchemy import URL, Engine

    from orgplane.settings import Settings

__all__ = ["serve_command", "worker_app"]

#: How ``serve`` tells its workers what to serve: JSON {"db": URL, "host": HOST, "logs":
#: "text" | "json"}.
_WORKER_ENV = "ORGPLANE_SERVE_WORKER"
#: Seconds a worker may take to start (and to answer a health check) before uvicorn
#: replaces it.
_WORKER_START_TIMEOUT = 60


class LogFormatChoice(StrEnum):
    AUTO = "auto"
    TEXT = "text"
    JSON = "json"


def serve_command(
    specs: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[SPEC_PATH]...",
            help="Spec files or folders to apply and serve. Default: the bundled example orgs.",
        ),
    ] = None,
    db: DbOption = None,
    host: Annotated[
        str,
        typer.Option(
            "--host", help="Address to listen on. Non-loopback needs a strong $ORGPLANE_SECRET."
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")
    ] = 8000,
    allow_errors: Annotated[
        bool,
        typer.Option(
            "--allow-errors",
            help="Serve specs even when the validator reports errors (the bundled examples always are).",
        ),
    ] = False,
    no_apply: Annotated[
        bool, typer.Option("--no-apply", help="Serve what the database holds; apply nothing.")
    ] = False,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo",
            help="Fill the KPIs with GENERATED demo measurements before serving (labelled "
            "DEMO everywhere; 'orgplane demo measurements --clear' removes them).",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            help="Server processes on the one port (uvicorn workers), e.g. one per core.",
        ),
    ] = 1,
    no_engine: Annotated[
        bool,
        typer.Option(
            "--no-engine",
            help="Do not run the escalation engine in this process (run 'orgplane worker' "
            "beside it instead). By default the server fires ladder steps and sends "
            "notifications itself.",
        ),
    ] = False,
    log_format: Annotated[
        LogFormatChoice,
        typer.Option(
            "--log-format",
            help="Logs on stderr as text lines (for a person) or JSON lines (for machines); "
            "auto: text on a terminal, else JSON.",
        ),
    ] = LogFormatChoice.AUTO,
) -> None:
    """Serve the org: the web UI at /, the REST API at /api (OpenAPI at
    /api/openapi.json), /healthz, /readyz and /metrics.

    Applies each SPEC_PATH first (a spec with errors is refused unless --allow-errors).
    Without SPEC_PATH, serves the example orgs that ship with orgplane; their findings,
    errors included, are on each org's findings page. Several processes may serve one
    PostgreSQL database (--db postgresql://…).

    The escalation engine runs beside the server (one engine, whatever --workers says)
    unless --no-engine: any number of servers and 'orgplane worker's may share one
    database, each due ladder step is fired by one of them.
    """
    import uvicorn
    from sqlalchemy.orm import Session

    from orgplane.api.observability import LogFormat, configure_logging
    from orgplane.spec.examples import bundled_examples
    from orgplane.store import (
        create_engine,
        current_revision,
        display_url,
        head_revision,
        upgrade,
    )
    from orgplane.web import create_app

    settings = get_settings()
    try:
        settings.check_for_serving(host)
    except UnsafeSettingsError as exc:
        raise UsageError(str(exc)) from None
    url = resolve_url(db)
    examples = not specs
    paths = list(specs or bundled_examples())
    if examples and not paths and not no_apply:
        raise UsageError("this installation has no example orgs: give a SPEC_PATH to serve")
    revision = current_revision(url)
    first_start = revision is None
    where = safe(display_url(url))
    if revision != head_revision():
        # A current schema is not mentioned: there is nothing to say about it.
        upgrade(url)
        err().print(
            f"database {where}: created"
            if first_start
            else f"database {where}: schema upgraded from {safe(revision)} to {head_revision()}"
        )
    engine = create_engine(url)
    if not no_apply:
        for path in paths:
            _apply(
                engine_url=url,
                engine=engine,
                path=path,
                accept_errors=examples or allow_errors,
                shown_as=Path("examples") / path.name if examples else None,
            )
    if demo:
        with Session(engine) as session:
            fill_demo(session)
    elif first_start and examples and not no_apply:
        # The example orgs' KPIs have no measurements: offer demo data, never impose it.
        with Session(engine) as session:
            offer_demo(session)
    logs = _log_format(log_format)
    configure_logging(log_format=LogFormat(logs))
    processes = f", {workers} worker processes" if workers > 1 else ""
    paging = "" if no_engine else "; escalation engine running"
    err().print(
        f"serving http://{safe(host)}:{port}/ from {where}{processes}{paging} "
        "(API: /api/docs; stop with Ctrl-C)"
    )
    with _engine_beside(engine, settings, run=not no_engine):
        if workers == 1:
            app = create_app(settings, engine, host=host)
            _freeze_startup_objects()
            uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)
            return
        _serve_workers(url, host=host, port=port, workers=workers, logs=logs)


@contextlib.contextmanager
def _engine_beside(engine: Engine, settings: Settings, *, run: bool) -> Iterator[None]:
    """The escalation engine on a thread of this process while the server runs (with
    ``--workers N``, this process is uvicorn's supervisor: the engine runs once, here)."""
    if not run:
        yield
        return
    from orgplane.services.workers import EngineThreads

    runner = EngineThreads(database=engine, settings=settings, count=1, name="serve")
    runner.start()
    try:
        yield
    finally:
        runner.stop()


def _serve_workers(url: URL, *, host: str, port: int, workers: int, logs: str) -> None:
    """``workers`` uvicorn processes on the one port, until stopped."""
    from uvicorn.supervisors import Multiprocess

    from orgplane.api.observability import MULTIPROCESS_DIR_ENV
    from orgplane.cli._workers import WorkersConfig

    # The URL with its password: the workers are this user's own processes.
    target = {"db": url.render_as_string(hide_password=False), "host": host, "logs": logs}
    os.environ[_WORKER_ENV] = json.dumps(target)
    config = WorkersConfig(
        f"{__name__}:worker_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        # A new worker answers uvicorn's health check only once it has imported
        # orgplane, which takes seconds on a busy machine: with uvicorn's default of 5 s,
        # workers are killed and restarted before they ever serve.
        timeout_worker_healthcheck=_WORKER_START_TIMEOUT,
    )
    counts = None
    if not os.environ.get(MULTIPROCESS_DIR_ENV):
        counts = tempfile.mkdtemp(prefix="orgplane-metrics-")
        os.environ[MULTIPROCESS_DIR_ENV] = counts
    try:
        # What uvicorn.run does with workers, with a listening socket that keeps TCP_NODELAY.
        Multiprocess(config, sockets=[config.bind_socket()]).run()
    finally:
        if counts is not None:
            shutil.rmtree(counts, ignore_errors=True)


def _log_format(choice: LogFormatChoice) -> str:
    """``text`` or ``json``: ``auto`` is text where a person reads stderr."""
    if choice is LogFormatChoice.AUTO:
        return "text" if is_terminal(sys.stderr) else "json"
    return choice.value


def worker_app() -> FastAPI:
    """The app of one ``serve --workers N`` worker: uvicorn calls it in each process."""
    from orgplane.api.observability import LogFormat, configure_logging
    from orgplane.store import create_engine
    from orgplane.web import create_app

    target = json.loads(os.environ[_WORKER_ENV])
    configure_logging(log_format=LogFormat(target.get("logs", "json")))
    app = create_app(get_settings(), create_engine(target["db"]), host=target["host"])
    _freeze_startup_objects()
    return app


def _freeze_startup_objects() -> None:
    """Keep the objects made at start-up (modules, the app, its schemas: hundreds of
    thousands) out of the cyclic GC's sight: they live as long as the process, and each
    full collection walking them all stalled every request in flight for tens of
    milliseconds (the API benchmark's p99)."""
    gc.collect()
    gc.freeze()


def _apply(
    *, engine_url: URL, engine: Engine, path: Path, accept_errors: bool, shown_as: Path | None
) -> None:
    """Apply one spec; ``shown_as`` is how its findings name its folder (the bundled
    examples are "examples/cipo/…" wherever orgplane is installed)."""
    from sqlalchemy.orm import Session

    from orgplane.rules import Severity, default_registry, relative_findings
    from orgplane.services import apply_spec
    from orgplane.spec import load_spec
    from orgplane.store import database_errors

    org = load_spec(path)
    # Stored by the spec's own names ("cipo/1d.yaml", "examples/cipo/1d.yaml" for the
    # bundled examples), never this machine's paths.
    root = path if path.is_dir() else path.parent
    name = str(shown_as) if shown_as is not None else (path.name if path.is_dir() else "")
    checked = default_registry().check(org)
    findings = relative_findings(checked, root, name)
    errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
    if errors and not accept_errors:
        for finding in checked:  # as this machine names the files: the person is here
            if finding.severity is Severity.ERROR:
                err().print(safe(finding))
        raise UsageError(
            f"{path}: {errors} error{'s' if errors != 1 else ''}; not served "
            "(fix them, or serve it anyway with --allow-errors)"
        )
    with database_errors(engine_url), Session(engine) as session:
        result = apply_spec(
            session=session,
            org=org,
            findings=findings,
            actor=cli_actor(),
            accept_errors=accept_errors,
        )
    state = "applied" if result.changed else "unchanged"
    path = shown_as or path
    note = f", {errors} error{'s' if errors != 1 else ''} on its findings page" if errors else ""
    err().print(f"{safe(path)}: org {safe(org.code)} {state}{note}")
