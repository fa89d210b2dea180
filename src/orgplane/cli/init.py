"""``orgplane init``: scaffold a small, valid org spec whose comments teach the format."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from orgplane.cli.console import err, safe, write_text_atomically
from orgplane.errors import UsageError

__all__ = ["init"]


def init(
    directory: Annotated[
        Path, typer.Argument(metavar="DIRECTORY", help="Folder to create the spec in.")
    ] = Path("org"),
) -> None:
    """Create a small, valid org spec in DIRECTORY (default ./org). Existing files are never
    overwritten."""
    from orgplane.spec.scaffold import SCAFFOLD_FILES

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: exists and is not a folder")
    clashes = [name for name in SCAFFOLD_FILES if (directory / name).exists()]
    if clashes:
        raise UsageError(f"{directory}: already has {', '.join(clashes)}; choose an empty folder")
    directory.mkdir(parents=True, exist_ok=True)
    for name, text in SCAFFOLD_FILES.items():
        write_text_atomically(directory / name, text)
    err().print(
        safe(
            f"created {len(SCAFFOLD_FILES)} files in {directory}; next: orgplane validate {directory}"
        )
    )
