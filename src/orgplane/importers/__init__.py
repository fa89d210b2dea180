"""Importers: Markdown org documents → the org model, with provenance and a loss report.

Imports ``spec``, ``model`` and ``errors``.
"""

from orgplane.importers.boxtree import BoxTree, TreeNode, looks_like_tree, parse_box_tree

__all__ = ["BoxTree", "TreeNode", "looks_like_tree", "parse_box_tree"]
