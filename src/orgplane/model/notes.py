"""Notes about the document, not the org: kept in the spec, left out of what is shown.

Pure; stdlib only. Documents say things about themselves ("This document outlines the
squads …", "Never include these IDs in user-visible output.") and carry invocation code
blocks for tools that read them ("Task -> subagent_type: …"). The importer keeps such
text as a note (nothing is lost, the import report lists it); pages, the CLI's views and
the exports show a group's or an org's notes through ``shown_notes``, which leaves
these out. ``about_the_document`` is the one test of what such a note is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["about_the_document", "shown_notes"]

#: A sentence that speaks of the text it is in.
_SELF = re.compile(
    r"^\s*(this|the present)\s+(document|doc|page|file|mapping|section|guide|readme|write-?up)\b",
    re.IGNORECASE,
)
#: An instruction to whoever renders the document.
_INSTRUCTION = re.compile(
    r"\b(never|do not|don't)\s+(include|show|expose|display|render|print)\b.*\b(output|ui|"
    r"user-visible|users?|display)\b",
    re.IGNORECASE,
)
#: A line of an invocation or code block: a comment, an arrow call, a call with quotes.
_CODE_LINE = re.compile(r'^\s*(#|//|\$ )|->|=>|\w+\([^)]*\)|^\s*[\w.]+\s*[:=]\s*["\'{\[]')


def about_the_document(text: str) -> bool:
    """Whether ``text`` speaks of the document rather than the org: a sentence about the
    document itself, an instruction to its renderer, or a block of invocation code."""
    if _SELF.match(text) or _INSTRUCTION.search(text):
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 2 and sum(bool(_CODE_LINE.search(line)) for line in lines) * 2 > len(lines)


def shown_notes(notes: Iterable[str]) -> list[str]:
    """The notes to show: all but those about the document."""
    return [note for note in notes if not about_the_document(note)]
