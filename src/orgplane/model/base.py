"""The base class of every spec model: strict fields and a source position.

Imports only ``model.source``. ``Located`` models refuse unknown fields and remember
where they were written when they were validated from a ``SourcedDict``, or, for the
packed form, when ``attach_packed_sources`` gives them their positions.
"""

from __future__ import annotations

import re
import typing
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    StringConstraints,
    model_validator,
)

from orgplane.model.source import (
    Location,
    NodeSource,
    PackedNode,
    PackedSource,
    PositionTable,
    SourcedDict,
    SourcedList,
)

__all__ = [
    "Code",
    "Located",
    "NameStr",
    "Ref",
    "Shorthand",
    "Slug",
    "Text",
    "attach_packed_sources",
    "attach_sources",
    "is_code",
]

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._+-]{0,63}$"
SLUG_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$"

#: A group's short code as the documents write it (``1B``, ``B-2``, ``U-S1``).
Code = Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
#: A stable identifier of a person, role or catalog entry.
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
#: A reference to a group: a bare code (``1B``) or a path from the root (``1C/C-5/U-RE1``).
Ref = Annotated[str, StringConstraints(min_length=1, max_length=512, strip_whitespace=True)]
#: A human-readable name.
NameStr = Annotated[str, StringConstraints(min_length=1, max_length=300, strip_whitespace=True)]
#: Free text of reasonable length.
Text = Annotated[str, StringConstraints(max_length=20_000)]

_code_re = re.compile(CODE_PATTERN)


