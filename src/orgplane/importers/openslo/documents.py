"""OpenSLO files and their documents: finding and reading them, with file:line:col.

Imports ``spec.reader`` (values that remember their file:line:col), ``model`` and
``errors``. A file is a YAML stream of any number of documents; each is read on its own
with the positions of the file. The field accessors here read a document's values and
raise ``DocumentError`` at the value's position; ``index_file`` collects the Services,
SLIs and DataSources of the files imported, by name (``importers.openslo.importer`` uses them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from orgplane.errors import Diagnostic, SpecReadError
from orgplane.model.source import SourcedDict, SourcedList
from orgplane.spec.reader import MAX_FILE_BYTES, decode_text, read_yaml_text

__all__ = [
    "ALERT_KINDS",
    "API_VERSIONS",
    "DocumentError",
    "DocumentIndex",
    "NamedDocument",
    "OpenSloDocument",
    "OpenSloFile",
    "document_header",
    "error_at",
    "field_flag",
    "field_items",
    "field_mapping",
    "field_number",
    "field_text",
    "index_file",
    "looks_like_openslo",
    "missing_field",
    "orgplane_annotations",
    "read_openslo",
    "read_openslo_text",
    "required_text",
]

API_VERSIONS = ("openslo/v1", "openslo/v1alpha")
_ANNOTATION = "orgplane.dev/"
_KINDS = ("SLO", "SLI", "Service", "DataSource")
ALERT_KINDS = ("AlertPolicy", "AlertCondition", "AlertNotificationTarget")
_SNIFF_BYTES = 1 << 20
_API_LINE = re.compile(rb"^[\"']?apiVersion[\"']?\s*:\s*[\"']?openslo/", re.MULTILINE)
_FIRST_KEY = re.compile(rb"^[\"']?(apiVersion|kind)[\"']?\s*:")
#: The first line of what ``orgplane export openslo`` writes (even with no SLO in it).
_EXPORT_HEADER = b"# OpenSLO (openslo/"


# -- reading ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpenSloDocument:
    """One document of an OpenSLO stream and the lines it spans."""

    data: SourcedDict
    first_line: int
    last_line: int


@dataclass(frozen=True, slots=True)
class OpenSloFile:
    """An OpenSLO file read: its documents and its lines that carry content."""

    path: str
    documents: tuple[OpenSloDocument, ...]
    content_lines: frozenset[int]


def looks_like_openslo(path: Path) -> bool:
    """Whether ``path`` is OpenSLO YAML: a ``.yaml``/``.yml`` file with a top-level
    ``apiVersion: openslo/…`` line, any file whose first key is ``apiVersion`` or
    ``kind`` and that has one, or what ``orgplane export openslo`` wrote. Files that
    cannot be read are not (the Markdown reader reports why)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    if head.startswith(_EXPORT_HEADER):
        return True
    if _API_LINE.search(head) is None:
        return False
    if path.suffix.lower() in (".yaml", ".yml"):
        return True
    for line in head.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith((b"#", b"%", b"---")):
            continue
        return _FIRST_KEY.match(line) is not None
    return False


def read_openslo(path: Path, display: str | None = None) -> OpenSloFile:
    """Read one OpenSLO file; ``SpecReadError`` (with file:line:col) when it cannot be."""
    name = display or str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise _read_error(name, f"file is larger than {MAX_FILE_BYTES // 1024 // 1024} MiB")
        data = path.read_bytes()
    except IsADirectoryError:
        raise _read_error(name, "is a directory, expected an OpenSLO YAML file") from None
    except OSError as exc:
        raise _read_error(name, f"cannot read file: {exc.strerror or exc}") from None
    return read_openslo_text(decode_text(data, name, "YAML"), name)


