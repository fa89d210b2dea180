"""People: who works in the org. Pure model."""

from __future__ import annotations

from pydantic import Field

from orgplane.model.base import Located, NameStr, Slug
from orgplane.model.escalation import ContactMethod

__all__ = ["Person"]


class Person(Located):
    """A person; groups name people by ``id`` in ``leads``, ``members`` and ``oncall``."""

    id: Slug
    name: NameStr
    email: str | None = None
    chat: str | None = None
    timezone: str | None = None
    roles: list[Slug] = Field(default_factory=list)
    #: How a page reaches them, tried in order; none: their ``email``, if any.
    contacts: list[ContactMethod] = Field(default_factory=list)
