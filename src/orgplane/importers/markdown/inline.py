"""Inline Markdown (a heading, a paragraph, a table cell) reduced to plain text.

Imports markdown-it-py. ``<br>`` becomes a line break, other HTML is dropped, and a bold
run that starts the text is kept apart, because documents put a group's code and name
there (``**A-1 Procurement**``).

Most text in org documents is plain words, ``<br>`` tags and a leading bold run. Such
text is read here directly; anything else (emphasis elsewhere, code spans, links,
escapes, entities, other HTML) goes through markdown-it's inline parser. The direct
reading gives exactly what the parser's tokens give, for the CommonMark inline rules
only (``fast_path_applies`` checks a parser has exactly those).
"""

from __future__ import annotations

import re
from collections.abc import MutableMapping
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

__all__ = ["InlineReader", "fast_path_applies"]

_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)

# The CommonMark preset's inline rules, which the direct reading below mirrors.
_COMMONMARK_INLINE = [
    "text",
    "newline",
    "escape",
    "backticks",
    "emphasis",
    "link",
    "image",
    "autolink",
    "html_inline",
    "entity",
]
# Where one of those rules may start something other than plain text: an escape, a code
# span, emphasis, a link (an image needs a ``[`` too), an entity (``&`` + ``#`` or a
# name). ``<`` is looked at apart.
_MARKUP = re.compile(r"[\\`*_\[]|&[#A-Za-z]")
# A ``<`` that is neither followed by a space (never a tag, never an autolink) nor last.
_ANGLE = re.compile(r"<(?![ \t\n]|\Z)")


def fast_path_applies(md: MarkdownIt) -> bool:
    """Whether ``md`` reads inline text with exactly the rules the direct reading mirrors."""
    rules = md.get_active_rules()
    return rules.get("inline") == _COMMONMARK_INLINE and bool(md.options.get("html"))


def _lines(text: str, breaks: str) -> str | None:
    """Plain words and ``<br>`` tags as the parser's tokens read; None for anything else."""
    if "<" not in text:
        return text.replace("\n", breaks) if breaks != "\n" else text
    out: list[str] = []
    pos = 0
    for angle in _ANGLE.finditer(text):
        # A <br> is an HTML tag (never an autolink: it has no ":" and no "@").
        tag = _BR.match(text, angle.start())
        if tag is None:
            return None
        out.append(text[pos : tag.start()].replace("\n", breaks))
        out.append("\n")
        pos = tag.end()
    out.append(text[pos:].replace("\n", breaks))
    return "".join(out)


def _finish(text: str, bold: str | None) -> tuple[str, str | None]:
    """Each line's whitespace collapsed, empty lines dropped; the bold run on one line."""
    if "\n" in text:
        lines = [" ".join(line.split()) for line in text.split("\n")]
        plain = "\n".join(line for line in lines if line)
    else:
        plain = " ".join(text.split())
    return plain, (" ".join(bold.split()) or None) if bold else None


def _direct(content: str, breaks: str) -> tuple[str, str | None] | None:
    """Plain text and leading bold run of simple inline text; None when not simple."""
    if not content.startswith("**"):
        if _MARKUP.search(content):
            return None
        text = _lines(content, breaks)
        return None if text is None else _finish(text, None)
    close = content.find("**", 2)
    if close <= 2 or content.count("*") != 4:
        return None
    inner, rest = content[2:close], content[close + 2 :]
    if _MARKUP.search(inner) or _MARKUP.search(rest):
        return None
    # "**" at the start opens strong emphasis when a non-space follows. The closing "**"
    # closes it after a letter or digit, or after any non-space when it ends the text.
    if inner[0].isspace() or not (inner[-1].isalnum() or (not rest and not inner[-1].isspace())):
        return None
    bold, tail = _lines(inner, breaks), _lines(rest, breaks)
    if bold is None or tail is None:
        return None
    return _finish(bold + tail, bold)


def _from_tokens(children: list[Token], breaks: str) -> tuple[str, str | None]:
    """Plain text and leading bold run of markdown-it's inline tokens (escapes and entities
    are ``text_special`` tokens: no ``text_join`` turned them into text)."""
    parts: list[str] = []
    bold: list[str] | None = None
    in_leading_bold = False
    seen_text = False
    for child in children:
        kind = child.type
        text = ""
        if kind in ("text", "text_special", "code_inline"):
            text = child.content
        elif kind in ("softbreak", "hardbreak"):
            text = breaks
        elif kind == "html_inline":
            text = "\n" if _BR.fullmatch(child.content.strip()) else ""
        elif kind == "image":
            text = child.content
        elif kind == "strong_open" and not seen_text and bold is None:
            bold, in_leading_bold = [], True
            continue
        elif kind == "strong_close" and in_leading_bold:
            in_leading_bold = False
            continue
        if text.strip():
            seen_text = True
        if in_leading_bold and bold is not None:
            bold.append(text)
        parts.append(text)
    return _finish("".join(parts), "".join(bold) if bold else None)


class InlineReader:
    """Reads the inline text of one parsed document (``env`` holds its link references)."""

    def __init__(self, md: MarkdownIt, env: MutableMapping[str, Any]) -> None:
        self.md = md
        self.env = env
        self.fast = fast_path_applies(md)

    def plain(self, content: str, breaks: str = "\n") -> tuple[str, str | None]:
        """Plain text of inline Markdown, and the bold run it starts with (if any). Line
        breaks in the Markdown become ``breaks``; a ``<br>`` always a new line."""
        if self.fast:
            direct = _direct(content, breaks)
            if direct is not None:
                return direct
        children = self.md.inline.parse(content, self.md, self.env, [])
        if not children:
            return content.strip(), None
        return _from_tokens(children, breaks)
