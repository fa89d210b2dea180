"""Groups: the nodes of the org tree, and the facts the documents give about each.

Pure model; imports ``model.base`` only.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import Field, field_validator

from orgplane.model.base import Code, Located, NameStr, Ref, Shorthand, Slug, Text
from orgplane.model.kpi import Kpi

__all__ = ["Dependency", "Direction", "Group", "Kpi", "StackItem"]  # Kpi: re-exported

_VERSION = re.compile(r"^v?\d[\w.\-]*$|^\d+\.x$", re.IGNORECASE)


class Direction(StrEnum):
    """Which way a dependency points, as the documents phrase it."""

    FROM = "from"  #: this group consumes something from the target ("PVC/GPU from 1B")
    TO = "to"  #: this group provides something to the target
    WITH = "with"  #: both ways, a shared interface ("Policy with 1E")


class StackItem(Shorthand):
    """A tool or technology a group runs, with its version when the documents give one."""

    shorthand_field: ClassVar[str | None] = "name"

    name: NameStr
    version: str | None = None
    note: Text = ""

    @classmethod
    def from_shorthand(cls, text: str) -> dict[str, Any]:
        head, _, last = text.strip().rpartition(" ")
        if head and _VERSION.match(last):
            return {"name": head, "version": last}
        return {"name": text}

    def shorthand(self) -> str | None:
        if self.note:
            return None
        text = str(self)
        expected = (
            {"name": self.name, "version": self.version} if self.version else {"name": self.name}
        )
        return text if type(self).from_shorthand(text) == expected else None

    def __str__(self) -> str:
        return f"{self.name} {self.version}" if self.version else self.name


class Dependency(Shorthand):
    """A dependency of a group on another group: what flows, and which way."""

    shorthand_field: ClassVar[str | None] = "target"

    target: Ref
    provides: Text = ""
    direction: Direction = Direction.FROM
    note: Text = ""


class Group(Located):
    """A node of the org tree. ``kind`` is a label (department, squad, unit, team …)."""

    code: Code
    kind: Slug = "group"
    name: NameStr
    description: Text = ""
    leads: list[Slug] = Field(default_factory=list)
    members: list[Slug] = Field(default_factory=list)
    oncall: list[Slug] | None = None
    responsibilities: list[Text] = Field(default_factory=list)
    stack: list[StackItem] = Field(default_factory=list)
    kpis: list[Kpi] = Field(default_factory=list)
    dependencies: list[Dependency] = Field(default_factory=list)
    stakeholders: list[Text] = Field(default_factory=list)
    boundaries: list[Text] = Field(default_factory=list)
    notes: list[Text] = Field(default_factory=list)
    groups: list[Group] = Field(default_factory=list)

    @field_validator("kind")
    @classmethod
    def _lower_kind(cls, value: str) -> str:
        return value.lower()

    def walk(self, prefix: str = "") -> list[tuple[str, Group]]:
        """Every group of this subtree with its path, depth first, self first.

        Iterative on purpose: specs may nest deeply and recursion is not worth the risk.
        """
        result: list[tuple[str, Group]] = []
        stack: list[tuple[str, Group]] = [(f"{prefix}/{self.code}" if prefix else self.code, self)]
        while stack:
            path, group = stack.pop()
            result.append((path, group))
            stack.extend((f"{path}/{child.code}", child) for child in reversed(group.groups))
        return result
