"""What every part of the importer's reading shares: the draft, the report, the document.

Imports ``importers.markdown.draft``, ``importers.markdown.document``, ``importers.report`` and ``model``.
"""

from __future__ import annotations

from orgplane.importers.markdown.document import Document
from orgplane.importers.markdown.draft import OrgDraft
from orgplane.importers.report import ImportReport
from orgplane.model import Location

__all__ = ["DocumentReader"]


class DocumentReader:
    """Reads one document into the org draft, claiming every line it uses in the report."""

    def __init__(self, org: OrgDraft, report: ImportReport, doc: Document) -> None:
        self.org = org
        self.report = report
        self.doc = doc
        self._consumed: set[int] = set()  # ids of blocks already read (the top tree)
        # One Location per line (frozen, so shared): a line is often claimed many times.
        self._locations: dict[int, Location] = {}

    def loc(self, line: int) -> Location:
        location = self._locations.get(line)
        if location is None:
            location = self._locations[line] = Location(self.doc.path, line, 1)
        return location

    def claim(self, line: int, kind: str, target: str, text: str, end_line: int = 0) -> None:
        self.report.claim(self.loc(line), kind, target, text, end_line)
