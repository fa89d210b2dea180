"""Importers: org documents → the org model, with provenance and a loss report.

Each importer is its own package: ``markdown`` reads Markdown org documents (by shape:
structure, facts, phrases, charts), ``openslo`` reads OpenSLO YAML. ``service`` runs
them over a set of files; ``report`` is the account of what became what. Imports
``kpis``, ``spec``, ``model`` and ``errors``.
"""

from orgplane.importers.markdown.structure.boxtree import (
    BoxTree,
    TreeNode,
    looks_like_tree,
    parse_box_tree,
)

__all__ = ["BoxTree", "TreeNode", "looks_like_tree", "parse_box_tree"]
