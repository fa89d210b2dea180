"""``orgplane token``: create, list and revoke API tokens."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from orgplane.cli.console import err, out, print_raw, safe, text
from orgplane.cli.db import DbOption, cli_actor, open_session

__all__ = ["token_app"]

#: ``services.tokens.ROLES``, which --role's help needs when the command is defined: a
#: copy, so that defining it does not import the database layer (a test keeps them equal).
ROLES = ("viewer", "editor", "admin")

token_app = typer.Typer(
    help="Create, list and revoke API tokens (viewer, editor or admin).", no_args_is_help=True
)


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M UTC") if at else "-"


@token_app.command("create")
def create_command(
    role: Annotated[
        str,
        typer.Option(
            "--role", metavar="|".join(ROLES), help="What the token may do.", show_default=False
        ),
    ],
    name: Annotated[str, typer.Option("--name", help="What the token is for.")] = "",
    db: DbOption = None,
) -> None:
    """Create an API token and print it. It is shown this once: only its hash is stored."""
    from orgplane.services import create_token

    with open_session(db) as session:
        created = create_token(session=session, role=role, name=name, actor=cli_actor())
    print_raw(created.secret)
    err().print(
        safe(
            f"created token {created.token.id} ({created.token.role}); "
            "store it now, it cannot be shown again"
        )
    )


@token_app.command("list")
def list_command(
    db: DbOption = None,
    active: Annotated[bool, typer.Option("--active", help="Leave out revoked tokens.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """List API tokens: id, name, role, when created and last used, revoked or not."""
    from orgplane.services import list_tokens

    with open_session(db) as session:
        tokens = list_tokens(session=session, include_revoked=not active)
    if as_json:
        rows = [
            {
                "id": t.id,
                "name": t.name,
                "role": t.role,
                "created_at": t.created_at.isoformat(),
                "created_by": t.created_by,
                "last_used_at": t.last_used_at.isoformat() if t.last_used_at else None,
                "revoked_at": t.revoked_at.isoformat() if t.revoked_at else None,
            }
            for t in tokens
        ]
        print_raw(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    if not tokens:
        err().print("no API tokens; create one with 'orgplane token create --role viewer'")
        return
    table = Table("id", "name", "role", "created", "last used", "revoked")
    for token in tokens:
        table.add_row(
            text(token.id),
            text(token.name),
            text(token.role),
            _when(token.created_at),
            _when(token.last_used_at),
            _when(token.revoked_at),
        )
    out().print(table)


@token_app.command("revoke")
def revoke_command(
    token_id: Annotated[
        str, typer.Argument(metavar="ID", help="The token's id (see 'orgplane token list').")
    ],
    db: DbOption = None,
) -> None:
    """Revoke an API token: it stops working at once. Revoking twice is harmless."""
    from orgplane.services import revoke_token

    with open_session(db) as session:
        token = revoke_token(session=session, token_id=token_id, actor=cli_actor())
    err().print(safe(f"token {token.id} revoked ({_when(token.revoked_at)})"))
