"""Shared CLI plumbing: the Rich consoles, spec loading, and one-line errors.

The only package that imports Rich. A spec that fails to load becomes ``SpecLoadError``:
a one-line error (with file:line:col) and the right exit code (``cli.source`` loads
the specs the reading commands answer from).
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.text import Text

from orgplane.errors import OrgplaneError, SpecError
from orgplane.settings import get_settings

__all__ = [
    "SpecLoadError",
    "ask",
    "can_ask",
    "err",
    "is_terminal",
    "out",
    "print_raw",
    "safe",
    "spec_path",
    "text",
    "write_text_atomically",
]


# Characters a terminal acts on instead of showing: C0 controls (ESC starts colour, title,
# hyperlink and screen-clearing sequences; CR overwrites a line), DEL, C1 controls (CSI and
# OSC have one-byte forms), and the Unicode format characters that reorder or hide text
# (bidi embeddings, overrides and isolates, the line and paragraph separators).
_FORMAT_CHARS = r"\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(rf"[\x00-\x08\x0a-\x1f\x7f-\x9f{_FORMAT_CHARS}]")
_UNSAFE_KEEP_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f\x7f-\x9f{_FORMAT_CHARS}]")
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _visible(match: re.Match[str]) -> str:
    # Shown, not dropped, so a reader sees that the text holds something odd.
    return f"\\u{ord(match.group()):04x}"


def safe(value: object, *, lines: bool = False) -> str:
    """``value`` as text a terminal shows as it is: tabs become spaces and every control or
    text-reordering character becomes a visible ``\\uXXXX``; line breaks are kept
    with ``lines``, else they become spaces. Spec, document, database and user text goes through this (or ``text``)
    before it is printed; print it with markup off or as a ``Text``, which Rich never parses.
    """
    cleaned = str(value).replace("\t", " ").replace("\r\n", "\n")
    if not lines:
        cleaned = cleaned.replace("\n", " ")
    return (_UNSAFE_KEEP_LINES if lines else _UNSAFE).sub(_visible, cleaned)


def text(value: object, *, lines: bool = False, style: str = "") -> Text:
    """``safe(value)`` as a Rich ``Text``: for titles, cells and panels, where a plain
    string would be read as markup (``[link=…]`` becomes a hyperlink, ``[/x]`` an error)."""
    return Text(safe(value, lines=lines), style=style)


def out() -> Console:
    """Console for results (stdout). Markup is off: org text may contain brackets."""
    return Console(markup=False, highlight=False, soft_wrap=True)


def err() -> Console:
    return Console(stderr=True, markup=False, highlight=False, soft_wrap=True)


def spec_path(option: Path | None) -> Path:
    """``--spec`` if given, else ``$ORGPLANE_SPEC``, else ``./org``, else the current directory."""
    return option if option is not None else get_settings().default_spec_path()


class SpecLoadError(OrgplaneError):
    """A spec that failed to load, shown as its first problem plus a count of the rest."""

    def __init__(self, error: SpecError) -> None:
        first = str(error.diagnostics[0])
        more = len(error.diagnostics) - 1
        if more:
            first += f" (and {more} more; run 'orgplane validate' to see all)"
        super().__init__(first)
        self.exit_code = error.exit_code


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


def _stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` is an open terminal (``None`` and closed streams are not)."""
    try:
        return bool(stream is not None and stream.isatty())  # type: ignore[attr-defined]
    except (AttributeError, ValueError, OSError):  # no stream, or a closed one
        return False


def can_ask() -> bool:
    """Whether a person may be asked: input and stderr are both a terminal."""
    return is_terminal(sys.stdin) and is_terminal(sys.stderr)


def ask(question: str, *, default: bool) -> bool | None:
    """Ask a yes/no ``question`` on the terminal; ``None`` when nobody can answer: no
    terminal, or one whose input is closed (end of input is not an answer). Ctrl-C
    aborts the command."""
    import typer

    if not can_ask():
        return None
    choices = "Y/n" if default else "y/N"
    while True:
        err().print(f"{question} [{choices}]: ", end="")
        try:
            line = sys.stdin.readline()
        except KeyboardInterrupt:
            raise typer.Abort from None
        except (OSError, ValueError):  # a terminal that hung up
            line = ""
        if not line:
            err().print()
            return None
        answer = line.strip().lower()
        if not answer:
            return default
        if answer in ("y", "yes"):
            return True
        if answer in ("n", "no"):
            return False


def print_raw(text: str) -> None:
    """Print generated text (JSON, YAML, an export) exactly, with no wrapping and no markup,
    except for what a terminal would act on: control characters (other than line breaks
    and tabs) always become a visible ``\\uXXXX`` (JSON and YAML escape them already, and
    ``\\uXXXX`` reads back as the same character there); the text-reordering characters
    do too when stdout is a terminal, so a redirected export keeps them as written."""
    text = text.replace("\r\n", "\n")
    text = (_UNSAFE_KEEP_LINES if _stdout_is_terminal() else _CONTROLS).sub(_visible, text)
    sys.stdout.write(text)
    if not text.endswith("\n"):
        sys.stdout.write("\n")
    sys.stdout.flush()
