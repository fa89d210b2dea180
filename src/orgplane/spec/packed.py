"""Read one YAML file into the packed form: plain values, and their positions in a table.

Imports ``errors``, ``model.source``, ``spec.files`` and ``spec.reader``. The reader
(``spec/reader.py``) gives ``SourcedDict``/``SourcedList`` values that carry their
positions; this gives the same values as plain ``dict``/``list``/``str``/``None``, their
positions in a ``PositionTable`` and a ``PackedNode`` tree that ties each mapping to its
record there. That form is what ``spec.parallel`` sends between processes: ``marshal``
carries it in a tenth of the time ``pickle`` needs for the models, and pydantic
validates a plain ``dict`` faster than a ``dict`` subclass. ``attach_packed_sources``
then gives each model the positions ``attach_sources`` would.

It accepts exactly the files the reader accepts, with the same values and positions.
Whatever it cannot represent (aliases, a top level that is not a mapping, an empty
file) and every error give None: the caller reads that file with the reader, which
gives the value or the positioned error.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from orgplane.errors import SpecReadError
from orgplane.model.source import PackedNode, pack_position
from orgplane.spec.files import MAX_FILE_BYTES, read_regular_file
from orgplane.spec.reader import MAX_DEPTH, NULL_TAG, NULLS, PLAIN_TAGS, decode_text

__all__ = ["PackedFile", "read_packed_bytes", "read_packed_file"]


class PackedFile(NamedTuple):
    """One file in the packed form (see ``model.source.PositionTable`` for ``table``)."""

    values: dict[str, object]
    node: PackedNode
    table: bytes
    names: list[tuple[str, ...]]


class _NotPackedError(Exception):
    """The file is not read here; the reader reads it (and reports its error, if any)."""


def read_packed_file(path: Path, file: str) -> PackedFile | None:
    """``path`` in the packed form, or None when the reader must read it (see above)."""
    try:
        data = read_regular_file(path, file)
    except SpecReadError:
        return None
    return read_packed_bytes(data, file)


def read_packed_bytes(data: bytes, file: str) -> PackedFile | None:
    """The bytes of the file ``file`` in the packed form; None as for ``read_packed_file``."""
    if len(data) > MAX_FILE_BYTES:
        return None
    try:
        text = decode_text(data, file, "YAML")
    except SpecReadError:
        return None
    parser = yaml.CSafeLoader(text)
    try:
        return _build(iter(parser.get_event, None))
    except (_NotPackedError, yaml.YAMLError):
        return None
    finally:
        parser.dispose()


def _build(events: Iterator[Any]) -> PackedFile | None:
    """``spec.reader._build`` giving the packed form; the same checks in the same places,
    each one ending in ``_NotPackedError`` instead of a positioned error."""
    scalar_event = yaml.ScalarEvent
    mapping_start = yaml.MappingStartEvent
    mapping_end = yaml.MappingEndEvent
    sequence_start = yaml.SequenceStartEvent
    sequence_end = yaml.SequenceEndEvent
    document_start = yaml.DocumentStartEvent
    alias_event = yaml.AliasEvent
    plain_tags = PLAIN_TAGS
    nulls = NULLS

    table = array("q")
    name_ids: dict[tuple[str, ...], int] = {}
    root: object = None
    root_node: PackedNode | None = None
    documents = 0
    # As in the reader, the innermost open collection is kept in locals. A mapping: its
    # ``keys`` (name → position), the ``key`` whose value comes next, its position
    # ``where``, the nodes of the collections it holds (``below``) and, per list-valued
    # key, the key's ordinal and the list's item positions (``lists``). A sequence: its
    # item ``positions`` and, once it holds a collection, one node per item (``nodes``).
    # The collections around it wait on ``stack`` as tuples; None is the top level.
    mapping: dict[str, object] | None = None
    keys: dict[str, int] = {}
    key: str | None = None
    where = 0
    below: dict[str, PackedNode] | None = None
    lists: list[tuple[int, list[int]]] | None = None
    sequence: list[object] | None = None
    positions: list[int] = []
    nodes: list[PackedNode | None] | None = None
    stack: list[tuple[Any, ...] | None] = []

    for event in events:
        kind = event.__class__
        if kind is scalar_event:
            value: object = event.value
            tag = event.tag
            if tag is not None and tag not in plain_tags:
                raise _NotPackedError
            if (not event.style and value in nulls) or tag == NULL_TAG:
                value = None
            if mapping is not None:
                if key is None:
                    if not isinstance(value, str) or value in keys:
                        raise _NotPackedError
                    mark = event.start_mark
                    keys[value] = mark.line << 32 | mark.column
                    key = value
                else:
                    if value is not None:
                        mapping[key] = value
                    key = None
            elif sequence is not None:
                mark = event.start_mark
                sequence.append(value)
                positions.append(mark.line << 32 | mark.column)
                if nodes is not None:
                    nodes.append(None)
            else:
                root = value
            continue

        node: PackedNode | None
        if kind is mapping_end:
            names = tuple(keys)
            name_id = name_ids.get(names)
            if name_id is None:
                name_id = name_ids[names] = len(name_ids)
            offset = len(table)
            table.extend((where, name_id, len(lists) if lists else 0))
            table.extend(keys.values())
            if lists:
                for ordinal, items in lists:
                    table.extend((ordinal, len(items)))
                    table.extend(items)
            node = offset if below is None else (offset, below)
        elif kind is sequence_end:
            node = nodes
        else:
            node = None
        if kind is mapping_end or kind is sequence_end:
            frame = stack.pop()
            if frame is None:
                mapping = sequence = None
                root_node = node
            elif len(frame) == 6:
                mapping, keys, where, below, lists, child_key = frame
                sequence, key = None, None
                if node is not None:
                    if below is None:
                        below = {}
                    below[child_key] = node
            else:
                sequence, positions, nodes = frame
                mapping = None
                if node is not None:
                    if nodes is None:
                        nodes = [None] * len(sequence)
                    nodes[-1] = node
            continue

        if kind is mapping_start or kind is sequence_start:
            tag = event.tag
            if tag is not None and tag not in plain_tags:
                raise _NotPackedError
            if len(stack) >= MAX_DEPTH:
                raise _NotPackedError
            mark = event.start_mark
            position = pack_position(mark.line, mark.column)
            value = {} if kind is mapping_start else []
        elif kind is alias_event:
            # Aliases (and so their expansion, bounded there) are left to the reader.
            raise _NotPackedError
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise _NotPackedError
            continue
        else:  # stream start/end, document end
            continue

        # A collection: place it like a scalar, and open it.
        item_positions: list[int] = []
        if mapping is not None:
            if key is None:
                raise _NotPackedError
            mapping[key] = value
            if kind is sequence_start:
                if lists is None:
                    lists = []
                lists.append((len(keys) - 1, item_positions))
            stack.append((mapping, keys, where, below, lists, key))
        elif sequence is not None:
            sequence.append(value)
            positions.append(position)
            if nodes is not None:
                nodes.append(None)
            stack.append((sequence, positions, nodes))
        else:
            root = value
            stack.append(None)
        if kind is mapping_start:
            assert type(value) is dict
            mapping, sequence, keys, key = value, None, {}, None
            where, below, lists = position, None, None
        else:
            assert type(value) is list
            mapping, sequence, positions, nodes = None, value, item_positions, None

    if documents == 0 or type(root) is not dict or root_node is None:
        return None
    return PackedFile(root, root_node, table.tobytes(), list(name_ids))