def read_openslo_text(text: str, file: str) -> OpenSloFile:
    """Parse a YAML stream of any number of documents.

    The spec reader reads one document per file, so the stream is first walked with
    libyaml's event parser to find where each document starts and ends; each is then
    read on its own, padded so that its lines and columns are those of the file.
    """
    documents: list[OpenSloDocument] = []
    for start, end, first_line, first_col in _document_spans(text, file):
        chunk = "\n" * first_line + " " * first_col + text[start:end]
        value = read_yaml_text(chunk, file)
        if value is None:
            continue
        if not isinstance(value, SourcedDict):
            raise _read_error(file, "an OpenSLO document is a mapping", first_line + 1, 1)
        last = text.count("\n", 0, end) + (0 if end and text[end - 1] == "\n" else 1)
        documents.append(OpenSloDocument(value, first_line + 1, max(last, first_line + 1)))
    content = frozenset(
        number
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
        and not line.lstrip().startswith("#")
        and not re.match(r"^(---|\.\.\.)(\s|$)", line)
    )
    return OpenSloFile(file, tuple(documents), content)


def _document_spans(text: str, file: str) -> Iterator[tuple[int, int, int, int]]:
    """``(start index, end index, start line, start column)`` of each document (0-based)."""
    parser = yaml.CSafeLoader(text) if yaml.__with_libyaml__ else yaml.SafeLoader(text)
    try:
        start = None
        for event in iter(parser.get_event, None):
            if isinstance(event, yaml.DocumentStartEvent):
                start = event.start_mark
            elif isinstance(event, yaml.DocumentEndEvent) and start is not None:
                end = event.end_mark
                assert end is not None
                yield start.index, end.index, start.line, start.column
                start = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        if mark is None:
            raise _read_error(file, f"invalid YAML: {problem}") from None
        raise _read_error(
            file, f"invalid YAML: {problem}", mark.line + 1, mark.column + 1
        ) from None
    except yaml.YAMLError as exc:
        raise _read_error(file, f"invalid YAML: {exc}") from None
    finally:
        parser.dispose()


def _read_error(file: str, message: str, line: int = 0, col: int = 0) -> SpecReadError:
    return SpecReadError(Diagnostic("OP000", message, file, line, col))


# -- positioned values --------------------------------------------------------------------


class DocumentError(Exception):
    """One problem in a document, positioned; becomes the file's diagnostic."""

    def __init__(self, diagnostic: Diagnostic) -> None:
        super().__init__(str(diagnostic))
        self.diagnostic = diagnostic


def error_at(
    where: SourcedDict,
    key: str | None,
    message: str,
    *,
    code: str = "OP001",
    hint: str | None = None,
    index: int | None = None,
) -> DocumentError:
    location = where.source.location(key, index)
    return DocumentError(
        Diagnostic(code, message, location.file, location.line, location.col, hint)
    )


def missing_field(
    where: SourcedDict, key: str, what: str, hint: str | None = None
) -> DocumentError:
    return error_at(
        where, None, f"missing required field '{key}' in {what}", code="OP004", hint=hint
    )


def field_mapping(
    where: SourcedDict, key: str, what: str, *, required: bool = False
) -> SourcedDict:
    value = where.get(key)
    if value is None:
        if required:
            raise missing_field(where, key, what)
        return SourcedDict(where.source)
    if not isinstance(value, SourcedDict):
        raise error_at(where, key, f"{what}: '{key}' must be a mapping")
    return value


def field_items(where: SourcedDict, key: str, what: str) -> list[tuple[int, SourcedDict]]:
    value = where.get(key)
    if value is None:
        return []
    if not isinstance(value, SourcedList):
        raise error_at(where, key, f"{what}: '{key}' must be a list")
    out: list[tuple[int, SourcedDict]] = []
    for index, item in enumerate(value):
        if not isinstance(item, SourcedDict):
            raise error_at(where, key, f"{what}: each item of '{key}' is a mapping", index=index)
        out.append((index, item))
    return out


