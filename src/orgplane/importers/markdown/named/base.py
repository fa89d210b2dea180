"""What the parts of a named document's reading share: the drafts of its groups, facts
put on a group, and names used as references resolved to groups.

Imports ``context``, ``draft``, ``document``, ``facts.labels``, ``facts.sentences``,
``phrases.grammar``, ``structure.outline`` and ``named.outline``. A name resolves like a
code: the same name (any case, "the … team"), else the one group whose name it is a
whole-word part of; a name that fits several groups is a finding, never a guess.
"""

from __future__ import annotations

import re
from typing import Any

from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import Document, ListItem, Table
from orgplane.importers.markdown.draft import Draft, OrgDraft, add_unique
from orgplane.importers.markdown.facts.labels import Facts, split_names
from orgplane.importers.markdown.facts.sentences import SELF
from orgplane.importers.markdown.named.outline import Reading
from orgplane.importers.markdown.phrases.grammar import DepPhrase, slug
from orgplane.importers.markdown.structure.outline import Node, name_key
from orgplane.importers.report import ImportReport

__all__ = ["NamedBase", "flatten"]


class NamedBase(DocumentReader):
    """The state of one named document's reading and the operations every part uses."""

    def __init__(
        self, org: OrgDraft, report: ImportReport, doc: Document, reading: Reading
    ) -> None:
        super().__init__(org, report, doc)
        self.reading = reading
        self.outline = reading.outline
        self.drafts: dict[int, Draft] = {}
        self.paths: dict[int, str] = {}
        self._deps: list[tuple[Node, str, str, str, int]] = []
        self._leads: dict[int, list[str]] = {}
        self._rotations: list[dict[str, Any]] = []
        self._escalations: list[tuple[Table, list[dict[str, Any]]]] = []

    def _target(self, node: Node | None) -> str:
        return self.paths[id(node)] if node is not None else "org"

    def _notes(self, node: Node | None) -> list[str]:
        return self.drafts[id(node)].notes if node is not None else self.org.notes

    def _note(self, node: Node | None, line: int, text: str, end: int = 0) -> None:
        add_unique(self._notes(node), text.strip())
        self.claim(line, "note", self._target(node), text, end)

    def _subject(
        self, written: str, owner: Node | None, line: int, quiet: bool = False
    ) -> Node | None:
        if written == SELF:
            return owner
        return self._resolve(written, line, quiet=quiet)

    def _apply(self, node: Node, facts: Facts, line: int, end: int, text: str) -> None:
        draft = self.drafts[id(node)]
        target = self.paths[id(node)]
        for name in facts.leads:
            person = slug(name)
            self.org.people.setdefault(person, {"id": person, "name": name})
            add_unique(draft.leads, person)
            self.claim(line, "lead", target, name, end)
        for kpi in facts.kpis:
            add_unique(draft.kpis, kpi)
            self.claim(line, "kpi", target, kpi, end)
        for written, provides, direction in facts.deps:
            self._deps.append((node, written, provides, direction, line))
            self.claim(line, "dependency", target, written, end)
        for contact in facts.contacts:
            add_unique(draft.notes, f"Contact: {contact}")
            self.claim(line, "contact", target, contact, end)
        for entry in facts.runs:
            add_unique(draft.responsibilities, entry)
            self.claim(line, "responsibility", target, entry, end)
        for about in facts.about:
            add_unique(draft.description, about)
            self.claim(line, "description", target, about, end)
        for parent in facts.parents:  # read with the outline, where it places the group
            if node.parent is not None and name_key(parent) == node.parent.key:
                self.claim(line, "structure", target, parent, end)
            else:  # "Reports to: A. Name": a person, or a group the outline did not take
                self._note(node, line, text, end)
        for size in facts.sizes:
            add_unique(draft.notes, f"Size: {size}")
            self.claim(line, "note", target, size, end)
        if not (facts.any() or facts.about or facts.sizes or facts.parents):
            self.claim(line, "section", target, text, end)

    # -- names as references ------------------------------------------------------------

    def _resolve(self, written: str, line: int, quiet: bool = False) -> Node | None:
        """The group a name means: the same name (any case, "the … team"), else the one
        group whose name it is a whole-word part of; several: a finding, no guess."""
        text = re.sub(r"\s*\([^)]*\)\s*$", "", written.strip().strip("*_`")).strip()
        key = name_key(text)
        if not key:
            return None
        nodes = self.outline.nodes
        if key in nodes:
            return nodes[key]
        for variant in (key.rstrip("s"), key + "s"):
            if variant in nodes:
                return nodes[variant]
        if len(key) < 3:
            return None
        near = [n for k, n in nodes.items() if re.search(rf"(?:^| ){re.escape(key)}(?: |$)", k)]
        if len(near) == 1:
            return near[0]
        if len(near) > 1 and not quiet:
            paths = ", ".join(sorted(self.paths[id(n)] for n in near))
            self.report.problem(
                self.loc(line),
                f"{written!r} may name any of {paths}: not resolved, kept as written",
            )
        return None

    def _resolve_dependencies(self) -> None:
        by_code: dict[str, int] = {}
        for draft in self.drafts.values():
            by_code[draft.code] = by_code.get(draft.code, 0) + 1
        for node, written, provides, direction, line in self._deps:
            draft = self.drafts[id(node)]
            target_node = self._resolve(written, line)
            if target_node is None:
                # Several names in one ("Accounts and Cards")?
                parts = split_names(written)
                resolved = (
                    [self._resolve(p, line, quiet=True) for p in parts] if len(parts) > 1 else []
                )
                if resolved and all(r is not None for r in resolved):
                    for r in resolved:
                        assert r is not None
                        self._add_dep(draft, r, provides, direction, by_code)
                    continue
                self.report.problem(
                    self.loc(line), f"{written!r} names no group of the document: kept as written"
                )
                dep = DepPhrase(written, provides, direction, written)
                if dep not in draft.dependencies:
                    draft.dependencies.append(dep)
                continue
            if target_node is node:
                continue
            self._add_dep(draft, target_node, provides, direction, by_code)

    def _add_dep(
        self, draft: Draft, target: Node, provides: str, direction: str, by_code: dict[str, int]
    ) -> None:
        code = self.drafts[id(target)].code
        ref = code if by_code.get(code) == 1 else self.paths[id(target)]
        for index, known in enumerate(draft.dependencies):
            if known.target == ref:  # the same dependency said twice: one, with what flows
                if provides and not known.provides:
                    draft.dependencies[index] = DepPhrase(ref, provides, known.direction, ref)
                return
        draft.dependencies.append(DepPhrase(ref, provides, direction, ref))


def flatten(items: list[ListItem]) -> list[ListItem]:
    out: list[ListItem] = []
    stack = list(reversed(items))
    while stack:
        item = stack.pop()
        out.append(item)
        stack.extend(reversed(item.children))
    return out
