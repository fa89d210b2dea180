"""Read one YAML file into plain data that remembers where every key and item was written.

Imports ``errors``, ``model.source`` and ``spec.files``. The YAML is parsed by libyaml
(PyYAML's C parser) as a stream of events, and the values are built here without
recursion, so a deeply nested or hostile file gets an error, not a crash; what aliases
stand for is bounded as they are read (``MAX_EXPANDED_NODES``). Scalars stay text (the
spec's pydantic models convert ``"3"`` to ``3`` where a number is meant), which keeps
``1.30`` a version and not the float ``1.3``, and avoids YAML 1.1's ``no`` → ``False``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from orgplane.errors import Diagnostic, SpecReadError
from orgplane.model.source import NodeSource, SourcedDict, SourcedList
from orgplane.spec.files import MAX_FILE_BYTES, read_regular_file

__all__ = [
    "MAX_DEPTH",
    "MAX_EXPANDED_CHARS",
    "MAX_EXPANDED_NODES",
    "MAX_FILE_BYTES",
    "NULLS",
    "NULL_TAG",
    "PLAIN_TAGS",
    "decode_text",
    "read_yaml_bytes",
    "read_yaml_file",
    "read_yaml_text",
]

#: Deepest nesting of YAML collections accepted (a group level uses two).
MAX_DEPTH = 200
#: Most aliases (``*name``) one file may use; defends against "billion laughs".
MAX_ALIASES = 1000
#: Most YAML nodes (scalars and collections) the aliases of one file may stand for, all
#: together. The reader shares an alias's value, but everything after it (the models,
#: the database) copies it, so "ten aliases of ten aliases of ..." in a few hundred bytes
#: would become millions of groups. Aliases may make a file stand for no more than about
#: twice the largest file: a 16 MiB file of the large generated org holds about 1.6
#: million nodes (a 20,000-person file about 240,000), and ordinary reuse (a stack, a
#: KPI, a list of people named again) stays far below.
MAX_EXPANDED_NODES = 2_000_000
#: Most characters of YAML text the aliases of one file may stand for, all together: as
#: much as the largest file holds (a few nodes may carry long strings).
MAX_EXPANDED_CHARS = MAX_FILE_BYTES

NULLS = frozenset({"", "~", "null", "Null", "NULL"})
PLAIN_TAGS = frozenset(
    {
        None,
        "!",
        "tag:yaml.org,2002:str",
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
        "tag:yaml.org,2002:map",
        "tag:yaml.org,2002:seq",
    }
)
NULL_TAG = "tag:yaml.org,2002:null"


def _fail(
    file: str, line: int, col: int, message: str, hint: str | None = None, code: str = "OP000"
) -> SpecReadError:
    return SpecReadError(Diagnostic(code, message, file, line, col, hint))


def read_yaml_file(path: Path, display: str | None = None) -> object:
    """Read and parse one spec file; ``display`` is the name errors use for it."""
    name = display or str(path)
    return read_yaml_bytes(read_regular_file(path, name), name)


def read_yaml_bytes(data: bytes, file: str) -> object:
    """Decode (UTF-8, optional BOM) and parse; binary and mis-encoded input are errors."""
    if len(data) > MAX_FILE_BYTES:
        raise _fail(file, 0, 0, f"input is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
    return read_yaml_text(decode_text(data, file, "YAML"), file)


def decode_text(data: bytes, file: str, kind: str) -> str:
    """UTF-8 text (a BOM is dropped) or a positioned error: binary data, another encoding."""
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        col = nul - data.rfind(b"\n", 0, nul)
        raise _fail(file, line, col, f"binary file (NUL byte), expected {kind} text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        col = exc.start - data.rfind(b"\n", 0, exc.start)
        raise _fail(
            file,
            line,
            col,
            f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
            "save the file as UTF-8",
        ) from None


def read_yaml_text(text: str, file: str) -> object:
    """Parse YAML text into ``SourcedDict``/``SourcedList``/``str``/``None`` values."""
    parser = None
    try:
        parser = yaml.CSafeLoader(text)
        # ``iter(get_event, None)`` walks libyaml's events without ``yaml.parse``'s
        # generator and its extra ``check_event`` call per event.
        return _build(iter(parser.get_event, None), file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise _fail(file, 0, 0, f"invalid YAML: {problem}") from None
        raise _fail(file, mark.line + 1, mark.column + 1, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _fail(file, 0, 0, f"invalid YAML: {exc}") from None
    finally:
        if parser is not None:
            parser.dispose()


def _fail_at(event: Any, file: str, message: str, hint: str | None = None) -> SpecReadError:
    mark = event.start_mark
    return _fail(file, mark.line + 1, mark.column + 1, message, hint)


def _build(events: Iterator[Any], file: str) -> object:
    """Turn parser events into values; the loop runs once per event of a 20 MiB spec,
    so it is written for speed: see the comments on its state."""
    scalar_event = yaml.ScalarEvent
    mapping_start = yaml.MappingStartEvent
    mapping_end = yaml.MappingEndEvent
    sequence_start = yaml.SequenceStartEvent
    sequence_end = yaml.SequenceEndEvent
    alias_event = yaml.AliasEvent
    document_start = yaml.DocumentStartEvent
    plain_tags = PLAIN_TAGS
    nulls = NULLS
    new_dict = dict.__new__

    root: object = None
    documents = 0
    anchors: dict[str, object] = {}
    aliases = 0
    # What the aliases stand for (see MAX_EXPANDED_NODES), counted as they are read, so
    # a bomb is refused at the alias that crosses a bound, before anything is copied:
    # ``extra_nodes``/``extra_chars`` what the aliases read so far stand for, ``sizes``
    # each anchor's expanded nodes and characters. An anchored collection waits on
    # ``anchored`` until it ends (with its start and ``extra_chars`` then); its nodes are
    # counted then (``_expanded_nodes``). Nothing of this runs for a file without
    # anchors: the hot paths stay as they were.
    extra_nodes = 0
    extra_chars = 0
    sizes: dict[str, tuple[int, int]] = {}
    expanded: dict[int, int] = {}
    anchored: list[tuple[object, str, int, int]] = []
    # The innermost open collection is kept in locals, not in a frame on the stack: a
    # mapping (with its ``keys`` positions and the ``key`` whose value comes next, None
    # when the next scalar is a key) or a sequence (with its item ``positions``). The
    # collections around it wait on ``stack``; ``None`` there stands for the top level,
    # so ``len(stack)`` is the nesting depth.
    mapping: SourcedDict | None = None
    keys: dict[str, tuple[int, int]] = {}
    key: str | None = None
    sequence: SourcedList | None = None
    positions: list[tuple[int, int]] = []
    stack: list[SourcedDict | SourcedList | None] = []

    for event in events:
        kind = event.__class__
        # Scalars are most of the events: they take this short path and ``continue``.
        if kind is scalar_event:
            value: object = event.value
            tag = event.tag
            if tag is not None and tag not in plain_tags:
                raise _fail_at(event, file, f"YAML tag {tag} is not supported in a spec")
            # A plain (unquoted) null, ``~`` or nothing reads as None; libyaml gives plain
            # scalars the style '' and quoted ones '"' or "'", so "null" stays text.
            if (not event.style and value in nulls) or tag == NULL_TAG:
                value = None
            anchor = event.anchor
            if anchor is not None:
                anchors[anchor] = value
                sizes[anchor] = (1, len(event.value))
            if mapping is not None:
                if key is None:
                    mark = event.start_mark
                    line = mark.line + 1
                    col = mark.column + 1
                    if not isinstance(value, str):
                        raise _fail(file, line, col, "a mapping key must be plain text")
                    if value in keys:
                        raise _duplicate(file, line, col, value, keys)
                    keys[value] = (line, col)
                    key = value
                else:
                    # A key with no value (``key:`` or ``key: null``) means "not set": the
                    # field keeps its default, and a required one is reported missing.
                    if value is not None:
                        mapping[key] = value
                    key = None
            elif sequence is not None:
                mark = event.start_mark
                sequence.append(value)
                positions.append((mark.line + 1, mark.column + 1))
            else:
                root = value
            continue

        if kind is mapping_end or kind is sequence_end:
            if anchored and anchored[-1][0] is (mapping if mapping is not None else sequence):
                closed, name, start_index, start_chars = anchored.pop()
                size = _expanded_nodes(closed, expanded)
                expanded[id(closed)] = size
                sizes[name] = (size, event.end_mark.index - start_index + extra_chars - start_chars)
            container = stack.pop()
            if container is None:
                mapping = sequence = None
            elif type(container) is SourcedList:
                mapping, sequence, positions = None, container, container.positions
            else:
                assert type(container) is SourcedDict
                assert container.source.keys is not None
                mapping, sequence, keys, key = container, None, container.source.keys, None
            continue
        if kind is mapping_start or kind is sequence_start:
            tag = event.tag
            if tag is not None and tag not in plain_tags:
                raise _fail_at(event, file, f"YAML tag {tag} is not supported in a spec")
            if len(stack) >= MAX_DEPTH:
                raise _fail_at(
                    event, file, f"nesting deeper than {MAX_DEPTH} levels", "flatten the structure"
                )
            mark = event.start_mark
            line = mark.line + 1
            col = mark.column + 1
            if kind is mapping_start:
                # ``dict.__new__`` skips ``SourcedDict.__init__`` (a Python call) per mapping.
                value = new_dict(SourcedDict)
                value.source = NodeSource(file, line, col, {}, None)
            else:
                value = SourcedList(line, col)
            anchor = event.anchor
            if anchor is not None:
                anchors[anchor] = value
                anchored.append((value, anchor, mark.index, extra_chars))
        elif kind is alias_event:
            mark = event.start_mark
            line = mark.line + 1
            col = mark.column + 1
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _fail(file, line, col, f"more than {MAX_ALIASES} aliases")
            anchor = event.anchor
            if anchor not in anchors:
                raise _fail(file, line, col, f"alias *{anchor} before its anchor &{anchor}")
            value = anchors[anchor]
            if value is mapping or value is sequence or any(c is value for c in stack):
                raise _fail(file, line, col, f"alias *{anchor} refers to itself")
            size_nodes, size_chars = sizes[anchor]
            extra_nodes += size_nodes
            extra_chars += size_chars
            if extra_nodes > MAX_EXPANDED_NODES:
                raise _fail(
                    file,
                    line,
                    col,
                    f"aliases expand the file by more than {MAX_EXPANDED_NODES:,} YAML nodes",
                    "write the repeated parts out, or split the org into smaller files",
                )
            if extra_chars > MAX_EXPANDED_CHARS:
                raise _fail(
                    file,
                    line,
                    col,
                    "aliases expand the file by more than "
                    f"{MAX_EXPANDED_CHARS // 1024 // 1024} MiB of YAML text",
                    "write the repeated parts out, or split the org into smaller files",
                )
        elif kind is document_start:
            documents += 1
            if documents > 1:
                raise _fail_at(
                    event,
                    file,
                    "more than one YAML document in the file",
                    "use one file per document",
                )
            continue
        else:  # stream start/end, document end
            continue

        # A collection or an alias: place it like a scalar, and remember where list
        # items are for the mapping that holds the list.
        if mapping is not None:
            if key is None:
                if not isinstance(value, str):
                    raise _fail(file, line, col, "a mapping key must be plain text")
                if value in keys:
                    raise _duplicate(file, line, col, value, keys)
                keys[value] = (line, col)
                key = value
            else:
                mapping[key] = value
                if type(value) is SourcedList:
                    source = mapping.source
                    if source.items is None:
                        source.items = {}
                    source.items[key] = value.positions
                key = None
        elif sequence is not None:
            sequence.append(value)
            positions.append((line, col))
        else:
            root = value
        if kind is mapping_start:
            stack.append(mapping if mapping is not None else sequence)
            assert type(value) is SourcedDict
            assert value.source.keys is not None
            mapping, sequence, keys, key = value, None, value.source.keys, None
        elif kind is sequence_start:
            stack.append(mapping if mapping is not None else sequence)
            assert type(value) is SourcedList
            mapping, sequence, positions = None, value, value.positions

    if documents == 0:
        return None
    return root


def _expanded_nodes(value: object, expanded: dict[int, int]) -> int:
    """The nodes ``value`` stands for with its aliases expanded (a mapping's keys count).
    A collection already measured (an earlier anchor, in ``expanded`` by id) counts its
    size without being walked again, so the walks of a file see each node once."""
    total = 0
    todo = [value]
    while todo:
        item = todo.pop()
        known = expanded.get(id(item)) if item is not value else None
        if known is not None:
            total += known
        elif type(item) is SourcedDict:
            total += 1 + len(item)
            todo.extend(item.values())
        elif type(item) is SourcedList:
            total += 1
            todo.extend(item)
        else:
            total += 1
    return total


def _duplicate(
    file: str, line: int, col: int, key: str, keys: dict[str, tuple[int, int]]
) -> SpecReadError:
    first_line, first_col = keys[key]
    return _fail(
        file,
        line,
        col,
        f"duplicate key {key!r} (first at line {first_line}, column {first_col})",
        code="OP003",
    )
