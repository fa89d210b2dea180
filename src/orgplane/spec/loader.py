"""Load a spec (one YAML file or a folder of them) into a validated ``Org``.

Imports ``spec.reader``, ``spec.parallel``, ``spec.document``, ``model`` and ``errors``.
Every problem becomes a ``Diagnostic`` with file:line:col; all of a spec's problems are
reported together, and nothing is returned unless the whole spec is valid. A large
spec's files come from a cache or are read in two processes (``spec.parallel``), with
the same result.
"""

from __future__ import annotations

import difflib
import os
import re
import types
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from orgplane.errors import Diagnostic, SpecError, SpecReadError
from orgplane.gcpause import paused_gc
from orgplane.model import Located, Org, Policies, SourcedDict, SourcedList
from orgplane.spec.document import LIST_SECTIONS, OrgHeader, SpecDocument
from orgplane.spec.parallel import read_large_spec
from orgplane.spec.reader import read_yaml_file, read_yaml_text

__all__ = [
    "SPEC_SUFFIXES",
    "find_spec_files",
    "load_documents",
    "load_spec",
    "load_spec_text",
    "merge_documents",
]

SPEC_SUFFIXES = (".yaml", ".yml")
#: Most problems reported for one spec; past that the list is cut.
MAX_DIAGNOSTICS = 100


def find_spec_files(path: Path) -> list[Path]:
    """The YAML files of a spec: the file itself, or every ``*.yaml``/``*.yml`` below a folder
    (hidden files and folders skipped), in a fixed order: by path, case-sensitively."""
    if not path.exists():
        raise SpecReadError(Diagnostic("OP000", "no such file or directory", str(path)))
    if not path.is_dir():
        # A FIFO or a device is read as a file, and the reader refuses it by name.
        return [path]
    files = [
        Path(root) / name
        for root, dirs, names in os.walk(path)
        for name in names
        if name.endswith(SPEC_SUFFIXES) and not name.startswith(".")
        if not any(part.startswith(".") for part in Path(root).relative_to(path).parts)
    ]
    if not files:
        raise SpecReadError(
            Diagnostic(
                "OP000",
                "no spec files (*.yaml, *.yml) in this folder",
                str(path),
                hint="run 'orgplane init DIR' to start one",
            )
        )
    return sorted(files, key=lambda p: p.relative_to(path).as_posix())


def load_spec(path: Path | str) -> Org:
    """Read, validate and merge a spec; raise ``SpecError`` listing every problem."""
    return merge_documents(load_documents(Path(path)))


def load_spec_text(text: str, file: str = "<text>") -> Org:
    """Read, validate and merge one spec given as text (``file`` names it in errors)."""
    document, problems = _validate(read_yaml_text(text, file), file)
    if problems or document is None:
        raise SpecError(problems)
    return merge_documents([(file, document)])


def load_documents(path: Path) -> list[tuple[str, SpecDocument]]:
    """Each file of the spec as a validated ``SpecDocument``, with its display name."""
    files = find_spec_files(path)
    documents: list[tuple[str, SpecDocument]] = []
    problems: list[Diagnostic] = []
    unreadable = False
    # Building hundreds of thousands of small objects: the cyclic GC only slows that down
    # (nothing built here is cyclic garbage).
    with paused_gc():
        # A large spec is read from the cache and in two processes (spec/parallel.py);
        # a file it leaves (None), and every file of a small spec, is read here.
        read = read_large_spec(files) or [None] * len(files)
        for file, document in zip(files, read, strict=True):
            name = str(file)
            if document is not None:
                documents.append((name, document))
                continue
            try:
                raw = read_yaml_file(file, name)
            except SpecReadError as exc:
                problems.extend(exc.diagnostics)
                unreadable = True
                continue
            document, file_problems = _validate(raw, name)
            problems.extend(file_problems)
            if document is not None:
                documents.append((name, document))
    if problems:
        problems = problems[:MAX_DIAGNOSTICS]
        raise SpecReadError(problems) if unreadable else SpecError(problems)
    return documents


def _validate(raw: object, file: str) -> tuple[SpecDocument | None, list[Diagnostic]]:
    if raw is None:
        return None, [
            Diagnostic(
                "OP005",
                "the file is empty",
                file,
                1,
                1,
                "a spec file is a YAML mapping; see 'orgplane init'",
            )
        ]
    if not isinstance(raw, SourcedDict):
        line, col = (raw.line, raw.col) if isinstance(raw, SourcedList) else (1, 1)
        return None, [
            Diagnostic(
                "OP001",
                f"expected a mapping at the top of the file, found {_describe(raw)}",
                file,
                line,
                col,
                "a spec file starts with keys such as 'org:' and 'groups:'",
            )
        ]
    try:
        return SpecDocument.model_validate(raw), []
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        # A misspelt field shows up twice: unknown 'nmae' and missing 'name'. Report the
        # cause (the unknown field, whose hint names the right one) and drop the echo.
        unknown = {
            (tuple(e["loc"][:-1]), str(e["loc"][-1]))
            for e in errors
            if e["type"] == "extra_forbidden"
        }
        errors = [
            e
            for e in errors
            if e["type"] != "missing"
            or not any(
                parent == tuple(e["loc"][:-1])
                and difflib.get_close_matches(str(e["loc"][-1]), [name], cutoff=0.6)
                for parent, name in unknown
            )
        ]
        found = [_diagnostic(error, raw, file) for error in errors]
        return None, sorted(found, key=lambda d: (d.line, d.col))


def _describe(value: object) -> str:
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if value is None:
        return "nothing"
    return "text"


