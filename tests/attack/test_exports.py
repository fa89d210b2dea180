"""Injection into the exports: hostile names, descriptions, notes and dependency texts do not
become HTML in the Markdown export, nor new statements in the Mermaid or DOT graphs."""

from __future__ import annotations

import re

import pytest

from orgplane.exporters import export
from orgplane.model import Dependency, Group, Org

SCRIPT = "<script>alert(1)</script>"
DETAILS = "<details open ontoggle=alert(1)>x</details>"
IMG = '<img src=x onerror="alert(1)">'
MERMAID_BREAKOUT = 'x"] --> B\nclick A href "javascript:alert(1)"'
MERMAID_DIRECTIVE = "%%{init: {'securityLevel': 'loose'}}%%"
DOT_BREAKOUT = 'x"]; "evil" [URL="javascript:alert(1)"]; x [label="'
DOT_HTML_LABEL = "<<b>html</b>>"
BACKSLASH = "ends in \\"
HOSTILE = [
    SCRIPT,
    DETAILS,
    IMG,
    MERMAID_BREAKOUT,
    MERMAID_DIRECTIVE,
    DOT_BREAKOUT,
    DOT_HTML_LABEL,
    BACKSLASH,
]
_DOT_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _org(text: str) -> Org:
    """``text`` in every field an export writes."""
    return Org(
        code="X",
        name=text,
        description=text,
        notes=[text],
        groups=[
            Group(
                code="A",
                name=text,
                description=text,
                notes=[text],
                boundaries=[text],
                groups=[
                    Group(
                        code="A-1",
                        name=text,
                        responsibilities=[text],
                        stack=[],
                        dependencies=[Dependency(target="B", provides=text)],
                        groups=[Group(code="U-1", name=text)],
                    )
                ],
            ),
            Group(code="B", name=text, dependencies=[Dependency(target=text, provides=text)]),
        ],
    )


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_export_writes_no_html(text: str) -> None:
    markdown = export(_org(text), "markdown")
    # Outside code blocks (where nothing is HTML), no tag can open: every "<" is an entity.
    prose = re.sub(r"(?ms)^(`{3,})\n.*?^\1$", "", markdown)
    assert "<script" not in prose
    assert "<details" not in prose
    assert "<img" not in prose
    assert "<b>" not in prose
    assert re.search(r"<(?!br>)", prose) is None
    if text == SCRIPT:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in prose


def test_markdown_export_keeps_ampersands_readable_and_entities_literal() -> None:
    markdown = export(_org("R&D and &lt;b&gt;"), "markdown")
    assert "R&D and &amp;lt;b&amp;gt;" in markdown


@pytest.mark.parametrize("text", HOSTILE)
def test_mermaid_labels_cannot_add_statements(text: str) -> None:
    mermaid = export(_org(text), "mermaid")
    lines = mermaid.splitlines()
    assert lines[0] == "flowchart LR"
    for line in lines[1:]:
        # Every line is a node, an edge or a comment; the spec's text sits only inside "…".
        outside = re.sub(r'"[^"]*"', "S", line.strip())
        assert re.fullmatch(
            r"org\{\{S\}\}|g_\w+\[S\]|\w+ (-->|-\.->|<-\.->)(\|S\|)? \w+|%% [^{}]*", outside
        ), line
    assert "click" not in "".join(re.sub(r'"[^"]*"', "", line) for line in lines)


@pytest.mark.parametrize("text", HOSTILE)
def test_dot_strings_cannot_add_statements_or_html_labels(text: str) -> None:
    dot = export(_org(text), "dot")
    # The comments (dependencies not drawn) are one line each and closed on that line.
    comments = [line for line in dot.splitlines() if line.lstrip().startswith("/*")]
    assert all(line.endswith("*/") and line.count("*/") == 1 for line in comments)
    graph = "\n".join(line for line in dot.splitlines() if line not in comments)
    skeleton = _DOT_STRING.sub("S", graph)
    assert '"' not in skeleton
    assert "<" not in skeleton  # an HTML-like label is only ever <…> outside quotes
    assert "URL" not in skeleton
    assert skeleton.count("{") == skeleton.count("}")
    # No string ends in an unescaped backslash that would swallow its closing quote.
    for string in _DOT_STRING.findall(dot):
        assert not re.search(r'(?<!\\)(\\\\)*\\"$', string)
