"""Source positions of loaded values: where in which file a value was written.

Pure data; imports nothing from orgplane but ``errors``-free stdlib. Loaders attach a
``NodeSource`` to every model they build, so rules and errors can point at file:line:col.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Location", "NodeSource", "SourcedDict", "SourcedList"]


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
