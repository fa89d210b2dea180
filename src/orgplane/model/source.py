"""Source positions of loaded values: where in which file a value was written.

Pure data; imports nothing from orgplane but ``errors``-free stdlib. Loaders attach a
``NodeSource`` to every model they build, so rules and errors can point at file:line:col.

A spec read in the packed form (``spec.packed``, used when a large spec is read in
parallel) keeps its positions in one ``PositionTable`` per file; each model then gets a
``PackedSource``, a ``NodeSource`` that decodes its positions from the table when first
asked for them.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TypeAlias

__all__ = [
    "Location",
    "NodeSource",
    "PackedNode",
    "PackedSource",
    "PositionTable",
    "SourcedDict",
    "SourcedList",
    "pack_position",
]


@dataclass(frozen=True, slots=True)
class Location:
    """A 1-based position in a file, printed as ``file:line:col``."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class NodeSource:
    """Where a mapping was written, and where each of its keys and list items are.

    Positions are kept as ``(line, col)`` tuples and turned into ``Location`` objects
    only when asked for: a large org has hundreds of thousands of them.
    """

    __slots__ = ("col", "file", "items", "keys", "line")

    def __init__(
        self,
        file: str,
        line: int,
        col: int,
        keys: dict[str, tuple[int, int]] | None = None,
        items: dict[str, list[tuple[int, int]]] | None = None,
    ) -> None:
        self.file = file
        self.line = line
        self.col = col
        self.keys = keys
        self.items = items

    def location(self, field: str | None = None, index: int | None = None) -> Location:
        if field is not None:
            if index is not None and self.items and field in self.items:
                positions = self.items[field]
                if 0 <= index < len(positions):
                    line, col = positions[index]
                    return Location(self.file, line, col)
            if self.keys and field in self.keys:
                line, col = self.keys[field]
                return Location(self.file, line, col)
        return Location(self.file, self.line, self.col)


class SourcedDict(dict[str, object]):
    """A mapping read from a file, carrying where it was written."""

    __slots__ = ("source",)

    def __init__(self, source: NodeSource) -> None:
        super().__init__()
        self.source = source


class SourcedList(list[object]):
    """A sequence read from a file, carrying where each item was written."""

    __slots__ = ("col", "line", "positions")

    def __init__(self, line: int, col: int) -> None:
        super().__init__()
        self.line = line
        self.col = col
        self.positions: list[tuple[int, int]] = []


#: Where a value of the packed form was read. A mapping: the offset of its record in the
#: file's ``PositionTable``, and when it holds mappings or lists, ``(offset, {key: node})``
#: for those values. A list that holds mappings or lists: one node per item, None for the
#: others (a list of scalars has no node).
PackedNode: TypeAlias = "int | tuple[int, dict[str, PackedNode]] | list[PackedNode | None]"

_LOW = 0xFFFFFFFF


def pack_position(line: int, column: int) -> int:
    """A 0-based line and column (libyaml's marks) as one integer of a ``PositionTable``."""
    return line << 32 | column


def _unpack(position: int) -> tuple[int, int]:
    return (position >> 32) + 1, (position & _LOW) + 1


class PositionTable:
    """Every position of one file read in the packed form, as 64-bit integers.

    One record per mapping, at the offset its ``PackedNode`` names: the mapping's
    position; the index of its tuple of key names in ``names`` (files repeat the same
    keys, so each tuple is kept once); the number of its list-valued keys; one position
    per key; then per list-valued key its ordinal among the keys, its item count and one
    position per item. A position is ``pack_position(line, column)`` of libyaml's 0-based
    mark. Integers in one flat array cost far less to send between processes, and to
    keep, than a dict of tuples per mapping.
    """

    __slots__ = ("file", "names", "table")

    def __init__(self, file: str, table: bytes, names: list[tuple[str, ...]]) -> None:
        self.file = file
        self.table = array("q")
        self.table.frombytes(table)
        self.names = names

    def source(self, offset: int) -> NodeSource:
        """The mapping at ``offset`` as a ``NodeSource`` with every position decoded."""
        table = self.table
        line, col = _unpack(table[offset])
        names = self.names[table[offset + 1]]
        lists = table[offset + 2]
        start = offset + 3
        keys = dict(zip(names, map(_unpack, table[start : start + len(names)]), strict=True))
        items: dict[str, list[tuple[int, int]]] | None = None
        start += len(names)
        for _ in range(lists):
            ordinal, count = table[start], table[start + 1]
            start += 2
            if items is None:
                items = {}
            items[names[ordinal]] = list(map(_unpack, table[start : start + count]))
            start += count
        return NodeSource(self.file, line, col, keys, items)

    def item(self, offset: int, key: str, index: int) -> tuple[int, int] | None:
        """Where item ``index`` of the list under ``key`` of the mapping at ``offset`` is."""
        table = self.table
        names = self.names[table[offset + 1]]
        start = offset + 3 + len(names)
        for _ in range(table[offset + 2]):
            ordinal, count = table[start], table[start + 1]
            start += 2
            if names[ordinal] == key:
                return _unpack(table[start + index]) if 0 <= index < count else None
            start += count
        return None


_DECODED = frozenset({"col", "items", "keys", "line"})


class PackedSource(NodeSource):
    """A ``NodeSource`` whose positions stay in the file's ``PositionTable`` until asked for.

    A large spec has one per model and few are ever read (errors and findings read them),
    so ``line``, ``col``, ``keys`` and ``items`` are left unset here: reading one of them
    falls through to ``__getattr__``, which decodes the record once and sets all four.
    Copies and pickles are plain ``NodeSource`` values.
    """

    __slots__ = ("_offset", "_table")

    def __init__(self, table: PositionTable, offset: int) -> None:
        self.file = table.file
        self._table = table
        self._offset = offset

    def __getattr__(self, name: str) -> object:
        if name not in _DECODED:
            raise AttributeError(name)
        decoded = self._table.source(self._offset)
        self.line = decoded.line
        self.col = decoded.col
        self.keys = decoded.keys
        self.items = decoded.items
        return getattr(self, name)

    def __reduce__(self) -> tuple[type[NodeSource], tuple[object, ...]]:
        return NodeSource, (self.file, self.line, self.col, self.keys, self.items)
