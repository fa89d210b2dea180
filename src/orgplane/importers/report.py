"""The import report: what became what, what was kept only as a note, what went wrong.

Pure data; imports ``model.source``. Every piece of input text the importer reads is
*claimed* here, by line, either by a typed field or by a note, so a test can check that
nothing was silently dropped.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from orgplane.model import Location

__all__ = ["Claim", "ImportProblem", "ImportReport"]


@dataclass(frozen=True, slots=True)
class Claim:
    """A piece of input text and where it went: a typed field (``kind``) or a note."""

    location: Location
    kind: (
        str  #: "group", "unit", "kpi", "dependency", "stack", "responsibility", "policy", "note" …
    )
    target: str  #: the group path or section the text landed in
    text: str
    end_line: int = 0  #: last line the text spans (0: just ``location.line``)

    def lines(self) -> range:
        return range(self.location.line, max(self.location.line, self.end_line) + 1)

    @property
    def typed(self) -> bool:
        return self.kind != "note"


@dataclass(frozen=True, slots=True)
class ImportProblem:
    """Something in the input the importer could not read as intended (kept as a note)."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: warning {self.message}"


@dataclass(slots=True)
class ImportReport:
    """Everything one import did, for people (``summary``) and machines (``as_json``)."""

    documents: list[str] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)
    #: Documents that could not be read (and were left out).
    unreadable: list[str] = field(default_factory=list)
    #: Lines of text per document that carry content (not blank, not pure markup).
    content_lines: dict[str, set[int]] = field(default_factory=dict)
    #: Per document, the shapes its groups were read from ("headings", "table", "bullet
    #: tree", "tree", "chart" …; "codes" for the coded family of documents).
    structures: dict[str, list[str]] = field(default_factory=dict)
    #: Sections that could have been groups and were not, each with the reason.
    not_groups: list[ImportProblem] = field(default_factory=list)

    def claim(
        self, location: Location, kind: str, target: str, text: str, end_line: int = 0
    ) -> None:
        self.claims.append(Claim(location, kind, target, text, end_line))

    def not_group(self, location: Location, title: str, reason: str) -> None:
        self.not_groups.append(ImportProblem(location, f"{title!r} is not a group: {reason}"))

    def problem(self, location: Location, message: str) -> None:
        self.problems.append(ImportProblem(location, message))

    def counts(self) -> dict[str, int]:
        return dict(sorted(Counter(claim.kind for claim in self.claims).items()))

    def notes(self) -> list[Claim]:
        return [claim for claim in self.claims if not claim.typed]

    def uncovered(self) -> dict[str, list[int]]:
        """Content lines no claim covers, per document; empty when nothing was dropped."""
        claimed: dict[str, set[int]] = {}
        for claim in self.claims:
            lines = claimed.get(claim.location.file)
            if lines is None:
                lines = claimed[claim.location.file] = set()
            if claim.end_line > claim.location.line:
                lines.update(claim.lines())
            else:
                lines.add(claim.location.line)
        return {
            doc: sorted(lines - claimed.get(doc, set()))
            for doc, lines in self.content_lines.items()
            if lines - claimed.get(doc, set())
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "unreadable": self.unreadable,
            "counts": self.counts(),
            "typed": sum(claim.typed for claim in self.claims),
            "notes": [
                {
                    "file": n.location.file,
                    "line": n.location.line,
                    "target": n.target,
                    "text": n.text,
                }
                for n in self.notes()
            ],
            "problems": [
                {"file": p.location.file, "line": p.location.line, "message": p.message}
                for p in self.problems
            ],
            "uncovered": self.uncovered(),
            "structures": self.structures,
            "not_groups": [
                {"file": p.location.file, "line": p.location.line, "message": p.message}
                for p in self.not_groups
            ],
        }
