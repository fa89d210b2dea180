"""The facts of a group's blocks: labelled lines, a label and the list under it ("KPIs:"
then bullets), labelled bullets, sentences, and "Metric | Goal | Period" tables.

Imports ``importers.markdown.document``, ``facts.labels``, ``facts.sentences`` and
``structure.columns``. What a block says is returned with its lines; a block read only
in part (a sentence among others) is returned as left over, for the group's description
or notes, so nothing is lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from orgplane.importers.markdown.document import Block, ListBlock, ListItem, Paragraph, Table
from orgplane.importers.markdown.facts.labels import Facts, label_kind, read_labelled
from orgplane.importers.markdown.facts.sentences import SELF, read_sentences
from orgplane.importers.markdown.structure.columns import header_words

__all__ = ["Found", "facts_of_blocks", "facts_of_items", "is_label_line", "metric_table"]


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


def _labelled_line(line: str) -> Facts | None:
    facts = read_labelled(line)
    return (
        facts
        if (facts.any() or facts.about or facts.sizes or facts.code) and not facts.rest
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
            found.append(
                Found(SELF, Facts(kpis=[text.rstrip(".").strip()]), item.line, item.line, text)
            )
        elif label in ("from", "to", "with"):
            facts = read_labelled(f"needs: {text}")
            facts.deps = [(t, w, label) for t, w, _ in facts.deps]
            found.append(Found(SELF, facts, item.line, item.line, text))
        elif label == "lead":
            found.append(Found(SELF, read_labelled(f"lead: {text}"), item.line, item.line, text))
        elif (labelled := _labelled_line(text)) is not None:
            found.append(Found(SELF, labelled, item.line, item.line, text))
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


def metric_table(table: Table) -> list[tuple[int, str, int]] | None:
    """KPIs of a "Metric | Goal | Period" table as (column of the group or -1, text, line)."""
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
            if (
                len(lines) == 1
                and (kind := is_label_line(lines[0]))
                and lines[0].rstrip().endswith(":")
            ):
                next_label = kind
                found.append(Found(SELF, Facts(), block.line, block.end_line, block.text))
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
                if facts.any() or facts.about or facts.sizes or facts.code or next_label:
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
