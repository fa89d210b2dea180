"""Groups drawn as a nested bullet list: an org chart whose items are names, with the
group's facts inline ("**Edge** (owner: A. Name; 5 people; SLOs: …; needs Identity for
…)") or as labelled items under it ("Lead: X", "KPIs: a; b"), or a group and its groups on
one line ("Retail: Cards, Loans, Savings").

Imports ``importers.markdown.document``, ``structure.outline``, ``structure.names`` and
``facts.labels``. A list is a chart when most of its items are names and it nests or
carries facts; a list of sentences or of labels is not.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.document import ListBlock, ListItem
from orgplane.importers.markdown.facts.blocks import bare_label, is_label_line
from orgplane.importers.markdown.facts.labels import label_kind, read_labelled
from orgplane.importers.markdown.phrases.grammar import split_list
from orgplane.importers.markdown.phrases.words import unmark
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import Node, Outline, Piece

__all__ = ["is_bullet_chart", "read_bullet_chart"]

_COLON = re.compile(r"^(?P<name>[^:()]{1,60}):\s*(?P<rest>[^:()]*\S)$")


def _fact_item(item: ListItem) -> bool:
    facts = read_labelled(item.text)
    return ((facts.any() or bool(facts.sizes or facts.about)) and not facts.rest) or is_label_line(
        item.text
    ) is not None


def _colon_list(item: ListItem) -> tuple[str, list[str]] | None:
    """ "Retail: Cards, Loans and Savings" → ("Retail", its groups); a label ("Needs: A,
    B") or a term and its meaning ("SRE: Site Reliability Engineering") is none."""
    found = _COLON.match(unmark(item.text).replace("**", ""))
    if found is None or not is_name(found["name"]) or label_kind(found["name"]) is not None:
        return None
    names = [n.strip() for part in split_list(found["rest"]) for n in re.split(r"\s+and\s+", part)]
    return (found["name"].strip(), names) if names and all(map(is_name, names)) else None


def _name_of(item: ListItem) -> tuple[str, str] | None:
    text = unmark(item.text)  # "▸ **Flight Search**": a Notion toggle
    if bare_label(item.text) is not None:
        return None
    if item.bold and text.startswith(item.bold):
        rest = text[len(item.bold) :].strip()
        name = item.bold.strip().rstrip(":")
        if rest.startswith("(") and rest.endswith(")"):
            return name, rest[1:-1]
        if rest.startswith(("—", "–", "-", ":")):
            tail = rest.lstrip("—–-: ").strip()
            return (name, tail) if ":" in tail or not tail or read_labelled(tail).any() else None
        return (name, "") if not rest else None
    name, facts = split_inline_facts(text)
    return (name, facts) if is_name(name) else None


def is_bullet_chart(block: ListBlock) -> bool:
    """Most items are names (or labelled facts under a name), and the list nests or its
    items carry facts."""
    items = list(block.items)
    listed = [_colon_list(i) for i in items]
    if all(listed) and sum(len(x[1]) > 1 for x in listed if x) * 2 >= len(items):
        return True  # "Retail: Cards, Loans" lines: several groups listed in most
    named = [i for i in items if _name_of(i) is not None]
    if len(named) < max(1, (len(items) * 2 + 2) // 3):
        return False
    nested = any(any(_name_of(c) for c in i.children) for i in named)
    if block.ordered and not nested:  # steps, unless each names a group with its facts
        return all(bool((_name_of(i) or ("", ""))[1]) for i in items) and len(items) >= 2
    inline = sum(
        bool((_name_of(i) or ("", ""))[1]) or any(_fact_item(c) for c in i.children) for i in named
    )
    return nested or (len(named) >= 2 and inline >= len(named) // 2 + 1)


def read_bullet_chart(block: ListBlock, outline: Outline, parent: Node | None) -> list[int]:
    """Nodes for the list's named items; returns the lines of items that are neither a
    name nor a fact (for notes)."""
    outline.recognized("bullet tree")
    left: list[int] = []
    stack: list[tuple[ListItem, Node | None]] = [(item, parent) for item in reversed(block.items)]
    while stack:
        item, up = stack.pop()
        if up is not None and _name_of(item) is None and _fact_item(item):
            # "▸ Metrics" over its items: each item is one of what the label says.
            label = unmark(item.text).strip("*_ ").rstrip(":").strip("*_ ")
            labelled = bare_label(item.text) is not None
            up.pieces.append(Piece("label" if labelled else "text", item.text, item.line))
            for child in item.children:
                text = f"{label}: {child.text}" if labelled else child.text
                up.pieces.append(Piece("text", text, child.line))
            continue
        listed = _colon_list(item)
        if listed is not None and up is None:
            node = outline.node(listed[0], item.line, "bullet tree")
            node.pieces.append(Piece("named", item.text, item.line))
            for name in listed[1]:
                group = outline.node(name, item.line, "bullet tree")
                group.pieces.append(Piece("named", name, item.line))
                outline.link(group, node, "bullet tree", item.line)
            continue
        named = _name_of(item)
        if named is None:
            if up is not None:
                up.pieces.append(Piece("note", item.text, item.line))
            else:
                left.append(item.line)
            continue
        name, facts = named
        node = outline.node(name, item.line, "bullet tree")
        node.pieces.append(Piece("named", item.text, item.line))
        outline.link(node, up, "bullet tree", item.line)
        if facts:
            node.pieces.append(Piece("text", facts, item.line))
        for extra in item.extra:
            node.pieces.append(Piece("note", extra, item.line))
        stack.extend((child, node) for child in reversed(item.children))
    return left
