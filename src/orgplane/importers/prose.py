"""Reading prose: planning rules in list items, labelled policy paragraphs ("Change
Types: …"), planned headcounts, roadmap phases.

Imports ``importers.context``, ``importers.draft``, ``importers.markdown``,
``importers.phrases`` and ``importers.rules_text``.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.context import DocumentReader
from orgplane.importers.draft import OrgDraft, add_unique, clean
from orgplane.importers.markdown import Document, Heading, ListBlock, ListItem, Paragraph
from orgplane.importers.phrases import slug, split_list
from orgplane.importers.report import ImportReport
from orgplane.importers.rules_text import (
    approvers,
    cadences,
    career_ladder,
    change_classes,
    headcount_role,
    labelled,
    team_rule,
)

__all__ = ["ProseReader", "flatten", "item_ends"]

_PHASE = re.compile(
    r"^(?P<name>phase\s+\w+)\s*\(\s*weeks?\s+(?P<weeks>[\d–-]+)\s*\)\s*:?\s*(?P<title>.*)$", re.I
)


class ProseReader(DocumentReader):
    """Reads the prose parts of a document into policies, roles and the roadmap."""

    def __init__(self, org: OrgDraft, report: ImportReport, doc: Document) -> None:
        super().__init__(org, report, doc)
        self._phase: dict[str, Any] | None = None  # the roadmap phase being read
        self._phase_level = 0
        self._boundaries = False  # inside a section about responsibility boundaries

    def _track_phase(self, heading: Heading) -> None:
        """Roadmap phases: "Phase 1 (Weeks 1–6): Team Structure …" headings."""
        found = _PHASE.match(clean(heading.text))
        if found is not None:
            title = found["title"].strip()
            name = found["name"].title() + (f": {title}" if title else "")
            self._phase = {"name": name, "weeks": found["weeks"], "deliverables": []}
            self.org.roadmap.append(self._phase)
            self._phase_level = heading.level
        elif self._phase is not None and heading.level <= self._phase_level:
            self._phase = None

    def _note_items(
        self, items: list[ListItem], end_line: int, target: str, notes: list[str]
    ) -> None:
        """List items kept as notes; a planning rule among them also becomes a policy."""
        for item, end in zip(items, item_ends(items, end_line), strict=True):
            text = "\n".join([item.text, *item.extra])
            add_unique(notes, text)
            rule = team_rule(item.text)
            if rule is not None:
                # The sentence stays as a note for people; the numbers become a policy.
                known = self.org.planning.setdefault(rule[0], {})
                for key, value in rule[1].items():
                    known.setdefault(key, value)
            self.claim(item.line, "policy" if rule else "note", target, text, end)

    def _prose_policy(self, block: Paragraph, target: str) -> bool:
        """ "Change Types: …", "Change Approval: …", "Infrastructure Reviews: …" paragraphs."""
        found = labelled(block.text)
        if found is None:
            return False
        label, rest = found
        words = label.lower()
        org = self.org
        if "change" in words and (classes := change_classes(rest)) is not None:
            org.change_classes.extend(c for c in classes if c not in org.change_classes)
        elif "approv" in words and (rows := approvers(rest)) is not None:
            for who, what in rows:
                risk = next(
                    (r for r in ("high", "medium", "normal", "low") if r in what.lower()), None
                )
                risk = "medium" if risk == "normal" else risk
                for change in org.change_classes:
                    if change["risk"] == risk:
                        change.setdefault("approvers", []).append(who)
                add_unique(org.notes, f"{label}: {who} ({what})")
        elif "review" in words and (found_cadences := cadences(rest)) is not None:
            org.review_cadences.extend(c for c in found_cadences if c not in org.review_cadences)
        elif self._boundaries:
            add_unique(org.boundaries, f"{label}: {rest}")
        elif "career" in words and (ladder := career_ladder(rest)) is not None:
            org.career_ladder = org.career_ladder or ladder
            add_unique(org.notes, block.text)
        else:
            return False
        self.claim(block.line, "policy", target, block.text, block.end_line)
        return True

    def _headcount_roles(self, block: ListBlock, target: str) -> bool:
        """A list of "**Role (2-3)**: duties" items: the roles and their planned headcount."""
        found = [labelled(item.text) for item in block.items]
        roles = [headcount_role(*f) if f else None for f in found]
        if sum(role is not None for role in roles) < 2:
            return False
        # A labelled item without a range in such a list is a role too ("Lead: …").
        roles = [
            role
            or (
                {"id": slug(f[0]), "name": f[0], "responsibilities": split_list(f[1])}
                if f
                else None
            )
            for role, f in zip(roles, found, strict=True)
        ]
        for item, role in zip(block.items, roles, strict=True):
            if role is None:
                add_unique(self.org.notes, item.text)
                self.claim(item.line, "note", target, item.text)
                continue
            self.org.roles.setdefault(role["id"], role)
            self.claim(item.line, "role", target, item.text)
        return True


def item_ends(items: list[ListItem], end_line: int) -> list[int]:
    """The last line of each item: it runs until the next one starts (continuations too)."""
    starts = [item.line for item in items] + [end_line + 1]
    return [max(item.line, nxt - 1) for item, nxt in zip(items, starts[1:], strict=False)]


def flatten(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out
