"""The markdown-it parser the importer reads documents with: CommonMark + GFM tables.

Imports markdown-it-py. Two changes from ``MarkdownIt("commonmark").enable("table")``,
neither changing what is read:

- a table is one token (``TABLE``) holding its cells' raw text by row, instead of about
  three tokens per cell; where tables start and end is still decided by markdown-it's
  own GFM table rule (see ``_table``);
- inline text is not parsed up front (no ``inline`` core rule, nor ``text_join``, which
  only merges the inline rule's text tokens): the document model reads it where it is
  used (``importers.markdown.inline``), most of it without markdown-it's inline parser.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.state_block import StateBlock
from markdown_it.rules_block.table import MAX_AUTOCOMPLETED_CELLS
from markdown_it.rules_block.table import table as gfm_table

__all__ = ["TABLE", "TableRow", "markdown_parser"]

#: The type of a table's token; ``meta["header"]`` holds the header cells' text and
#: ``meta["rows"]`` a ``TableRow`` per body row.
TABLE = "orgplane_table"
#: A body row: its line (0-based) and its cells' text, as many cells as the header has.
TableRow = tuple[int, list[str]]

_PIPE = re.compile(r"(?<!\\)\|")


def _split(line: str) -> list[str]:
    """A table line's cells, split on unescaped pipes (``\\|`` is a literal pipe), without
    the empty cells outside leading and trailing pipes — as markdown-it splits them."""
    cells = [cell.replace("\\|", "|") for cell in _PIPE.split(line)]
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _line(state: StateBlock, line: int) -> str:
    return mdTrim(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])


def _table(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """markdown-it's GFM table rule (markdown-it-py 4), keeping the cells as text.

    Whether a table starts here is markdown-it's own answer. Its body ends where
    markdown-it ends it: at a line indented less than the table, a line another block
    starts (the rules that end a block quote), a blank line, an indented code line, or
    once too many missing cells would be filled in."""
    if not gfm_table(state, start, end, True):
        return False
    if silent:
        return True
    header = [mdTrim(cell) for cell in _split(_line(state, start))]
    columns = len(header)
    old_parent = state.parentType
    state.parentType = "table"
    terminators = state.md.block.ruler.getRules("blockquote")
    rows: list[TableRow] = []
    autocompleted = 0
    line = start + 2
    while line < end:
        if state.sCount[line] < state.blkIndent:
            break
        if any(rule(state, line, end, True) for rule in terminators):
            break
        text = _line(state, line)
        if not text or state.is_code_block(line):
            break
        cells = _split(text)
        autocompleted += columns - len(cells)
        if autocompleted > MAX_AUTOCOMPLETED_CELLS:
            break
        cells = [mdTrim(cell) for cell in cells[:columns]]
        rows.append((line, cells + [""] * (columns - len(cells))))
        line += 1
    token = state.push(TABLE, "table", 0)
    token.map = [start, line]
    token.meta = {"header": header, "rows": rows}
    state.parentType = old_parent
    state.line = line
    return True


def markdown_parser() -> MarkdownIt:
    """CommonMark with GFM tables, tables as one token each, inline text left unparsed."""
    md = MarkdownIt("commonmark").enable("table")
    md.block.ruler.at("table", _table, {"alt": ["paragraph", "reference"]})
    md.disable(["inline", "text_join"])
    return md
