"""Shared CLI plumbing: the Rich consoles, spec loading, and one-line errors.

The only package that imports Rich. Commands load a spec through ``load``, which turns
a bad spec into a one-line error (with file:line:col) and the right exit code.
"""

from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console

from orgplane.errors import OrgplaneError, SpecError
from orgplane.settings import get_settings

if TYPE_CHECKING:
    from orgplane.model import Org, OrgIndex

__all__ = [
    "Loaded",
    "SpecLoadError",
    "err",
    "load",
    "out",
    "print_raw",
    "spec_path",
    "write_text_atomically",
]


def out() -> Console:
    """Console for results (stdout). Markup is off: org text may contain brackets."""
    return Console(markup=False, highlight=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def spec_path(option: Path | None) -> Path:
    """``--spec`` if given, else ``$ORGPLANE_SPEC``, else ``./org``, else the current directory."""
    return option if option is not None else get_settings().default_spec_path()


@dataclass(frozen=True, slots=True)
class Loaded:
    org: Org
    index: OrgIndex
    path: Path


class SpecLoadError(OrgplaneError):
    """A spec that failed to load, shown as its first problem plus a count of the rest."""

    def __init__(self, error: SpecError) -> None:
        first = str(error.diagnostics[0])
        more = len(error.diagnostics) - 1
        if more:
            first += f" (and {more} more; run 'orgplane validate' to see all)"
        super().__init__(first)
        self.exit_code = error.exit_code


def load(option: Path | None) -> Loaded:
    from orgplane.model import OrgIndex
    from orgplane.spec import load_spec

    path = spec_path(option)
    try:
        org = load_spec(path)
    except SpecError as exc:
        raise SpecLoadError(exc) from None
    return Loaded(org, OrgIndex(org), path)


def write_text_atomically(path: Path, text: str) -> None:
    """Write all of ``text`` or nothing: a temporary file renamed into place."""
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def print_raw(text: str) -> None:
    """Print generated text exactly (no wrapping, no markup)."""
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