def field_text(where: SourcedDict, key: str, what: str, *, required: bool = False) -> str | None:
    value = where.get(key)
    if value is None:
        if required:
            raise missing_field(where, key, what)
        return None
    if not isinstance(value, str):
        raise error_at(where, key, f"{what}: '{key}' must be text")
    return value.strip()


def required_text(where: SourcedDict, key: str, what: str) -> str:
    text = field_text(where, key, what, required=True)
    assert text is not None  # field_text raised otherwise
    return text


def field_number(where: SourcedDict, key: str, what: str) -> Decimal | None:
    text = field_text(where, key, what)
    if text is None:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise error_at(where, key, f"{what}: '{key}' must be a number, not {text!r}") from None
    if not number.is_finite():
        raise error_at(where, key, f"{what}: '{key}' must be a finite number")
    return number


def field_flag(where: SourcedDict, key: str, what: str) -> bool | None:
    text = field_text(where, key, what)
    if text is None:
        return None
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    raise error_at(where, key, f"{what}: '{key}' must be true or false, not {text!r}")


def orgplane_annotations(metadata: SourcedDict) -> dict[str, str]:
    """The ``orgplane.dev/…`` annotations, without the prefix."""
    value = metadata.get("annotations")
    if not isinstance(value, SourcedDict):
        return {}
    return {
        key.removeprefix(_ANNOTATION): item.strip()
        for key, item in value.items()
        if key.startswith(_ANNOTATION) and isinstance(item, str)
    }


# -- the documents, indexed ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NamedDocument:
    """A Service, SLI or DataSource document."""

    version: str
    name: str
    data: SourcedDict
    metadata: SourcedDict
    spec: SourcedDict


@dataclass(slots=True)
class DocumentIndex:
    """The Services, SLIs and DataSources of every file imported, by name."""

    services: dict[str, NamedDocument] = field(default_factory=dict)
    slis: dict[str, NamedDocument] = field(default_factory=dict)
    sources: dict[str, NamedDocument] = field(default_factory=dict)


def document_header(doc: SourcedDict) -> tuple[str, str]:
    """``(apiVersion, kind)`` of a document, checked."""
    version = required_text(doc, "apiVersion", "an OpenSLO document")
    if version not in API_VERSIONS:
        raise error_at(
            doc,
            "apiVersion",
            f"apiVersion {version!r} is not OpenSLO {' or '.join(API_VERSIONS)}",
        )
    kind = required_text(doc, "kind", "an OpenSLO document")
    if kind not in _KINDS + ALERT_KINDS:
        raise error_at(
            doc, "kind", f"kind {kind!r} is not one of {', '.join(_KINDS + ALERT_KINDS)}"
        )
    if version == "openslo/v1alpha" and kind not in ("SLO", "Service"):
        raise error_at(doc, "kind", f"openslo/v1alpha has no kind {kind!r}")
    return version, kind


def index_file(file: OpenSloFile, index: DocumentIndex) -> None:
    """Add the file's named documents to ``index``; a name used twice is an error."""
    found: dict[str, dict[str, NamedDocument]] = {"Service": {}, "SLI": {}, "DataSource": {}}
    for document in file.documents:
        doc = document.data
        version, kind = document_header(doc)
        if kind not in found:
            continue
        metadata = field_mapping(doc, "metadata", kind, required=True)
        name = required_text(metadata, "name", f"{kind} metadata")
        table = {"Service": index.services, "SLI": index.slis, "DataSource": index.sources}[kind]
        first = table.get(name) or found[kind].get(name)
        if first is not None and first.data != doc:
            # The same document in two files (a shared DataSource) is one document.
            raise error_at(metadata, "name", f"a second {kind} named {name!r}, unlike the first")
        found[kind][name] = NamedDocument(
            version, name, doc, metadata, field_mapping(doc, "spec", kind)
        )
    index.services |= found["Service"]
    index.slis |= found["SLI"]
    index.sources |= found["DataSource"]
