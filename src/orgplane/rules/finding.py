"""Findings: what a rule reports about an org. Pure data; imports ``model``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from orgplane.model import Location

__all__ = ["Finding", "Severity"]


class Severity(StrEnum):
    """How bad a finding is. ``error`` fails validation; ``warning`` fails it under --strict."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in an org, positioned like a compiler diagnostic."""

    code: str
    severity: Severity
    message: str
    location: Location | None = None
    hint: str | None = None
    subject: str | None = None  #: path of the group the finding is about, if any

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        hint = f" (hint: {self.hint})" if self.hint else ""
        return f"{where}{self.severity.value} {self.code} {self.message}{hint}"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        loc = self.location
        return (
            loc.file if loc else "",
            loc.line if loc else 0,
            loc.col if loc else 0,
            self.code,
            self.message,
        )
