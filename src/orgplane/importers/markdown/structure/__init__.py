"""Readers of the shapes that draw an org's groups: trees, tables, headings, bullet charts."""
