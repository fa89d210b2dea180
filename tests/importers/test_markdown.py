"""The Markdown document model the importer reads: sections, tables, lists, code blocks
and quotes with their source lines; inline text reduced to plain text the same way on
the fast path and through markdown-it's inline parser."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from orgplane.importers.markdown.document import (
    CodeBlock,
    ListBlock,
    Paragraph,
    Quote,
    Table,
    parse_markdown,
)
from orgplane.importers.markdown.inline import InlineReader
from orgplane.importers.markdown.parser import markdown_parser

DOC = """\
# Org (ORG)

Intro paragraph
over two lines.

## 1A – Alpha

| Squad | Units | KPIs |
|---|---|---|
| **A-1 Procurement** | U-P1<br>U-P2 | Lead time ≤ 90 days |
| A-2 Escaped \\| pipe | U-W1 | |

- first
  - nested
- [ ] a check

> **Note:** governance text.

```text
1A Alpha
├── A-1
└── A-2
```
"""


def test_sections_follow_the_headings_with_their_levels_and_lines() -> None:
    doc = parse_markdown(DOC, "d.md")
    headings = [
        (s.heading.level, s.heading.text, s.heading.line) for s in doc.sections() if s.heading
    ]
    assert headings == [(1, "Org (ORG)", 1), (2, "1A – Alpha", 6)]
    (intro,) = [b for b in doc.sections()[1].blocks if isinstance(b, Paragraph)]
    assert (intro.text, intro.line, intro.end_line) == ("Intro paragraph\nover two lines.", 3, 4)


def test_tables_keep_cells_items_bold_runs_and_lines() -> None:
    doc = parse_markdown(DOC, "d.md")
    (table,) = [b for b in doc.blocks() if isinstance(b, Table)]
    assert table.header == ["Squad", "Units", "KPIs"]
    assert (table.line, table.end_line) == (8, 11)
    first, second = table.rows
    assert (first[0].text, first[0].bold, first[0].line) == (
        "A-1 Procurement",
        "A-1 Procurement",
        10,
    )
    assert first[1].items == ["U-P1", "U-P2"]
    assert second[0].text == "A-2 Escaped | pipe"
    assert second[2].text == ""
    assert table.problems == []


def test_a_ragged_row_is_a_problem_with_its_line() -> None:
    doc = parse_markdown("| A | B |\n|---|---|\n| 1 | 2 | 3 |\n| 4 |\n", "r.md")
    (table,) = [b for b in doc.blocks() if isinstance(b, Table)]
    assert [line for line, _ in table.problems] == [3, 4]


def test_lists_nest_and_checkboxes_are_read() -> None:
    doc = parse_markdown(DOC, "d.md")
    (items,) = [b for b in doc.blocks() if isinstance(b, ListBlock)]
    assert [i.text for i in items.items] == ["first", "a check"]
    assert [c.text for c in items.items[0].children] == ["nested"]
    assert (items.items[0].checked, items.items[1].checked) == (None, False)
    assert [i.line for i in items.items] == [13, 15]


def test_code_blocks_and_quotes_keep_their_text_and_lines() -> None:
    doc = parse_markdown(DOC, "d.md")
    (code,) = [b for b in doc.blocks() if isinstance(b, CodeBlock)]
    assert (code.info, code.line) == ("text", 20)  # the first line inside the fence
    assert code.text.splitlines()[0] == "1A Alpha"
    (quote,) = [b for b in doc.blocks() if isinstance(b, Quote)]
    assert "governance text." in quote.text
    assert quote.line == 17


#: Pieces of inline Markdown: words, and every character the fast path must get right.
_PIECES = st.sampled_from(
    [*"ab AZ09-:.,()\n*_`\\&<>[]", "**", "&amp;", "<br>", "<br/>", "**A-1 Name**", "B-2"]
)


@settings(max_examples=400, deadline=None)
@given(text=st.lists(_PIECES, max_size=24).map("".join))
def test_the_fast_inline_path_reads_exactly_what_markdown_it_reads(text: str) -> None:
    md = markdown_parser()
    fast = InlineReader(md, {})
    slow = InlineReader(md, {})
    slow.fast = False
    assert fast.fast  # the importer's own parser has exactly the CommonMark inline rules
    for breaks in ("\n", " "):
        assert fast.plain(text, breaks) == slow.plain(text, breaks)