class Located(BaseModel):
    """A spec model that refuses unknown fields and knows where it was written.

    ``model_validate`` of a ``SourcedDict`` (what the spec reader returns) gives the model,
    and every ``Located`` value inside it, the position it was written at.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    #: Name of the field a bare string is read into (``- "P95 latency < 5ms"``), if any;
    #: only a ``Shorthand`` model reads one.
    shorthand_field: ClassVar[str | None] = None

    # Speed matters here: a large spec builds 150,000 models (docs/benchmarks.md).
    # - Positions are attached after validation, in one pass over the model and the data
    #   (``attach_sources``), not by a wrap validator: pydantic calls a validator written
    #   in Python once per model, and with the private default below that doubled the
    #   time validation takes.
    # - The position is kept in pydantic's per-instance dict of private values,
    #   ``__pydantic_private__``, under "_source", but not declared as a ``PrivateAttr``:
    #   with one declared, pydantic calls a Python function per model to fill in its
    #   default. Equality, copies and pickling handle the dict as they did before.
    # - The shorthand conversion is a "before" validator of ``Shorthand`` models only:
    #   on every model it cost about 1 µs each, a sixth of validating a person.

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        if cls.shorthand_field is not None and not issubclass(cls, Shorthand):
            raise TypeError(f"{cls.__name__} has a shorthand_field: make it a Shorthand model")

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        """Validate like pydantic, then attach the positions ``obj`` was read with."""
        model = super().model_validate(obj, **kwargs)
        if isinstance(obj, SourcedDict):
            attach_sources(model, obj)
        return model

    @classmethod
    def from_shorthand(cls, text: str) -> dict[str, Any]:
        """Read the shorthand string form; subclasses with richer forms override."""
        assert cls.shorthand_field is not None
        return {cls.shorthand_field: text}

    def shorthand(self) -> str | None:
        """This value as its shorthand string, when that string reads back as the same value."""
        field = type(self).shorthand_field
        if field is None:
            return None
        text = getattr(self, field)
        if not isinstance(text, str) or (
            self.model_fields_set - {field} and self._has_non_defaults(field)
        ):
            return None
        return text if type(self).from_shorthand(text) == {field: text} else None

    def _has_non_defaults(self, *allowed: str) -> bool:
        for name, info in type(self).model_fields.items():
            if name in allowed:
                continue
            if getattr(self, name) != info.get_default(call_default_factory=True):
                return True
        return False

    @property
    def source(self) -> NodeSource | None:
        private = self.__pydantic_private__
        return private.get("_source") if private else None

    def location(self, field: str | None = None, index: int | None = None) -> Location | None:
        """Where this value (or one of its fields, or one item of a list field) was written."""
        source = self.source
        if source is None:
            return None
        return source.location(field, index)

    def set_source(self, source: NodeSource) -> None:
        _set_source(self, source)


class Shorthand(Located):
    """A ``Located`` model that may also be written as one string, read into
    ``shorthand_field`` (or as ``from_shorthand`` says)."""

    @model_validator(mode="before")
    @classmethod
    def _read_shorthand(cls, data: Any) -> Any:
        if isinstance(data, str) and cls.shorthand_field is not None:
            return cls.from_shorthand(data)
        return data


def _set_source(model: BaseModel, source: NodeSource) -> None:
    private = model.__pydantic_private__
    if private is None:
        # pydantic's own ``__setattr__`` refuses names it does not know.
        object.__setattr__(model, "__pydantic_private__", {"_source": source})
    else:
        private["_source"] = source


#: For each ``Located`` class, the names of its fields that can hold ``Located`` values.
_LOCATED_FIELDS: dict[type[BaseModel], tuple[str, ...]] = {}


def _located_fields(cls: type[BaseModel]) -> tuple[str, ...]:
    fields = _LOCATED_FIELDS.get(cls)
    if fields is None:
        fields = tuple(
            name for name, info in cls.model_fields.items() if _holds_located(info.annotation)
        )
        _LOCATED_FIELDS[cls] = fields
    return fields


def _holds_located(annotation: object) -> bool:
    if isinstance(annotation, type) and issubclass(annotation, Located):
        return True
    return any(_holds_located(arg) for arg in typing.get_args(annotation))


def attach_sources(model: Located, data: SourcedDict) -> None:
    """Give ``model``, validated from ``data``, and every ``Located`` value inside it the
    position it was read from: one pass over the model and the data side by side.

    A value written as a mapping gets that mapping's source; a list item written as a bare
    string (a shorthand) has no mapping of its own and gets the position of the item.
    Iterative on purpose, like the reader: specs may nest deeply.
    """
    pending: list[tuple[BaseModel, SourcedDict]] = [(model, data)]
    while pending:
        obj, raw = pending.pop()
        source = raw.source
        _set_source(obj, source)
        for name in _located_fields(type(obj)):
            raw_value = raw.get(name)
            if type(raw_value) is SourcedDict:
                value = getattr(obj, name)
                if isinstance(value, Located):
                    pending.append((value, raw_value))
            elif type(raw_value) is SourcedList:
                values = getattr(obj, name)
                if not isinstance(values, list):
                    continue
                for value, item, (line, col) in zip(
                    values, raw_value, raw_value.positions, strict=False
                ):
                    if not isinstance(value, Located):
                        continue
                    if type(item) is SourcedDict:
                        pending.append((value, item))
                    elif value.source is None:
                        _set_source(value, NodeSource(source.file, line, col))


def attach_packed_sources(
    model: Located, data: dict[str, object], node: PackedNode, table: PositionTable
) -> None:
    """``attach_sources`` for the packed form: ``model`` was validated from the plain
    ``data``, whose positions are ``node`` in ``table``. Same pass, same result: every
    ``Located`` value gets the position ``attach_sources`` would give it, as a
    ``PackedSource`` that decodes it when asked.
    """
    pending: list[tuple[BaseModel, dict[str, object], PackedNode]] = [(model, data, node)]
    while pending:
        obj, raw, node = pending.pop()
        if isinstance(node, int):
            offset, below = node, None
        elif isinstance(node, tuple):
            offset, below = node
        else:
            continue
        _set_source(obj, PackedSource(table, offset))
        for name in _located_fields(type(obj)):
            raw_value = raw.get(name)
            if type(raw_value) is dict:
                value = getattr(obj, name)
                if isinstance(value, Located) and below is not None:
                    pending.append((value, raw_value, below[name]))
            elif type(raw_value) is list:
                values = getattr(obj, name)
                if not isinstance(values, list):
                    continue
                nodes = below.get(name) if below is not None else None
                for index, (value, item) in enumerate(zip(values, raw_value, strict=False)):
                    if not isinstance(value, Located):
                        continue
                    if type(item) is dict:
                        item_node = nodes[index] if isinstance(nodes, list) else None
                        if type(item_node) is int and not _located_fields(type(value)):
                            # A flat mapping (a person, a catalog entry: most models of
                            # a large spec) has nothing below it to visit.
                            _set_source(value, PackedSource(table, item_node))
                        elif item_node is not None:
                            pending.append((value, item, item_node))
                    elif value.source is None:
                        position = table.item(offset, name, index)
                        if position is not None:
                            _set_source(value, NodeSource(table.file, *position))


def is_code(text: str) -> bool:
    return _code_re.match(text) is not None
