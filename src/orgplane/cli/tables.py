"""Tables that fit the terminal: columns chosen by its width, text wrapped, never cut.

``fit_table`` builds a Rich table from columns and rows. A column empty in every row is
left out; when the table still cannot fit (the columns that must not wrap, plus the
longest word of each that may, are wider than the terminal), the optional columns go,
least important first. What stays wraps; nothing is cut with an ellipsis. Print the
table with ``soft_wrap=False`` (the result consoles soft-wrap), so a long title wraps too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["Cell", "Column", "fit_table"]

Cell = str | Text


@dataclass(frozen=True, slots=True)
class Column:
    """A column: its header, whether its text may wrap, and how readily it goes when the
    terminal is narrow (``drop`` 0: never; a larger number goes first)."""

    header: str
    wrap: bool = True
    justify: str = "left"
    drop: int = 0


def _empty(cell: Cell) -> bool:
    return not (cell.plain if isinstance(cell, Text) else cell).strip()


def fit_table(
    console: Console,
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    *,
    title: Text | str | None = None,
) -> Table:
    """The widest table of ``columns`` that fits ``console`` (module docstring)."""
    kept = [i for i, _ in enumerate(columns) if any(not _empty(row[i]) for row in rows)]
    droppable = sorted((i for i in kept if columns[i].drop), key=lambda i: -columns[i].drop)
    while True:
        widths = _widths(console, columns, rows, kept)
        if widths is not None or not droppable:
            return _table(columns, rows, kept, title, widths or {})
        kept.remove(droppable.pop(0))


#: A column that wraps is never made narrower than this (or its longest word).
_NARROWEST = 10


def _cell_widths(console: Console, cell: Cell) -> tuple[int, int]:
    """(longest word, whole text) of a cell, in terminal cells."""
    text = cell if isinstance(cell, Text) else Text(cell)
    measured = console.measure(text)
    # An indented first word needs its indent beside it.
    indent = len(text.plain) - len(text.plain.lstrip(" "))
    return measured.minimum + indent, measured.maximum


def _widths(
    console: Console, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], kept: list[int]
) -> dict[int, int] | None:
    """Widths for the wrapping columns so that the table fits, each at least its longest
    word (and ``_NARROWEST``, if its text is that long), the room left shared out by how
    much more each would take; ``None`` when even the narrowest do not fit."""
    natural: dict[int, int] = {}
    narrowest: dict[int, int] = {}
    for i in kept:
        measured = [_cell_widths(console, row[i]) for row in rows]
        header = len(columns[i].header)
        natural[i] = max([header, *(m[1] for m in measured)])
        longest_word = max([*(m[0] for m in measured), *map(len, columns[i].header.split())])
        narrowest[i] = (
            natural[i] if not columns[i].wrap else max(longest_word, min(natural[i], _NARROWEST))
        )
    overhead = 3 * (len(kept) - 1)  # between two columns: padding, a blank rule, padding
    room = console.width - overhead
    if sum(natural.values()) <= room:
        return {}
    if sum(narrowest.values()) > room:
        return None
    spare = room - sum(narrowest.values())
    wanted = {i: natural[i] - narrowest[i] for i in kept if columns[i].wrap}
    total = sum(wanted.values()) or 1
    widths = {i: narrowest[i] + spare * wanted[i] // total for i in wanted}
    return widths


def _table(
    columns: Sequence[Column],
    rows: Sequence[Sequence[Cell]],
    kept: list[int],
    title: object,
    widths: dict[int, int],
) -> Table:
    table = Table(
        title=title,  # type: ignore[arg-type]
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        show_edge=False,
    )
    for i in kept:
        column = columns[i]
        table.add_column(
            column.header,
            justify=column.justify,  # type: ignore[arg-type]
            no_wrap=not column.wrap,
            overflow="fold",
            width=widths.get(i),
        )
    for row in rows:
        table.add_row(*(row[i] for i in kept))
    return table
