"""Paragraphs and list items of a named document: sentences that state a group's facts
("Payments is run by Greta Lind", "It needs Identity for tokens") and rules ("Only the
Identity team may rotate signing keys", "A squad larger than five gets an engineering
manager"); what states nothing typed is kept as a note.

Imports ``document``, ``draft``, ``facts.sentences`` and ``named.base``.
"""

from __future__ import annotations

from orgplane.importers.markdown.document import ListItem, Paragraph
from orgplane.importers.markdown.draft import add_unique
from orgplane.importers.markdown.facts.sentences import (
    authority,
    lead_threshold,
    read_sentences,
    sentences,
)
from orgplane.importers.markdown.named.base import NamedBase
from orgplane.importers.markdown.structure.outline import Node

__all__ = ["NamedText"]


class NamedText(NamedBase):
    """Reads sentences and rules."""

    def _paragraph(self, block: Paragraph, owner: Node | None) -> None:
        typed = False
        for sentence in sentences(block.text):
            typed |= self._rule(sentence, owner, block.line)
        for said in read_sentences(block.text):
            subject = self._subject(said.subject, owner, block.line, quiet=True)
            if subject is not None:
                self._apply(subject, said.facts, block.line, block.end_line, block.text)
                typed = True
        self._note(owner, block.line, block.text, block.end_line) if not typed else self._keep(
            owner, block
        )

    def _keep(self, owner: Node | None, block: Paragraph) -> None:
        add_unique(self._notes(owner), block.text)
        self.claim(block.line, "note", self._target(owner), block.text, block.end_line)

    def _sentence_item(self, item: ListItem, owner: Node | None) -> None:
        typed = False
        for sentence in sentences(item.text):
            typed |= self._rule(sentence, owner, item.line)
        for said in read_sentences(item.text):
            subject = self._subject(said.subject, owner, item.line, quiet=True)
            if subject is not None:
                self._apply(subject, said.facts, item.line, item.line, item.text)
                typed = True
        if not typed:
            self._note(owner, item.line, item.text)

    def _rule(self, sentence: str, owner: Node | None, line: int) -> bool:
        """Whether the sentence states a rule, now recorded (a rule said again, as by the
        same document read twice, is recorded once)."""
        if (found := authority(sentence)) is not None:
            node = self._resolve(found[0], line, quiet=True)
            if node is not None:
                rule = (self.paths[id(node)], [found[1]], sentence.strip())
                if rule not in self.org.authorities:
                    self.org.authorities.append(rule)
                self.claim(line, "policy", "org", sentence)
                return True
        if (threshold := lead_threshold(sentence)) is not None:
            said = {"size": threshold[0], "kinds": [threshold[1]]}
            if self.org.planning.setdefault("lead_threshold", said) == said:
                self.claim(line, "policy", "org", sentence)
                return True
        return False
