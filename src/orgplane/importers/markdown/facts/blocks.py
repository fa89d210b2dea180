"""The facts of a group's blocks: labelled lines, a label and the list under it ("KPIs:"
or "**Key results**" then bullets, a "▸ Metrics" toggle over its items), labelled
bullets, sentences, a group's card (its name on a line over labelled lines), property
tables ("| Engineering manager | A. Name |") and "Metric | Goal | Period" tables.

Imports ``importers.markdown.document``, ``facts.labels``, ``facts.sentences``,
``facts.properties``, ``phrases.words``, ``structure.names`` and ``structure.columns``.
What a block says is returned with its lines; a block read only in part (a sentence
among others) is returned as left over, for the group's description or notes, so
nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgplane.importers.markdown.document import Block, ListBlock, ListItem, Paragraph, Table
from orgplane.importers.markdown.facts.labels import Facts, label_kind, read_labelled
from orgplane.importers.markdown.facts.properties import property_facts
from orgplane.importers.markdown.facts.sentences import SELF, read_sentences
from orgplane.importers.markdown.phrases.words import unmark
from orgplane.importers.markdown.structure.columns import header_words
from orgplane.importers.markdown.structure.names import is_name

__all__ = [
    "Found",
    "bare_label",
    "card",
    "facts_of_blocks",
    "facts_of_items",
    "is_label_line",
    "metric_columns",
    "metric_table",
]


@dataclass(slots=True)
class Found:
    """Facts one place says, about ``subject`` (``SELF``: the group the place belongs to)."""

    subject: str
    facts: Facts
    line: int
    end_line: int
    text: str


def is_label_line(text: str) -> str | None:
    """The kind of a line that only labels what follows ("KPIs:", "Success metrics")."""
    body = text.strip().strip("*_").rstrip(":").strip().strip("*_")
    return label_kind(body) if text.strip().endswith(":") or len(body.split()) <= 3 else None


def bare_label(text: str) -> str | None:
    """What a line that is only a label introduces ("KPIs:", "▸ 📈 Metrics", "**Key
    results**"), or None; a word that may also name a group ("Platform", "Support") is a
    label only with a colon."""
    text = unmark(text).strip("*_ ")
    kind = is_label_line(text)
    if kind is None or read_labelled(text).any():
        return None
    return kind if text.rstrip("*_ ").endswith(":") or kind in ("kpi", "from") else None


def card(block: Paragraph) -> tuple[str, list[tuple[str, int]]] | None:
    """A group's card: its name alone on the first line, then labelled lines that state
    its lead, KPIs or dependencies ("Connectors" over "Owner: H. Lambert · Needs: …").
    Returns the name and each labelled line with its line number."""
    lines = block.text.split("\n")
    name = unmark(lines[0]).strip().strip("*_").strip()
    if len(lines) < 2 or not is_name(name) or is_label_line(name) is not None:
        return None
    said = [(line, block.line + i) for i, line in enumerate(lines[1:], 1) if line.strip()]
    facts = [_labelled_line(line) for line, _ in said]
    if not all(facts) or not any(f.leads or f.kpis or f.deps for f in facts if f is not None):
        return None
    return name, said


def _labelled_line(line: str) -> Facts | None:
    facts = read_labelled(line)
    return (
        facts
        if (facts.any() or facts.about or facts.sizes or facts.code or facts.parents)
        and not facts.rest
        else None
    )


def facts_of_items(items: list[ListItem], label: str | None) -> tuple[list[Found], list[ListItem]]:
    """Labelled bullets ("Lead: X", "KPIs: a; b"), or under a label each bullet one KPI or
    one dependency; items that are neither are left over."""
    found: list[Found] = []
    left: list[ListItem] = []
    for item in items:
        text = item.text
        if label == "kpi":
            own = read_labelled(text)  # "KR1: Checkout success ≥ 97%" under "Q3 OKRs"
            kpis = own.kpis if own.kpis and not own.rest else [text.rstrip(".").strip()]
            found.append(Found(SELF, Facts(kpis=kpis), item.line, item.line, text))
        elif label in ("from", "to", "with"):
            facts = read_labelled(f"needs: {text}")
            facts.deps = [(t, w, label) for t, w, _ in facts.deps]
            found.append(Found(SELF, facts, item.line, item.line, text))
        elif label == "lead":
            found.append(Found(SELF, read_labelled(f"lead: {text}"), item.line, item.line, text))
        elif (labelled := _labelled_line(text)) is not None:
            found.append(Found(SELF, labelled, item.line, item.line, text))
        elif item.children and (kind := bare_label(text)) is not None:
            found.append(Found(SELF, Facts(), item.line, item.line, text))  # "KPIs:" over items
            more, rest = facts_of_items(item.children, kind)
            found.extend(more)
            left.extend(rest)
            continue
        elif said := read_sentences(text):
            found.extend(Found(s.subject, s.facts, item.line, item.line, text) for s in said)
            left.append(item)
        else:
            left.append(item)
        if item.children:
            more, rest = facts_of_items(item.children, label)
            found.extend(more)
            left.extend(rest)
    return found, left


def metric_columns(table: Table) -> tuple[int, int, int | None] | None:
    """The metric, goal and period columns of a "Metric | Goal | Period" table, or None."""
    words = [header_words(h) for h in table.header]
    metric = next(
        (
            i
            for i, w in enumerate(words)
            if w & {"metric", "kpi", "slo", "indicator", "measure", "objective"}
        ),
        None,
    )
    goal = next(
        (
            i
            for i, w in enumerate(words)
            if w & {"goal", "target", "threshold", "objective", "slo"} and i != metric
        ),
        None,
    )
    if metric is None or goal is None:
        return None
    period = next(
        (
            i
            for i, w in enumerate(words)
            if w & {"period", "window", "cadence", "frequency", "measured", "measurement"}
        ),
        None,
    )
    return metric, goal, period


def metric_table(table: Table) -> list[tuple[int, str, int]] | None:
    """KPIs of a "Metric | Goal | Period" table as (column of the group or -1, text, line)."""
    columns = metric_columns(table)
    if columns is None:
        return None
    metric, goal, period = columns
    words = [header_words(h) for h in table.header]
    group = next((i for i, w in enumerate(words) if w & {"team", "squad", "group", "owner"}), -1)
    out: list[tuple[int, str, int]] = []
    for row in table.rows:
        name, target = row[metric].text.strip(), row[goal].text.strip()
        if not name and not target:
            continue
        text = f"{name} {target}".strip()
        if period is not None and row[period].text.strip():
            text += f" ({row[period].text.strip()})"
        out.append((group, " ".join(text.split()), row[0].line))
    return out


def facts_of_blocks(
    blocks: list[Block], label: str | None = None
) -> tuple[list[Found], list[Block]]:
    """The facts of a section's blocks, and the blocks read only in part or not at all."""
    found: list[Found] = []
    left: list[Block] = []
    for block in blocks:
        next_label = None
        if isinstance(block, Paragraph):
            lines = [line for line in block.text.split("\n") if line.strip()]
            if len(lines) == 1 and (kind := bare_label(lines[0])):
                next_label = kind
                found.append(Found(SELF, Facts(), block.line, block.end_line, block.text))
            elif named := card(block):
                for line, number in named[1]:
                    labelled = _labelled_line(line)
                    assert labelled is not None
                    found.append(Found(named[0], labelled, number, number, line))
                found.append(Found(SELF, Facts(), block.line, block.line, lines[0]))
            else:
                facts, prose = Facts(), []
                for number, line in enumerate(lines):
                    labelled = _labelled_line(line)
                    kind = is_label_line(line) if line.rstrip().endswith(":") else None
                    if labelled is not None:
                        facts.extend(labelled)
                    elif kind is not None and number == len(lines) - 1:
                        next_label = kind  # "SLOs:" closing the paragraph: the list below
                    else:
                        prose.append(line)
                if (
                    facts.any()
                    or facts.about
                    or facts.sizes
                    or facts.code
                    or facts.parents
                    or next_label
                ):
                    found.append(Found(SELF, facts, block.line, block.end_line, block.text))
                if prose:
                    said = read_sentences(" ".join(prose))
                    found.extend(
                        Found(s.subject, s.facts, block.line, block.end_line, block.text)
                        for s in said
                    )
                    left.append(block)
        elif isinstance(block, ListBlock):
            more, rest = facts_of_items(block.items, label)
            found.extend(more)
            if rest:
                left.append(block)
        elif isinstance(block, Table) and (rows_of := property_facts(block)) is not None:
            found.extend(Found(s, f, line, line, text) for s, f, line, text in rows_of)
        elif (
            isinstance(block, Table)
            and (rows := metric_table(block)) is not None
            and all(g < 0 for g, _, _ in rows)
        ):
            found.extend(
                Found(SELF, Facts(kpis=[text]), line, line, text) for _, text, line in rows
            )
            found.append(Found(SELF, Facts(), block.line, block.end_line, " | ".join(block.header)))
        else:
            left.append(block)
        label = next_label
    return found, left
