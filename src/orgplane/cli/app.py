"""The ``orgplane`` command: builds the Typer app and maps errors to exit codes."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from typer.exceptions import TyperException

from orgplane.cli.apply import apply_command
from orgplane.cli.audit import audit_command
from orgplane.cli.console import SpecLoadError, safe
from orgplane.cli.db import db_app
from orgplane.cli.demo import demo_app
from orgplane.cli.deps import deps
from orgplane.cli.dev import dev_app
from orgplane.cli.export import export_command, schema
from orgplane.cli.groups import show, tree
from orgplane.cli.imports import import_command
from orgplane.cli.init import init
from orgplane.cli.kpis import kpi_app
from orgplane.cli.oncall import oncall_app
from orgplane.cli.overrides import (
    cancel_override_command,
    override_command,
    overrides_command,
)
from orgplane.cli.owners import owners
from orgplane.cli.pages import page_command, pages_app
from orgplane.cli.scorecard import scorecard_command
from orgplane.cli.serve import serve_command
from orgplane.cli.tokens import token_app
from orgplane.cli.validate import validate
from orgplane.cli.worker import worker_command
from orgplane.errors import OrgplaneError, SpecError
from orgplane.settings import UnsafeSettingsError

__all__ = ["create_app", "main"]

HELP = """orgplane: the control plane of an infrastructure organization.

Your org as code: validate it, browse it, ask who owns what and what breaks if
something fails, and export it to the tools you already use.
"""


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        sys.stdout.write(f"orgplane {version('orgplane')}\n")
        raise typer.Exit()


def _options(
    _version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            help="Print orgplane's version and exit.",
        ),
    ] = False,
) -> None:
    """The options of ``orgplane`` itself (before a command)."""


def create_app() -> typer.Typer:
    app = typer.Typer(
        name="orgplane",
        help=HELP,
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        rich_markup_mode=None,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    app.callback(help=HELP)(_options)
    app.command()(validate)
    app.command()(tree)
    app.command()(show)
    app.command()(owners)
    app.command()(deps)
    app.command("export")(export_command)
    app.command("import")(import_command)
    app.command()(schema)
    app.command()(init)
    app.command("serve")(serve_command)
    app.command("apply")(apply_command)
    app.add_typer(db_app, name="db")
    app.add_typer(token_app, name="token")
    app.command("audit")(audit_command)
    app.add_typer(kpi_app, name="kpi")
    oncall_app.command("override")(override_command)
    oncall_app.command("overrides")(overrides_command)
    oncall_app.command("cancel-override")(cancel_override_command)
    app.add_typer(oncall_app, name="oncall")
    app.command("page")(page_command)
    app.add_typer(pages_app, name="pages")
    app.command("worker")(worker_command)
    app.command("scorecard")(scorecard_command)
    app.add_typer(demo_app, name="demo")
    app.add_typer(dev_app, name="dev")
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point: run the CLI; an ``OrgplaneError`` becomes one line on stderr and its exit code."""
    command = typer.main.get_command(create_app())
    try:
        code = command.main(args=argv, prog_name="orgplane", standalone_mode=False)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.stderr.write("aborted\n")
        sys.exit(130)
    except TyperException as exc:  # bad arguments: Typer prints usage and the problem
        exc.show()  # type: ignore[attr-defined]
        sys.exit(getattr(exc, "exit_code", 2))
    except (SpecLoadError, SpecError) as exc:
        sys.stderr.write(
            f"{safe(exc, lines=True)}\n"
        )  # already "file:line:col: error CODE message"
        sys.exit(exc.exit_code)
    except OrgplaneError as exc:
        sys.stderr.write(f"orgplane: error: {safe(exc)}\n")
        sys.exit(exc.exit_code)
    except UnsafeSettingsError as exc:  # a bad ORGPLANE_* variable, from any command
        sys.stderr.write(f"orgplane: error: {safe(exc)}\n")
        sys.exit(2)
    except BrokenPipeError:
        sys.exit(0)
    sys.exit(code if isinstance(code, int) else 0)
