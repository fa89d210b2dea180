"""``orgplane serve``: the server — API, web UI, health and metrics — on one port.

With no spec it serves the example orgs that ship with orgplane from a SQLite file in
the working directory, created and migrated on first start. Every start applies the
specs it is given (an unchanged spec writes nothing), so the pages always show them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from sqlalchemy import URL, Engine
from sqlalchemy.orm import Session

from orgplane.api.observability import configure_logging
from orgplane.cli.console import err
from orgplane.cli.db import DbOption, cli_actor, resolve_url
from orgplane.errors import UsageError
from orgplane.rules import Finding, Severity, default_registry
from orgplane.services import apply_spec
from orgplane.settings import UnsafeSettingsError, get_settings
from orgplane.spec import load_spec
from orgplane.spec.examples import bundled_examples
from orgplane.store import create_engine, database_errors, display_url, upgrade
from orgplane.web import create_app

__all__ = ["serve_command"]


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
) -> None:
    """Serve the org: the web UI at /, the REST API at /api (OpenAPI at
    /api/openapi.json), /healthz, /readyz and /metrics.

    Applies each SPEC_PATH first (a spec with errors is refused unless --allow-errors).
    Without SPEC_PATH, serves the example orgs that ship with orgplane; their findings,
    errors included, are on each org's findings page. Several processes may serve one
    PostgreSQL database (--db postgresql://…).
    """
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
    err().print(f"database {display_url(url)}: migrating to the newest schema")
    upgrade(url)
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
    configure_logging()
    app = create_app(settings, engine, host=host)
    err().print(f"serving http://{host}:{port}/ (API: /api/docs; stop with Ctrl-C)")
    uvicorn.run(app, host=host, port=port, log_config=None, access_log=False)


def _apply(
    *, engine_url: URL, engine: Engine, path: Path, accept_errors: bool, shown_as: Path | None
) -> None:
    """Apply one spec; ``shown_as`` is how its findings name its folder (the bundled
    examples are "examples/cipo/…" wherever orgplane is installed)."""
    org = load_spec(path)
    findings = default_registry().check(org)
    if shown_as is not None:
        findings = [_shown(finding, path, shown_as) for finding in findings]
    errors = sum(1 for finding in findings if finding.severity is Severity.ERROR)
    if errors and not accept_errors:
        for finding in findings:
            if finding.severity is Severity.ERROR:
                err().print(str(finding))
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
    err().print(f"{path}: org {org.code} {state}{note}")


def _shown(finding: Finding, root: Path, shown_as: Path) -> Finding:
    location = finding.location
    if location is None or not Path(location.file).is_relative_to(root):
        return finding
    relative = Path(location.file).relative_to(root)
    return replace(finding, location=replace(location, file=str(shown_as / relative)))
