"""Groups drawn by headings: "## Platform" over "### 3.1 Messaging", "## Team: Billing
(code BIL)", "### Search (stream-aligned)", "## Tribe: Operations", several H1 orgs.

Imports ``importers.markdown.document``, ``structure.outline``, ``facts.blocks`` and
``facts.labels``. A heading is a group when it says so (a kind word, a code, a team
type), when its section states a group's facts (a lead, KPIs, dependencies), when
another shape names it, or when groups sit under it. Purpose, glossary, on-call,
escalation, policy and other such sections are not groups, and the outline keeps why.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from orgplane.importers.markdown.document import Document, Section
from orgplane.importers.markdown.facts.blocks import Found, facts_of_blocks, is_label_line
from orgplane.importers.markdown.structure.names import is_name, split_inline_facts
from orgplane.importers.markdown.structure.outline import KIND_WORDS, Node, Outline, Piece, name_key

__all__ = [
    "NOT_GROUP_WORDS",
    "HeadingGroup",
    "check_levels",
    "not_a_group",
    "parse_heading",
    "read_headings",
]

_DECORATION = re.compile(r"^[^\w(]+|[^\w)]+$")
_NUMBER = re.compile(
    r"^(?:(?:part|section|chapter)\s+)?\d+(?:\.\d+)*[.)]?\s*[-–—:]?\s+(?=\S)", re.I
)
_PREFIX = re.compile(rf"^(?P<kind>{'|'.join(KIND_WORDS)})\s*[:–—-]\s*(?P<name>\S.*)$", re.I)
_SUFFIX = re.compile(
    r"^(?P<name>\S.*?)\s+(?P<kind>team|squad|tribe|division|department|pod|crew|chapter|guild)$",
    re.I,
)
_CODE = re.compile(r"\s*\(\s*(?:code|id)\s*[:=]?\s*(?P<code>[A-Za-z0-9][\w.+-]{0,31})\s*\)", re.I)
# "Commerce / Checkout", "Grid › Metering": a page path, the group last.
_PATH = re.compile(r"\s+[/›»>]\s+")
# "Pipelines (4 engineers)", "Search — 6 people": how many, not part of the name.
_SIZE = re.compile(
    r"\s*(?:\(\s*(?P<a>\d+(?:\s*[-–]\s*\d+)?\s+(?:people|engineers|persons|members|FTEs?))\s*\)|"
    r"[-–—·|]\s*(?P<b>\d+(?:\s*[-–]\s*\d+)?\s+(?:people|engineers|persons|members|FTEs?)))\s*$",
    re.I,
)
_TOPOLOGY = re.compile(
    r"\s*\(\s*(?P<type>stream[- ]aligned|platform|enabling|complicated[- ]subsystem|"
    r"enabling team|platform team|stream[- ]aligned team)\s*\)",
    re.I,
)

#: Section titles that are about the org, not a group of it, with the reason a user sees.
NOT_GROUP_WORDS: list[tuple[str, str]] = [
    (
        r"purpose|mission|vision|about|introduction|intro|overview|summary|context|background|why",
        "it introduces the document",
    ),
    (r"glossary|terms|definitions|acronyms|abbreviations", "it is a glossary"),
    (r"on-?call|rotations?|pager|paging|schedule", "it describes on-call"),
    (r"escalations?|incidents?|severity", "it describes escalation"),
    (
        r"polic(?:y|ies)|rules|principles|guidelines|agreements?|governance|norms|conventions|standards",
        "it states policies",
    ),
    (
        r"interactions?|collaboration|how teams work together|working together|dependencies|interfaces",
        "it describes how groups interact",
    ),
    (
        r"contacts?|faq|questions|help|support|links|references|resources|appendix|changelog|history|revision|notes?",
        "it is reference material",
    ),
    (
        r"roadmap|plan|planning|timeline|milestones|phases?|okrs|objectives|goals|metrics|kpis|slos|scorecard",
        "it is about plans or measures across groups",
    ),
    (
        r"process(?:es)?|workflow|flow|templates?|gates?|checklists?|communication|meetings|rituals|cadences?|reviews?",
        "it describes a process",
    ),
    (
        r"roles?|responsibilities|raci|hiring|career|people|roster|registry|members|staffing|headcount",
        "it describes roles, not groups",
    ),
    (
        r"structure|org(?:anization(?:al)?)? chart|team map|chart|tree|hierarchy|teams|squads|tribes|groups|departments|divisions|organization|org|our teams|team list|"
        r"who'?s who|who we are|how (?:we|the org|engineering|the team) (?:is|are) (?:organi[sz]ed|structured)|"
        r"(?:org(?:anization)?|team) (?:structure|overview|directory)|"
        r"(?:teams|squads|groups|tribes|divisions|departments)\b.*",
        "it lists groups",
    ),
    (r"table of contents|contents|toc|index|invocation|usage", "it is navigation"),
]
_NOT_GROUP = [
    (
        re.compile(
            rf"^(?:the\s+|our\s+|team\s+|org\s+)?(?:{words})(?:\s*(?:&|and|/)\s*\w+)*$", re.I
        ),
        why,
    )
    for words, why in NOT_GROUP_WORDS
]
_NOT_GROUP_ANYWHERE = re.compile(
    r"\b(?:glossary|on-?call|escalation|polic(?:y|ies)|overview|purpose|table of contents|how we work|working agreements)\b",
    re.I,
)


def not_a_group(title: str) -> str | None:
    """Why a section of this title is not a group ("it is a glossary"), or None."""
    text = " ".join(title.split())
    for pattern, why in _NOT_GROUP:
        if pattern.match(text):
            return why
    if _NOT_GROUP_ANYWHERE.search(text):
        return "its title names no group"
    return None


@dataclass(slots=True)
class HeadingGroup:
    name: str
    kind: str = ""
    code: str = ""
    marked: bool = False  #: a kind word, code or team type says it is a group
    size: str = ""  #: "4 engineers" when the heading says how many
    facts: str = ""  #: "led by A. Name" when the heading says more than the name
    path: list[str] = field(default_factory=list)  #: "Commerce / Checkout": the groups above


def parse_heading(text: str) -> HeadingGroup:
    """ "3.1 Messaging" → Messaging; "Team: Billing (code BIL)" → Billing, team, BIL;
    "Search (stream-aligned)" → Search, stream-aligned; "Billing Team" → Billing, team;
    "Commerce / Checkout" → Checkout under Commerce."""
    title = _DECORATION.sub("", " ".join(text.split())).strip()
    title = _NUMBER.sub("", title).strip()
    group = HeadingGroup(title)
    name, facts = split_inline_facts(title)
    if facts and is_name(name):  # "Site Portal — led by A. Name", "Edge (lead: A. Name)"
        title, group.facts, group.marked = name, facts, True
    if size := _SIZE.search(title):
        group.size = size["a"] or size["b"]
        title = title[: size.start()].strip()
    if code := _CODE.search(title):
        group.code, group.marked = code["code"], True
        title = (title[: code.start()] + title[code.end() :]).strip()
    if topology := _TOPOLOGY.search(title):
        group.kind, group.marked = (
            topology["type"].lower().replace(" team", "").replace(" ", "-"),
            True,
        )
        title = (title[: topology.start()] + title[topology.end() :]).strip()
    if prefix := _PREFIX.match(title):
        group.kind = group.kind or KIND_WORDS[prefix["kind"].lower()]
        group.marked, title = True, prefix["name"].strip()
    elif (suffix := _SUFFIX.match(title)) and not_a_group(suffix["name"]) is None:
        group.kind = group.kind or KIND_WORDS[suffix["kind"].lower()]
        group.marked = True
    group.name = _DECORATION.sub("", title).strip() or title
    parts = _PATH.split(group.name)
    if len(parts) > 1 and all(is_name(part) for part in parts):
        group.path, group.name = parts[:-1], parts[-1]
    return group


@dataclass(slots=True)
class _Candidate:
    section: Section
    parsed: HeadingGroup
    found: list[Found]
    facts_sections: list[Section] = field(default_factory=list)
    group: bool = False


def _facts_of(section: Section, consumed: set[int]) -> tuple[list[Found], list[Section]]:
    found, _ = facts_of_blocks([b for b in section.blocks if id(b) not in consumed])
    facts_sections = []
    for child in section.children:
        heading = child.heading
        kind = is_label_line(heading.text) if heading else None
        if kind is not None:
            facts_sections.append(child)
            more, _ = facts_of_blocks(child.blocks, kind)
            found.extend(more)
    return found, facts_sections


def read_headings(
    doc: Document, outline: Outline, known: set[str], consumed: set[int]
) -> dict[int, Node]:
    """Group nodes for headings, keyed by ``id(section)``; ``known`` are the names other
    shapes of the document drew, ``consumed`` the ids of the blocks they drew them in
    (what those blocks say is about their groups, not the heading's)."""
    sections = [s for s in doc.sections() if s.heading is not None]
    parent_of = {id(child): s for s in doc.sections() for child in s.children}
    h1 = [s for s in sections if s.heading is not None and s.heading.level == 1]
    title = h1[0] if len(h1) == 1 else None
    candidates: dict[int, _Candidate] = {}
    facts_ids: set[int] = set()
    for section in sections:
        heading = section.heading
        assert heading is not None
        if id(section) in facts_ids or section is title:
            continue
        parsed = parse_heading(heading.text)
        why = None if parsed.marked else not_a_group(parsed.name)
        if why is not None or not parsed.name:
            outline.skipped.append((heading.line, heading.text, why or "it has no name"))
            continue
        found, facts_sections = _facts_of(section, consumed)
        facts_ids.update(id(s) for s in facts_sections)
        candidate = _Candidate(section, parsed, found, facts_sections)
        own = any(f.subject == "" and (f.facts.any() or f.facts.parents) for f in found)
        candidate.group = parsed.marked or own or name_key(parsed.name) in known
        candidates[id(section)] = candidate
    # A heading with groups under it is a group too (a division over its teams) — or, at
    # level 1 when the document has several, an org of its own.
    for section in reversed(sections):
        pending = candidates.get(id(section))
        if pending is None or pending.group:
            continue
        if any(
            c.group for c in (candidates.get(id(s)) for s in section.walk()[1:]) if c is not None
        ):
            pending.group = True
    nodes: dict[int, Node] = {}
    for section in sections:
        pending = candidates.get(id(section))
        heading = section.heading
        assert heading is not None
        if pending is None:
            continue
        if not pending.group:
            outline.skipped.append(
                (
                    heading.line,
                    heading.text,
                    "it states no group facts (no lead, KPIs or dependencies) and no group is under it",
                )
            )
            continue
        node = outline.node(pending.parsed.name, heading.line, "headings", pending.parsed.kind)
        node.code = node.code or pending.parsed.code
        node.pieces.append(Piece("section", (section, pending.facts_sections), heading.line))
        if pending.parsed.facts:
            node.pieces.append(Piece("text", pending.parsed.facts, heading.line))
        if pending.parsed.size:
            node.pieces.append(Piece("text", f"size: {pending.parsed.size}", heading.line))
        if heading.level == 1 and len(h1) > 1:
            node.kind = node.kind or "org"
            outline.orgs.append(node.name)
        nodes[id(section)] = node
        above: Node | None = None
        for written in pending.parsed.path:  # "Commerce / Checkout"
            step = outline.node(written, heading.line, "headings")
            step.pieces.append(Piece("named", written, heading.line))
            outline.link(step, above, "headings", heading.line)
            above = step
        if above is not None:
            outline.link(node, above, "headings", heading.line)
        up = parent_of.get(id(section))
        while up is not None and id(up) not in nodes:
            up = parent_of.get(id(up))
        if up is not None:
            outline.link(node, nodes[id(up)], "headings", heading.line)
        for said in pending.found:
            for written in said.facts.parents if said.subject == "" else []:
                # "Reports to: X" may name a person: only a group some shape drew counts.
                parent = outline.nodes.get(name_key(written))
                if parent is not None:
                    outline.link(node, parent, "headings", said.line)
    if nodes:
        outline.recognized("headings")

    return nodes


def check_levels(doc: Document, nodes: dict[int, Node], outline: Outline) -> None:
    """Sibling groups at different heading levels, or a level skipped: a problem to look at.
    Run once every shape has placed its groups (a table under a heading nests them)."""
    sections = [s for s in doc.sections() if s.heading is not None]
    section_of = {id(nodes[id(s)]): s for s in reversed(sections) if id(s) in nodes}
    by_depth: dict[int, set[int]] = {}
    for section in sections:
        node = nodes.get(id(section))
        if node is None or section.heading is None:
            continue
        level = section.heading.level
        by_depth.setdefault(node.depth(), set()).add(level)
        parent = node.parent
        if parent is not None:
            parent_section = section_of.get(id(parent))
            if (
                parent_section is not None
                and parent_section.heading is not None
                and level - parent_section.heading.level > 1
            ):
                outline.problems.append(
                    (
                        section.heading.line,
                        f"heading level jumps from {parent_section.heading.level} to {level} under {parent.name!r}: read as one level down",
                    )
                )
    for depth, levels in sorted(by_depth.items()):
        if len(levels) > 1:
            line = next(
                s.heading.line
                for s in sections
                if s.heading is not None
                and id(s) in nodes
                and nodes[id(s)].depth() == depth
                and s.heading.level != min(levels)
            )
            outline.problems.append(
                (
                    line,
                    f"groups of the same level are headings of levels {sorted(levels)}: read by where they sit, not by their level",
                )
            )
