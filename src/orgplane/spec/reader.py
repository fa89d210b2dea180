"""Read one YAML file into plain data that remembers where every key and item was written.

Imports ``errors`` and ``model.source``. The YAML is parsed by libyaml (PyYAML's C
parser) as a stream of events, and the values are built here without recursion, so a
deeply nested or hostile file gets an error, not a crash. Scalars stay text (the
spec's pydantic models convert ``"3"`` to ``3`` where a number is meant), which keeps
``1.30`` a version and not the float ``1.3``, and avoids YAML 1.1's ``no`` → ``False``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from orgplane.errors import Diagnostic, SpecReadError
from orgplane.model.source import NodeSource, SourcedDict, SourcedList

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "read_yaml_file", "read_yaml_text"]

#: Largest spec file read, in bytes. Split a larger org into a folder of files.
MAX_FILE_BYTES = 16 * 1024 * 1024
#: Deepest nesting of YAML collections accepted (a group level uses two).
MAX_DEPTH = 200
#: Most aliases (``*name``) one file may use; defends against "billion laughs".
MAX_ALIASES = 1000

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_PLAIN_TAGS = frozenset(
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
_EXPECT_KEY = object()


def _fail(
    file: str, line: int, col: int, message: str, hint: str | None = None, code: str = "OP000"
) -> SpecReadError:
    return SpecReadError(Diagnostic(code, message, file, line, col, hint))


def read_yaml_file(path: Path, display: str | None = None) -> object:
    """Read and parse one spec file; ``display`` is the name errors use for it."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _fail(
                name,
                0,
                0,
                f"file is {size / 1024 / 1024:.1f} MiB, larger than the "
                f"{MAX_FILE_BYTES // 1024 // 1024} MiB a spec file may be",
                "split the org into a folder of smaller files",
            )
        data = path.read_bytes()
    except SpecReadError:
        raise
    except IsADirectoryError:
        raise _fail(name, 0, 0, "is a directory, expected a YAML file") from None
    except OSError as exc:
        raise _fail(name, 0, 0, f"cannot read file: {exc.strerror or exc}") from None
    return read_yaml_bytes(data, name)


def read_yaml_bytes(data: bytes, file: str) -> object:
    """Decode (UTF-8, optional BOM) and parse; binary and mis-encoded input are errors."""
    if len(data) > MAX_FILE_BYTES:
        raise _fail(file, 0, 0, f"input is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
    nul = data.find(b"\x00")
    if nul != -1:
        line = data.count(b"\n", 0, nul) + 1
        raise _fail(
            file,
            line,
            nul - data.rfind(b"\n", 0, nul),
            "binary file (NUL byte), expected YAML text",
        )
    try:
        text = data.decode("utf-8-sig")
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
    return read_yaml_text(text, file)


def read_yaml_text(text: str, file: str) -> object:
    """Parse YAML text into ``SourcedDict``/``SourcedList``/``str``/``None`` values."""
    try:
        return _build(yaml.parse(text, Loader=yaml.CSafeLoader), file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise _fail(file, 0, 0, f"invalid YAML: {problem}") from None
        raise _fail(file, mark.line + 1, mark.column + 1, f"invalid YAML: {problem}") from None
    except yaml.YAMLError as exc:
        raise _fail(file, 0, 0, f"invalid YAML: {exc}") from None


def _build(events: object, file: str) -> object:
    root: object = None
    documents = 0
    # A frame is [container, pending key or _EXPECT_KEY]; lists use [container, None].
    stack: list[list[object]] = []
    anchors: dict[str, object] = {}
    aliases = 0

    for event in events:  # type: ignore[attr-defined]
        kind = type(event)
        mark = event.start_mark
        line = mark.line + 1
        col = mark.column + 1

        if kind is yaml.ScalarEvent:
            if event.tag not in _PLAIN_TAGS:
                raise _fail(file, line, col, f"YAML tag {event.tag} is not supported in a spec")
            value: object = event.value
            if event.style is None and (
                event.value in _NULLS or event.tag == "tag:yaml.org,2002:null"
            ):
                value = None
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            if event.tag not in _PLAIN_TAGS:
                raise _fail(file, line, col, f"YAML tag {event.tag} is not supported in a spec")
            if len(stack) >= MAX_DEPTH:
                raise _fail(
                    file,
                    line,
                    col,
                    f"nesting deeper than {MAX_DEPTH} levels",
                    "flatten the structure",
                )
            if kind is yaml.MappingStartEvent:
                value = SourcedDict(NodeSource(file, line, col, {}, None))
            else:
                value = SourcedList(line, col)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            stack.pop()
            continue
        elif kind is yaml.AliasEvent:
            aliases += 1
            if aliases > MAX_ALIASES:
                raise _fail(file, line, col, f"more than {MAX_ALIASES} aliases")
            if event.anchor not in anchors:
                raise _fail(
                    file, line, col, f"alias *{event.anchor} before its anchor &{event.anchor}"
                )
            value = anchors[event.anchor]
            if any(frame[0] is value for frame in stack):
                raise _fail(file, line, col, f"alias *{event.anchor} refers to itself")
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise _fail(
                    file,
                    line,
                    col,
                    "more than one YAML document in the file",
                    "use one file per document",
                )
            continue
        else:  # stream start/end, document end
            continue

        anchor = getattr(event, "anchor", None)
        if anchor is not None and kind is not yaml.AliasEvent:
            anchors[anchor] = value

        if not stack:
            root = value
        else:
            frame = stack[-1]
            container = frame[0]
            if type(container) is SourcedList:
                container.append(value)
                container.positions.append((line, col))
            else:
                assert isinstance(container, SourcedDict)
                source = container.source
                if frame[1] is _EXPECT_KEY:
                    if not isinstance(value, str):
                        raise _fail(file, line, col, "a mapping key must be plain text")
                    if value in container:
                        assert source.keys is not None
                        first_line, first_col = source.keys[value]
                        raise _fail(
                            file,
                            line,
                            col,
                            f"duplicate key {value!r} (first at line {first_line}, column {first_col})",
                            code="OP003",
                        )
                    assert source.keys is not None
                    source.keys[value] = (line, col)
                    frame[1] = value
                else:
                    key = frame[1]
                    assert isinstance(key, str)
                    container[key] = value
                    if type(value) is SourcedList:
                        if source.items is None:
                            source.items = {}
                        source.items[key] = value.positions
                    frame[1] = _EXPECT_KEY
        if kind is yaml.MappingStartEvent:
            stack.append([value, _EXPECT_KEY])
        elif kind is yaml.SequenceStartEvent:
            stack.append([value, None])

    if documents == 0:
        return None
    return root
