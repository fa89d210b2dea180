"""The Markdown importer: org documents → the org model, with provenance and a loss report.

A reader finds a shape's reader by its name:

- ``document`` (with ``parser`` and ``inline``): Markdown as sections of blocks with lines;
- ``structure/``: what draws the org's groups — box-drawing and text trees, breakdown
  tables, heading outlines, bullet org charts, one-row-per-team tables;
- ``facts/``: what a group's section says about it — labelled facts, sentences, prose
  policies, team documents' roles, KPI tables, templates and rotations;
- ``phrases/``: the small phrase grammars (codes, dependencies, lists, planning rules);
- ``charts/``: org charts and flow charts, and Mermaid graphs;
- ``builder`` walks a document with them into drafts (``draft``); ``assemble`` makes the
  drafts an ``Org``.

Imports ``importers.report``, ``importers.textlimit``, ``spec``, ``model`` and ``errors``.
"""

from orgplane.importers.markdown.document import Document, parse_markdown, read_markdown

__all__ = ["Document", "parse_markdown", "read_markdown"]
