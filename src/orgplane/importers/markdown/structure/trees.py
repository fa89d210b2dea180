"""Reading box-drawing trees: groups, their units, and itemized responsibilities and KPIs.

Imports ``importers.markdown.context``, ``importers.markdown.draft``, ``importers.markdown.structure.boxtree``,
``importers.markdown.phrases.grammar`` and ``importers.markdown.document``.
"""

from __future__ import annotations

from collections.abc import Iterator

from orgplane.importers.markdown.context import DocumentReader
from orgplane.importers.markdown.document import CodeBlock
from orgplane.importers.markdown.draft import Draft, add_unique, clean, deeper, same_name
from orgplane.importers.markdown.phrases.grammar import parse_inline_list, split_code_name
from orgplane.importers.markdown.structure.boxtree import TreeNode, parse_box_tree

__all__ = ["TreeReader"]

_RESPONSIBILITY_LABELS = {"responsibilities", "responsibility", "duties", "scope", "deliverables"}
#: Levels of a drawn tree read as groups and items; deeper lines are notes (with a finding).
MAX_TREE_DEPTH = 64
_KPI_LABELS = {"kpis", "kpi", "slos", "slo", "objectives", "okrs", "metrics"}


class TreeReader(DocumentReader):
    def _tree(self, block: CodeBlock, department: Draft) -> None:
        tree = parse_box_tree(block.text, block.line)
        for line, message in tree.problems:
            self.report.problem(self.loc(line), f"tree: {message}")
        for line, text in tree.stray:
            add_unique(department.notes, text)
            self.claim(line, "note", department.code, text)
        for root in tree.roots:
            parsed = split_code_name(root.label)
            if parsed.code == department.code:  # the root line is the department itself
                if parsed.name and not same_name(parsed.name, department.name):
                    add_unique(department.notes, f"Also written as: {parsed.name}")
                self.claim(root.line, "group", department.code, root.label)
                self._tree_children(root, department, department.code)
            else:
                self._tree_children(TreeNode("", root.line, 1, [root]), department, department.code)

    def _tree_children(self, top: TreeNode, top_group: Draft, top_path: str) -> None:
        """The nodes below ``top``, depth first (a stack, not recursion: a drawn tree may
        be thousands of levels deep). Below ``MAX_TREE_DEPTH`` levels lines are notes."""
        stack: list[tuple[Iterator[TreeNode], Draft, str, int]] = [
            (iter(top.children), top_group, top_path, 1)
        ]
        while stack:
            children, group, path, depth = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
                continue
            if depth > MAX_TREE_DEPTH:
                self._too_deep(child, group, path)
                continue
            inline = parse_inline_list(child.label)
            label = clean(inline[0]).lower() if inline else ""
            items = [*inline[1], *(c.label for c in child.children)] if inline else []
            if inline and label in _RESPONSIBILITY_LABELS:
                for item in items:
                    add_unique(group.responsibilities, item)
                self._claim_subtree(child, "responsibility", path)
            elif inline and label in _KPI_LABELS:
                for item in items:
                    add_unique(group.tree_kpis, item)
                self._claim_subtree(child, "kpi", path)
            else:
                parsed = split_code_name(child.label)
                if parsed.code is None:
                    add_unique(group.notes, child.label)
                    self.claim(child.line, "note", path, child.label)
                    stack.append((iter(child.children), group, path, depth + 1))
                    continue
                sub = group.child(parsed.code, parsed.name, deeper(group.kind))
                self.claim(child.line, "group", f"{path}/{sub.code}", child.label)
                stack.append((iter(child.children), sub, f"{path}/{sub.code}", depth + 1))

    def _too_deep(self, node: TreeNode, group: Draft, path: str) -> None:
        """A subtree below the depth limit: its lines are kept as notes, with one finding."""
        self.report.problem(
            self.loc(node.line),
            f"tree: deeper than {MAX_TREE_DEPTH} levels; the lines below are kept as notes",
        )
        for item in node.walk():
            add_unique(group.notes, item.label)
            self.claim(item.line, "note", path, item.label)

    def _claim_subtree(self, node: TreeNode, kind: str, path: str) -> None:
        for item in node.walk():
            self.claim(item.line, kind, path, item.label)
