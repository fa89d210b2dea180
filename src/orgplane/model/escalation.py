"""Escalation policies and contact methods: whom a page reaches, in which order, how.

Pure model. A policy is an ordered ladder of steps, each paging its target ``after``
minutes into the page; ``repeat`` runs the ladder again that many times. A policy
``applies_to`` rotations (by id), groups (by code or path) and catalog entries (by id);
a rotation's own ``escalation`` steps are its policy where no other one applies.

A step's ``to`` names its target in one of these forms:

- a person's id; a role's id or name (the holders on call, else every holder);
- ``rotation:ID`` (its primary), ``rotation:ID/secondary`` or ``rotation:ID/both``;
- a group's code or path (its rotation's primary, else its leads);
- ``owner``, or the documents' "Component Owner" / "Component Specialist": whoever
  owns the catalog entry the page is about (its ``owner_role``, else its group).
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any, ClassVar, Literal

from email_validator import EmailNotValidError, validate_email
from pydantic import AnyHttpUrl, Field, TypeAdapter, ValidationError, model_validator

from orgplane.model.base import Located, NameStr, Shorthand, Slug
from orgplane.model.process import EscalationStep

__all__ = [
    "OWNER_TARGET",
    "ContactKind",
    "ContactMethod",
    "EscalationPolicy",
    "RelativeTarget",
    "is_owner_target",
    "relative_target",
]

#: The target word for "whoever owns the affected component".
OWNER_TARGET = "owner"
_OWNER_WORDS = re.compile(r"^(component\s+)?(owner|specialist)\b", re.IGNORECASE)
#: Words documents use for a step relative to what was paged, by what they mean:
#: the paged rotation's primary or secondary, the paged team's leads, the leads above.
RelativeTarget = Literal["owner", "primary", "secondary", "lead", "director"]
_RELATIVE_PATTERNS: tuple[tuple[RelativeTarget, str], ...] = (
    (
        "primary",
        r"^(the\s+)?(primary\s+)?on[-\s]?call(\s+(engineer|person|responder|sre))?"
        r"(\s+\(primary\))?$|^(the\s+)?primary(\s+on[-\s]?call)?$",
    ),
    ("secondary", r"^(the\s+)?secondary(\s+on[-\s]?call)?(\s+(engineer|person))?$"),
    (
        "lead",
        r"^(the\s+)?((eng(ineering)?|team|tech(nical)?)\s+)?(lead|leader|manager)"
        r"(\s+of\s+the\s+(team|group|squad|unit))?$",
    ),
    ("director", r"^(the\s+)?(director|head\s+of\s+(the\s+)?department|department\s+head)$"),
)
_RELATIVE_WORDS = tuple(
    (meaning, re.compile(pattern, re.IGNORECASE)) for meaning, pattern in _RELATIVE_PATTERNS
)
_URL: TypeAdapter[AnyHttpUrl] = TypeAdapter(AnyHttpUrl)


def is_owner_target(text: str) -> bool:
    """Whether a step's ``to`` means the affected component's owner."""
    return bool(_OWNER_WORDS.match(text.strip()))


def relative_target(text: str) -> RelativeTarget | None:
    """What a step's ``to`` means relative to the page, when it is written that way
    ("Component Owner", "On-call engineer", "Eng lead of the team", "Director")."""
    if is_owner_target(text):
        return "owner"
    text = " ".join(text.split())
    for meaning, pattern in _RELATIVE_WORDS:
        if pattern.match(text):
            return meaning
    return None


class ContactKind(StrEnum):
    """How a notification reaches a person."""

    WEBHOOK = "webhook"  #: a JSON POST with an ``Idempotency-Key`` header
    SLACK = "slack"  #: a Slack incoming webhook
    MATTERMOST = "mattermost"  #: a Mattermost (Slack-compatible) incoming webhook
    TEAMS = "teams"  #: a Microsoft Teams incoming webhook
    EMAIL = "email"  #: e-mail over the installation's SMTP server


class ContactMethod(Shorthand):
    """One way to reach a person: ``email: a@b.example``, or a webhook kind and its URL.
    Written as one string, an address with ``@`` is e-mail and a URL a generic webhook."""

    shorthand_field: ClassVar[str | None] = "to"

    kind: ContactKind
    to: str = Field(min_length=3, max_length=2_000)

    @classmethod
    def from_shorthand(cls, text: str) -> dict[str, Any]:
        text = text.strip()
        if text.lower().startswith("mailto:"):
            return {"kind": "email", "to": text[7:]}
        kind = "email" if "@" in text and "://" not in text else "webhook"
        return {"kind": kind, "to": text}

    @model_validator(mode="after")
    def _address(self) -> ContactMethod:
        if self.kind is ContactKind.EMAIL:
            try:
                validate_email(self.to, check_deliverability=False)
            except EmailNotValidError as error:
                raise ValueError(f"{self.to!r} is not an e-mail address: {error}") from None
            return self
        try:
            _URL.validate_python(self.to)
        except ValidationError:
            raise ValueError(
                f"{self.to!r} is not an http(s) URL for a {self.kind.value} webhook"
            ) from None
        return self


class EscalationPolicy(Located):
    """An ordered ladder: each step pages ``to`` from minute ``after_minutes`` of the page.

    Steps with the same ``after_minutes`` fire together. After the last step, the
    ladder starts again ``repeat`` times, ``repeat_after_minutes`` after that step.
    """

    id: Slug
    name: NameStr
    applies_to: list[NameStr] = Field(default_factory=list)
    steps: list[EscalationStep] = Field(min_length=1)
    repeat: int = Field(default=0, ge=0, le=20)
    repeat_after_minutes: int = Field(default=15, ge=1, le=24 * 60)
