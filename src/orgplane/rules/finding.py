"""Findings: what a rule reports about an org. Pure data; imports ``model``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from orgplane.model import Location

__all__ = ["Finding", "Severity", "relative_findings"]


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


def relative_findings(findings: Iterable[Finding], root: Path, shown_as: str) -> list[Finding]:
    """``findings`` with the files below ``root`` named ``shown_as/…`` (just ``…`` when
    ``shown_as`` is empty), in their locations and wherever a message or hint quotes a
    position: what is stored and served never holds this machine's paths, and names the
    same file the same way wherever the spec was applied from."""
    roots = sorted({str(root), str(root.resolve())} - {"", "."}, key=len, reverse=True)
    prefix = f"{shown_as}/" if shown_as else ""

    def shown(text: str) -> str:
        for name in roots:
            text = text.replace(f"{name.rstrip('/')}/", prefix)
        return text

    def shown_file(file: str) -> str:
        path = Path(file)
        for base in (root, root.resolve()):
            if path.is_relative_to(base):
                return prefix + path.relative_to(base).as_posix()
        return shown(file)

    out = []
    for finding in findings:
        location = finding.location
        if location is not None:
            location = replace(location, file=shown_file(location.file))
        out.append(
            replace(
                finding,
                location=location,
                message=shown(finding.message),
                hint=shown(finding.hint) if finding.hint is not None else None,
            )
        )
    return out
