"""Measurement files: the CSV and JSON-lines files a KPI's ``file`` source names, and the
files ``orgplane kpi import`` reads.

Imports ``errors`` and ``services.measurement_values`` (the fields of a record). A record has a moment ``at`` (ISO 8601 with a UTC offset or
``Z``, or unix seconds) and a ``value``, optionally the ``good`` and ``total`` counts the
value is the ratio of (the value is computed from them when it is left out), and a
``kpi`` reference (``B-2#p95-latency``, ``1B/B-2#p95-latency``,
``CIPO:1B/B-2#p95-latency``) when one file holds the measurements of several KPIs; the
caller resolves it. A CSV file starts with a header row naming its columns; a JSON-lines
file holds one object per line (blank lines are allowed).

Files are read as a stream, line by line, so their size is bounded by the records they
return, not by their text. A file is taken whole or not at all: every bad record is a
``Diagnostic`` with the file, line and column, and any of them raises ``SpecError``
(at most ``MAX_DIAGNOSTICS`` are collected). The codes are the loading diagnostics of the
spec (docs/rules.md): OP000 unreadable input, OP001 invalid value, OP002 unknown
column or field, OP003 duplicate column or key, OP004 missing column or field, OP005
empty file.
"""

from __future__ import annotations

import csv
import difflib
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any

from orgplane.errors import Diagnostic, SpecError, SpecReadError, UsageError
from orgplane.services.measurement_values import (
    InvalidValueError,
    json_type,
    parse_count,
    parse_moment,
    parse_number,
    parse_reference,
)
from orgplane.spec.files import open_regular_file

__all__ = ["FORMATS", "MAX_DIAGNOSTICS", "FileRecord", "file_format", "read_measurement_file"]

#: The formats a measurement file may have.
FORMATS = ("csv", "jsonl")
#: The most diagnostics one bad file reports; reading stops there.
MAX_DIAGNOSTICS = 50