def _diagnostic(error: Any, raw: SourcedDict, file: str) -> Diagnostic:
    loc: tuple[int | str, ...] = tuple(error["loc"])
    kind: str = error["type"]
    line, col, found = _position(raw, loc)
    where = _where(loc)
    if kind == "extra_forbidden":
        field = str(loc[-1])
        model = _model_at(loc[:-1])
        names = list(model.model_fields) if model else []
        close = difflib.get_close_matches(field, names, n=1, cutoff=0.6)
        hint = (
            f"did you mean '{close[0]}'?"
            if close
            else (f"known fields: {', '.join(names)}" if names else None)
        )
        return Diagnostic(
            "OP002", f"unknown field '{field}' in {_model_name(model)}", file, line, col, hint
        )
    if kind == "missing":
        model = _model_at(loc[:-1])
        return Diagnostic(
            "OP004", f"missing required field '{loc[-1]}' in {_model_name(model)}", file, line, col
        )
    message = _plain(error["msg"])
    value = error.get("input")
    shown = f" (got {_short(value)})" if isinstance(value, str) and found else ""
    return Diagnostic("OP001", f"{where}: {message}{shown}", file, line, col)


def _plain(message: str) -> str:
    message = message.replace("Value error, ", "")
    message = message.replace(
        "Input should be a valid dictionary or instance of", "expected a mapping for"
    )
    message = message.replace("Input should be", "expected")
    return re.sub(r"String should match pattern '[^']*'", "not a valid code or identifier", message)


def _short(value: str) -> str:
    return repr(value if len(value) <= 40 else value[:37] + "...")


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "constrained-")):
            continue
        else:
            out += f".{part}" if out else part
    return out or "file"


def _position(raw: SourcedDict, loc: tuple[int | str, ...]) -> tuple[int, int, bool]:
    """Line and column of the value at ``loc``; the closest enclosing one if it is missing."""
    node: object = raw
    line, col = raw.source.line, raw.source.col
    found = True
    for part in loc:
        if isinstance(node, SourcedDict) and isinstance(part, str) and part in node:
            keys = node.source.keys or {}
            line, col = keys.get(part, (line, col))
            node = node[part]
        elif isinstance(node, SourcedList) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.positions[part]
            node = node[part]
        elif isinstance(part, str) and part.startswith(("function-", "constrained-")):
            continue
        else:
            found = False
            break
    if not found and isinstance(node, SourcedDict):
        line, col = node.source.line, node.source.col
    return line, col, found


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    model: type[BaseModel] | None = SpecDocument
    for part in loc:
        if model is None:
            return None
        if isinstance(part, int):
            continue
        field = model.model_fields.get(part)
        if field is None:
            continue
        model = next(_located_in(field.annotation), None)
    return model


def _located_in(annotation: object) -> Iterator[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, Located):
        yield annotation
        return
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        yield from _located_in(typing.get_args(annotation)[0])
        return
    if origin in (list, typing.Union, types.UnionType) or origin is not None:
        for arg in typing.get_args(annotation):
            yield from _located_in(arg)


def _model_name(model: type[BaseModel] | None) -> str:
    if model is None:
        return "this mapping"
    if model is SpecDocument:
        return "the spec file"
    if model is OrgHeader:
        return "org"
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower()


# -- merging ----------------------------------------------------------------------------


def merge_documents(documents: list[tuple[str, SpecDocument]]) -> Org:
    """Merge a spec's files into one ``Org`` (see the module docstring for the rules)."""
    problems: list[Diagnostic] = []
    headers = [(name, doc.org) for name, doc in documents if doc.org is not None]
    if not headers:
        first = documents[0][0] if documents else "spec"
        raise SpecError(
            [
                Diagnostic(
                    "OP006",
                    "no 'org:' section: one file of the spec must say which org it describes",
                    first,
                    1,
                    1,
                    "add 'org: {code: ACME, name: Acme Infrastructure}'",
                )
            ]
        )
    for name, header in headers[1:]:
        where = header.location()
        first_where = headers[0][1].location()
        problems.append(
            Diagnostic(
                "OP006",
                f"a second 'org:' section (the first is at {first_where})",
                name,
                where.line if where else 1,
                where.col if where else 1,
                "keep the org header in one file",
            )
        )
    sections: dict[str, list[Any]] = {section: [] for section in LIST_SECTIONS}
    for _, doc in documents:
        for section in LIST_SECTIONS:
            sections[section].extend(getattr(doc, section))
    policies = _merge_policies(
        [(name, doc.policies) for name, doc in documents if doc.policies], problems
    )
    if problems:
        raise SpecError(problems)
    header = headers[0][1]
    org = Org(
        code=header.code,
        name=header.name,
        description=header.description,
        leads=header.leads,
        policies=policies,
        **sections,
    )
    if header.source is not None:
        org.set_source(header.source)
    return org


def _merge_policies(parts: list[tuple[str, Policies]], problems: list[Diagnostic]) -> Policies:
    if not parts:
        return Policies()
    if len(parts) == 1:
        return parts[0][1]
    merged: dict[str, Any] = {}
    set_in: dict[str, str] = {}
    for name, policies in parts:
        for field in Policies.model_fields:
            if field not in policies.model_fields_set:
                continue
            value = getattr(policies, field)
            if isinstance(value, list):
                merged.setdefault(field, []).extend(value)
            elif field in merged:
                where = policies.location(field)
                problems.append(
                    Diagnostic(
                        "OP006",
                        f"policy '{field}' is set twice (also in {set_in[field]})",
                        name,
                        where.line if where else 1,
                        where.col if where else 1,
                    )
                )
            else:
                merged[field] = value
                set_in[field] = name
    return Policies(**merged)
