"""Groups drawn by sentences: "The Lab Systems group has three teams: Instrument
Integration, LIMS and Sample Tracking", "The Computation group consists of HPC Platform
and Pipelines", "Billing and Payments belong to the Money division", "Search and Ads report into
Discovery (led by A. Name)", "Search is part of Discovery", "Core Ledger is a shared
platform team" (a group of its own).

Imports ``structure.names``, ``structure.outline``, ``phrases.grammar`` and
``phrases.words``. A sentence draws groups only when it says they are groups (a kind
word: "three teams:", "the Computation group") or names groups another shape drew; "the
platform has Kubernetes and Terraform" draws nothing.
"""

from __future__ import annotations

import re

from orgplane.importers.markdown.phrases.grammar import split_list
from orgplane.importers.markdown.phrases.words import unmark
from orgplane.importers.markdown.structure.names import is_name
from orgplane.importers.markdown.structure.outline import Outline, Piece, name_key

__all__ = ["read_membership"]

_KIND = r"(?:groups?|divisions?|tribes?|departments?|areas?|teams?|squads?|pods?|crews?|units?|pillars?|domains?)"
_HAS = re.compile(
    rf"^(?:the\s+)?(?P<parent>.+?)(?P<marked>\s+{_KIND})?\s+"
    r"(?P<verb>has|have|consists\s+of|is\s+made\s+up\s+of|comprises|includes|contains|is\s+home\s+to|"
    r"brings\s+together)\s+"
    rf"(?P<listed>(?:the\s+)?(?:following\s+)?(?:\w+\s+)?{_KIND}\s*:?\s+)?(?P<children>.+)$",
    re.I,
)
_UNDER = re.compile(
    rf"^(?P<children>.+?)\s+(?:belongs?|sits?|reports?|lives?)\s+(?:to|into|in|under|within)\s+"
    rf"(?:the\s+)?(?P<parent>.+?)(?P<marked>\s+{_KIND})?$|"
    rf"^(?P<child>.+?)\s+(?:is|are)\s+(?:a\s+)?part\s+of\s+(?:the\s+)?(?P<parent2>.+?)(?P<marked2>\s+{_KIND})?$",
    re.I,
)
# "Core Ledger is a shared platform team (lead: …) outside both divisions".
_IS_A = re.compile(rf"^(?:the\s+)?(?P<name>.+?)\s+is\s+an?\s+(?:[\w-]+\s+){{0,3}}{_KIND}\b", re.I)
_AFTER = re.compile(r"\s*\((?P<said>[^()]*)\)$")
_PARTS = {"consists of", "is made up of", "comprises", "brings together"}


def _names(text: str) -> list[str]:
    out: list[str] = []
    for item in split_list(text):
        out.extend(p.strip() for p in re.split(r"\s+(?:and|&)\s+", item) if p.strip())
    return [re.sub(r"^(?:and|the)\s+", "", name, flags=re.I).strip("*_ ") for name in out]


def _sentence_groups(sentence: str, known: set[str]) -> tuple[str, list[str], str] | None:
    """(parent, its groups, what a parenthesis after the parent says) a clause states; the
    parent is "" for a group the clause says is one, with no parent."""
    sentence = unmark(sentence.strip()).rstrip(".")
    if (alone := _IS_A.match(sentence)) and is_name(alone["name"]):
        return "", [alone["name"].strip()], ""
    said = ""
    if paren := _AFTER.search(sentence):  # "… report into Freight Products (led by H. Kim)"
        sentence, said = sentence[: paren.start()].rstrip(), paren["said"]
    if has := _HAS.match(sentence):
        parent, children = has["parent"].strip(), _names(has["children"])
        verb = " ".join(has["verb"].lower().split())
        says = bool(has["listed"]) or (bool(has["marked"]) and verb in _PARTS)
    elif under := _UNDER.match(sentence):
        parent = (under["parent"] or under["parent2"]).strip()
        children = _names(under["children"] or under["child"])
        says = bool(under["marked"] or under["marked2"])
    else:
        return None
    if not is_name(parent) or not children or not all(map(is_name, children)):
        return None
    if says or all(name_key(child) in known for child in children):
        return parent, children, said
    return None


def read_membership(sentences: list[tuple[str, int]], outline: Outline, done: set[int]) -> None:
    """Nodes and parent links for the sentences (each with its line) that state them.
    ``done`` holds the clauses read by an earlier pass (before the headings were read,
    a sentence can name only groups other shapes drew); this pass adds the ones it reads."""
    known = set(outline.nodes)
    clauses = [(c, line) for sentence, line in sentences for c in re.split(r";\s+", sentence)]
    for index, (clause, line) in enumerate(clauses):
        found = None if index in done else _sentence_groups(clause, known)
        if found is None:
            continue
        done.add(index)
        outline.recognized("sentences")
        if not found[0]:  # a group of its own
            outline.node(found[1][0], line, "sentences").pieces.append(
                Piece("named", found[1][0], line)
            )
            continue
        parent = outline.node(found[0], line, "sentences")
        parent.pieces.append(Piece("named", found[0], line))
        if found[2]:
            parent.pieces.append(Piece("text", found[2], line))
        for name in found[1]:
            child = outline.node(name, line, "sentences")
            child.pieces.append(Piece("named", name, line))
            outline.link(child, parent, "sentences", line)