_EXTENSIONS = {".csv": "csv", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl"}
_COLUMNS = ("kpi", "at", "value", "good", "total")

#: Where a field of the current record is: its (line, column).
_Locate = Callable[[str], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class FileRecord:
    """One record of a measurement file."""

    line: int  #: 1-based line of the record in the file
    #: The KPI reference as written; ``None`` when the file has no ``kpi`` column.
    kpi: str | None
    at: datetime  #: aware, UTC
    value: float
    good: float | None = None
    total: float | None = None


def file_format(path: Path, format: str | None = None) -> str:
    """``csv`` or ``jsonl``: ``format`` if given, else from the file's extension."""
    if format is not None:
        if format not in FORMATS:
            raise UsageError(f"unknown measurement file format {format!r}: use csv or jsonl")
        return format
    found = _EXTENSIONS.get(path.suffix.lower())
    if found is None:
        raise SpecReadError(
            Diagnostic(
                "OP000",
                f"cannot tell the format of a {path.suffix or 'extensionless'!s} file",
                str(path),
                hint="name it .csv or .jsonl, or give the format (csv or jsonl)",
            )
        )
    return found


def read_measurement_file(path: Path, format: str | None = None) -> list[FileRecord]:
    """Every record of the CSV or JSON-lines file ``path``, in file order.

    Raises ``SpecReadError`` when the file cannot be read, ``SpecError`` (with every
    bad record, up to ``MAX_DIAGNOSTICS``) when any record is bad.
    """
    kind = file_format(path, format)
    problems = _Problems(str(path))
    try:
        with open_regular_file(path, str(path), "a measurement file") as handle:
            lines = _Lines(handle, problems)
            records = _read_csv(lines, problems) if kind == "csv" else _read_jsonl(lines, problems)
    except OSError as exc:
        raise SpecReadError(
            Diagnostic("OP000", f"cannot read file: {exc.strerror or exc}", str(path))
        ) from None
    problems.raise_any()
    return records


# -- reading -------------------------------------------------------------------------------


class _StopReadingError(Exception):
    """Ends the reading of a file: too many problems, or one nothing after can be read past
    (text that is not UTF-8, broken CSV quoting, a bad header)."""


class _Problems:
    """The diagnostics of one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.found: list[Diagnostic] = []

    def add(
        self, code: str, message: str, line: int, col: int = 1, hint: str | None = None
    ) -> None:
        self.found.append(Diagnostic(code, message, self.file, line, col, hint))
        if len(self.found) >= MAX_DIAGNOSTICS:
            raise _StopReadingError

    def raise_any(self) -> None:
        if self.found:
            raise SpecError(self.found)


class _Lines:
    """The file's lines as text, numbered, each decoded on its own (so an encoding error
    is reported at its line); remembers the text of the lines read since ``mark()``."""

    def __init__(self, handle: IO[bytes], problems: _Problems) -> None:
        self.handle = handle
        self.problems = problems
        self.number = 0
        self.since_mark: list[str] = []

    def __iter__(self) -> Iterator[str]:
        for raw in self.handle:
            self.number += 1
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.problems.add("OP000", "the line is not UTF-8 text", self.number, exc.start + 1)
                raise _StopReadingError from None  # nothing after it can be trusted
            if self.number == 1:
                text = text.removeprefix("\ufeff")  # spreadsheets write a byte-order mark
            self.since_mark.append(text)
            yield text

    def mark(self) -> None:
        self.since_mark = []


def _read_csv(lines: _Lines, problems: _Problems) -> list[FileRecord]:
    rows = csv.reader(lines, strict=True)
    records: list[FileRecord] = []
    header: list[str] | None = None
    try:
        while True:
            first_line = lines.number + 1
            lines.mark()
            try:
                cells = next(rows)
            except StopIteration:
                break
            except csv.Error as exc:
                problems.add("OP000", f"invalid CSV: {exc}", first_line)
                raise _StopReadingError from None  # the reader cannot go on after it
            if not any(cell.strip() for cell in cells):
                continue  # a blank line
            row = _CsvRow("".join(lines.since_mark), first_line, header or [])
            if header is None:
                header = _header(cells, row, problems)
                continue
            if len(cells) != len(header):
                problems.add(
                    "OP001",
                    f"{len(cells)} cells, the header has {len(header)}",
                    *row.cell(min(len(cells), len(header))),
                )
                continue
            fields = {name: cell for name, cell in zip(header, cells, strict=True) if cell.strip()}
            record = _record(fields, first_line, "kpi" in header, row.field, problems)
            if record is not None:
                records.append(record)
    except _StopReadingError:
        pass
    if header is None and not problems.found:
        problems.add(
            "OP005",
            "the file is empty",
            1,
            hint="a CSV measurement file starts with a header row, like at,value",
        )
    return records


class _CsvRow:
    """Where the cells of one CSV record are in the file."""

    def __init__(self, raw: str, first_line: int, header: list[str]) -> None:
        self.raw = raw
        self.first_line = first_line
        self.header = header
        self.starts = [0]
        quoted = False
        for offset, char in enumerate(raw):
            if char == '"':
                quoted = not quoted
            elif char == "," and not quoted:
                self.starts.append(offset + 1)

    def cell(self, index: int) -> tuple[int, int]:
        """(line, column) of cell ``index``; past the last cell, the end of the record."""
        raw = self.raw
        offset = self.starts[index] if index < len(self.starts) else len(raw.rstrip("\r\n"))
        line = self.first_line + raw.count("\n", 0, offset)
        return line, offset - (raw.rfind("\n", 0, offset) + 1) + 1

    def field(self, name: str) -> tuple[int, int]:
        """(line, column) of the cell of column ``name``."""
        if name in self.header:
            return self.cell(self.header.index(name))
        return self.first_line, 1


def _header(cells: list[str], row: _CsvRow, problems: _Problems) -> list[str]:
    """The column names of a header row; problems with them end the reading."""
    names = [cell.strip().lower() for cell in cells]
    before = len(problems.found)
    if not set(names) & set(_COLUMNS):
        problems.add(
            "OP004",
            "the first row is not a header",
            *row.cell(0),
            hint=f"name the columns first, like at,value (known: {', '.join(_COLUMNS)})",
        )
        raise _StopReadingError
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if name in seen:
            problems.add(
                "OP003",
                f"duplicate column {name!r} (first at column {seen[name] + 1})",
                *row.cell(index),
            )
        elif name not in _COLUMNS:
            problems.add("OP002", f"unknown column {cells[index].strip()!r}", *row.cell(index),
                         hint=_suggest(name))  # fmt: skip
        seen.setdefault(name, index)
    if "at" not in seen:
        problems.add("OP004", "missing required column 'at'", *row.cell(0))
    if "value" not in seen and not {"good", "total"} <= set(seen):
        problems.add("OP004", "missing required column 'value' (or good and total)", *row.cell(0))
    if len(problems.found) > before:
        raise _StopReadingError
    return names


class _DuplicateKeyError(ValueError):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _read_jsonl(lines: _Lines, problems: _Problems) -> list[FileRecord]:
    records: list[FileRecord] = []
    try:
        for text in lines:
            lines.mark()  # a JSON record is one line: keep no text of earlier ones
            number = lines.number
            if not text.strip():
                continue
            try:
                item = json.loads(text.rstrip(), object_pairs_hook=_unique_keys)
            except _DuplicateKeyError as exc:
                problems.add(
                    "OP003", f"duplicate key {exc.key!r}", number, _key_column(text, exc.key)
                )
                continue
            except json.JSONDecodeError as exc:
                problems.add("OP000", f"invalid JSON: {exc.msg}", number, exc.colno)
                continue
            except (ValueError, RecursionError) as exc:  # 4,300-digit integers, deep nesting
                reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
                problems.add("OP000", f"invalid JSON: {_one_line(reason)}", number)
                continue
            if not isinstance(item, dict):
                problems.add(
                    "OP001",
                    f"expected a JSON object, found {json_type(item)}",
                    number,
                    len(text) - len(text.lstrip()) + 1,
                )
                continue
            known = True
            for key in item:
                if key not in _COLUMNS:
                    problems.add("OP002", f"unknown field {key!r}", number,
                                 _key_column(text, key), _suggest(key))  # fmt: skip
                    known = False
            if "at" not in item:
                problems.add("OP004", "missing required field 'at'", number)
                known = False
            if "value" not in item and not {"good", "total"} <= set(item):
                problems.add("OP004", "missing required field 'value' (or good and total)", number)
                known = False
            if not known:
                continue

            def field_at(name: str, text: str = text, number: int = number) -> tuple[int, int]:
                return number, _key_column(text, name)

            fields = {key: value for key, value in item.items() if value is not None}
            if "kpi" in item and item["kpi"] is None:
                fields["kpi"] = None  # refused below, like an empty kpi cell
            record = _record(fields, number, False, field_at, problems)
            if record is not None:
                records.append(record)
    except _StopReadingError:
        pass
    return records


def _key_column(text: str, key: str) -> int:
    found = text.find(json.dumps(key))
    return found + 1 if found >= 0 else 1


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _suggest(name: str) -> str:
    close = difflib.get_close_matches(name.lower(), _COLUMNS, n=1)
    if close:
        return f"did you mean '{close[0]}'?"
    return f"known: {', '.join(_COLUMNS)}"


# -- one record ----------------------------------------------------------------------------


def _record(
    fields: Mapping[str, Any],
    line: int,
    kpi_column: bool,
    locate: _Locate,
    problems: _Problems,
) -> FileRecord | None:
    """The record of one row's ``fields`` (CSV text or JSON values; blank cells and nulls
    left out), or ``None`` after adding its problems."""
    before = len(problems.found)

    def check(name: str, parse: Callable[[Any], Any]) -> Any:
        if name not in fields:
            return None
        try:
            return parse(fields[name])
        except InvalidValueError as exc:
            problems.add("OP001", f"{name}: {exc}", *locate(name), exc.hint)
            return None

    kpi = check("kpi", parse_reference)
    if kpi_column and kpi is None and "kpi" not in fields:
        problems.add("OP001", "kpi: empty (every record of a file with a kpi column names one)",
                     *locate("kpi"))  # fmt: skip
    at = check("at", parse_moment)
    value = check("value", parse_number)
    good = check("good", parse_count)
    total = check("total", parse_count)
    if len(problems.found) > before:
        return None
    if (good is None) != (total is None):
        given, missing = ("good", "total") if total is None else ("total", "good")
        problems.add("OP001", f"{given} without {missing}: they come together", *locate(given))
        return None
    if good is not None and total is not None and good > total:
        problems.add("OP001", f"good ({good:g}) is more than total ({total:g})", *locate("good"))
        return None
    if value is None:
        if good is None or total is None:
            problems.add("OP004", "missing value (or good and total to compute it from)",
                         *locate("value"))  # fmt: skip
            return None
        if total == 0:
            problems.add("OP001", "no value, and total is 0: the ratio is undefined",
                         *locate("total"))  # fmt: skip
            return None
        value = good / total
    if at is None:  # only when at was blank in a CSV row
        problems.add("OP004", "missing at (the moment of the measurement)", *locate("at"))
        return None
    return FileRecord(line, kpi, at, value, good, total)
