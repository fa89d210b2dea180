"""The base class of every spec model: strict fields and a source position.

Imports only ``model.source``. ``Located`` models refuse unknown fields and remember
where they were written when they were validated from a ``SourcedDict``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    ModelWrapValidatorHandler,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from orgplane.model.source import Location, NodeSource, SourcedDict

__all__ = ["Code", "Located", "NameStr", "Ref", "Slug", "Text", "is_code"]

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
    """A spec model that refuses unknown fields and knows where it was written."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    #: Name of the field a bare string is read into (``- "P95 latency < 5ms"``), if any.
    shorthand_field: ClassVar[str | None] = None

    _source: NodeSource | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _read(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if isinstance(data, str) and cls.shorthand_field is not None:
            data = cls.from_shorthand(data)
        obj = handler(data)
        if isinstance(data, SourcedDict):
            source = data.source
            obj._source = source
            if source.items:
                # Items written as bare strings have no mapping of their own: give them
                # the position of the list item they were written as.
                for field, positions in source.items.items():
                    values = getattr(obj, field, None)
                    if not isinstance(values, list):
                        continue
                    for value, (line, col) in zip(values, positions, strict=False):
                        if isinstance(value, Located) and value._source is None:
                            value._source = NodeSource(source.file, line, col)
        return obj

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
        return self._source

    def location(self, field: str | None = None, index: int | None = None) -> Location | None:
        """Where this value (or one of its fields, or one item of a list field) was written."""
        if self._source is None:
            return None
        return self._source.location(field, index)

    def set_source(self, source: NodeSource) -> None:
        self._source = source


def is_code(text: str) -> bool:
    return _code_re.match(text) is not None
