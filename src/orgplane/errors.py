"""The one error tree of orgplane. Imports nothing from the package.

Every error a user can cause is an ``OrgplaneError``; the CLI maps each class to an
exit code and prints its one-line ``str()``, the API (later) maps it to problem+json.
A traceback means a bug in orgplane, never bad input.

    OrgplaneError                  exit 1   anything orgplane refuses to do
    ├── SpecError                  exit 1   a spec was read but is not a valid org
    │   └── SpecReadError          exit 2   a spec could not be read or parsed at all
    ├── NotFoundError              exit 1   a code, path or entity that does not exist
    ├── DatabaseError              exit 1   the database cannot be used (unreachable, schema not current)
    ├── AuthenticationError        exit 1   an API token that is unknown, malformed or revoked
    │   └── SignedLinkError        exit 1   a signed link (acknowledge a page) that is malformed, forged or expired
    ├── PermissionDeniedError      exit 1   a valid token whose role does not allow the action
    ├── ConflictError              exit 1   the thing is not in a state that allows it (a resolved page)
    └── UsageError                 exit 2   a command was called in a way that cannot work
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = [
    "AuthenticationError",
    "ConflictError",
    "DatabaseError",
    "Diagnostic",
    "NotFoundError",
    "OrgplaneError",
    "PermissionDeniedError",
    "SignedLinkError",
    "SpecError",
    "SpecReadError",
    "UsageError",
]


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem in an input file, positioned like a compiler error (1-based)."""

    code: str
    message: str
    file: str
    line: int = 0
    col: int = 0
    hint: str | None = None

    def location(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}:{self.col}"
        return self.file

    def __str__(self) -> str:
        text = f"{self.location()}: error {self.code} {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text


class OrgplaneError(Exception):
    """Base class of every error orgplane raises on purpose."""

    exit_code = 1


class SpecError(OrgplaneError):
    """The spec was read, but does not describe a valid org (wrong types, unknown fields…)."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        if not diagnostics:
            raise ValueError("SpecError needs at least one diagnostic")
        self.diagnostics = diagnostics
        super().__init__(str(diagnostics[0]))


class SpecReadError(SpecError):
    """The spec could not be read at all: missing, binary, too large, not YAML."""

    exit_code = 2

    def __init__(self, diagnostics: Diagnostic | list[Diagnostic]) -> None:
        super().__init__(diagnostics if isinstance(diagnostics, list) else [diagnostics])


class NotFoundError(OrgplaneError):
    """A code, path or entity named by the user does not exist."""


class DatabaseError(OrgplaneError):
    """The database cannot be used as asked: unreachable, or its schema is not current."""


class AuthenticationError(OrgplaneError):
    """An API token that is unknown, malformed or revoked (HTTP 401 in the API)."""


class SignedLinkError(AuthenticationError):
    """A signed link (a notification's link to acknowledge a page) that does not work;
    ``reason`` says why, so that the page shown can say what to do instead."""

    def __init__(self, message: str, *, reason: Literal["malformed", "forged", "expired"]) -> None:
        super().__init__(message)
        self.reason = reason


class PermissionDeniedError(OrgplaneError):
    """A valid token whose role does not allow the action (HTTP 403 in the API)."""


class ConflictError(OrgplaneError):
    """The thing asked about is not in a state that allows the action (HTTP 409 in the
    API): acknowledging a page that is already resolved."""


class UsageError(OrgplaneError):
    """A command was called with arguments that cannot work together."""

    exit_code = 2
