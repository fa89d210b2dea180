"""Reading prose: planning rules in list items, labelled policy paragraphs ("Change
Types: …"), planned headcounts, roadmap phases.

Imports ``importers.markdown.context``, ``importers.markdown.draft``, ``importers.markdown.document``,
``importers.markdown.phrases.grammar`` and ``importers.markdown.facts.rules_text``.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import (
    Document,
    Heading,
    ListBlock,
    ListItem,
    Paragraph,
    Table,
)
from orgplane.importers.markdown.draft import Draft, OrgDraft, add_unique, clean
from orgplane.importers.markdown.facts.rules_text import (
    approvers,
    cadences,
    career_ladder,
    change_classes,
    headcount_role,
    labelled,
    team_rule,
)
from orgplane.importers.markdown.phrases.grammar import slug, split_list
from orgplane.importers.markdown.phrases.planning import parse_review_sentence
from orgplane.importers.markdown.structure.columns import header_words
from orgplane.importers.report import ImportReport

__all__ = ["ProseReader", "flatten", "item_ends", "meaning"]

# What a list or table is about, from the words of the titles above it (nearest first).
_MEANINGS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "stakeholders",
        re.compile(
            r"\b(interfaces?|stakeholders?|customers?|consumers?|collaboration|interactions?)\b"
        ),
    ),
    ("catalog", re.compile(r"\b(provides?|offers?|offerings?|we (run|operate|own|maintain))\b")),
    ("responsibilities", re.compile(r"\b(capabilit(y|ies)|responsibilit(y|ies))\b")),
)

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
        self._titles: list[str] = []  # the block's lead-in and section titles, nearest first

    def _track_phase(self, heading: Heading) -> None:
        """Roadmap phases: "Phase 1 (Weeks 1–6): Team Structure …" headings."""
        found = _PHASE.match(clean(heading.text))
        if found is not None:
            title = found["title"].strip()
            name = found["name"].title() + (f": {title}" if title else "")
            self._phase = self.org.phase(name, found["weeks"])
            self._phase_level = heading.level
        elif self._phase is not None and heading.level <= self._phase_level:
            self._phase = None

    def _note_items(
        self,
        items: list[ListItem],
        end_line: int,
        target: str,
        notes: list[str],
        skip: set[int],
        title: str = "",
    ) -> None:
        """List items kept as notes, one per top-level item with what hangs below it —
        or, under a ``title`` (the subsection the list makes up), one Markdown note with
        the title and the whole list. A planning rule among them also becomes a policy.
        Items in ``skip`` (and what hangs below them) were read into typed fields already."""
        kept = [item for item in items if id(item) not in skip]
        if title and kept:
            add_unique(notes, "\n".join([title, *_markdown_items(kept, skip, 0)]))
        else:
            for item in kept:
                add_unique(notes, _item_text(item, skip))
        lines = flatten(kept)
        for item, end in zip(lines, item_ends(lines, end_line), strict=True):
            if id(item) in skip:
                continue
            text = "\n".join([item.text, *item.extra])
            rule = team_rule(item.text)
            review = parse_review_sentence(item.text) if rule is None else None
            if rule is not None:
                # The sentence stays as a note for people; the numbers become a policy.
                known = self.org.planning.setdefault(rule[0], {})
                for key, value in rule[1].items():
                    known.setdefault(key, value)
            elif review is not None:
                cadence = {"name": review.name, "every": review.every, "note": item.text}
                if cadence not in self.org.review_cadences:
                    self.org.review_cadences.append(cadence)
            typed = rule is not None or review is not None
            self.claim(item.line, "policy" if typed else "note", target, text, end)

    def _prose_policy(self, block: Paragraph, target: str) -> bool:
        """ "Change Types: …", "Change Approval: …", "Infrastructure Reviews: …" paragraphs."""
        found = labelled(block.text)
        if found is None:
            return False
        label, rest = found
        words = label.lower()
        org = self.org
        if "change" in words and (classes := change_classes(rest)) is not None:
            known = {c["name"] for c in org.change_classes}  # approvers may have joined them
            org.change_classes.extend(c for c in classes if c["name"] not in known)
        elif "approv" in words and (rows := approvers(rest)) is not None:
            for who, what in rows:
                risk = next(
                    (r for r in ("high", "medium", "normal", "low") if r in what.lower()), None
                )
                risk = "medium" if risk == "normal" else risk
                for change in org.change_classes:
                    if change["risk"] == risk:
                        add_unique(change.setdefault("approvers", []), who)
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

    def _titled_list(self, block: ListBlock, department: Draft | None) -> bool:
        """A list whose title says what it holds: "Provides" (catalog), "Interfaces",
        "Stakeholders" (stakeholders), "Capabilities", "Team Responsibilities" (the
        team's responsibilities, by area when the list sits in an area's subsection;
        "Responsibilities of the Lead" makes a role)."""
        found = meaning(self._titles)
        if found is None:
            return False
        kind, depth = found
        target = department.code if department else "org"
        texts = [_item_text(item) for item in block.items]
        if kind == "stakeholders":
            into = department.stakeholders if department else self.org.stakeholders
            for text in texts:
                add_unique(into, text)
        elif kind == "catalog":
            owner = department.code if department else ""
            for text in texts:
                self.org.add_catalog({"name": text, "owner": owner, "kind": "service"})
        elif department is None and (role := _ROLE_DUTIES.match(clean(self._titles[depth]))):
            name = role["name"].strip()
            known = self.org.roles.setdefault(slug(name), {"id": slug(name), "name": name})
            duties = known.setdefault("responsibilities", [])
            for text in texts:
                add_unique(duties, text)
        elif department is None:
            # The area is the subsection the list sits in ("Infrastructure Design").
            area = clean(self._titles[0]) if depth > 0 else ""
            into = self.org.responsibilities
            if area:
                add_unique(into, f"{area}: {'; '.join(texts)}")
            else:
                for text in texts:
                    add_unique(into, text)
        else:
            return False
        items = flatten(block.items)
        claim = {"stakeholders": "stakeholder", "catalog": "catalog"}.get(kind, "responsibility")
        for item, end in zip(items, item_ends(items, block.end_line), strict=True):
            self.claim(item.line, claim, target, item.text, end)
        return True

    def _group_maps(self, items: list[ListItem], context: str = "") -> set[int]:
        """Items that map groups to what they have ("Platform → SRE, Infrastructure, DevOps"
        under "each subteam defines its internal customers"; "**MLOps** → MLflow, Ray"
        under "mapped to its engine and stack"): the groups' stakeholders or stack.
        Returns the ids of the items read."""
        read: set[int] = set()
        for item in items:
            here = f"{context} {item.text}"
            found = _MAPPED.match(item.text)
            words = header_words(context)
            kind = next((k for k, keys in _MAP_MEANINGS if words & keys), None)
            group = self._group_named(found["name"]) if found and kind else None
            if found is not None and group is not None:
                into = group.stakeholders if kind == "stakeholders" else group.stack
                for value in split_list(found["values"]):
                    add_unique(into, value)
                self.claim(item.line, kind.rstrip("s") if kind else "", group.code, item.text)
                read.add(id(item))
            read |= self._group_maps(item.children, here)
        return read

    def _group_named(self, name: str) -> Draft | None:
        """The one group whose name contains ``name``'s words in order ("Platform" →
        "Data Platform Team")."""
        wanted = " ".join(re.findall(r"[a-z0-9]+", name.casefold()))
        found: list[Draft] = []
        stack = list(self.org.groups.values())
        while stack:
            draft = stack.pop()
            words = " ".join(re.findall(r"[a-z0-9]+", draft.name.casefold()))
            if wanted and re.search(rf"(^| ){re.escape(wanted)}( |$)", words):
                found.append(draft)
            stack.extend(draft.children.values())
        return found[0] if len(found) == 1 else None

    def _titled_table(self, table: Table, department: Draft | None) -> bool:
        """A two-column table in a section about interactions ("External Team | Key
        Interactions"): one stakeholder per row, "Team: what we do with them"."""
        found = meaning(self._titles)
        if found is None or found[0] != "stakeholders" or len(table.header) != 2:
            return False
        if any(len(row) != 2 or not row[0].text for row in table.rows):
            return False
        into = department.stakeholders if department else self.org.stakeholders
        target = department.code if department else "org"
        self.claim(table.line, "section", target, " | ".join(table.header))
        for who, what in table.rows:
            text = f"{who.text}: {what.text}" if what.text else who.text
            add_unique(into, text)
            self.claim(who.line, "stakeholder", target, text)
        return True

    def _titled_paragraph(self, block: Paragraph, department: Draft | None) -> bool:
        """A "**Product**: …" paragraph in a section about collaboration: a stakeholder."""
        found = meaning(self._titles)
        if found is None or found[0] != "stakeholders" or labelled(block.text) is None:
            return False
        into = department.stakeholders if department else self.org.stakeholders
        add_unique(into, " ".join(block.text.split()))
        target = department.code if department else "org"
        self.claim(block.line, "stakeholder", target, block.text, block.end_line)
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


_MAPPED = re.compile(r"^(?P<name>[^→:]{2,60}?)\s*(?:→|->|⇒)\s*(?P<values>\S.*)$")
_MAP_MEANINGS: tuple[tuple[str, set[str]], ...] = (
    ("stakeholders", {"stakeholder", "customer", "consumer", "user"}),
    ("stack", {"stack", "engine", "tool", "technology", "technologie"}),
)


_ROLE_DUTIES = re.compile(
    r"^responsibilities\s+of\s+(?:the\s+|our\s+|a\s+)?(?P<name>.{3,60})$", re.I
)


def _markdown_items(items: list[ListItem], skip: set[int], depth: int) -> list[str]:
    """Items as Markdown list lines, nested by two spaces per level."""
    lines: list[str] = []
    for item in items:
        if id(item) in skip:
            continue
        text = " ".join([item.text, *item.extra])
        lines.append(f"{'  ' * depth}- {text}")
        lines.extend(_markdown_items(item.children, skip, depth + 1))
    return lines


def _item_text(item: ListItem, skip: set[int] | None = None) -> str:
    """A list item with what hangs below it: "**Label**" over one line reads "Label: line"."""
    text = "\n".join([item.text, *item.extra])
    below = [_item_text(child, skip) for child in item.children if id(child) not in (skip or ())]
    if not below:
        return text
    return f"{text.rstrip(':')}: {'; '.join(below)}"


def meaning(titles: list[str]) -> tuple[str, int] | None:
    """What the nearest title that says something says a list holds, and how far up it is."""
    for depth, title in enumerate(titles):
        lowered = title.lower()
        for kind, pattern in _MEANINGS:
            if pattern.search(lowered):
                return kind, depth
    return None


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
