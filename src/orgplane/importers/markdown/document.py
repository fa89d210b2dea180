"""Markdown documents as blocks with line numbers: headings, paragraphs, tables, lists,
code blocks, quotes — parsed by markdown-it-py (CommonMark + GFM tables).

Imports markdown-it-py, ``orgplane.errors``, ``spec.reader`` and ``importers.markdown.parser``,
``importers.markdown.inline`` and ``gcpause``. Inline markup is reduced to plain text;
a bold run that starts a cell or list item is kept apart, because documents put a
group's code and name there (``**A-1 Procurement**``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from orgplane.errors import Diagnostic, SpecReadError
from orgplane.gcpause import paused_gc
from orgplane.importers.markdown.inline import InlineReader
from orgplane.importers.markdown.parser import TABLE, TableRow, markdown_parser
from orgplane.spec.reader import decode_text

__all__ = [
    "Block",
    "Cell",
    "CodeBlock",
    "Document",
    "Heading",
    "Html",
    "ListBlock",
    "ListItem",
    "Paragraph",
    "Quote",
    "Rule",
    "Section",
    "Table",
    "parse_markdown",
    "read_markdown",
]

MAX_BYTES = 64 * 1024 * 1024
_TASK = re.compile(r"^\[([ xX])\]\s+")
_PIPE = re.compile(r"(?<!\\)\|")
_FRONT = re.compile(r"^(?:[\w.-]+\s*:|\s+\S|-\s)")
# One parser for every document (markdown-it keeps no state between parses).
_MD = markdown_parser()


@dataclass(slots=True)
class Heading:
    level: int
    text: str
    line: int


@dataclass(slots=True)
class Paragraph:
    text: str
    line: int
    end_line: int


@dataclass(slots=True)
class Cell:
    text: str
    items: list[str]
    bold: str | None
    line: int


@dataclass(slots=True)
class Table:
    header: list[str]
    rows: list[list[Cell]]
    line: int
    end_line: int
    problems: list[tuple[int, str]] = field(default_factory=list)


@dataclass(slots=True)
class ListItem:
    text: str
    line: int
    checked: bool | None = None
    bold: str | None = None
    children: list[ListItem] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ListBlock:
    items: list[ListItem]
    ordered: bool
    line: int
    end_line: int


@dataclass(slots=True)
class CodeBlock:
    info: str
    text: str
    line: int
    end_line: int


@dataclass(slots=True)
class Quote:
    text: str
    line: int
    end_line: int


@dataclass(slots=True)
class Rule:
    line: int


@dataclass(slots=True)
class Html:
    text: str
    line: int
    end_line: int


Block = Heading | Paragraph | Table | ListBlock | CodeBlock | Quote | Rule | Html


@dataclass(slots=True)
class Section:
    heading: Heading | None
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)

    def walk(self) -> list[Section]:
        out: list[Section] = []
        stack: list[Section] = [self]
        while stack:
            section = stack.pop()
            out.append(section)
            stack.extend(reversed(section.children))
        return out

    def title(self) -> str:
        return self.heading.text if self.heading else ""


@dataclass(slots=True)
class Document:
    path: str
    root: Section
    lines: list[str]

    def sections(self) -> list[Section]:
        return self.root.walk()

    def blocks(self) -> list[Block]:
        return [block for section in self.sections() for block in section.blocks]


def _line(token: Token) -> tuple[int, int]:
    if token.map is None:
        return 0, 0
    return token.map[0] + 1, max(token.map[0] + 1, token.map[1])


def _cells(line_text: str) -> int:
    body = line_text.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return len(_PIPE.split(body))


class _Parser:
    def __init__(self, tokens: list[Token], lines: list[str], inline: InlineReader) -> None:
        self.tokens = tokens
        self.lines = lines
        self.inline = inline
        self.i = 0

    def blocks(self, until: str | None = None) -> list[Block | Heading]:
        out: list[Block | Heading] = []
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            if until is not None and token.type == until:
                self.i += 1
                return out
            block = self._block(token)
            if block is not None:
                out.append(block)
        return out

    def _block(self, token: Token) -> Block | Heading | None:
        kind = token.type
        line, end = _line(token)
        if kind == "heading_open":
            text, _ = self.inline.plain(self.tokens[self.i + 1].content, breaks=" ")
            self.i += 3
            return Heading(int(token.tag[1:]), text, line)
        if kind == "paragraph_open":
            text, _ = self.inline.plain(self.tokens[self.i + 1].content)
            self.i += 3
            return Paragraph(text, line, end)
        if kind in ("fence", "code_block"):
            self.i += 1
            first = line + 1 if kind == "fence" else line
            return CodeBlock(token.info.strip(), token.content, first, end)
        if kind == "hr":
            self.i += 1
            return Rule(line)
        if kind == "html_block":
            self.i += 1
            return Html(token.content, line, end)
        if kind == "blockquote_open":
            self.i += 1
            inner = self.blocks(until="blockquote_close")
            texts = [getattr(b, "text", "") for b in inner]
            return Quote("\n".join(t for t in texts if t), line, end)
        if kind == TABLE:
            self.i += 1
            return self._table(token.meta["header"], token.meta["rows"], line, end)
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.i += 1
            items = self._items(token.type.replace("_open", "_close"), token.level)
            return ListBlock(items, kind == "ordered_list_open", line, end)
        self.i += 1
        return None

    def _items(self, close: str, level: int) -> list[ListItem]:
        items: list[ListItem] = []
        while self.i < len(self.tokens):
            token = self.tokens[self.i]
            if token.type == close and token.level == level:
                self.i += 1
                return items
            if token.type != "list_item_open":
                self.i += 1
                continue
            line, _ = _line(token)
            self.i += 1
            item = ListItem("", line)
            first = True
            while self.i < len(self.tokens) and not (
                self.tokens[self.i].type == "list_item_close"
                and self.tokens[self.i].level == token.level
            ):
                inner = self.tokens[self.i]
                if inner.type == "paragraph_open":
                    text, bold = self.inline.plain(self.tokens[self.i + 1].content, breaks=" ")
                    self.i += 3
                    if first:
                        task = _TASK.match(text)
                        if task:
                            item.checked = task.group(1) != " "
                            text = text[task.end() :]
                        item.text, item.bold, first = text, bold, False
                    else:
                        item.extra.append(text)
                elif inner.type in ("bullet_list_open", "ordered_list_open"):
                    self.i += 1
                    item.children.extend(
                        self._items(inner.type.replace("_open", "_close"), inner.level)
                    )
                else:
                    block = self._block(inner)
                    text = getattr(block, "text", "") if block is not None else ""
                    if text:
                        if first:
                            item.text, first = text, False
                        else:
                            item.extra.append(text)
            self.i += 1
            items.append(item)
        return items

    def _table(self, head: list[str], body: list[TableRow], line: int, end: int) -> Table:
        plain = self.inline.plain
        header = [" ".join(plain(cell)[0].split()) for cell in head]
        rows: list[list[Cell]] = []
        for number, cells in body:
            row: list[Cell] = []
            for content in cells:
                text, bold = plain(content)
                # ``text`` is already lines with whitespace collapsed, none of them empty.
                row.append(Cell(text, text.split("\n") if text else [], bold, number + 1))
            rows.append(row)
        table = Table(header, rows, line, end)
        for number in range(line, end + 1):
            if number == line + 1 or number > len(self.lines):
                continue
            count = _cells(self.lines[number - 1])
            if self.lines[number - 1].strip() and count != len(header):
                table.problems.append(
                    (number, f"row has {count} cells, the header has {len(header)}")
                )
        for r in table.rows:
            while len(r) < len(header):
                r.append(Cell("", [], None, r[0].line if r else line))
        return table


def _front_matter(lines: list[str]) -> CodeBlock | None:
    """A YAML front matter block ("---", "title: …" lines, "---") at the very start, as a
    code block of info ``front-matter``: its lines are metadata, not Markdown."""
    if not lines or lines[0].strip() != "---":
        return None
    for number, line in enumerate(lines[1:50], 2):
        if line.strip() in ("---", "..."):
            body = lines[1 : number - 1]
            if body and all(_FRONT.match(x) or not x.strip() for x in body):
                return CodeBlock("front-matter", "\n".join(body), 1, number)
            return None
    return None


def parse_markdown(text: str, path: str = "<text>") -> Document:
    """Parse Markdown text into sections of blocks (never raises on any text)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    lines = text.split("\n")
    env: dict[str, Any] = {}
    front = _front_matter(lines)
    if front is not None:  # blank, so that markdown-it keeps every later line's number
        text = "\n" * front.end_line + "\n".join(lines[front.end_line :])
    with paused_gc():
        tokens = _MD.parse(text, env)
        parsed = _Parser(tokens, lines, InlineReader(_MD, env)).blocks()
    if front is not None:
        parsed.insert(0, front)
    root = Section(None)
    stack: list[Section] = [root]
    for block in parsed:
        if isinstance(block, Heading):
            while (
                len(stack) > 1
                and stack[-1].heading is not None
                and stack[-1].heading.level >= block.level
            ):
                stack.pop()
            section = Section(block)
            stack[-1].children.append(section)
            stack.append(section)
        else:
            stack[-1].blocks.append(block)
    return Document(path, root, lines)


def read_markdown(path: Path, display: str | None = None) -> Document:
    """Read a Markdown file; unreadable, binary or mis-encoded files raise ``SpecReadError``."""
    name = display or str(path)
    try:
        if path.is_dir():
            raise SpecReadError(
                Diagnostic("OP000", "is a directory, expected a Markdown file", name)
            )
        data = path.read_bytes()
    except OSError as exc:
        raise SpecReadError(
            Diagnostic("OP000", f"cannot read file: {exc.strerror or exc}", name)
        ) from None
    if len(data) > MAX_BYTES:
        raise SpecReadError(Diagnostic("OP000", "file is larger than 64 MiB", name))
    text = decode_text(data, name, "Markdown")
    return parse_markdown(text, name)
